"""Tests, tier: engine."""
