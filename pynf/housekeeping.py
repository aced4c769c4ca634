"""What pynf keeps on disk, and pruning old run directories (``pynf cache info|prune``).

Runs without a ``run_dir`` get a directory under ``<cache>/runs`` (work/, outdir, logs) that nothing else
deletes; ``prune_runs`` removes the old ones. Only direct sub-directories of the runs root are touched.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from pynf._util import paths
from pynf.errors import InputError

__all__ = ["CacheArea", "RunDir", "cache_areas", "list_runs", "prune_runs", "parse_age", "human_size", "dir_size"]

_AGE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", re.IGNORECASE)
_UNITS = {"": 86400.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 7 * 86400.0}


@dataclass(frozen=True)
class CacheArea:
    """One part of pynf's on-disk state: its name, where it is and how many bytes it holds."""

    name: str
    path: Path
    size: int


@dataclass(frozen=True)
class RunDir:
    """A run directory under the runs root, with its size and last-modified time (epoch seconds)."""

    path: Path
    size: int
    mtime: float


def dir_size(path: Path) -> int:
    """Bytes used by the files below ``path`` (symlinks counted as links, never followed; 0 when missing)."""
    total = 0
    stack = [path]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                else:
                    total += entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
    return total


def human_size(n: int) -> str:
    """``1536`` -> ``1.5 KiB``."""
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"  # pragma: no cover


def parse_age(text: str) -> float:
    """``"7d"`` / ``"12h"`` / ``"30m"`` / ``"2w"`` / ``"90s"`` (a bare number is days) -> seconds."""
    m = _AGE.fullmatch(text or "")
    if not m:
        raise InputError(f"expected an age such as 7d, 12h, 30m or 2w, got {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2).lower()]


def _modules_root() -> Path:
    from pynf.sources.cache import modules_root

    return modules_root()


def cache_areas() -> list[CacheArea]:
    """Sizes of the engine, module sources, runs, Nextflow's home and the Seqera wrapper-repo clones."""
    areas = [("engine", paths.engine_root()), ("modules", _modules_root()), ("runs", paths.default_runs_root()),
             ("nxf-home", paths.nxf_home()), ("wrapper-repos", paths.wrapper_repos_root())]
    return [CacheArea(name, path, dir_size(path)) for name, path in areas]


def _mtime(path: Path) -> float:
    """When the run last changed: its newest top-level entry (the run record, logs), else the directory."""
    times = [path.stat().st_mtime]
    for entry in os.scandir(path):
        try:
            times.append(entry.stat(follow_symlinks=False).st_mtime)
        except OSError:
            continue
    return max(times)


def list_runs(root: Path | None = None) -> list[RunDir]:
    """Run directories under the runs root, newest first."""
    base = root or paths.default_runs_root()
    if not base.is_dir():
        return []
    runs = [RunDir(p, dir_size(p), _mtime(p)) for p in base.iterdir() if p.is_dir() and not p.is_symlink()]
    return sorted(runs, key=lambda r: r.mtime, reverse=True)


def prune_runs(*, older_than: float | None = None, keep: int | None = None, dry_run: bool = False,
               root: Path | None = None, now: float | None = None) -> list[RunDir]:
    """Delete run directories older than ``older_than`` seconds and/or beyond the ``keep`` newest.

    With both, a run goes only when it is old *and* not among the ``keep`` newest. Returns what was
    (or, with ``dry_run``, would be) deleted.
    """
    if older_than is None and keep is None:
        raise InputError("say which runs to prune: --runs-older-than AGE and/or --keep N")
    if keep is not None and keep < 0:
        raise InputError(f"--keep must be 0 or more, got {keep}")
    now = time.time() if now is None else now
    runs = list_runs(root)
    doomed = []
    for index, run in enumerate(runs):
        if keep is not None and index < keep:
            continue
        if older_than is not None and now - run.mtime < older_than:
            continue
        doomed.append(run)
    if not dry_run:
        for run in doomed:
            shutil.rmtree(run.path, ignore_errors=True)
    return doomed
