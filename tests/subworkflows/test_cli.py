"""Issue 24 item 4: `pynf inspect`, `pynf compile` and `pynf export` take a subworkflow (no JVM)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from pynf.cli.main import cli

from ..paths import FIXTURES

FOLDER = str(FIXTURES / "subworkflows" / "fastq_sample_fasta")


def test_inspect_shows_takes_emits_and_includes():
    out = CliRunner().invoke(cli, ["inspect", FOLDER])
    assert out.exit_code == 0, out.output
    assert "subworkflow FASTQ_SAMPLE_FASTA: runs SEQTK_SAMPLE, SEQTK_SEQ" in out.output
    assert "SEQTK_SAMPLE input 1" in out.output and "Emits" in out.output
    data = json.loads(CliRunner().invoke(cli, ["inspect", "--json", FOLDER]).output)
    assert [t["name"] for t in data["subworkflow"]["takes"]] == ["ch_reads"]
    assert data["subworkflow"]["takes"][0]["operators"] == []  # given straight to SEQTK_SAMPLE
    assert [e["name"] for e in data["subworkflow"]["emits"]] == ["sampled", "fasta"]
    assert [e["from"] for e in data["subworkflow"]["emits"]] == ["SEQTK_SAMPLE.out.reads", "SEQTK_SEQ.out.fasta"]
    assert [c["key"] for c in data["inputs"]] == ["ch_reads"]
    assert [e["name"] for e in data["inputs"][0]["elements"]] == ["meta", "reads", "sample_size"]


def test_export_writes_the_subworkflow_and_its_modules(tmp_path):
    reads = tmp_path / "a.fq"
    reads.write_text("@r\nACGT\n+\nIIII\n")
    out = CliRunner().invoke(cli, ["export", FOLDER, "-o", str(tmp_path / "bundle"), "--input", "meta={\"id\": \"a\"}",
                                   "--input", f"reads={reads}", "--input", "sample_size=1"])
    assert out.exit_code == 0, out.output
    bundle = tmp_path / "bundle"
    assert (bundle / "subworkflows/fastq_sample_fasta/main.nf").read_text() == \
        (FIXTURES / "subworkflows/fastq_sample_fasta/main.nf").read_text()
    for module in ("seqtk_sample", "seqtk_seq"):
        assert (bundle / "modules" / module / "main.nf").is_file()
    assert "include { FASTQ_SAMPLE_FASTA } from './subworkflows/fastq_sample_fasta/main'" in \
        (bundle / "main.nf").read_text()
    params = json.loads((bundle / "params.json").read_text())
    assert params["pynf_inputs"][0]["items"] == [[{"id": "a"}, str(reads), 1]]
