"""Typed bindings (issue 23): the generated package (snapshots, determinism, names and types as pynf.run takes
them), workflow steps through typed functions, pins and drift, regeneration reports, the CLI."""

from __future__ import annotations

import importlib
import inspect
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import pynf
from pynf.bindings import generate
from pynf.bindings.runtime import BindingResult, Chan
from pynf.cli import cli
from pynf.errors import BindingsError, InterfaceDriftError
from pynf.workflow import ChannelRef

from ..paths import REPO

#: Fixture modules covering tuples, booleans, enums, `each`, env/stdin, unnamed outputs, two processes.
SNAPSHOT_MODULES = ["bwa_mem", "echo_each", "env_io", "fixed_name", "legacy_forms", "minimap2_align", "seqtk_seq",
                    "stdin_stdout", "two_process", "val_null"]
CHAIN = ["bwa_index", "bwa_mem", "samtools_index", "seqtk_seq", "legacy_forms"]


def _generate(out: Path, names: list[str], package: str, monkeypatch) -> Path:
    monkeypatch.chdir(REPO)  # module references as written: relative to the repository, the same on every machine
    return generate([f"fixtures/modules/{n}" for n in names], out, package=package).directory


def _files(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): p.read_text() for p in sorted(directory.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


def _import(root: Path, package: str):
    sys.path.insert(0, str(root))
    try:
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(root))


@pytest.fixture
def chain_pkg(tmp_path, monkeypatch):
    _generate(tmp_path, CHAIN, "chainb", monkeypatch)
    pkg = _import(tmp_path, "chainb")
    for name in CHAIN:
        getattr(pkg, name)  # load every binding while the path is set
    return pkg


def test_generated_package_snapshot(tmp_path, monkeypatch, snapshot):
    directory = _generate(tmp_path, SNAPSHOT_MODULES, "fixtureb", monkeypatch)
    files = _files(directory)
    assert sorted(files) == snapshot(name="files")
    for name, text in files.items():
        assert text == snapshot(name=name)


def test_generation_is_deterministic(tmp_path, monkeypatch):
    first = _files(_generate(tmp_path / "a", SNAPSHOT_MODULES, "same", monkeypatch))
    second = _files(_generate(tmp_path / "b", list(reversed(SNAPSHOT_MODULES)), "same", monkeypatch))
    assert first == second and "py.typed" in first and "pins.json" in first


def test_parameters_are_named_and_typed_as_pynf_run_takes_them(tmp_path, monkeypatch):
    _generate(tmp_path, ["bwa_mem", "fixed_name", "echo_each", "minimap2_align"], "named", monkeypatch)
    pkg = _import(tmp_path, "named")
    sig = inspect.signature(pkg.bwa_mem)
    inputs = [p for p in sig.parameters if p not in ("workflow", "name", "options", "outdir", "stub", "resume",
                                                       "backend", "check", "timeout", "run_args")]
    assert inputs == ["meta", "reads", "meta2", "index", "meta3", "fasta", "sort_bam"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in sig.parameters.values())
    assert sig.parameters["sort_bam"].default is inspect.Parameter.empty          # a plain channel: required
    assert sig.parameters["meta"].default is None                                   # a tuple element: may be left out
    assert "bool" in pkg.minimap2_align.__doc__
    fixed = inspect.signature(pkg.fixed_name).parameters
    assert any("Literal[" in str(p.annotation) for p in fixed.values())
    assert "Sort alignments" not in pkg.bwa_mem.__doc__ and "sort_bam (bool)" in pkg.bwa_mem.__doc__


def test_typed_functions_build_a_workflow_that_compiles(chain_pkg):
    wf = pynf.Workflow("typed")
    index = chain_pkg.bwa_index.step(wf, meta={"id": "ref"}, fasta="/data/ref.fa", name="index")
    align = chain_pkg.bwa_mem.step(wf, reads=pynf.Queue([{"meta": {"id": "a"}, "reads": "/data/a.fq"}]),
                                   index=index.out.index, meta3={"id": "ref"}, fasta="/data/ref.fa", sort_bam=True,
                                   name="align")
    bai = chain_pkg.samtools_index.step(wf, input=align.out.bam, name="bai")
    assert isinstance(align.out.bam, Chan) and isinstance(align.out.bam, ChannelRef)
    assert [s.name for s in (index, align, bai)] == ["index", "align", "bai"]
    # a channel without a usable keyword (`file 'config.txt'`) is `input<N>`, pynf.run's position N
    legacy = chain_pkg.legacy_forms.step(wf, sample="s1", reads="/data/a.fq", input1="/data/config.txt",
                                         GREETING_WORD="hello", name="legacy")
    bundle = wf.compile(check_files=False)
    assert "BWA_MEM" in bundle.main_nf and "SAMTOOLS_INDEX" in bundle.main_nf
    assert legacy.step.inputs["1"] == "/data/config.txt"


