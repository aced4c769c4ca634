"""Publish compiled wrappers to a Git repository the Seqera workspace can read.

The platform's launch API takes a Git repository URL plus the path of the main script inside it (never
script text), so each bundle is committed under ``pynf/<module-id>/<content-hash>/`` and launched from
there. Content-addressed: a bundle already on the remote is not pushed again. Commits are built with git
plumbing in a private cache clone (no checkout), guarded by a process lock and a file lock, and pushes
that lose a race (non-fast-forward) are rebuilt on the new tip and retried.
Credentials (``PYNF_WRAPPER_REPO_TOKEN``) reach git through ``GIT_ASKPASS`` reading an environment
variable, never through the URL, the command line, the repository config or any log/error text.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import re
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ContextManager
from urllib.parse import urlsplit, urlunsplit

from pynf._util.files import atomic_write
from pynf._util.git import git_available, run_git
from pynf._util.locks import file_lock
from pynf._util.paths import wrapper_repos_root
from pynf.errors import GitError, WrapperRepoError
from pynf.render.bundle import Bundle

__all__ = ["WrapperRepo", "PublishedWrapper", "WrapperRepoError", "bundle_dir"]

#: git commands that talk to the remote.
_NETWORK = frozenset({"fetch", "push", "ls-remote"})

log = logging.getLogger("pynf.seqera")

ROOT_MAIN = ("// pynf wrapper repository.\n"
             "// Compiled module wrappers live under pynf/<module-id>/<content-hash>/main.nf and are launched\n"
             "// with that path as the main script. This root main.nf only exists because Seqera Platform\n"
             "// expects one on the default branch.\n")

_ASKPASS = """#!/bin/sh
case "$1" in
  [Uu]sername*) printf '%s\\n' "${PYNF_GIT_USERNAME:-x-access-token}" ;;
  *) printf '%s\\n' "$PYNF_GIT_PASSWORD" ;;
esac
"""



@dataclass(frozen=True)
class PublishedWrapper:
    """Where a bundle lives in the wrapper repository: launch with these three values."""

    repo_url: str
    commit: str
    main_script: str
    pushed: bool


def bundle_dir(bundle: Bundle) -> str:
    """Repository path of a bundle: ``pynf/<module-id>/<content-hash>``."""
    parts = [p for p in re.split(r"[/\\]+", bundle.module_id) if p]
    safe = [re.sub(r"[^A-Za-z0-9._-]", "_", p) for p in parts]
    safe = [("_" + p if p.startswith(".") else p) for p in safe] or ["module"]
    return "/".join(["pynf", *safe, bundle.content_hash])


def _split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """Remove ``user:password@`` from an http(s) URL; returns (clean url, user, password)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or "@" not in parts.netloc:
        return url, None, None
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment)), user or None, password or None


