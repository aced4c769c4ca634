"""Issue 11, items 2-4: the same source options everywhere (CLI and API), an unreachable remote says how
to point elsewhere or work offline, and read-only commands never create pynf.lock."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import pynf
from pynf.cli.main import cli
from pynf.errors import InputError, ModuleSourceError

from ..gitrepos import isolated_sources, remote  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SOURCE_OPTIONS = {"--git-remote", "--branch", "--sha", "--offline"}


def module_hash(repo, sha: str) -> str:
    """sha256 of seqtk/seq's main.nf at ``sha`` (the wrapper header names it)."""
    import hashlib
    import subprocess

    data = subprocess.run(["git", "show", f"{sha}:modules/nf-core/seqtk/seq/main.nf"], cwd=repo.path,
                          capture_output=True, check=True).stdout
    return f"// module source sha256: {hashlib.sha256(data).hexdigest()}"


def pynf_cli(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _command(path: str) -> click.Command:
    ctx = click.Context(cli)
    cmd: click.Command = cli
    for name in path.split():
        cmd = cmd.get_command(ctx, name)  # type: ignore[union-attr]
    return cmd


@pytest.mark.parametrize("path", ["compile", "inspect", "run", "export", "modules list", "modules info",
                                  "modules pull"])
def test_every_module_command_has_the_same_source_options(path):
    options = {opt: p for p in _command(path).params for opt in p.opts}
    assert SOURCE_OPTIONS <= set(options), f"pynf {path} lacks {SOURCE_OPTIONS - set(options)}"
    reference = {opt: p for p in _command("modules pull").params for opt in p.opts}
    for opt in SOURCE_OPTIONS:
        assert (options[opt].name, options[opt].help) == (reference[opt].name, reference[opt].help)


@pytest.fixture
def elsewhere(remote, monkeypatch):
    """The default remote points nowhere: only an explicit remote can find the modules."""
    monkeypatch.setenv("PYNF_MODULES_REMOTE", "file:///nonexistent/pynf-modules.git")
    return remote


def test_cli_compile_and_inspect_take_remote_and_sha(elsewhere):
    repo, shas = elsewhere
    res = pynf_cli("inspect", "seqtk/seq", "--json", "--git-remote", repo.url, "--sha", shas[0][:10])
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["module"] == "nf-core/seqtk/seq"
    res = pynf_cli("compile", "seqtk/seq", "--git-remote", repo.url, "--sha", shas[0])
    assert res.exit_code == 0, res.stderr
    assert module_hash(repo, shas[0]) in res.stdout
    res = pynf_cli("compile", "seqtk/seq", "--git-remote", repo.url, "--sha", shas[1])
    assert res.exit_code == 0 and module_hash(repo, shas[1]) in res.stdout


def test_api_compile_inspect_run_take_remote_branch_sha_offline(elsewhere):
    repo, shas = elsewhere
    assert pynf.inspect("seqtk/seq", remote=repo.url, sha=shas[0])["module"] == "nf-core/seqtk/seq"
    bundle = pynf.compile("seqtk/seq", remote=repo.url, branch="master", sha=shas[1], meta={"id": "x"},
                          fastx="/dev/null")
    assert module_hash(repo, shas[1]) in bundle.main_nf
    offline = pynf.compile("seqtk/seq", remote=repo.url, sha=shas[1], offline=True, meta={"id": "x"},
                           fastx="/dev/null")
    assert offline.main_nf == bundle.main_nf
    with pytest.raises(InputError):  # resolved from the given remote and commit, then inputs are checked
        pynf.run("seqtk/seq", remote=repo.url, sha=shas[0])
    assert json.loads(Path("pynf.lock").read_text())["modules"][f"{repo.url}::nf-core/seqtk/seq"]["sha"] == shas[0]


def test_unreachable_remote_says_how_to_point_elsewhere_or_work_offline(elsewhere):
    res = pynf_cli("inspect", "fastqc")
    assert res.exit_code == 1 and res.stderr.startswith("error: cannot fetch from module remote")
    for hint in ("--git-remote", "PYNF_MODULES_REMOTE", "--offline", "PYNF_OFFLINE"):
        assert hint in res.stderr
    with pytest.raises(ModuleSourceError, match="PYNF_MODULES_REMOTE"):
        pynf.inspect("fastqc")


def test_read_only_commands_never_create_the_lock(remote):
    repo, shas = remote
    for args in (["inspect", "seqtk/seq"], ["compile", "seqtk/seq"], ["modules", "info", "seqtk/seq"],
                 ["modules", "list"]):
        res = pynf_cli(*args)
        assert res.exit_code == 0, (args, res.stderr)
        assert not Path("pynf.lock").exists(), f"pynf {' '.join(args)} wrote pynf.lock"
    pynf.inspect("seqtk/seq")
    pynf.compile("seqtk/seq", meta={"id": "x"}, fastx="/dev/null")
    assert not Path("pynf.lock").exists()
    # ... but they read it: once pulled at an old commit, that commit is what they use
    assert pynf_cli("modules", "pull", "seqtk/seq", "--sha", shas[0]).exit_code == 0
    before = Path("pynf.lock").read_text()
    res = pynf_cli("compile", "seqtk/seq")
    assert res.exit_code == 0 and module_hash(repo, shas[0]) in res.stdout
    assert pynf.inspect("seqtk/seq")["module"] == "nf-core/seqtk/seq"
    assert Path("pynf.lock").read_text() == before


def test_export_writes_the_lock(remote, tmp_path):
    repo, shas = remote
    res = pynf_cli("export", "seqtk/seq", "-o", str(tmp_path / "b"), "--input", 'meta={"id":"x"}',
                   "--input", "fastx=/dev/null")
    assert res.exit_code == 0, res.stderr
    assert json.loads(Path("pynf.lock").read_text())["modules"][f"{repo.url}::nf-core/seqtk/seq"]["sha"] == shas[-1]
