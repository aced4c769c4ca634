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
      "reviewed": {
        "https://github.com/nf-core/modules.git::nf-core/fastqc": {"interface": {…}, "hash": "sha256:…",
                                                                  "sha": "…", "date": "…", "stub": {…}}
      },
      "version": 1
    }

``reviewed`` (optional) holds the interface snapshots people reviewed (``pynf modules review``), keyed
like ``modules`` for Git modules and ``path:<dir>`` for local ones; see :mod:`pynf.interface.review`.
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

    def _parse_doc(self, text: str) -> tuple[dict[str, LockEntry], dict[str, dict]]:
        if not text.strip():
            return {}, {}
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
        reviewed = data.get("reviewed", {})
        if not isinstance(reviewed, dict) or not all(isinstance(v, dict) for v in reviewed.values()):
            raise ModuleSourceError(f"{self.path}: 'reviewed' must map module keys to review records")
        return out, reviewed

    def _read_doc(self) -> tuple[dict[str, LockEntry], dict[str, dict]]:
        try:
            if not self.path.is_file():
                return {}, {}
            with file_lock(self.path, shared=True), open(self.path) as fh:
                return self._parse_doc(fh.read())
        except FileNotFoundError:
            return {}, {}
        except OSError as exc:
            raise ModuleSourceError(f"cannot read {self.path}: {exc}") from exc

    def entries(self) -> dict[str, LockEntry]:
        """All pinned modules by key (empty when the file does not exist)."""
        return self._read_doc()[0]

    def get(self, key: str) -> LockEntry | None:
        """The entry under ``key``, or None."""
        return self.entries().get(key)

    def reviews(self) -> dict[str, dict]:
        """The reviewed interface records by key (empty when there are none)."""
        return self._read_doc()[1]

    def update(self, change: Callable[[dict[str, LockEntry]], None],
               change_reviews: Callable[[dict[str, dict]], None] | None = None) -> dict[str, LockEntry]:
        """Apply ``change`` to the entries (and ``change_reviews`` to the review records) under an
        exclusive lock and write the result back."""
        try:
            with file_lock(self.path), open(self.path, "r+") as fh:
                entries, reviews = self._parse_doc(fh.read())
                change(entries)
                if change_reviews is not None:
                    change_reviews(reviews)
                doc: dict = {"version": _VERSION,
                             "modules": {k: asdict(v) for k, v in sorted(entries.items())}}
                if reviews:
                    doc["reviewed"] = dict(sorted(reviews.items()))
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

    def put_review(self, key: str, record: dict | None) -> None:
        """Record (or, with None, drop) the reviewed interface of one module."""
        def change(reviews: dict[str, dict]) -> None:
            if record is None:
                reviews.pop(key, None)
            else:
                reviews[key] = record
        self.update(lambda entries: None, change)
