"""Stub runs with synthesized inputs: input synthesis (``inputs``), version shims (``shims``), the check (``run``)."""

from __future__ import annotations
