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
    """The embedded Nextflow engine (EngineInfo). Skips where Java or the engine cannot be had,
    except under CI=true, where a missing engine fails the test."""
    import os

    from pynf.engine import info
    from pynf.errors import PynfError

    try:
        return info()
    except PynfError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the Nextflow engine must be available in CI: {exc}")
        pytest.skip(f"Nextflow engine unavailable: {exc}")
