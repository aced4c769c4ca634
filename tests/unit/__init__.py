"""Tests, tier: unit."""
