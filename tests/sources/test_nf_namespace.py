"""``pynf.nf``: bindings by module ID, made on demand from a module repository (a real Git remote over file://);
what IPython completes on it; ``pynf bindings`` for every module pinned in ``pynf.lock``; pins of Git modules."""

from __future__ import annotations

import inspect
import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import pynf
from pynf.bindings import generate
from pynf.bindings.interactive import namespace
from pynf.cli import cli
from pynf.errors import InterfaceDriftError
from pynf.sources import resolve

from ..gitrepos import ModuleRepo, isolated_sources, nfcore_repo, remote  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_the_namespace_lists_tools_and_their_modules(remote):
    nf = namespace()
    assert {"seqtk", "samtools", "bin_script", "echo_each", "template_greet"} <= set(dir(nf))
    assert dir(nf.samtools) == ["sort", "view"]
    assert pynf.nf.__name__ == "pynf.nf" and "nf" in pynf.__all__


def test_a_module_by_id_is_a_function_with_its_signature_and_docs(remote):
    sort = namespace().samtools.sort
    params = inspect.signature(sort).parameters
    assert list(params)[:2] == ["meta", "bam"] and params["bam"].kind is inspect.Parameter.KEYWORD_ONLY
    doc = inspect.getdoc(sort)
    assert doc.startswith("Sort alignments") and "bam (PathArg): Alignments to sort" in doc
    import pydoc

    assert "bam (PathArg): Alignments to sort" in pydoc.render_doc(sort)  # what help() shows
    assert "class SamtoolsSortBinding" in inspect.getsource(type(sort))  # the generated code, as pynf bindings writes it
    assert sort.pin.sha == remote[0].head and sort.pin.module == "samtools/sort"
    with pytest.raises(AttributeError, match="no module 'samtools/nothing'"):
        namespace().samtools.nothing  # noqa: B018


def test_ipython_completes_module_names_and_parameters(remote):
    shell_module = pytest.importorskip("IPython.core.interactiveshell", reason="IPython comes with the test extras")
    completer_module = pytest.importorskip("IPython.core.completer")
    shell = shell_module.InteractiveShell.instance()
    try:
        shell.user_ns["nf"] = namespace()
        completer = shell.Completer
        completer.use_jedi = False  # IPython's own matchers: dir() for attributes, the signature for keywords
        _complete(completer)
        shell.user_ns["nf"] = namespace()
        completer.use_jedi = True  # the default: jedi on the live objects, through the completions API
        with completer_module.provisionalcompleter():
            assert {"sort", "view"} <= {c.text for c in completer.completions("nf.samtools.", 12)}
            line = "nf.samtools.sort(ba"
            assert "bam=" in {c.text for c in completer.completions(line, len(line))}
    finally:
        shell_module.InteractiveShell.clear_instance()


def _complete(completer) -> None:
    _, modules = completer.complete(line_buffer="nf.samtools.", cursor_pos=len("nf.samtools."))
    assert {"nf.samtools.sort", "nf.samtools.view"} <= set(modules)
    _, tools = completer.complete(line_buffer="nf.seq", cursor_pos=len("nf.seq"))
    assert "nf.seqtk" in tools
    line = "nf.samtools.sort(ba"
    _, keywords = completer.complete(line_buffer=line, cursor_pos=len(line))
    assert "bam=" in keywords


def test_bindings_for_every_module_in_the_lock_record_the_commit(remote, tmp_path):
    repo, shas = remote
    resolve("seqtk/seq", sha=shas[0])  # pins seqtk/seq at the first commit in ./pynf.lock
    resolve("samtools/sort")
    done = CliRunner().invoke(cli, ["bindings", "--out", str(tmp_path / "out"), "--package", "locked"])
    assert done.exit_code == 0, done.output
    pins = json.loads((tmp_path / "out/locked/pins.json").read_text())
    assert sorted(pins) == ["samtools.sort", "seqtk.seq"]
    assert pins["seqtk.seq"]["sha"] == shas[0] and pins["samtools.sort"]["sha"] == shas[-1]
    assert (tmp_path / "out/locked/seqtk.py").is_file()


def test_a_git_binding_refuses_a_module_whose_interface_moved(remote, tmp_path):
    repo, shas = remote
    resolve("seqtk/seq")
    generate(["seqtk/seq"], tmp_path / "out", package="gitb")
    main = repo.path / "modules/nf-core/seqtk/seq/main.nf"
    main.write_text(main.read_text().replace("path(fastx)", "path(reads)").replace("{fastx}", "{reads}"))
    moved = repo.commit("rename the input")
    import sys

    sys.path.insert(0, str(tmp_path / "out"))
    try:
        from gitb import seqtk
    finally:
        sys.path.remove(str(tmp_path / "out"))
    with pytest.raises(InterfaceDriftError) as info:
        seqtk.seq(meta={"id": "a"}, fastx="a.fq", run_args={"sha": moved})
    assert "renamed to 'reads'" in str(info.value) and shas[-1][:12] in str(info.value)
    assert moved[:12] in str(info.value)
    assert Path("pynf.lock").is_file()


def test_regenerating_after_modules_update_shows_what_changed_for_callers(remote, tmp_path):
    repo, shas = remote
    resolve("seqtk/seq")
    runner = CliRunner()
    out = str(tmp_path / "out")
    assert runner.invoke(cli, ["bindings", "--out", out, "--package", "upd"]).exit_code == 0
    main = repo.path / "modules/nf-core/seqtk/seq/main.nf"
    main.write_text(main.read_text().replace("path(fastx)", "path(reads)").replace("{fastx}", "{reads}"))
    repo.commit("rename the input")
    update = runner.invoke(cli, ["modules", "update", "seqtk/seq", "--accept"])
    assert update.exit_code == 0, update.output
    again = runner.invoke(cli, ["bindings", "--out", out, "--package", "upd"])
    assert again.exit_code == 0, again.output
    assert "changed seqtk.seq (nf-core/seqtk/seq): interface " in again.output, again.output
    assert ": 1 breaking, 0 compatible change(s)" in again.output
    assert "element 'fastx' renamed to 'reads'" in again.output
