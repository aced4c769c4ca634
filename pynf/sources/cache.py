"""The on-disk module cache: one directory per remote, extracted module trees per commit, file locks.

Layout under ``<cache root>/modules/<remote key>/``::

    lock                      flock(2) target serialising fetches for this remote
    repo.git/                 bare partial clone (commits and trees; blobs only for modules used)
    heads.json                last seen commit of each branch (lets offline runs follow a branch)
    trees/<sha>.json          module names (``org/tool[/sub]``) present at that commit
    commits/<sha>/<path>/     an extracted module directory, e.g. ``modules/nf-core/fastqc``
    commits/<sha>/<path>.pynf-stamp.json   its content hash, written after a complete extraction
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from typing import ContextManager
from pathlib import Path

from pynf._util.files import atomic_write_json
from pynf._util.locks import file_lock
from pynf._util.paths import cache_root

__all__ = ["RemoteCache", "content_hash", "modules_root"]


def modules_root() -> Path:
    """Where pynf keeps module sources: ``$PYNF_MODULES_CACHE_DIR`` itself when set (module sources only;
    the engine and runs stay where they are), else ``modules/`` in pynf's cache root (the one the engine uses)."""
    if os.environ.get("PYNF_MODULES_CACHE_DIR"):
        return Path(os.environ["PYNF_MODULES_CACHE_DIR"]).expanduser().absolute()
    return cache_root() / "modules"



def content_hash(directory: Path) -> str:
    """SHA-256 over every file below ``directory``: relative path, executable bit and bytes."""
    h = hashlib.sha256()
    files = sorted(p for p in directory.rglob("*") if p.is_file() or p.is_symlink())
    for p in files:
        rel = p.relative_to(directory).as_posix()
        if p.is_symlink():
            kind, data = b"l", os.readlink(p).encode()
        else:
            kind = b"x" if os.stat(p).st_mode & stat.S_IXUSR else b"f"
            data = p.read_bytes()
        h.update(rel.encode() + b"\0" + kind + b"\0" + hashlib.sha256(data).digest())
    return "sha256:" + h.hexdigest()


def _remote_key(remote: str) -> str:
    readable = re.sub(r"^[a-z+]+://", "", remote)
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", readable).strip("_")[-60:]
    return f"{readable}-{hashlib.sha256(remote.encode()).hexdigest()[:12]}"


def _read_json(path: Path) -> object | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


class RemoteCache:
    """The cache directory of one remote."""

    def __init__(self, remote: str, root: Path | None = None):
        self.remote = remote
        self.dir = (root or modules_root()) / _remote_key(remote)
        self.repo = self.dir / "repo.git"

    def lock(self) -> ContextManager[bool]:
        """Exclusive lock for fetching into or extracting from this remote's cache."""
        return file_lock(self.dir / "lock")

    # -- branch heads ------------------------------------------------------------------------
    def cached_head(self, branch: str) -> str | None:
        """The commit ``branch`` pointed to when it was last fetched, if known."""
        data = _read_json(self.dir / "heads.json")
        value = data.get(branch) if isinstance(data, dict) else None
        return value if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{40}", value) else None

    def record_head(self, branch: str, sha: str) -> None:
        """Remember that ``branch`` points to ``sha`` (call with the lock held)."""
        data = _read_json(self.dir / "heads.json")
        heads = dict(data) if isinstance(data, dict) else {}
        heads[branch] = sha
        atomic_write_json(self.dir / "heads.json", heads, indent=1, sort_keys=True)

    # -- module listings -----------------------------------------------------------------------
    def listing(self, sha: str) -> list[str] | None:
        """Module names (``org/tool[/sub]``) at ``sha`` if they were listed before."""
        data = _read_json(self.dir / "trees" / f"{sha}.json")
        if isinstance(data, list) and all(isinstance(x, str) for x in data):
            return data
        return None

    def record_listing(self, sha: str, names: list[str]) -> None:
        """Store the module names at ``sha``."""
        atomic_write_json(self.dir / "trees" / f"{sha}.json", sorted(names), indent=1, sort_keys=True)

    # -- extracted modules ---------------------------------------------------------------------
    def module_dir(self, sha: str, path: str) -> Path:
        """Where the module at repository path ``path`` of commit ``sha`` is extracted."""
        return self.dir / "commits" / sha / path

    def _stamp(self, sha: str, path: str) -> Path:
        return self.dir / "commits" / sha / f"{path}.pynf-stamp.json"

    def verified(self, sha: str, path: str) -> str | None:
        """The content hash of a complete, untouched extraction, else None (missing or corrupted)."""
        target = self.module_dir(sha, path)
        stamp = _read_json(self._stamp(sha, path))
        if not isinstance(stamp, dict) or not (target / "main.nf").is_file():
            return None
        try:
            actual = content_hash(target)
        except OSError:
            return None
        return actual if stamp.get("content_hash") == actual else None

    def has_trace(self, sha: str, path: str) -> bool:
        """True when something (possibly broken) exists for this module and commit."""
        return self.module_dir(sha, path).exists() or self._stamp(sha, path).exists()

    def install(self, sha: str, path: str, tree: Path) -> str:
        """Move an extracted directory into place atomically, write its stamp, return its hash."""
        digest = content_hash(tree)
        target = self.module_dir(sha, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        self._stamp(sha, path).unlink(missing_ok=True)
        if target.exists():
            trash = target.with_name(f".trash-{target.name}-{os.getpid()}")
            shutil.rmtree(trash, ignore_errors=True)
            os.replace(target, trash)
            shutil.rmtree(trash, ignore_errors=True)
        os.replace(tree, target)
        atomic_write_json(self._stamp(sha, path), {"content_hash": digest, "remote": self.remote,
                                                    "sha": sha, "path": path}, indent=1, sort_keys=True)
        return digest

    def staging_dir(self) -> Path:
        """A fresh temporary directory inside the cache (same filesystem, so renames are atomic)."""
        (self.dir / "tmp").mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=self.dir / "tmp", prefix="extract-"))

    def forget_repo(self) -> None:
        """Delete the bare repository (after it was found to be damaged)."""
        shutil.rmtree(self.repo, ignore_errors=True)
