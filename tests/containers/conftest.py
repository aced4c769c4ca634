"""Fixtures of the `containers` tier: the engine and images ready, simulated reads and a reference."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ..paths import CORPUS
from ..support import require_engine, require_tools, unavailable
from ..variant_chain import Data, simulate
from .engines import require_images


@pytest.fixture(scope="session")
def images() -> None:
    """Docker, Podman and the test images (scripts/containers.sh up) plus the Nextflow engine."""
    require_engine()
    require_images()


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "fastp" / "main.nf").is_file():
        unavailable(f"the nf-core modules corpus is not at {CORPUS} (set PYNF_SHARED_DIR to the shared folder)")
    return CORPUS


@pytest.fixture(scope="session")
def data(tmp_path_factory) -> Data:
    """One simulated sample (single-end reads, gzipped) on a small random reference."""
    require_tools("wgsim", "samtools")
    return simulate(tmp_path_factory.mktemp("containers-data"), 1, length=3000, reads=300)


@pytest.fixture(scope="session")
def bwa_index(data, tmp_path_factory) -> Path:
    """The reference's BWA index, made with this machine's bwa (the format is the same across 0.7.x)."""
    require_tools("bwa")
    folder = tmp_path_factory.mktemp("containers-bwa") / "bwa"
    folder.mkdir()
    subprocess.run(["bwa", "index", "-p", str(folder / "genome"), str(data.ref)], check=True, capture_output=True)
    return folder
