"""``fill_empty=True``: ``[]`` for every input not given that takes files, named in a warning; never implicit."""

from __future__ import annotations

from pathlib import Path

import pytest

import pynf
from pynf.errors import FilledEmptyWarning, InputError

from ..paths import MODULE_FIXTURES


@pytest.fixture
def vcf(tmp_path: Path) -> Path:
    path = tmp_path / "s1.vcf.gz"
    path.write_bytes(b"not read at compile time")
    return path


def test_bcftools_stats_needs_one_keyword_set_not_ten(corpus_dir, vcf):
    module = corpus_dir / "bcftools" / "stats"
    with pytest.raises(InputError, match="missing input"):  # not implicit
        pynf.compile(module, meta={"id": "s1"}, vcf=vcf, tbi=[])
    with pytest.warns(FilledEmptyWarning) as caught:
        bundle = pynf.compile(module, meta={"id": "s1"}, vcf=vcf, fill_empty=True)
    (text,) = [str(w.message) for w in caught if issubclass(w.category, FilledEmptyWarning)]
    for name in ("'tbi' of input 0", "input 1 (meta2, regions)", "input 5 (meta6, fasta)"):
        assert name in text
    entries = bundle.params()["pynf_inputs"]
    assert entries[0]["items"] == [[{"id": "s1"}, str(vcf), []]]
    assert [e["items"] for e in entries[1:]] == [[[[], []]]] * 5


def test_value_inputs_are_never_filled(tmp_path):
    reads = tmp_path / "a.fq"
    reads.write_text("@r\nA\n+\nI\n")
    with pytest.warns(FilledEmptyWarning, match=r"input 1 \(meta2, index\); input 2 \(meta3, fasta\)"):
        with pytest.raises(InputError, match="missing input.*'sort_bam'"):
            pynf.compile(MODULE_FIXTURES / "bwa_mem", meta={"id": "a"}, reads=reads, fill_empty=True)


def test_workflow_step_fill_empty(tmp_path):
    reads = tmp_path / "a.fq"
    reads.write_text("@r\nA\n+\nI\n")
    wf = pynf.Workflow("fill")
    wf.add(MODULE_FIXTURES / "bwa_mem", meta={"id": "a"}, reads=reads, sort_bam=False, fill_empty=True, name="mem")
    with pytest.warns(FilledEmptyWarning, match="step 'mem' BWA_MEM: fill_empty gave"):
        params = wf.compile().params()
    assert [e["items"] for e in params["pynf_inputs"] if e["items"] == [[[], []]]] == [[[[], []]]] * 2


def test_sheet_items_lacking_a_file_element_get_empty(corpus_dir, tmp_path):
    for name in ("a_1.fq", "a_2.fq", "b.fq"):
        (tmp_path / name).write_text("@r\nACGT\n+\nIIII\n")
    sheet = tmp_path / "samples.csv"
    sheet.write_text("sample,fastq_1,fastq_2\na,a_1.fq,a_2.fq\nb,b.fq,\n")
    flags = {"discard_trimmed_pass": False, "save_trimmed_fail": False, "save_merged": False}
    with pytest.raises(InputError, match="adapter_fasta"):
        pynf.compile(corpus_dir / "fastp", reads=pynf.Queue.from_csv(sheet), **flags)
    with pytest.warns(FilledEmptyWarning, match=r"'adapter_fasta' of input 0 \(items lacking it\)"):
        bundle = pynf.compile(corpus_dir / "fastp", reads=pynf.Queue.from_csv(sheet), fill_empty=True, **flags)
    (entry, *_) = bundle.params()["pynf_inputs"]
    assert entry["mode"] == "queue"
    assert [item[2] for item in entry["items"]] == [[], []]
    assert [len(item[1]) for item in entry["items"]] == [2, 1]
