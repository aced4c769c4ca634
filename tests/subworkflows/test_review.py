"""Issue 24: `pynf.review` of a subworkflow stub-runs it as a whole (synthesized inputs, on the real engine) when
every process it runs has a stub block, as it stub-runs a module; otherwise it says which process has none."""

from __future__ import annotations

import shutil

import pytest

import pynf

from ..paths import FIXTURES
from ..support import require_engine

pytestmark = pytest.mark.engine

NO_STUB = """
include { SEQTK_SAMPLE } from '{sample}'
include { NO_STUB } from '{no_stub}'

workflow HALF_STUBBED {
    take:
    ch_reads
    ch_words

    main:
    SEQTK_SAMPLE ( ch_reads )
    NO_STUB ( ch_words )

    emit:
    reads = SEQTK_SAMPLE.out.reads
}
"""


def test_review_stub_runs_a_subworkflow_whose_processes_all_have_stubs(tmp_path, monkeypatch):
    require_engine()
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "subworkflows" / "fastq_sample_fasta_emits"
    shutil.copytree(FIXTURES / "subworkflows" / "fastq_sample_fasta_emits", folder)
    shutil.copytree(FIXTURES / "modules", tmp_path / "modules")
    reviewed = pynf.review(folder, lock_path=tmp_path / "pynf.lock")
    assert reviewed.stub_passed is True, reviewed.stub_detail
    assert reviewed.stub_detail == "FASTQ_SAMPLE_FASTA_EMITS: passed (synthesized inputs)"
    assert [p["name"] for p in reviewed.interface.processes] == ["FASTQ_SAMPLE_FASTA_EMITS"]


def test_review_says_which_process_of_a_subworkflow_has_no_stub(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "main.nf").write_text(NO_STUB.replace("{sample}", str(FIXTURES / "modules/seqtk_sample/main"))
                                             .replace("{no_stub}", str(FIXTURES / "modules/no_stub/main")))
    reviewed = pynf.review(tmp_path / "sub", lock_path=tmp_path / "pynf.lock")
    assert reviewed.stub_passed is None
    assert reviewed.stub_detail == "no stub block in NO_STUB: not stub-run"
