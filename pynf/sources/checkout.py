"""Module checkouts: a module (local path or nf-core-style ID) to its directory, Git modules checked out at
the commit pinned in ``pynf.lock``; listing a remote's modules; moving pins (``update``)."""

from __future__ import annotations

import difflib
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pynf.errors import ModuleNotFound, ModuleSourceError, SourceWarning
from pynf.sources.fetch import GitSource
from pynf.sources.ids import (ModuleId, default_branch, default_remote, is_local_module, normalize_remote,
                  offline_default, parse_module_id)
from pynf.sources.lock import LockEntry, LockFile, lock_key

__all__ = ["ResolvedModule", "ModuleRef", "LockUpdate", "resolve", "list_modules", "update", "branch_head"]


@dataclass(frozen=True)
class ResolvedModule:
    """Where a module lives on disk and, for Git modules, the commit and remote it came from."""

    path: Path
    module_id: str
    sha: str | None
    remote: str | None
    branch: str | None = None
    content_hash: str | None = None


@dataclass(frozen=True)
class ModuleRef:
    """A module available on a remote at a commit: ``org``, ``id`` (``tool[/sub]``) and repo path."""

    org: str
    id: str
    path: str
    sha: str
    remote: str

    @property
    def name(self) -> str:
        """``org/tool[/sub]``."""
        return f"{self.org}/{self.id}"


@dataclass(frozen=True)
class LockUpdate:
    """What ``update`` did to one lock entry (``old_sha`` is None for a newly pinned module)."""

    key: str
    old_sha: str | None
    new_sha: str
    held: str | None = None  #: the head commit the pin was not moved to (``guard`` refused it)

    @property
    def changed(self) -> bool:
        """True when the pinned commit moved."""
        return self.old_sha != self.new_sha


def _settings(remote: str | None, branch: str | None, offline: bool | None) -> tuple[str, str, bool, bool]:
    explicit_branch = branch is not None or bool(os.environ.get("PYNF_MODULES_BRANCH"))
    return (normalize_remote(remote or default_remote()), branch or default_branch(),
            offline_default() if offline is None else offline, explicit_branch)


def _lock(lock_path: str | os.PathLike[str] | None | bool) -> LockFile | None:
    if lock_path is False:
        return None
    return LockFile(None if lock_path in (None, True) else lock_path)  # type: ignore[arg-type]


def _default_org(names: list[str]) -> str | None:
    orgs = {n.split("/", 1)[0] for n in names}
    return next(iter(orgs)) if len(orgs) == 1 else ("nf-core" if "nf-core" in orgs else None)


def _names_at(src: GitSource, sha: str) -> list[str]:
    names = src.cache.listing(sha)  # no git call when the listing is cached
    if names is None:
        with src.cache.lock():
            src.ensure_repo()
            names = src.module_names(sha)
    return names


def _find_locked(lock: LockFile, src: GitSource, mid: ModuleId) -> tuple[str, LockEntry] | None:
    """The lock entry this ID names on this remote (an org-less ID means the default org there)."""
    found = []
    for key, entry in sorted(lock.entries().items()):
        if entry.remote != src.remote:
            continue
        parts = tuple(entry.name.split("/"))
        if parts == mid.parts:
            return key, entry
        if parts[1:] == mid.parts:
            found.append((key, entry))
    for key, entry in found:
        names = _names_at(src, entry.sha)
        default_org = _default_org(names)
        if entry.name.split("/", 1)[0] == default_org or (default_org is None and len(found) == 1):
            return key, entry
    return None


def _pick(mid: ModuleId, names: list[str], remote: str, branch: str, sha: str) -> str:
    available = set(names)
    orgs = frozenset(n.split("/", 1)[0] for n in names)
    default_org = _default_org(names)
    for candidate in mid.candidates(orgs, default_org):
        if candidate in available:
            return candidate
    if default_org is None:
        matching = sorted(n for n in names if mid.matches(n))
        if len(matching) == 1:
            return matching[0]
        if matching:
            raise ModuleSourceError(f"'{mid.text}' exists in several organisations of {remote}: "
                                    f"{', '.join(matching)}; prefix the ID with one")
    shown = sorted(n.split("/", 1)[1] if n.split("/", 1)[0] == default_org else n for n in names)
    close = difflib.get_close_matches(mid.text, shown, n=5, cutoff=0.6)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise ModuleSourceError(f"unknown module '{mid.text}' on {remote} (branch {branch}, commit {sha[:12]}){hint} "
                            f"(see `pynf modules list --filter TEXT`)")


