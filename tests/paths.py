"""Paths the tests share: the repo, its fixtures and the shared corpus."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
MODULE_FIXTURES = FIXTURES / "modules"
MALFORMED = FIXTURES / "malformed"
SHARED = Path(os.environ.get("PYNF_SHARED_DIR", REPO.parent / "shared"))
CORPUS = SHARED / "corpus" / "nf-core-modules"


def fixture_modules() -> list[str]:
    """Names of the fixture modules, sorted."""
    return sorted(p.name for p in MODULE_FIXTURES.iterdir() if (p / "main.nf").is_file())
