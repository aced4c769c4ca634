"""What tests need from the machine: the Nextflow engine and Debian tools.

Where one is missing the test is skipped with the reason, except under ``CI=true``: there a
missing engine or tool is a failure (CI installs them all).
"""

from __future__ import annotations

import os
import shutil

import pytest

__all__ = ["require_engine", "require_tools", "unavailable"]


def unavailable(reason: str):
    """Skip with ``reason`` locally; fail with it in CI."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def require_engine():
    """The engine in use (``EngineInfo``): resolved on first use, else skip (fail in CI)."""
    from pynf.backends.local.engine import info
    from pynf.errors import PynfError

    try:
        return info()
    except PynfError as exc:
        unavailable(f"the Nextflow engine is unavailable (needs Java 17+ and Maven Central once): {exc}")


def require_tools(*tools: str) -> None:
    """Skip (fail in CI) unless every tool is on PATH."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        unavailable(f"tools not installed: {', '.join(missing)} (apt-get install {' '.join(missing)})")
