"""Subworkflow IDs: ``subworkflows/<org>/<name>`` on a module remote, fetched with everything it includes.

An ID names a module first; when no module has that name and ``subworkflows/<org>/<name>/main.nf``
exists at the commit, it names that subworkflow. ``subworkflows/NAME`` (or
``subworkflows/ORG/NAME``) always means the subworkflow, also when a module has the same name.
Resolving a subworkflow extracts its folder and, following its ``include``s, every module and
subworkflow it uses (transitively) from the same commit, into the cache's copy of the repository
layout, so the relative includes resolve. The pin is one ``pynf.lock`` entry with path
``subworkflows/<org>/<name>`` (key ``<remote>::subworkflows/<org>/<name>``).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from pynf._util.git import git
from pynf.errors import ModuleSourceError
from pynf.sources.ids import ModuleId
from pynf.sources.lock import LockEntry, LockFile, lock_key

if TYPE_CHECKING:
    from pynf.sources.fetch import GitSource

#: ``materialize(src, sha, path, expected_hash) -> hash``: extract one folder of a commit into the cache
Materialize = Callable[["GitSource", str, str, "str | None"], str]

__all__ = ["PREFIX", "explicit_subworkflow", "subworkflow_names", "pick_subworkflow", "materialize_subworkflow",
           "locked_subworkflow", "resolve_subworkflow", "SubworkflowPin"]

#: The first part of an ID that always names a subworkflow (``subworkflows/bam_stats_samtools``).
PREFIX = "subworkflows"

_INCLUDE_FROM = re.compile(r"include\s*\{[^}]*\}\s*from\s*(['\"])(?P<path>\.{1,2}/[^'\"]+)\1", re.S)


def explicit_subworkflow(mid: ModuleId) -> bool:
    """True for ``subworkflows/NAME`` and ``subworkflows/ORG/NAME``."""
    return len(mid.parts) >= 2 and mid.parts[0] == PREFIX


def subworkflow_names(src: "GitSource", sha: str) -> list[str]:
    """``org/name`` of every subworkflow (a folder holding main.nf) at commit ``sha``."""
    src.fetch_commit(sha)
    out = git("ls-tree", "-r", "--name-only", sha, "--", f"{PREFIX}/", cwd=src.cache.repo)
    return sorted({p[len(PREFIX) + 1:-len("/main.nf")] for p in out.splitlines()
                   if p.endswith("/main.nf") and p.count("/") == 3})


def pick_subworkflow(mid: ModuleId, names: list[str]) -> str | None:
    """The ``org/name`` the ID names among ``names`` (nf-core first when the org is not given), or None."""
    parts = mid.parts[1:] if explicit_subworkflow(mid) else mid.parts
    if len(parts) == 2:
        wanted = "/".join(parts)
        return wanted if wanted in names else None
    if len(parts) != 1:
        return None
    matching = [n for n in names if n.split("/", 1)[1] == parts[0]]
    if f"nf-core/{parts[0]}" in matching:
        return f"nf-core/{parts[0]}"
    return matching[0] if len(matching) == 1 else None


def _included_dirs(main_text: str, folder: str) -> list[str]:
    """Repository folders the includes of ``folder/main.nf`` name (``…/samtools/sort/main`` -> its folder)."""
    out = []
    for m in _INCLUDE_FROM.finditer(main_text):
        target = posixpath.normpath(posixpath.join(folder, m.group("path")))
        if target.endswith(".nf") or posixpath.basename(target) == "main":
            target = posixpath.dirname(target)
        out.append(target)
    return out


@dataclass(frozen=True)
class SubworkflowPin:
    """A resolved subworkflow: its extracted folder, ID (``subworkflows/<org>/<name>``), commit and hash."""

    path: Path
    module_id: str
    sha: str
    branch: str
    content_hash: str


def materialize_subworkflow(src: "GitSource", sha: str, path: str, expected: str | None,
                            materialize: Materialize) -> str:
    """Extract subworkflow ``path`` at ``sha`` and every module/subworkflow it includes; return its hash."""
    digest = materialize(src, sha, path, expected)
    todo, seen = [path], {path}
    while todo:
        folder = todo.pop()
        text = (src.cache.module_dir(sha, folder) / "main.nf").read_text(encoding="utf-8")
        for target in _included_dirs(text, folder):
            if target in seen:
                continue
            if not target.startswith(("modules/", f"{PREFIX}/")):
                raise ModuleSourceError(f"{folder}/main.nf includes '{target}', outside modules/ and {PREFIX}/ "
                                        f"of {src.remote}")
            seen.add(target)
            materialize(src, sha, target, None)
            if target.startswith(f"{PREFIX}/"):
                todo.append(target)
    return digest


def locked_subworkflow(lock: LockFile, src: "GitSource", mid: ModuleId) -> LockEntry | None:
    """The pinned subworkflow this ID names on this remote, if any."""
    parts = mid.parts[1:] if explicit_subworkflow(mid) else mid.parts
    pinned = {e.path[len(PREFIX) + 1:]: e for e in lock.entries().values()
              if e.remote == src.remote and e.path.startswith(f"{PREFIX}/")}
    name = pick_subworkflow(ModuleId(mid.text, parts), sorted(pinned))
    return pinned.get(name) if name else None


def resolve_subworkflow(mid: ModuleId, src: "GitSource", commit: str, *, branch: str, lock: LockFile | None,
                        pin: bool, materialize: Materialize, entry: LockEntry | None = None) -> SubworkflowPin | None:
    """Resolve ``mid`` as a subworkflow at ``commit`` (or at its pin ``entry``); None when there is none."""
    if entry is not None:
        digest = materialize_subworkflow(src, entry.sha, entry.path, entry.content_hash or None, materialize)
        return SubworkflowPin(src.cache.module_dir(entry.sha, entry.path), entry.path, entry.sha, entry.branch, digest)
    with src.cache.lock():
        name = pick_subworkflow(mid, subworkflow_names(src, commit))
    if name is None:
        return None
    path = f"{PREFIX}/{name}"
    digest = materialize_subworkflow(src, commit, path, None, materialize)
    if lock is not None and pin:
        lock.put(lock_key(src.remote, path), LockEntry(sha=commit, remote=src.remote, branch=branch, path=path,
                                                        content_hash=digest))
    return SubworkflowPin(src.cache.module_dir(commit, path), path, commit, branch, digest)
