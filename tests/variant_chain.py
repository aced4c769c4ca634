"""A small variant-calling chain over simulated samples with planted SNPs, built from the real nf-core modules.

fastp -> bwa/index + bwa/mem -> samtools/index -> samtools/stats and bcftools/mpileup, either as ONE
:class:`pynf.Workflow` run or as one ``pynf.run`` per step.  Shared by the acceptance tests and
``benchmarks/workflow_vs_steps.py``.  The modules are read from the corpus at run time (never copied).
"""

from __future__ import annotations

import gzip
import random
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pynf

__all__ = ["Data", "simulate", "build_workflow", "run_steps", "MODULES", "STEPS", "records"]

#: step name -> nf-core module ID, in chain order.
MODULES = {"trim": "fastp", "bwa_index": "bwa/index", "align": "bwa/mem", "bam_index": "samtools/index",
           "stats": "samtools/stats", "call": "bcftools/mpileup"}
STEPS = list(MODULES)
CALL_OPTIONS = pynf.RunOptions(ext={"args2": "-m -v"})  # bcftools call: multiallelic caller, variants only
_BASES = "ACGT"


@dataclass
class Data:
    """Simulated inputs: reference (+ .fai), one gzipped FASTQ per sample, planted SNPs per sample."""

    ref: Path
    fai: Path
    reads: dict[str, Path]
    snps: dict[str, dict[int, tuple[str, str]]] = field(default_factory=dict)  # sample -> {pos(1-based): (ref, alt)}


def simulate(directory: Path, samples: int = 3, *, length: int = 4000, reads: int = 1200, snps: int = 4,
             seed: int = 7) -> Data:
    """Write a random reference and per-sample reads (wgsim, error-free) from a copy with planted SNPs."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    genome = "".join(rng.choice(_BASES) for _ in range(length))
    ref = directory / "genome.fa"
    ref.write_text(">chr1\n" + "\n".join(genome[i:i + 60] for i in range(0, length, 60)) + "\n")
    subprocess.run(["samtools", "faidx", str(ref)], check=True)
    data = Data(ref=ref, fai=Path(str(ref) + ".fai"), reads={})
    for n in range(samples):
        name = f"s{n + 1}"
        positions = sorted(rng.sample(range(200, length - 200), snps))
        seq = list(genome)
        planted = {}
        for pos in positions:
            alt = rng.choice([b for b in _BASES if b != seq[pos]])
            planted[pos + 1] = (seq[pos], alt)
            seq[pos] = alt
        mutated = directory / f"{name}.genome.fa"
        mutated.write_text(">chr1\n" + "".join(seq) + "\n")
        r1, r2 = directory / f"{name}.r1.fq", directory / f"{name}.r2.fq"
        subprocess.run(["wgsim", "-N", str(reads), "-1", "100", "-2", "100", "-e", "0", "-r", "0", "-R", "0",
                        "-S", str(seed + n), str(mutated), str(r1), str(r2)], check=True, capture_output=True)
        fq = directory / f"{name}_reads.fq.gz"
        with open(r1, "rb") as src, open(fq, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as dst:
            shutil.copyfileobj(src, dst)
        data.reads[name] = fq
        data.snps[name] = planted
    return data


def _module(corpus: Path, step: str) -> str:
    return str(corpus / MODULES[step])


def _ref_meta() -> dict:
    return {"id": "genome"}


def build_workflow(corpus: Path, data: Data, name: str = "variants") -> pynf.Workflow:
    """The chain as one workflow (steps named as in :data:`STEPS`)."""
    wf = pynf.Workflow(name)
    reads = pynf.Queue([[{"id": s, "single_end": True}, str(p), []] for s, p in sorted(data.reads.items())])
    trim = wf.add(_module(corpus, "trim"), {"0": reads}, discard_trimmed_pass=False, save_trimmed_fail=False,
                  save_merged=False, name="trim")
    index = wf.add(_module(corpus, "bwa_index"), meta=_ref_meta(), fasta=str(data.ref), name="bwa_index")
    align = wf.add(_module(corpus, "align"), {"2": [_ref_meta(), str(data.ref)]}, reads=trim.out.reads,
                   index=index.out.index, sort_bam=True, name="align")
    bai = wf.add(_module(corpus, "bam_index"), input=align.out.bam, name="bam_index")
    reference = [_ref_meta(), str(data.ref), str(data.fai)]
    wf.add(_module(corpus, "stats"), {"1": reference}, input=align.out.bam, input_index=bai.out.index, name="stats")
    wf.add(_module(corpus, "call"), {"1": reference}, bam=align.out.bam, intervals_mpileup=[], intervals_call=[],
           save_mpileup=False, name="call", options=CALL_OPTIONS)
    return wf


def _items(result: Any, key: str) -> list:
    return [list(item) for item in result.outputs[key]]


def run_steps(corpus: Path, data: Data, root: Path, **run_options: Any) -> dict[str, Any]:
    """The same chain as one ``pynf.run`` per step (each step waits for the whole previous one)."""
    out: dict[str, Any] = {}

    def run(step: str, inputs: Any, **kw: Any) -> Any:
        out[step] = pynf.run(_module(corpus, step), inputs, run_dir=root / step, outdir=root / step / "results",
                             **run_options, **kw)
        return out[step]

    reads = pynf.Queue([[{"id": s, "single_end": True}, str(p), []] for s, p in sorted(data.reads.items())])
    trim = run("trim", {"0": reads, "discard_trimmed_pass": False, "save_trimmed_fail": False, "save_merged": False})
    index = run("bwa_index", {"meta": _ref_meta(), "fasta": str(data.ref)})
    align = run("align", {"0": pynf.Queue(_items(trim, "reads")), "1": _items(index, "index")[0],
                          "2": [_ref_meta(), str(data.ref)], "sort_bam": True})
    bams = {item[0]["id"]: item for item in _items(align, "bam")}
    bai = run("bam_index", {"0": pynf.Queue(list(bams.values()))})
    bais = {item[0]["id"]: item[1] for item in _items(bai, "index")}
    reference = [_ref_meta(), str(data.ref), str(data.fai)]
    run("stats", {"0": pynf.Queue([[m, b, bais[s]] for s, (m, b) in sorted(bams.items())]), "1": reference})
    run("call", {"0": pynf.Queue([[m, b, [], []] for s, (m, b) in sorted(bams.items())]), "1": reference,
                 "save_mpileup": False}, options=CALL_OPTIONS)
    return out


def records(step: str, path: Path) -> list[str]:
    """The comparable content of one output file of ``step`` (records, not headers with paths or dates)."""
    path = Path(path)
    if step == "trim":
        with gzip.open(path, "rt") as fh:
            return fh.read().splitlines()
    if step == "align":
        return subprocess.run(["samtools", "view", str(path)], check=True, capture_output=True,
                              text=True).stdout.splitlines()
    if step == "call":
        return subprocess.run(["bcftools", "view", "-H", str(path)], check=True, capture_output=True,
                              text=True).stdout.splitlines()
    if step == "stats":
        return [line for line in path.read_text().splitlines() if line.startswith("SN")]
    return [path.name]
