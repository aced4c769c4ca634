"""Typed bindings on the embedded engine (issue 23): a run of a generated binding (a queue, typed items), and the
nf-core chain fastp -> bwa/index + bwa/mem -> samtools/index as ONE workflow built with the typed functions,
its results read through typed attributes."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import pynf
from pynf.bindings import generate

from ..paths import CORPUS, REPO
from ..support import require_tools, unavailable

pytestmark = pytest.mark.engine


def _package(out: Path, refs: list[str], name: str, **options):
    generate(refs, out, package=name, **options)
    sys.path.insert(0, str(out))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(out))


def test_a_binding_runs_a_queue_and_returns_typed_items(engine, tmp_path, monkeypatch):
    require_tools("seqtk")
    nfb = _package(tmp_path / "gen", [str(REPO / "fixtures/modules/seqtk_seq")], "seq_typed")
    monkeypatch.chdir(tmp_path)
    for sample, seq in (("a", "ACGTACGTAC"), ("b", "TTGGCCAATT")):
        Path(f"{sample}.fq").write_text(f"@{sample}1\n{seq}\n+\nIIIIIIIIII\n")
    result = nfb.seqtk_seq(fastx=pynf.Queue([{"meta": {"id": s}, "fastx": f"{s}.fq"} for s in ("a", "b")]),
                           outdir="out")
    assert type(result).__name__ == "SeqtkSeqResult" and result.status == "SUCCEEDED"
    assert [item.meta["id"] for item in result.fasta] == ["a", "b"]            # input order
    first = result.fasta[0]
    assert type(first).__name__ == "SeqtkSeqFasta" and first._fields == ("meta", "fasta")
    assert isinstance(first.fasta, Path) and first.fasta.read_text() == ">a1\nACGTACGTAC\n"
    version = result.versions_seqtk[0]
    assert (version.process, version.tool) == ("SEQTK_SEQ", "seqtk") and version.version
    assert result.versions["seqtk"] == version.version and result.run.outputs["fasta"][0][1] == first.fasta


@pytest.fixture
def corpus():
    if not (CORPUS / "fastp" / "main.nf").is_file():
        unavailable(f"no nf-core modules corpus at {CORPUS} (set PYNF_SHARED_DIR to the shared/ folder)")
    require_tools("fastp", "bwa", "samtools", "wgsim")
    return CORPUS


def test_the_nfcore_chain_as_a_workflow_of_typed_steps(engine, corpus, tmp_path, monkeypatch):
    from ..variant_chain import simulate

    nfc = _package(tmp_path / "gen", [str(corpus / m) for m in ("fastp", "bwa/index", "bwa/mem", "samtools/index")],
                   "nfcore_typed", root=corpus)
    data = simulate(tmp_path / "data", samples=2, reads=200)
    monkeypatch.chdir(tmp_path)
    wf = pynf.Workflow("typed_chain")
    trim = nfc.fastp.step(wf, reads=pynf.Queue([{"meta": {"id": s, "single_end": True}, "reads": str(p),
                                                  "adapter_fasta": []} for s, p in sorted(data.reads.items())]),
                          discard_trimmed_pass=False, save_trimmed_fail=False, save_merged=False, name="trim")
    index = nfc.bwa.index.step(wf, meta={"id": "genome"}, fasta=str(data.ref), name="bwa_index")
    align = nfc.bwa.mem.step(wf, reads=trim.out.reads, index=index.out.index, meta3={"id": "genome"},
                             fasta=str(data.ref), sort_bam=True, name="align")
    bai = nfc.samtools.index.step(wf, input=align.out.bam, name="bam_index")
    result = wf.run(outdir=tmp_path / "results")

    trimmed = trim.result(result)
    assert sorted(item.meta["id"] for item in trimmed.json) == ["s1", "s2"]
    bams = {item.meta["id"]: item.bam for item in align.result(result).bam}
    assert sorted(bams) == ["s1", "s2"]
    for bam in bams.values():
        assert isinstance(bam, Path) and bam.name.endswith(".bam")
        subprocess.run(["samtools", "quickcheck", str(bam)], check=True)
    indexes = bai.result(result).index
    assert sorted(Path(str(i.index_)).name for i in indexes) == ["s1.bam.bai", "s2.bam.bai"]
    assert {v.tool for v in align.result(result).versions_bwa} == {"bwa"}
    assert result.status == "SUCCEEDED"