def test_a_binding_is_a_function_with_a_real_signature_and_a_step_method(chain_pkg):
    fn = chain_pkg.seqtk_seq
    assert fn.__name__ == "seqtk_seq" and "fastx (PathArg)" in inspect.getdoc(fn)
    assert list(inspect.signature(fn).parameters)[:2] == ["meta", "fastx"]
    assert list(inspect.signature(fn.step).parameters)[:3] == ["workflow", "meta", "fastx"]
    with pytest.raises(TypeError, match="name"):
        fn(meta={"id": "a"}, fastx="a.fq", name="x")  # a step setting
    with pytest.raises(TypeError, match="outdir"):
        fn.step(pynf.Workflow("w"), meta={"id": "a"}, fastx="a.fq", outdir="out")  # a run setting


def test_a_result_wraps_the_run_with_typed_items():
    class Run:
        status = "SUCCEEDED"
        outputs = {"fasta": [({"id": "a"}, Path("/x/a.fasta"))], "versions_seqtk": [("SEQTK_SEQ", "seqtk", "1.4")]}
        topics = {"versions": [("SEQTK_SEQ", "seqtk", "1.4")]}
        versions = {"seqtk": "1.4"}

    from collections import namedtuple

    Item = namedtuple("Item", "meta fasta")

    class Result(BindingResult):
        _OUTPUTS = {"fasta": ("fasta", Item), "versions_seqtk": ("versions_seqtk", None)}

    result = Result(Run())
    assert result.fasta[0].fasta == Path("/x/a.fasta") and result.fasta[0].meta == {"id": "a"}
    assert result.versions == {"seqtk": "1.4"} and result.status == "SUCCEEDED"


def _copy_seqtk(tmp_path: Path) -> Path:
    module = tmp_path / "mods" / "my_seqtk"
    shutil.copytree(REPO / "fixtures/modules/seqtk_seq", module)
    return module


def _rename_input(module: Path) -> None:
    main = module / "main.nf"
    main.write_text(main.read_text().replace("path(fastx)", "path(reads)").replace("{fastx}", "{reads}"))


def test_a_changed_interface_raises_drift_with_the_diff_before_anything_runs(tmp_path, monkeypatch):
    module = _copy_seqtk(tmp_path)
    monkeypatch.chdir(tmp_path)
    generate(["mods/my_seqtk"], tmp_path / "out", package="pinned")
    pkg = _import(tmp_path / "out", "pinned")
    fn = pkg.my_seqtk
    _rename_input(module)
    with pytest.raises(InterfaceDriftError, match="renamed to 'reads'") as info:
        fn(meta={"id": "a"}, fastx="r.fq")
    assert info.value.diff.is_breaking and "Regenerate the bindings" in str(info.value)
    assert "sha256:" in str(info.value)


def test_regenerating_shows_what_changed_for_callers(tmp_path, monkeypatch):
    module = _copy_seqtk(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert generate(["mods/my_seqtk"], "out", package="p").changes == []
    _rename_input(module)
    again = generate(["mods/my_seqtk", str(REPO / "fixtures/modules/seqtk_sample")], "out", package="p")
    text = "\n".join(again.changes)
    assert "changed my_seqtk" in text and "BREAKING" in text and "renamed to 'reads'" in text
    assert "added seqtk_sample" in text
    corpus_like = generate([str(module)], "out2", package="q", root=tmp_path).bindings
    assert [b.path for b in corpus_like] == [("mods", "my_seqtk")]


def test_a_directory_not_written_by_bindings_is_refused(tmp_path, monkeypatch):
    (tmp_path / "out" / "mine").mkdir(parents=True)
    (tmp_path / "out" / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(BindingsError, match="not a package pynf bindings wrote"):
        generate([str(REPO / "fixtures/modules/seqtk_seq")], tmp_path / "out", package="mine")
    with pytest.raises(BindingsError, match="not a Python identifier"):
        generate([str(REPO / "fixtures/modules/seqtk_seq")], tmp_path / "out", package="my-pkg")


def test_two_modules_with_one_python_name_are_refused(tmp_path):
    for tool in ("ea-utils", "ea_utils"):
        shutil.copytree(REPO / "fixtures/modules/seqtk_seq", tmp_path / "root" / tool / "x")
    paths = [str(tmp_path / "root" / t / "x") for t in ("ea-utils", "ea_utils")]
    with pytest.raises(BindingsError, match="would both be bound as ea_utils.x"):
        generate(paths, tmp_path / "out", root=tmp_path / "root")
    with pytest.raises(BindingsError, match="would both be bound as x; give --root"):
        generate(paths, tmp_path / "out")


def test_cli_writes_the_package_and_reports_changes(tmp_path, monkeypatch):
    module = _copy_seqtk(tmp_path)
    monkeypatch.chdir(tmp_path)
    first = CliRunner().invoke(cli, ["bindings", "mods/my_seqtk", "--out", "out", "--package", "nfb"])
    assert first.exit_code == 0, first.output
    assert "wrote 1 binding(s) of 1 module(s)" in first.output and (tmp_path / "out/nfb/py.typed").is_file()
    _rename_input(module)
    second = CliRunner().invoke(cli, ["bindings", "mods/my_seqtk", "--out", "out", "--package", "nfb"])
    assert second.exit_code == 0 and "renamed to 'reads'" in second.output
    empty = CliRunner().invoke(cli, ["bindings", "--out", "out2"])
    assert empty.exit_code == 1 and "no modules" in empty.output
