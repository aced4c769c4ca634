"""Issue 21 item 14: the repr of a Bundle or an export result is one short line, not the whole script."""

from __future__ import annotations

import pynf
from pynf.export import export_bundle

from ..paths import MODULE_FIXTURES


def _one_line(obj) -> str:
    text = repr(obj)
    assert "\n" not in text and len(text) < 300, text[:500]
    return text


def _reads(tmp_path):
    path = tmp_path / "r.fq"
    path.write_text("@r\nACGT\n+\nIIII\n")
    return str(path)


def test_bundle_repr_is_one_line(tmp_path):
    bundle = pynf.compile(MODULE_FIXTURES / "seqtk_seq", meta={"id": "s1"}, fastx=_reads(tmp_path))
    assert len(bundle.main_nf) > 1000  # the script is long; its repr is not
    text = _one_line(bundle)
    assert bundle.content_hash in text and "SEQTK_SEQ" in text and "process " not in text


def test_export_result_repr_is_one_line(tmp_path):
    bundle = pynf.compile(MODULE_FIXTURES / "seqtk_seq", meta={"id": "s1"}, fastx=_reads(tmp_path))
    result = export_bundle(bundle, tmp_path / "out")
    text = _one_line(result)
    assert str(tmp_path / "out") in text and f"files={len(result.files)}" in text


def test_workflow_bundle_repr_is_one_line(tmp_path):
    wf = pynf.Workflow("two")
    first = wf.add(MODULE_FIXTURES / "seqtk_seq", meta={"id": "s1"}, fastx=_reads(tmp_path), name="first")
    wf.add(MODULE_FIXTURES / "seqtk_seq", {"0": first.out.fasta}, name="second")
    _one_line(wf.compile())
