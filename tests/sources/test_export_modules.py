"""Export and compile of modules named by ID from a file:// Git remote, and running an exported bundle
with Nextflow's own CLI (compared with the local backend's run of the same bundle)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import pynf.sources as sources
from pynf.render.bundle import MANIFEST_NAME
from pynf.cli.main import cli

from ..gitrepos import FIXTURE_MODULES, isolated_sources, remote  # noqa: F401 (fixtures)
from ..support import require_engine
from ..builders import tree

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def suffix_file(tmp_path) -> Path:
    path = tmp_path / "suffix.txt"
    path.write_text("!\n")
    return path


def pynf(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def echo_args(suffix_file: Path) -> list[str]:
    return ["--input", "greeting=Hello", "--input", 'name=["Ann","Bob"]', "--input", f"suffix_file={suffix_file}"]


def test_compile_by_id_uses_the_lock_and_second_run_makes_no_git_call(remote, tmp_path):
    repo, shas = remote
    reads = tmp_path / "s1.fq"
    reads.write_text("@r1\nACGT\n+\nIIII\n")
    args = ["compile", "seqtk/seq", "--emit", "wrapper", "--input", 'meta={"id": "s1"}', "--input", f"fastx={reads}"]
    assert pynf("modules", "pull", "seqtk/seq").exit_code == 0  # compile reads pynf.lock, never writes it
    first = pynf(*args)
    assert first.exit_code == 0, first.stderr
    assert "SEQTK_SEQ" in first.stdout and "nf-core/seqtk/seq" in first.stdout
    assert json.loads(Path("pynf.lock").read_text())["modules"][f"{repo.url}::nf-core/seqtk/seq"]["sha"] == shas[-1]
    sources.GIT_STATS.reset()
    with repo.unreachable():
        second = pynf(*args)
    assert second.exit_code == 0 and second.stdout == first.stdout
    assert sources.GIT_STATS.calls == 0


def test_export_by_id_twice_is_byte_identical_with_same_commit(remote, suffix_file):
    repo, shas = remote
    a = pynf("export", "echo_each", "-o", "a", "--git", "--params-format", "yaml", *echo_args(suffix_file))
    assert a.exit_code == 0, a.stderr
    b = pynf("export", "echo_each", "-o", "a", "--git", "--force", "--params-format", "yaml",
             *echo_args(suffix_file))
    assert b.exit_code == 0, b.stderr
    commit = [line for line in a.stderr.splitlines() if line.startswith("commit ")]
    assert commit and commit == [line for line in b.stderr.splitlines() if line.startswith("commit ")]
    files = tree(Path("a"))
    assert sorted(files) == ["README.md", "environment.yml", "main.nf", "nextflow.config", "params.yaml"]
    readme = files["README.md"][1].decode()
    assert f"module `nf-core/echo_each` from {repo.url} at commit `{shas[-1]}`" in readme
    assert "nextflow run main.nf -params-file params.yaml" in readme
    assert a.stdout.splitlines()[0] == "nextflow run a/main.nf -params-file a/params.yaml"
    shutil.copytree("a", "copy", ignore=shutil.ignore_patterns(".git"))
    assert pynf("export", "echo_each", "-o", "a", *echo_args(suffix_file)).exit_code == 1  # no --force


def test_export_errors_are_clean(remote, tmp_path):
    res = pynf("export", "echo_eahc", "-o", "x")
    assert res.exit_code == 1 and "did you mean: echo_each" in res.stderr and not Path("x").exists()
    res = pynf("export", str(FIXTURE_MODULES / "echo_each"), "-o", "x", "--input", "greeting=Hi")
    assert res.exit_code == 1 and res.stderr.startswith("error: ") and "Traceback" not in res.stderr
    assert pynf("export", "echo_each").exit_code == 2  # -o is required


def _engine_or_skip():
    import pynf.backends.local.engine as engine

    require_engine()
    return engine


def _normalized(manifest: dict, outdir: Path) -> dict:
    """Published paths relative to their outdir, per-task folders (named like the task's work dir, which
    differs between runs) as <task>, items in a stable order (tasks finish in any order)."""
    root = str(outdir.resolve())

    def fix(value):
        if isinstance(value, str) and value.startswith(root + "/"):
            return "<outdir>/" + re.sub(r"^[0-9a-f]{2}/[0-9a-f]{30}/", "<task>/", value[len(root) + 1:])
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        return value

    def order(channels: dict) -> dict:
        return {k: sorted((fix(item) for item in items), key=lambda i: json.dumps(i, sort_keys=True))
                for k, items in channels.items()}

    return {"pynf": manifest["pynf"], "process": manifest["process"], "outputs": order(manifest["outputs"]),
            "topics": order(manifest["topics"])}


@pytest.mark.engine
def test_exported_bundle_runs_with_nextflow_cli_like_pynf_run(remote, suffix_file, tmp_path):
    engine = _engine_or_skip()
    from pynf.backends.local.backend import LocalBackend

    res = pynf("export", "echo_each", "-o", str(tmp_path / "bundle"), *echo_args(suffix_file))
    assert res.exit_code == 0, res.stderr
    launch = tmp_path / "launch"
    launch.mkdir()
    proc = subprocess.run(engine.java_cmd_for_cli(tmp_path / "bundle"), cwd=launch, env=engine.nextflow_env(),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    cli_manifest = json.loads((launch / "results" / MANIFEST_NAME).read_text())

    from pynf.render.compile import compile_bundle

    resolved = sources.resolve("echo_each")
    bundle = compile_bundle(resolved.path, inputs={"greeting": "Hello", "name": ["Ann", "Bob"],
                                                   "suffix_file": str(suffix_file)}, module_id=resolved.module_id)
    assert bundle.main_nf == (tmp_path / "bundle" / "main.nf").read_text()
    result = LocalBackend(runs_root=tmp_path / "runs").submit(bundle, run_dir=tmp_path / "run")
    assert _normalized(cli_manifest, launch / "results") == _normalized(result.manifest, result.outdir)
    greetings = sorted(item[0]["value"] for item in cli_manifest["outputs"]["0"])
    assert greetings == ["Hello, Ann!\n", "Hello, Bob!\n"]