class WrapperRepo:
    """A Git remote that holds compiled wrappers; ``publish(bundle)`` returns where to launch it from."""

    def __init__(self, url: str, *, token: str | None = None, username: str | None = None,
                 branch: str | None = None, cache_dir: str | os.PathLike[str] | None = None,
                 push_attempts: int = 6):
        clean, url_user, url_password = _split_credentials(url)
        self.url = clean
        self._password = token or url_password
        self._username = username or url_user
        self.branch = branch
        self.push_attempts = push_attempts
        base = Path(cache_dir or wrapper_repos_root())
        self.local = base / hashlib.sha256(self.url.encode()).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"WrapperRepo(url={self.url!r}, branch={self.branch!r})"

    # -- git plumbing ---------------------------------------------------------------------------

    def _env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {"GIT_AUTHOR_NAME": "pynf", "GIT_AUTHOR_EMAIL": "pynf@users.noreply.invalid",
               "GIT_COMMITTER_NAME": "pynf", "GIT_COMMITTER_EMAIL": "pynf@users.noreply.invalid"}
        if self._password:
            env["GIT_ASKPASS"] = str(self._askpass())
            env["PYNF_GIT_PASSWORD"] = self._password
            if self._username:
                env["PYNF_GIT_USERNAME"] = self._username
        if extra:
            env.update(extra)
        return env

    def _askpass(self) -> Path:
        path = self.local.parent / "pynf-askpass.sh"
        if not path.exists():
            atomic_write(path, _ASKPASS, mode=stat.S_IRWXU)
        return path

    def _scrub(self, text: str) -> str:
        return text.replace(self._password, "***") if self._password else text

    def _git(self, *args: str, input: bytes | None = None, env: dict[str, str] | None = None,
             check: bool = True) -> subprocess.CompletedProcess[bytes]:
        if not git_available():
            raise WrapperRepoError("git is not installed (or not on PATH); it is needed to publish wrappers "
                                   "for Seqera Platform")
        try:
            return run_git("-C", str(self.local), *args, input=input, env=self._env(env), check=check,
                           isolated=True, network=args[0] in _NETWORK, timeout=600)
        except GitError as exc:
            if exc.returncode is None:
                raise WrapperRepoError(f"git {args[0]} timed out talking to {self.url}") from None
            err = self._scrub(exc.stderr)
            raise WrapperRepoError(f"git {args[0]} failed for wrapper repository {self.url}: {err[-1500:]}") from None

    def _out(self, *args: str, **kw) -> str:
        return self._git(*args, **kw).stdout.decode().strip()

    # -- locking --------------------------------------------------------------------------------

    def _locked(self) -> ContextManager[bool]:
        return file_lock(str(self.local) + ".lock", threads=True)

    def _prepare(self) -> None:
        if not (self.local / "HEAD").exists():
            self.local.mkdir(parents=True, exist_ok=True)
            self._git("init", "--bare", "--quiet")
        self._git("config", "remote.origin.url", self.url)
        self._git("config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*")

    def _default_branch(self) -> str:
        if self.branch:
            return self.branch
        out = self._out("ls-remote", "--symref", "origin", "HEAD")
        for line in out.splitlines():
            if line.startswith("ref: ") and line.endswith("\tHEAD"):
                return line[5:-5].removeprefix("refs/heads/")
        return self._unborn_head() or "main"

    def _unborn_head(self) -> str | None:
        """The branch an empty remote's unborn HEAD names (``ls-remote`` does not show it; a clone of the
        empty repository learns it through protocol v2's ``unborn``), or None."""
        with tempfile.TemporaryDirectory(prefix="pynf-head-") as tmp:
            target = os.path.join(tmp, "probe.git")
            proc = subprocess.run(["git", "clone", "--quiet", "--bare", "--depth=1", self.url, target],
                                  capture_output=True, env=self._env(), timeout=120)
            if proc.returncode != 0:
                return None
            head = subprocess.run(["git", "--git-dir", target, "symbolic-ref", "--quiet", "HEAD"],
                                  capture_output=True, env=self._env(), timeout=30)
        ref = head.stdout.decode().strip()
        return ref.removeprefix("refs/heads/") if head.returncode == 0 and ref.startswith("refs/heads/") else None

    def _tip(self, branch: str) -> str | None:
        proc = self._git("rev-parse", "--verify", "--quiet", f"refs/remotes/origin/{branch}^{{commit}}",
                         check=False)
        return proc.stdout.decode().strip() or None

    def _existing(self, branch: str, directory: str) -> str | None:
        """Commit that added ``directory`` on the branch when its main.nf is present, else None."""
        tip = self._tip(branch)
        if tip is None:
            return None
        has = self._git("cat-file", "-e", f"{tip}:{directory}/main.nf", check=False).returncode == 0
        if not has:
            return None
        return self._out("log", "-1", "--format=%H", tip, "--", directory) or tip

    # -- publishing -----------------------------------------------------------------------------

    def publish(self, bundle: Bundle) -> PublishedWrapper:
        """Commit ``bundle`` (wrapper + sidecars) under ``pynf/<id>/<hash>/`` unless already there; push."""
        directory = bundle_dir(bundle)
        main_script = f"{directory}/main.nf"
        with self._locked():
            self._prepare()
            branch = self._default_branch()
            for attempt in range(self.push_attempts):
                self._git("fetch", "--quiet", "--prune", "origin")
                found = self._existing(branch, directory)
                if found:
                    log.info("wrapper %s already in %s at %s", directory, self.url, found[:12])
                    return PublishedWrapper(self.url, found, main_script, pushed=False)
                commit = self._commit(bundle, directory, self._tip(branch))
                proc = self._git("push", "--quiet", "--porcelain", "origin", f"{commit}:refs/heads/{branch}",
                                 check=False)
                if proc.returncode == 0:
                    log.info("pushed wrapper %s to %s at %s", directory, self.url, commit[:12])
                    return PublishedWrapper(self.url, commit, main_script, pushed=True)
                text = self._scrub((proc.stdout + proc.stderr).decode(errors="replace"))
                if not _lost_race(text):
                    raise WrapperRepoError(f"git push to wrapper repository {self.url} was refused (branch "
                                           f"{branch}; not retried): {_push_reason(text)}")
                time.sleep(random.uniform(0.05, 0.3) * (attempt + 1))  # lost a race: rebuild on new tip
            raise WrapperRepoError(f"could not push to wrapper repository {self.url}: the branch {branch} kept "
                                   f"moving ({self.push_attempts} attempts)")

    def _commit(self, bundle: Bundle, directory: str, parent: str | None) -> str:
        files = {f"{directory}/main.nf": (bundle.main_nf.encode(), False)}
        for rel, data in bundle.sidecars:
            files[f"{directory}/{rel}"] = (data, rel in bundle.executables)
        with tempfile.TemporaryDirectory(prefix="pynf-index-") as tmp:
            env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
            if parent:
                self._git("read-tree", parent, env=env)
            else:
                self._git("read-tree", "--empty", env=env)
            has_root = parent is not None and self._git("cat-file", "-e", f"{parent}:main.nf",
                                                        check=False).returncode == 0
            if not has_root:
                files["main.nf"] = (ROOT_MAIN.encode(), False)
            lines = []
            for path, (data, executable) in sorted(files.items()):
                blob = self._out("hash-object", "-w", "--stdin", input=data)
                lines.append(f"{'100755' if executable else '100644'} {blob}\t{path}")
            self._git("update-index", "--add", "--index-info", input=("\n".join(lines) + "\n").encode(), env=env)
            tree = self._out("write-tree", env=env)
        message = f"pynf: add {bundle.module_id} ({bundle.process}) wrapper {bundle.content_hash}"
        args = ["commit-tree", tree, "-m", message]
        if parent:
            args += ["-p", parent]
        return self._out(*args)


#: A push that lost a race with another publisher (the only rejection worth rebuilding and retrying).
_RACE = re.compile(r"\[rejected\]\s*\((non-fast-forward|fetch first|stale info)\)|cannot lock ref|"
                   r"failed to update ref|non-fast-forward")


def _lost_race(text: str) -> bool:
    """True when git's push output says only that the branch moved (not a hook, protection or auth refusal)."""
    if re.search(r"\[remote rejected\]", text) and "cannot lock ref" not in text:
        return False
    return bool(_RACE.search(text))


def _push_reason(text: str) -> str:
    """git's own words for a refused push: the server's ``remote:`` lines first, then the ref status."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and ln.strip() != "Done"]
    remote = [ln for ln in lines if ln.startswith("remote:")]
    rest = [ln for ln in lines if not ln.startswith(("remote:", "To "))]
    return "; ".join(remote + rest)[-1500:] or "git gave no reason"