def branch_head(src: GitSource, branch: str) -> str:
    """The commit at the tip of ``branch`` (the cached one, with a warning, when the remote cannot be reached)."""
    if not src.offline:
        try:
            return src.remote_head(branch)
        except ModuleSourceError as exc:
            cached = src.cache.cached_head(branch)
            if cached is None or "does not exist" in str(exc):
                raise
            reason = str(exc).split("\n", 1)[0]
            warnings.warn(f"{reason}; using the cached commit {cached[:12]} of branch '{branch}'", SourceWarning,
                          stacklevel=3)
            return cached
    cached = src.cache.cached_head(branch)
    if cached is None:
        raise ModuleSourceError(f"offline and branch '{branch}' of {src.remote} was never fetched: "
                                "run the command once while online (e.g. `pynf modules pull ID`)")
    return cached


def _materialize(src: GitSource, sha: str, path: str, expected: str | None) -> str:
    """Make sure module ``path`` at ``sha`` is extracted and intact; return its content hash."""
    digest = src.cache.verified(sha, path)
    if digest is not None and expected in (None, digest):
        return digest
    with src.cache.lock():
        digest = src.cache.verified(sha, path)
        if digest is None or (expected is not None and digest != expected):
            if src.cache.has_trace(sha, path):
                warnings.warn(f"cached module {path}@{sha[:12]} is damaged or incomplete; fetching it again",
                              SourceWarning, stacklevel=3)
            if src.offline and not src.cache.repo.is_dir():
                raise ModuleSourceError(f"offline and {path}@{sha[:12]} from {src.remote} is not cached: "
                                        "run the command once while online")
            src.ensure_repo()
            try:
                digest = src.extract(sha, path)
            except ModuleSourceError:
                if src.offline or src.fsck():
                    raise
                warnings.warn(f"module cache for {src.remote} failed `git fsck`; re-fetching", SourceWarning, stacklevel=3)
                src.cache.forget_repo()
                src.ensure_repo()
                digest = src.extract(sha, path)
    if expected is not None and digest != expected:
        raise ModuleSourceError(f"{path}@{sha[:12]} from {src.remote} has content {digest}, but pynf.lock "
                                f"recorded {expected}; the remote rewrote that commit or the lock was edited")
    return digest


def resolve(module: str | os.PathLike[str], *, remote: str | None = None, branch: str | None = None,
            sha: str | None = None, lock_path: str | os.PathLike[str] | None | bool = None,
            offline: bool | None = None, pin: bool = True) -> ResolvedModule:
    """Resolve a local path or a module ID to a directory on disk (fetching and pinning as needed).

    ``pynf.lock`` is always read; with ``pin=False`` (read-only commands: inspect, compile, modules
    info) it is never created or changed.
    """
    if is_local_module(module):
        path = Path(module).expanduser()
        if not path.exists():
            raise ModuleNotFound(f"no module at {path}")
        return ResolvedModule(path=path, module_id=str(module), sha=None, remote=None)
    mid = parse_module_id(str(module))
    remote_n, branch_n, offline_b, explicit_branch = _settings(remote, branch, offline)
    lock = _lock(lock_path)
    src = GitSource(remote_n, offline=offline_b)
    if lock is not None and sha is None:
        found = _find_locked(lock, src, mid)
        if found is not None and not (explicit_branch and found[1].branch != branch_n):
            _, entry = found
            digest = _materialize(src, entry.sha, entry.path, entry.content_hash or None)
            return ResolvedModule(path=src.cache.module_dir(entry.sha, entry.path), module_id=entry.name,
                                  sha=entry.sha, remote=remote_n, branch=entry.branch, content_hash=digest)
    if offline_b and not src.cache.repo.is_dir():
        raise ModuleSourceError(f"offline and nothing from {remote_n} is cached: run the command once while "
                                f"online (e.g. `pynf modules pull {mid.text}`)")
    with src.cache.lock():
        src.ensure_repo()
        commit = src.expand_sha(sha, branch_n) if sha else branch_head(src, branch_n)
        name = _pick(mid, src.module_names(commit), remote_n, branch_n, commit)
    path = f"modules/{name}"
    digest = _materialize(src, commit, path, None)
    if lock is not None and pin:
        lock.put(lock_key(remote_n, name), LockEntry(sha=commit, remote=remote_n, branch=branch_n, path=path,
                                                     content_hash=digest))
    return ResolvedModule(path=src.cache.module_dir(commit, path), module_id=name, sha=commit, remote=remote_n,
                          branch=branch_n, content_hash=digest)


