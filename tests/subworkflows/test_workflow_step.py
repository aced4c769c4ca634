"""Issue 24: a subworkflow as a step of a pynf.Workflow on the real engine: its processes' versions (sent to the
``versions`` topic, not emitted) are the workflow's versions too (result.versions, software_versions.yml,
result[step].topics), and its own nextflow.config applies inside the workflow."""

from __future__ import annotations

import pytest

import pynf
from pynf.render.versions import SOFTWARE_VERSIONS_NAME

from ..paths import FIXTURES
from ..support import require_engine, require_tools

pytestmark = pytest.mark.engine

SUBWORKFLOW = FIXTURES / "subworkflows" / "fastq_sample_fasta"
CONCAT = FIXTURES / "workflow_modules" / "concat_files"


def _reads(tmp_path):
    reads = tmp_path / "a.fq"
    reads.write_text("".join(f"@r{i}\nACGTACGTAC\n+\nIIIIIIIIII\n" for i in range(6)))
    return reads


def test_the_versions_of_a_subworkflow_steps_processes_are_the_workflows(tmp_path):
    require_engine()
    require_tools("seqtk")
    wf = pynf.Workflow("sampled")
    sub = wf.add(SUBWORKFLOW, ch_reads=[{"id": "a"}, _reads(tmp_path), 2], name="sub")
    wf.add(CONCAT, meta={"id": "all"}, files=pynf.collect(sub.out.fasta), name="all")
    result = wf.run(run_dir=tmp_path / "run", outdir=tmp_path / "out", timeout=600)
    assert result.succeeded
    assert sorted(result["sub"].outputs) == ["fasta", "sampled"]
    assert sorted(result.software_versions) == ["CONCAT_FILES", "SEQTK_SAMPLE", "SEQTK_SEQ"]
    assert sorted(row[0] for row in result["sub"].topics["versions"]) == ["FASTQ_SAMPLE_FASTA:SEQTK_SAMPLE",
                                                                            "FASTQ_SAMPLE_FASTA:SEQTK_SEQ"]
    written = (tmp_path / "out" / SOFTWARE_VERSIONS_NAME).read_text()
    assert "SEQTK_SAMPLE:" in written and "SEQTK_SEQ:" in written


def test_a_subworkflow_steps_own_config_applies_in_the_workflow(tmp_path):
    require_engine()
    require_tools("seqtk")
    wf = pynf.Workflow("configured")
    sub = wf.add(FIXTURES / "subworkflows" / "fastq_sample_fasta_config", ch_reads=[{"id": "a"}, _reads(tmp_path), 3],
                 name="sub")
    wf.add(CONCAT, meta={"id": "all"}, files=pynf.collect(sub.out.fasta), name="all")
    assert "ext.prefix = 'named_by_own_config'" in wf.compile().config_text
    result = wf.run(run_dir=tmp_path / "run", outdir=tmp_path / "out", timeout=600)
    (meta, fasta), = result["sub"].outputs["fasta"]
    assert meta == {"id": "a"} and fasta.name == "named_by_own_config.seqtk-seq.fasta"
    assert fasta.read_text().count(">") == 3
    (_, concat), = result["all"].outputs["concat"]
    assert "== named_by_own_config.seqtk-seq.fasta" in concat.read_text()


def test_a_subworkflow_steps_options_reach_every_process_it_runs(tmp_path):
    """A step's ``options=`` (and the workflow's) apply to the subworkflow's processes; they were written for a
    process named like the subworkflow, which matches none of them, and silently did nothing."""
    require_engine()
    require_tools("seqtk")
    wf = pynf.Workflow("tuned")
    sub = wf.add(SUBWORKFLOW, ch_reads=[{"id": "a"}, _reads(tmp_path), 2], name="sub",
                 options=pynf.RunOptions(ext={"prefix": "from_options"}, cpus=1))
    wf.add(CONCAT, meta={"id": "all"}, files=pynf.collect(sub.out.fasta), name="all")
    assert "withName: 'FASTQ_SAMPLE_FASTA:.*' {" in wf.compile().config_text
    result = wf.run(run_dir=tmp_path / "run", outdir=tmp_path / "out", timeout=600)
    (meta, fasta), = result["sub"].outputs["fasta"]
    (_, sampled), = result["sub"].outputs["sampled"]
    assert meta == {"id": "a"} and fasta.name == "from_options.seqtk-seq.fasta"
    assert sampled.name.startswith("from_options")  # SEQTK_SAMPLE too: every process of the step
    (_, concat), = result["all"].outputs["concat"]
    assert "== from_options.seqtk-seq.fasta" in concat.read_text()
