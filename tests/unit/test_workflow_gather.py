"""Gathers (``pynf.collect`` / ``step.out.x.collect()``): every item of upstream outputs handed to ONE input,
once; the merged versions topic as one file; a per-item step whose items would all carry one literal meta
is a WiringError that suggests the gather."""

from __future__ import annotations

import pytest

import pynf
from pynf.errors import WiringError

from ..paths import FIXTURES, MODULE_FIXTURES

SEQ = str(MODULE_FIXTURES / "seqtk_seq")
SORT = str(MODULE_FIXTURES / "samtools_sort")
CONCAT = str(FIXTURES / "workflow_modules" / "concat_files")
ALL = {"id": "all"}


def samples() -> pynf.Queue:
    return pynf.Queue([[{"id": f"s{i}"}, f"/data/s{i}.fq"] for i in (1, 2, 3)])


def test_a_gather_runs_the_step_once_over_every_item():
    wf = pynf.Workflow("gather")
    seq = wf.add(SEQ, {"0": samples()}, name="seq")
    wf.add(CONCAT, meta=ALL, files=pynf.collect(seq.out.fasta), name="all")
    text = wf.compile(check_files=False).main_nf
    assert "// ---- step all: CONCAT_FILES\n" in text  # not "(once per item)"
    assert "def pynf_gather_all_0_1 = SEQTK_SEQ.out[0].flatMap { v -> pynfFiles([v[1]]) }.toList()" in text
    assert "def pynf_rows_all = pynf_gather_all_0_1.map { v -> [v] }" in text
    assert "def ch_all_0 = pynf_rows_all.map { r -> [pynf_const_all_0_0, r[0]] }" in text
    # the same with step.out.<emit>.collect()
    other = pynf.Workflow("gather")
    seq = other.add(SEQ, {"0": samples()}, name="seq")
    other.add(CONCAT, meta=ALL, files=seq.out.fasta.collect(), name="all")
    assert other.compile(check_files=False).main_nf == text


def test_several_sources_and_the_versions_topic():
    wf = pynf.Workflow("gather")
    seq = wf.add(SEQ, {"0": samples()}, name="seq")
    sort = wf.add(SORT, {"0": samples()}, name="sort")
    final = wf.add(CONCAT, meta=ALL, files=pynf.collect(seq.out.fasta, sort.out.bam[1], wf.versions), name="all")
    wf.add(SEQ, fastx=final.out.concat, name="after")  # downstream of the gather: not in its versions
    assert [s.name for s in final.upstream()] == ["seq", "sort"]
    text = wf.compile(check_files=False).main_nf
    assert ("def pynf_versions_all = channel.empty().mix(SEQTK_SEQ.out[1], SAMTOOLS_SORT.out[2]).unique().toList()"
            ".map { items -> pynfVersionsYaml(items) }.collectFile(name: 'all_software_mqc_versions.yml')") in text
    assert ("def pynf_gather_all_0_1 = SEQTK_SEQ.out[0].flatMap { v -> pynfFiles([v[1]]) }"
            ".concat(SAMTOOLS_SORT.out[0].flatMap { v -> pynfFiles([v[1]]) }, pynf_versions_all).toList()") in text
    assert "def pynfVersionsYaml(items)" in text and "def pynfFiles(value)" in text
    order = [s.name for s in wf.order()]
    assert order.index("all") > max(order.index("seq"), order.index("sort")) and order[-1] == "after"


def test_a_per_item_step_with_one_literal_meta_suggests_the_gather():
    wf = pynf.Workflow("mqc")
    seq = wf.add(SEQ, {"0": samples()}, name="seq")
    wf.add(CONCAT, meta=ALL, files=seq.out.fasta[1], name="all")
    with pytest.raises(WiringError) as err:
        wf.compile(check_files=False)
    assert "step 'all' would run once per item of step 'seq'" in str(err.value)
    assert "files=pynf.collect(seq.out.fasta)" in str(err.value)
    assert (err.value.step, err.value.upstream) == ("all", "seq")
    # meta from the items themselves is fine
    ok = pynf.Workflow("ok")
    seq = ok.add(SEQ, {"0": samples()}, name="seq")
    ok.add(CONCAT, files=seq.out.fasta, name="each")
    assert "// ---- step each: CONCAT_FILES (once per item)" in ok.compile(check_files=False).main_nf


def test_gather_errors_name_the_steps():
    wf = pynf.Workflow("bad")
    seq = wf.add(SEQ, {"0": samples()}, name="seq")
    wf.add(CONCAT, meta=ALL, files=pynf.collect(seq.out.versions_seqtk), name="all")
    with pytest.raises(WiringError, match=r"step 'seq' output 'versions_seqtk'.*gives no files.*step 'all'"):
        wf.compile(check_files=False)
    whole = pynf.Workflow("whole")
    seq = whole.add(SEQ, {"0": samples()}, name="seq")
    whole.add(CONCAT, {"0": pynf.collect(seq.out.fasta)}, name="all")
    with pytest.raises(WiringError, match="a gather fills one element of the tuple"):
        whole.compile(check_files=False)
    with pytest.raises(WiringError, match="pynf.collect takes step outputs"):
        pynf.collect("/data/a.fq")
    with pytest.raises(WiringError, match="at least one"):
        pynf.collect()
    other = pynf.Workflow("other")
    with pytest.raises(WiringError, match="versions of another workflow"):
        other.add(CONCAT, meta=ALL, files=pynf.collect(wf.versions), name="x")
