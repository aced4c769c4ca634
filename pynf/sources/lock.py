"""``pynf.lock``: the JSON file that pins each Git-sourced module to a commit.

Format (keys sorted, two-space indent, trailing newline)::

    {
      "modules": {
        "https://github.com/nf-core/modules.git::nf-core/fastqc": {
          "branch": "master",
          "content_hash": "sha256:…",
          "path": "modules/nf-core/fastqc",
          "remote": "https://github.com/nf-core/modules.git",
          "sha": "<40 hex digits>"
        }
      },
      "version": 1
    }
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from pynf._util.files import json_object
from pynf._util.locks import file_lock
from pynf.errors import ModuleSourceError

__all__ = ["LOCK_NAME", "LockEntry", "LockFile", "lock_key"]

#: File name of the lock file in the working directory.
LOCK_NAME = "pynf.lock"
_VERSION = 1
_SHA = re.compile(r"[0-9a-f]{40}")
_PATH = re.compile(r"modules(/[A-Za-z0-9][A-Za-z0-9_.\-]*){2,3}")


def lock_key(remote: str, name: str) -> str:
    """The key of a module in the lock: ``<remote>::<org>/<tool>[/<sub>]``."""
    return f"{remote}::{name}"


@dataclass(frozen=True)
class LockEntry:
    """One pinned module."""

    sha: str
    remote: str
    branch: str
    path: str
    content_hash: str

    @property
    def name(self) -> str:
        """``org/tool[/sub]`` (the path without its leading ``modules/``)."""
        return self.path.split("/", 1)[1] if self.path.startswith("modules/") else self.path


class LockFile:
    """Read and update a ``pynf.lock``; every update is a locked read-modify-write."""

    def __init__(self, path: str | os.PathLike[str] | None = None):
        self.path = Path(path) if path is not None else Path.cwd() / LOCK_NAME

    def _parse(self, text: str) -> dict[str, LockEntry]:
        if not text.strip():
            return {}
        wrong = f"{self.path} is not a pynf lock file (expected {{\"version\": 1, \"modules\": {{...}}}})"
        data = json_object(text, error=ModuleSourceError, invalid=f"{self.path} is not valid JSON; fix or delete it",
                           not_object=wrong)
        if data.get("version") != _VERSION or not isinstance(data.get("modules"), dict):
            raise ModuleSourceError(wrong)
        out: dict[str, LockEntry] = {}
        for key, value in data["modules"].items():
            try:
                entry = LockEntry(**{k: str(value[k]) for k in ("sha", "remote", "branch", "path", "content_hash")})
            except (KeyError, TypeError) as exc:
                raise ModuleSourceError(f"{self.path}: entry '{key}' is incomplete ({exc})") from exc
            if not _SHA.fullmatch(entry.sha):
                raise ModuleSourceError(f"{self.path}: entry '{key}' has sha {entry.sha!r}, not 40 hex digits")
            if not _PATH.fullmatch(entry.path):
                raise ModuleSourceError(f"{self.path}: entry '{key}' has path {entry.path!r}, "
                                        "not modules/<org>/<tool>[/<subtool>]")
            out[key] = entry
        return out

    def entries(self) -> dict[str, LockEntry]:
        """All pinned modules by key (empty when the file does not exist)."""
        try:
            if not self.path.is_file():
                return {}
            with file_lock(self.path, shared=True), open(self.path) as fh:
                return self._parse(fh.read())
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise ModuleSourceError(f"cannot read {self.path}: {exc}") from exc

    def get(self, key: str) -> LockEntry | None:
        """The entry under ``key``, or None."""
        return self.entries().get(key)

    def update(self, change: Callable[[dict[str, LockEntry]], None]) -> dict[str, LockEntry]:
        """Apply ``change`` to the entries under an exclusive lock and write the result back."""
        try:
            with file_lock(self.path), open(self.path, "r+") as fh:
                entries = self._parse(fh.read())
                change(entries)
                doc = {"version": _VERSION,
                       "modules": {k: asdict(v) for k, v in sorted(entries.items())}}
                fh.seek(0)
                fh.truncate()
                fh.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise ModuleSourceError(f"cannot write {self.path}: {exc}") from exc
        return entries

    def put(self, key: str, entry: LockEntry) -> None:
        """Record (or replace) one entry."""
        self.update(lambda entries: entries.__setitem__(key, entry))
