"""A small variant-calling chain over simulated samples with planted SNPs, built from the real nf-core modules.

fastp -> bwa/index + bwa/mem -> samtools/index -> samtools/stats and bcftools/mpileup, either as ONE
:class:`pynf.Workflow` run or as one ``pynf.run`` per step; with ``report=True`` also bcftools/stats per
sample and ONE MultiQC over the fastp JSON, the bcftools stats and the merged versions (a gather).  Shared by the acceptance tests and
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

__all__ = ["Data", "simulate", "build_workflow", "run_steps", "MODULES", "REPORT_MODULES", "STEPS", "records"]

#: step name -> nf-core module ID, in chain order.
MODULES = {"trim": "fastp", "bwa_index": "bwa/index", "align": "bwa/mem", "bam_index": "samtools/index",
           "stats": "samtools/stats", "call": "bcftools/mpileup"}
STEPS = list(MODULES)
#: the report steps added by ``report=True``: bcftools stats per sample, then one MultiQC over every sample
REPORT_MODULES = {"vcf_stats": "bcftools/stats", "multiqc": "multiqc"}
CALL_OPTIONS = pynf.RunOptions(ext={"args2": "-m -v"})  # bcftools call: multiallelic caller, variants only
_BASES = "ACGT"


@dataclass
class Data:
    """Simulated inputs: reference (+ .fai), one gzipped FASTQ per sample, planted SNPs per sample."""

    ref: Path
    fai: Path
    reads: dict[str, Path]
    snps: dict[str, dict[int, tuple[str, str]]] = field(default_factory=dict)  # sample -> {pos(1-based): (ref, alt)}
    mates: dict[str, Path] = field(default_factory=dict)  # sample -> second reads of a paired-end sample

    def reads_item(self, sample: str) -> list:
        """``[meta, reads, adapter_fasta]`` for fastp: paired-end when the sample has mates, else single-end."""
        if sample in self.mates:
            return [{"id": sample, "single_end": False}, [str(self.reads[sample]), str(self.mates[sample])], []]
        return [{"id": sample, "single_end": True}, str(self.reads[sample]), []]

    def write_samplesheet(self, path: Path) -> Path:
        """An nf-core samplesheet (``sample,fastq_1,fastq_2``; ``fastq_2`` empty for a single-end sample) with
        paths relative to the sheet."""
        rows = ["sample,fastq_1,fastq_2"]
        for s in sorted(self.reads):
            mate = self.mates.get(s)
            rows.append(",".join([s, _relative(self.reads[s], path.parent), _relative(mate, path.parent) if mate else ""]))
        path.write_text("\n".join(rows) + "\n")
        return path

    def reads_queue(self) -> pynf.Queue:
        """Every sample as one item of a queue, in sample order."""
        return pynf.Queue([self.reads_item(s) for s in sorted(self.reads)])


def _relative(path: Path, start: Path) -> str:
    import os

    return os.path.relpath(path, start)


def _gzip(source: Path, target: Path) -> Path:
    with open(source, "rb") as src, open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as dst:
        shutil.copyfileobj(src, dst)
    return target


def simulate(directory: Path, samples: int = 3, *, length: int = 4000, reads: int = 1200, snps: int = 4,
             seed: int = 7, paired: int = 0) -> Data:
    """Write a random reference and per-sample reads (wgsim, error-free) from a copy with planted SNPs; the first
    ``paired`` samples are paired-end (``Data.mates``), the others single-end."""
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
        data.reads[name] = _gzip(r1, directory / f"{name}_reads.fq.gz")
        if n < paired:
            data.mates[name] = _gzip(r2, directory / f"{name}_reads_2.fq.gz")
        data.snps[name] = planted
    return data


def _module(corpus: Path, step: str) -> str:
    return str(corpus / MODULES[step])


def _ref_meta() -> dict:
    return {"id": "genome"}


def _options(extra_config: str, base: pynf.RunOptions | None = None) -> pynf.RunOptions:
    import dataclasses

    return dataclasses.replace(base or pynf.RunOptions(), extra_config=extra_config)


def build_workflow(corpus: Path, data: Data, name: str = "variants", *, report: bool = False,
                   extra_config: str = "", samplesheet: Path | None = None) -> pynf.Workflow:
    """The chain as one workflow (steps named as in :data:`STEPS`, plus :data:`REPORT_MODULES` with ``report``);
    ``extra_config`` goes into the run's config (e.g. executor settings); with ``samplesheet`` the reads come from
    that nf-core samplesheet (``pynf.Queue.from_csv``)."""
    wf = pynf.Workflow(name, options=_options(extra_config))
    switches = {"discard_trimmed_pass": False, "save_trimmed_fail": False, "save_merged": False}
    if samplesheet is not None:
        trim = wf.add(_module(corpus, "trim"), reads=pynf.Queue.from_csv(samplesheet), fill_empty=True, **switches,
                      name="trim")
    else:
        trim = wf.add(_module(corpus, "trim"), {"0": data.reads_queue()}, **switches, name="trim")
    index = wf.add(_module(corpus, "bwa_index"), meta=_ref_meta(), fasta=str(data.ref), name="bwa_index")
    align = wf.add(_module(corpus, "align"), {"2": [_ref_meta(), str(data.ref)]}, reads=trim.out.reads,
                   index=index.out.index, sort_bam=True, name="align")
    bai = wf.add(_module(corpus, "bam_index"), input=align.out.bam, name="bam_index")
    reference = [_ref_meta(), str(data.ref), str(data.fai)]
    wf.add(_module(corpus, "stats"), {"1": reference}, input=align.out.bam, input_index=bai.out.index, name="stats")
    call = wf.add(_module(corpus, "call"), {"1": reference}, bam=align.out.bam, intervals_mpileup=[],
                  intervals_call=[], save_mpileup=False, name="call", options=_options(extra_config, CALL_OPTIONS))
    if report:
        stats = wf.add(str(corpus / REPORT_MODULES["vcf_stats"]), {str(i): [[], []] for i in range(1, 6)},
                       vcf=call.out.vcf, tbi=call.out.index, name="vcf_stats")
        wf.add(str(corpus / REPORT_MODULES["multiqc"]), meta={"id": "multiqc"},
               multiqc_files=pynf.collect(trim.out.json, stats.out.stats, wf.versions), multiqc_config=[],
               multiqc_logo=[], replace_names=[], sample_names=[], name="multiqc")
    return wf


def _items(result: Any, key: str) -> list:
    return [list(item) for item in result.outputs[key]]


def run_steps(corpus: Path, data: Data, root: Path, *, report: bool = False, extra_config: str = "",
              **run_options: Any) -> dict[str, Any]:
    """The same chain as one ``pynf.run`` per step (each step waits for the whole previous one)."""
    out: dict[str, Any] = {}
    modules = {**MODULES, **REPORT_MODULES}

    def run(step: str, inputs: Any, options: pynf.RunOptions | None = None, **kw: Any) -> Any:
        out[step] = pynf.run(str(corpus / modules[step]), inputs, run_dir=root / step,
                             outdir=root / step / "results", options=_options(extra_config, options),
                             **run_options, **kw)
        return out[step]

    reads = data.reads_queue()
    trim = run("trim", {"0": reads, "discard_trimmed_pass": False, "save_trimmed_fail": False, "save_merged": False})
    index = run("bwa_index", {"meta": _ref_meta(), "fasta": str(data.ref)})
    align = run("align", {"0": pynf.Queue(_items(trim, "reads")), "1": _items(index, "index")[0],
                          "2": [_ref_meta(), str(data.ref)], "sort_bam": True})
    bams = {item[0]["id"]: item for item in _items(align, "bam")}
    bai = run("bam_index", {"0": pynf.Queue(list(bams.values()))})
    bais = {item[0]["id"]: item[1] for item in _items(bai, "index")}
    reference = [_ref_meta(), str(data.ref), str(data.fai)]
    run("stats", {"0": pynf.Queue([[m, b, bais[s]] for s, (m, b) in sorted(bams.items())]), "1": reference})
    call = run("call", {"0": pynf.Queue([[m, b, [], []] for s, (m, b) in sorted(bams.items())]), "1": reference,
                        "save_mpileup": False}, options=CALL_OPTIONS)
    if report:
        tbis = {item[0]["id"]: item[1] for item in _items(call, "index")}
        vcfs = [[m, v, tbis[m["id"]]] for m, v in _items(call, "vcf")]
        stats = run("vcf_stats", {"0": pynf.Queue(vcfs), **{str(i): [[], []] for i in range(1, 6)}})
        files = [p for _, p in _items(trim, "json")] + [p for _, p in _items(stats, "stats")]
        run("multiqc", {"0": [{"id": "multiqc"}, files, [], [], [], []]})
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