def list_modules(filter: str | None = None, *, remote: str | None = None, branch: str | None = None,
                 sha: str | None = None, offline: bool | None = None) -> list[ModuleRef]:
    """Modules available on the remote's branch head (or at ``sha``), optionally filtered by substring."""
    remote_n, branch_n, offline_b, _ = _settings(remote, branch, offline)
    src = GitSource(remote_n, offline=offline_b)
    if offline_b and not src.cache.repo.is_dir():
        raise ModuleSourceError(f"offline and nothing from {remote_n} is cached")
    with src.cache.lock():
        src.ensure_repo()
        commit = src.expand_sha(sha, branch_n) if sha else branch_head(src, branch_n)
        names = src.module_names(commit)
    needle = (filter or "").lower()
    refs = []
    for name in names:
        if needle in name.lower():
            org, tool = name.split("/", 1)
            refs.append(ModuleRef(org=org, id=tool, path=f"modules/{name}", sha=commit, remote=remote_n))
    return refs


def update(module: str | None = None, *, remote: str | None = None, branch: str | None = None,
           lock_path: str | os.PathLike[str] | None = None, offline: bool | None = None,
           guard: Callable[[str, LockEntry, Path, Path, str], bool] | None = None) -> list[LockUpdate]:
    """Move pinned modules (all, or the one named) to the head of their branch; return what changed.

    ``guard(key, entry, old_dir, new_dir, new_sha)`` is asked before a pin moves (both commits'
    module directories are extracted); when it returns False the pin stays (``LockUpdate.held``).
    """
    lock = LockFile(lock_path)
    entries = lock.entries()
    remote_filter = normalize_remote(remote) if remote else None
    if module is not None:
        mid = parse_module_id(module)
        remote_n = remote_filter or normalize_remote(default_remote())
        found = _find_locked(lock, GitSource(remote_n, offline=offline_default() if offline is None else offline), mid)
        if found is None:
            res = resolve(module, remote=remote_n, branch=branch, lock_path=lock.path, offline=offline)
            return [LockUpdate(lock_key(res.remote or remote_n, res.module_id), None, res.sha or "")]
        todo = [found]
    else:
        todo = [(k, e) for k, e in sorted(entries.items()) if remote_filter in (None, e.remote)]
    offline_b = offline_default() if offline is None else offline
    heads: dict[tuple[str, str], str] = {}
    results: list[LockUpdate] = []
    for key, entry in todo:
        src = GitSource(entry.remote, offline=offline_b)
        target_branch = branch or entry.branch
        if (entry.remote, target_branch) not in heads:
            with src.cache.lock():
                src.ensure_repo()
                heads[(entry.remote, target_branch)] = branch_head(src, target_branch)
        new = heads[(entry.remote, target_branch)]
        if new == entry.sha and target_branch == entry.branch:
            results.append(LockUpdate(key, entry.sha, new))
            continue
        with src.cache.lock():
            names = src.module_names(new)
        if entry.name not in names:
            message = (f"{entry.name} no longer exists on branch '{target_branch}' of {entry.remote} "
                       f"(commit {new[:12]}); it stays pinned at {entry.sha[:12]}")
            if module is not None:
                raise ModuleSourceError(message)
            warnings.warn(message, SourceWarning, stacklevel=2)
            results.append(LockUpdate(key, entry.sha, entry.sha))
            continue
        digest = _materialize(src, new, entry.path, None)
        if guard is not None:
            _materialize(src, entry.sha, entry.path, entry.content_hash or None)
            if not guard(key, entry, src.cache.module_dir(entry.sha, entry.path), src.cache.module_dir(new, entry.path),
                         new):
                results.append(LockUpdate(key, entry.sha, entry.sha, held=new))
                continue
        lock.put(key, LockEntry(sha=new, remote=entry.remote, branch=target_branch, path=entry.path,
                                content_hash=digest))
        results.append(LockUpdate(key, entry.sha, new))
    return results
