"""``pynf modules list/info/pull/update`` against a real Git repository on a file:// remote."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ..gitrepos import isolated_sources, remote  # noqa: F401 (fixtures)

import pynf.sources as sources
from pynf.cli.main import cli

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def invoke(*args: str):
    return CliRunner().invoke(cli, ["modules", *args], catch_exceptions=False)


def test_list_plain_and_json(remote):
    repo, shas = remote
    res = invoke("list", "--filter", "seqtk")
    assert res.exit_code == 0, res.stderr
    assert res.stdout.splitlines() == ["acme/seqtk/seq", "nf-core/seqtk/sample", "nf-core/seqtk/seq"]
    res = invoke("list", "--json", "--filter", "view", "--sha", shas[0])
    doc = json.loads(res.stdout)
    assert doc == {"modules": [{"name": "nf-core/samtools/view", "org": "nf-core", "id": "samtools/view",
                                "path": "modules/nf-core/samtools/view"}], "remote": repo.url, "sha": shas[0]}


def test_pull_pins_and_second_run_makes_no_git_call(remote):
    repo, shas = remote
    res = invoke("pull", "samtools/view", "--sha", shas[1][:10])
    assert res.exit_code == 0, res.stderr
    name, sha, path = res.stdout.split()
    assert (name, sha) == ("nf-core/samtools/view", shas[1]) and (Path(path) / "main.nf").is_file()
    assert json.loads(Path("pynf.lock").read_text())["modules"][f"{repo.url}::nf-core/samtools/view"]["sha"] == shas[1]
    sources.GIT_STATS.reset()
    res = invoke("pull", "samtools/view")
    assert res.exit_code == 0 and res.stdout.split()[1] == shas[1]
    assert sources.GIT_STATS.calls == 0


def test_info_from_the_ir(remote):
    res = invoke("info", "seqtk/seq", "--json")
    assert res.exit_code == 0, res.stderr
    info = json.loads(res.stdout)
    assert info["module"] == "nf-core/seqtk/seq"
    proc = info["processes"][0]
    assert proc["name"] == "SEQTK_SEQ"
    assert [c["key"] for c in proc["inputs"]] == ["0"]
    assert [e["name"] for e in proc["inputs"][0]["elements"]] == ["meta", "fastx"]
    assert [c["key"] for c in proc["outputs"]] == ["fasta", "versions_seqtk"]
    assert proc["outputs"][1]["topic"] == "versions" and proc["topics"] == ["versions"]
    assert "seqtk" in info["tools"]
    text = invoke("info", "seqtk/seq")
    assert text.exit_code == 0
    assert "process SEQTK_SEQ" in text.stdout and "nf-core/seqtk/seq" in text.stdout
    assert all(word in text.stdout for word in ("Inputs", "Outputs", "fastx", "fasta", "versions_seqtk", "topic: versions"))


def test_update_moves_forward(remote):
    repo, shas = remote
    assert invoke("pull", "seqtk/seq", "--sha", shas[0]).exit_code == 0
    res = invoke("update")
    assert res.exit_code == 0
    assert res.stdout.strip() == f"nf-core/seqtk/seq: {shas[0][:12]} -> {shas[-1][:12]}"
    res = invoke("update", "seqtk/seq")
    assert res.stdout.strip() == f"nf-core/seqtk/seq: up to date ({shas[-1][:12]})"


def test_errors_are_one_line_on_stderr_with_exit_1(remote, tmp_path, monkeypatch):
    repo, _ = remote
    res = invoke("pull", "samtols/view")
    assert res.exit_code == 1 and res.stdout == ""
    assert res.stderr.startswith("error: unknown module 'samtols/view'") and "samtools/view" in res.stderr
    with repo.unreachable():
        res = invoke("list")  # the branch head was seen before: a warning, then the cached listing
        assert res.exit_code == 0 and "nf-core/seqtk/seq" in res.stdout
        assert res.stderr.startswith("warning: cannot fetch from module remote")
        monkeypatch.setenv("PYNF_CACHE_DIR", str(tmp_path / "empty-cache"))
        res = invoke("list")
        assert res.exit_code == 1 and res.stderr.startswith("error: cannot fetch from module remote")
        assert "Traceback" not in res.stderr
    res = invoke("pull", "seqtk/seq", "--offline", "--git-remote", repo.url + "-elsewhere")
    assert res.exit_code == 1 and "offline and nothing from" in res.stderr


def test_usage_errors_exit_2(remote):
    assert invoke("pull").exit_code == 2
    assert invoke("list", "--bogus").exit_code == 2
