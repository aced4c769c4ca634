"""Tests, tier: seqera."""
