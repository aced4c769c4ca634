"""Issue 21 item 14: a remote git cannot read is reported with git's meaningful lines, not the last line
of its generic advice ("and the repository exists.")."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pynf.cli.main import cli


@pytest.mark.parametrize("remote", ["/no/such", "file:///no/such/either.git"])
def test_unreadable_module_remote_keeps_gits_reason(remote, tmp_path, monkeypatch):
    monkeypatch.setenv("PYNF_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PYNF_MODULES_REMOTE", remote)
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(cli, ["inspect", "fastqc"])
    assert out.exit_code == 1
    first = out.output.splitlines()[0]
    assert first.startswith(f"error: cannot fetch from module remote {remote}: fatal: ")
    assert "does not appear to be a git repository" in first or "Could not read from remote" in first, first
    assert "and the repository exists" not in out.output and "PYNF_MODULES_REMOTE=URL" in out.output


def test_git_reason_keeps_fatal_lines_and_drops_the_advice():
    from pynf._util.git import git_reason

    stderr = ("fatal: 'x' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\n"
              "Please make sure you have the correct access rights\nand the repository exists.\n")
    assert git_reason(stderr) == ("fatal: 'x' does not appear to be a git repository; "
                                  "fatal: Could not read from remote repository.")
    assert git_reason("remote: Repository not found.\nfatal: repository 'https://h/x/' not found\n") == \
        "remote: Repository not found.; fatal: repository 'https://h/x/' not found"
    assert git_reason("something odd happened\n") == "something odd happened"
