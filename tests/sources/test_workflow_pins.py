"""Workflows resolve modules as ``pynf.run`` does: ``pynf.lock`` pins read and written, ``remote=``/``branch=``/
``sha=``/``offline=`` per step and as Workflow defaults, the reviewed-interface drift check and the one
"not reviewed" hint.  Real Git module repositories over ``file://``; the runs use the embedded engine."""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import pytest

import pynf
from pynf.errors import InputError, InterfaceDriftError, NotReviewedHint
from pynf.sources import resolve
from pynf.sources.lock import LockFile

from ..gitrepos import ModuleRepo, isolated_sources, nfcore_repo, remote  # noqa: F401 (fixtures)
from ..support import require_engine, require_tools

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SEQ = "modules/nf-core/seqtk/seq/main.nf"
_CACHE = os.environ.get("PYNF_CACHE_DIR")  # before the fixtures isolate it: where the engine is installed


@pytest.fixture
def engine_cache(tmp_path, monkeypatch):
    """The installed engine's cache, with module sources still in a cache of the test's own."""
    if _CACHE:
        monkeypatch.setenv("PYNF_CACHE_DIR", _CACHE)
    else:
        monkeypatch.delenv("PYNF_CACHE_DIR", raising=False)
    monkeypatch.setenv("PYNF_MODULES_CACHE_DIR", str(tmp_path / "module-cache"))
    require_engine()


def _reads(name: str = "r.fq") -> Path:
    path = Path(name).absolute()
    path.write_text("@r1\nACGTACGTAC\n+\nIIIIIIIIII\n")
    return path


def _rename_input(repo: ModuleRepo) -> str:
    """A commit where seqtk/seq's input ``fastx`` is renamed to ``reads`` (a breaking interface change)."""
    main = repo.path / SEQ
    main.write_text(main.read_text().replace("path(fastx)", "path(reads)").replace("${fastx}", "${reads}"))
    return repo.commit("seqtk/seq: rename fastx to reads")


def _pins() -> dict[str, str]:
    return {entry.name: entry.sha for entry in LockFile().entries().values()}


def _seq_workflow(**source) -> pynf.Workflow:
    wf = pynf.Workflow("pinned")
    wf.add("seqtk/seq", meta={"id": "r"}, fastx=str(_reads()), name="seq", **source)
    return wf


@pytest.mark.engine
def test_a_workflow_run_pins_its_modules_and_runs_the_pinned_commit_later(remote, engine_cache):
    require_tools("seqtk")
    repo, shas = remote
    result = _seq_workflow().run(outdir="out")
    assert result.succeeded
    assert _pins() == {"nf-core/seqtk/seq": shas[-1]}  # the run wrote pynf.lock
    pynf.review("seqtk/seq", stub=False)
    renamed = _rename_input(repo)
    # the remote moved on (and broke the interface); the workflow keeps running the pinned, reviewed commit
    again = _seq_workflow().run(outdir="out2")
    assert again.succeeded and _pins() == {"nf-core/seqtk/seq": shas[-1]}
    (_, fasta), = again["seq"].outputs["fasta"]
    assert fasta.read_text() == ">r1\nACGTACGTAC\n"
    assert renamed != shas[-1]


def test_sha_on_a_step_selects_the_commit_and_is_drift_checked(remote):
    repo, shas = remote
    pynf.review("seqtk/seq", stub=False)  # reviewed at the head, where the input is `fastx`
    renamed = _rename_input(repo)
    wf = pynf.Workflow("pinned")
    step = wf.add("seqtk/seq", meta={"id": "r"}, reads=str(_reads()), sha=renamed, name="seq")
    assert step.sha == renamed and [e.label for e in step.process.inputs[0].elements] == ["meta", "reads"]
    with pytest.raises(InterfaceDriftError, match="renamed to 'reads'"):
        wf.run(outdir="out")
    # an older commit by sha on the step (same interface as reviewed): compiles; the lock is not touched by compile
    old = pynf.Workflow("old")
    old.add("seqtk/seq", meta={"id": "r"}, fastx=str(_reads()), sha=shas[0], name="seq")
    assert "// revision" not in old.compile().main_nf


def test_a_moved_pin_that_breaks_the_reviewed_interface_stops_the_workflow(remote):
    repo, _ = remote
    pynf.review("seqtk/seq", stub=False)
    renamed = _rename_input(repo)
    resolve("seqtk/seq", sha=renamed)  # the pin moves (as `pynf modules pull seqtk/seq --sha ...` does)
    assert _pins() == {"nf-core/seqtk/seq": renamed}
    wf = pynf.Workflow("moved")
    wf.add("seqtk/seq", meta={"id": "r"}, reads=str(_reads()), name="seq")
    with pytest.raises(InterfaceDriftError, match="fastx.*renamed to 'reads'"):
        wf.run(outdir="out")
    with pytest.raises(InterfaceDriftError):
        wf.export("bundle")


def test_workflow_defaults_and_step_settings_choose_the_remote(tmp_path):
    repo, shas = nfcore_repo(tmp_path / "elsewhere")
    wf = pynf.Workflow("sources", remote=repo.url, sha=shas[0])
    first = wf.add("seqtk/seq", meta={"id": "r"}, fastx=str(_reads()), name="first")
    head = wf.add("seqtk/seq", meta={"id": "r"}, fastx=str(_reads()), sha=shas[-1], name="head")
    assert (first.sha, head.sha) == (shas[0], shas[-1])
    assert "revision 3" not in first.module.processes[0].text + Path(first.module.path).read_text()
    assert "revision 3" in Path(head.module.path).read_text()
    assert LockFile().entries() == {}  # adding reads the lock, never writes it
    wf.export(tmp_path / "bundle")
    # both steps share one lock entry per module ID: the export pinned the last one resolved
    assert _pins() == {"nf-core/seqtk/seq": shas[-1]}
    with pytest.raises(InputError, match="no input named 'nope'"):
        bad = pynf.Workflow("bad", remote=repo.url)
        bad.add("seqtk/seq", meta={"id": "r"}, nope=1, offline=False, name="x")
        bad.compile()


def test_an_unreviewed_module_hints_once_per_workflow_run(remote):
    from pynf.interface import review as review_mod

    review_mod._hinted.clear()
    wf = pynf.Workflow("hinted")
    wf.add("seqtk/seq", meta={"id": "a"}, fastx=str(_reads()), name="a")
    wf.add("seqtk/seq", meta={"id": "b"}, fastx=str(_reads()), name="b")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wf.compile(pin=True)
        wf.compile(pin=True)
    hints = [w for w in caught if issubclass(w.category, NotReviewedHint)]
    assert len(hints) == 1 and "pynf modules review nf-core/seqtk/seq" in str(hints[0].message)
