"""Build real Git module repositories (nf-core layout) from the modules in fixtures/, for tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

__all__ = ["FIXTURE_MODULES", "ModuleRepo", "nfcore_repo", "acme_repo"]

FIXTURE_MODULES = Path(__file__).resolve().parent.parent / "fixtures" / "modules"

_ENV = {
    "GIT_AUTHOR_NAME": "Fixture Author", "GIT_AUTHOR_EMAIL": "fixtures@pynf.invalid",
    "GIT_COMMITTER_NAME": "Fixture Author", "GIT_COMMITTER_EMAIL": "fixtures@pynf.invalid",
    "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C",
}


class ModuleRepo:
    """A non-bare Git repository served over ``file://`` that holds ``modules/<org>/<tool>[/<sub>]``."""

    def __init__(self, path: Path, *, branch: str = "master", allow_filter: bool = True):
        self.path = path
        self.branch = branch
        self._clock = 1_700_000_000
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet", "-b", branch)
        # What GitHub allows: partial clones and fetching any reachable commit by SHA.
        self.git("config", "uploadpack.allowFilter", "true" if allow_filter else "false")
        self.git("config", "uploadpack.allowAnySHA1InWant", "true")

    @property
    def url(self) -> str:
        """The ``file://`` URL clients fetch from."""
        return self.path.as_uri()

    def git(self, *args: str) -> str:
        """Run git in the repository and return stdout."""
        env = dict(os.environ, **_ENV)
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{self._clock} +0000"
        out = subprocess.run(["git", *args], cwd=self.path, env=env, check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def add_fixture(self, fixture: str, dest: str) -> Path:
        """Copy fixtures/modules/<fixture> to modules/<dest> (e.g. ``nf-core/seqtk/seq``)."""
        source = FIXTURE_MODULES / fixture
        if not (source / "main.nf").is_file():
            raise FileNotFoundError(f"fixture module {source} is missing")
        target = self.path / "modules" / dest
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)
        return target

    def write(self, rel: str, text: str) -> None:
        """Write a text file at ``rel`` (parents created)."""
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def remove(self, rel: str) -> None:
        """Delete a file or directory at ``rel``."""
        target = self.path / rel
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()

    def commit(self, message: str) -> str:
        """Commit everything (fixed, increasing dates) and return the new commit SHA."""
        self._clock += 60
        self.git("add", "-A")
        self.git("commit", "--quiet", "-m", message)
        return self.head

    @property
    def head(self) -> str:
        """The SHA of the branch head."""
        return self.git("rev-parse", "HEAD")

    @contextlib.contextmanager
    def unreachable(self) -> Iterator[None]:
        """Make the remote unreachable (its directory moves away) for the duration of the block."""
        hidden = self.path.with_name(self.path.name + ".hidden")
        os.replace(self.path, hidden)
        try:
            yield
        finally:
            os.replace(hidden, self.path)


def nfcore_repo(path: Path, *, allow_filter: bool = True) -> tuple[ModuleRepo, list[str]]:
    """An nf-core-style repository with three commits; returns it and the commit SHAs in order.

    1. seqtk/seq, samtools/view, bin_script, template_greet
    2. adds samtools/sort and seqtk/sample; changes seqtk/seq/main.nf
    3. adds echo_each; changes seqtk/seq/main.nf again; a second org ``acme`` with seqtk/seq
    """
    repo = ModuleRepo(path, allow_filter=allow_filter)
    repo.write("README.md", "test module repository\n")
    repo.add_fixture("seqtk_seq", "nf-core/seqtk/seq")
    repo.add_fixture("samtools_view", "nf-core/samtools/view")
    repo.add_fixture("bin_script", "nf-core/bin_script")
    repo.add_fixture("template_greet", "nf-core/template_greet")
    shas = [repo.commit("first modules")]
    repo.add_fixture("samtools_sort", "nf-core/samtools/sort")
    repo.add_fixture("seqtk_sample", "nf-core/seqtk/sample")
    main = repo.path / "modules/nf-core/seqtk/seq/main.nf"
    main.write_text(main.read_text() + "// revision 2\n")
    shas.append(repo.commit("more modules"))
    repo.add_fixture("echo_each", "nf-core/echo_each")
    main.write_text(main.read_text() + "// revision 3\n")
    repo.add_fixture("seqtk_seq", "acme/seqtk/seq")
    shas.append(repo.commit("echo_each and a second organisation"))
    return repo, shas


def acme_repo(path: Path) -> tuple[ModuleRepo, list[str]]:
    """Another organisation's repository (single org ``acme``, branch ``main``)."""
    repo = ModuleRepo(path, branch="main")
    repo.add_fixture("echo_each", "acme/echo_each")
    repo.add_fixture("seqtk_sample", "acme/seqtk/sample")
    return repo, [repo.commit("acme modules")]


@pytest.fixture(autouse=True)
def isolated_sources(tmp_path, monkeypatch):
    """Own cache dir, own working dir (for pynf.lock), no inherited pynf source settings."""
    import pynf.sources as sources

    for var in ("PYNF_MODULES_REMOTE", "PYNF_MODULES_BRANCH", "PYNF_OFFLINE", "PYNF_MODULES_CACHE_DIR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PYNF_CACHE_DIR", str(tmp_path / "cache"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    sources.GIT_STATS.reset()
    return work


@pytest.fixture
def remote(tmp_path, monkeypatch):
    """An nf-core-style remote (several commits) set as the default remote: (repo, shas)."""
    repo, shas = nfcore_repo(tmp_path / "remote")
    monkeypatch.setenv("PYNF_MODULES_REMOTE", repo.url)
    return repo, shas
