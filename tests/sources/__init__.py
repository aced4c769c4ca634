"""Tests, tier: sources."""
