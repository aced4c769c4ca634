"""Issue 11, Seqera client: a refused push is reported at once with git's message, an empty remote's
unborn HEAD is followed, cancel of a finished run is a no-op, unreachable endpoints fail fast."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pynf.backends.seqera.wrapper_repo import WrapperRepo, WrapperRepoError

from .test_seqera_wrapper_repo import bare, bundle, git


def _hooked(tmp_path: Path) -> tuple[Path, Path]:
    remote = bare(tmp_path)
    calls = tmp_path / "hook-calls"
    hook = remote / "hooks" / "pre-receive"
    hook.write_text(f"#!/bin/sh\necho call >> {calls}\necho 'main is protected: open a merge request' >&2\nexit 1\n")
    hook.chmod(0o755)
    return remote, calls


def test_push_refused_by_pre_receive_hook_fails_at_once_with_the_hooks_message(tmp_path):
    remote, calls = _hooked(tmp_path)
    repo = WrapperRepo(remote.as_uri(), cache_dir=tmp_path / "cache")
    with pytest.raises(WrapperRepoError) as err:
        repo.publish(bundle())
    message = str(err.value)
    assert "main is protected: open a merge request" in message
    assert "kept moving" not in message and "pre-receive hook declined" in message
    assert calls.read_text().count("call") == 1  # one attempt: a refusal is not a race


def test_unborn_head_of_an_empty_remote_is_followed(tmp_path):
    remote = bare(tmp_path, branch="master")
    pub = WrapperRepo(remote.as_uri(), cache_dir=tmp_path / "cache").publish(bundle())
    assert git(remote, "rev-parse", "refs/heads/master") == pub.commit
    assert subprocess.run(["git", "--git-dir", str(remote), "rev-parse", "--verify", "--quiet", "refs/heads/main"],
                          capture_output=True).returncode != 0
