"""Run the ``git`` executable for module sources, counting calls so tests can prove offline use."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from pynf.errors import GitError, ModuleSourceError

__all__ = ["GitError", "GitStats", "STATS", "git", "git_bytes", "git_available", "git_reason", "run_git"]

#: Seconds a single network git command may take before pynf gives up on it.
NETWORK_TIMEOUT = float(os.environ.get("PYNF_GIT_TIMEOUT", "600"))


@dataclass
class GitStats:
    """How many git processes pynf started in this Python process (and how many talked to a remote)."""

    calls: int = 0
    network_calls: int = 0

    def reset(self) -> None:
        """Set both counters back to zero."""
        self.calls = 0
        self.network_calls = 0


#: Process-wide counters of git invocations (see ``GitStats``).
STATS = GitStats()
_stats_lock = threading.Lock()


#: git's closing advice after a failed remote operation: true of every failure, so it says nothing
_BOILERPLATE = ("please make sure you have the correct access rights", "and the repository exists.")


def git_reason(stderr: str, limit: int = 3) -> str:
    """The meaningful lines of git's stderr, joined: its ``fatal:``/``error:``/``remote:`` lines (else every
    line) without the generic "Please make sure you have the correct access rights" advice."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    lines = [line for line in lines if line.lower() not in _BOILERPLATE]
    keyed = [line for line in lines if line.split(":", 1)[0].lower() in ("fatal", "error", "remote", "ssh")]
    chosen = list(dict.fromkeys(keyed or lines))
    return "; ".join(chosen[:limit]) or stderr.strip()


def git_available() -> bool:
    """True when a ``git`` executable is on PATH."""
    return shutil.which("git") is not None


def _env(isolated: bool) -> dict[str, str]:
    if isolated:  # none of the caller's GIT_* settings (config, identity, askpass) leaks in
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    else:
        env = dict(os.environ)
        for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
            env.pop(name, None)
    env["GIT_TERMINAL_PROMPT"] = "0"  # never hang on a credential prompt
    env["LC_ALL"] = "C"
    return env


def run_git(*args: str, cwd: str | os.PathLike[str] | None = None, network: bool = False,
            input: bytes | None = None, env: dict[str, str] | None = None, check: bool = True,
            isolated: bool = False, timeout: float | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``git ARGS`` (the one place pynf starts git) and return the finished process.

    ``network`` marks a command that talks to a remote (counted, and the only kind allowed to); ``env``
    adds variables; ``isolated`` drops the caller's ``GIT_*`` variables first. Raises GitError when git
    is missing, times out, or (with ``check``) exits non-zero.
    """
    if not git_available():
        raise GitError("git is not installed (or not on PATH)", args=tuple(args), network=network)
    cmd = ["git", "-c", "protocol.version=2", *args]
    with _stats_lock:
        STATS.calls += 1
        if network:
            STATS.network_calls += 1
    full_env = _env(isolated)
    if not network:
        # A local command must never reach a remote, not even through a partial clone's lazy fetch.
        full_env["GIT_ALLOW_PROTOCOL"] = "pynf-no-network"
    if env:
        full_env.update(env)
    limit = timeout if timeout is not None else (NETWORK_TIMEOUT if network else None)
    try:
        proc = subprocess.run(cmd, cwd=None if cwd is None else Path(cwd), input=input,
                              capture_output=True, env=full_env, timeout=limit)
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {args[0]} timed out after {limit:.0f} s", args=tuple(args),
                       network=network) from exc
    if check and proc.returncode != 0:
        stderr = proc.stderr.decode(errors="replace").strip()
        tail = "\n".join(stderr.splitlines()[-5:])
        raise GitError(f"git {args[0]} failed (exit {proc.returncode}): {tail}", args=tuple(args),
                       returncode=proc.returncode, stderr=stderr, network=network)
    return proc


def git_bytes(*args: str, cwd: str | os.PathLike[str] | None = None, network: bool = False,
              input: bytes | None = None, env: dict[str, str] | None = None) -> bytes:
    """Run ``git ARGS`` and return its stdout; raise GitError (a ModuleSourceError) on failure."""
    if not git_available():
        raise ModuleSourceError("git is not installed (or not on PATH); it is needed to fetch modules by ID")
    return run_git(*args, cwd=cwd, network=network, input=input, env=env).stdout


def git(*args: str, cwd: str | os.PathLike[str] | None = None, network: bool = False,
        env: dict[str, str] | None = None) -> str:
    """Run ``git ARGS`` and return its stdout as stripped text."""
    return git_bytes(*args, cwd=cwd, network=network, env=env).decode(errors="replace").strip()
