"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from .paths import CORPUS


@pytest.fixture
def corpus_dir() -> Path:
    """The shared nf-core corpus; the test is skipped (with the reason) where it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (set PYNF_SHARED_DIR to the shared/ folder)")
    return CORPUS


@pytest.fixture(scope="session")
def engine():
    """The embedded Nextflow engine (EngineInfo); skipped without it, except under CI=true."""
    from .support import require_engine

    return require_engine()
