"""The modules the `containers` tier runs: inputs, the output compared across runs, the tool that answers."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..variant_chain import Data
from .images import MODULES

__all__ = ["CASES", "Case", "Inputs", "index_records", "records"]


@dataclass(frozen=True)
class Inputs:
    """What the modules read: simulated data, its BWA index and a sorted BAM of its reads."""

    data: Data
    bwa_index: Path
    bam: Path


def _reads(inputs: Inputs) -> Path:
    return inputs.data.reads["s1"]


_SAMPLE = {"id": "s1", "single_end": True}
_REF = {"id": "genome"}


@dataclass(frozen=True)
class Case:
    """One module: its folder, inputs, the emit compared between runs and the tools it reports."""

    name: str
    inputs: Callable[[Inputs], dict[str, Any]]
    emit: str
    tools: tuple[str, ...]

    @property
    def module(self) -> Path:
        return MODULES[self.name]


CASES = {case.name: case for case in (
    Case("seqtk_seq", lambda i: {"meta": _SAMPLE, "fastx": str(_reads(i))}, "fasta", ("seqtk",)),
    Case("fastp", lambda i: {"0": [_SAMPLE, str(_reads(i)), []], "discard_trimmed_pass": False,
                             "save_trimmed_fail": False, "save_merged": False}, "reads", ("fastp",)),
    Case("bwa_mem", lambda i: {"0": [_SAMPLE, str(_reads(i))], "1": [_REF, str(i.bwa_index)],
                               "2": [_REF, str(i.data.ref)], "sort_bam": True}, "bam", ("bwa", "samtools")),
    Case("samtools_index", lambda i: {"0": [_SAMPLE, str(i.bam)]}, "index", ("samtools",)),
)}


def records(path: Path) -> list[str]:
    """The comparable content of an output: reads, alignments (no header: it names the tool's version and
    the work dir) or text lines."""
    path = Path(path)
    if path.name.endswith(".gz"):
        with gzip.open(path, "rt") as fh:
            return fh.read().splitlines()
    if path.suffix == ".bam":
        return _samtools("view", str(path))
    return path.read_text().splitlines()


def index_records(bam: Path, bai: Path) -> list[str]:
    """What a BAM index answers for ``bam``: per-reference counts and a region query through the index
    (its bytes hold file offsets, which move with the BAM header's tool versions)."""
    with tempfile.TemporaryDirectory() as tmp:
        local = Path(tmp) / "x.bam"
        shutil.copyfile(bam, local)
        shutil.copyfile(bai, Path(tmp) / "x.bam.bai")
        stats = _samtools("idxstats", str(local))
        region = stats[0].split("\t")[0] + ":100-1000"
        return stats + _samtools("view", "-c", str(local), region)


def _samtools(*args: str) -> list[str]:
    return subprocess.run(["samtools", *args], check=True, capture_output=True, text=True).stdout.splitlines()
