"""Atomic file writes: a temporary file in the target's directory, then ``os.replace``."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write", "atomic_write_json", "json_object"]


def atomic_write(path: str | os.PathLike[str], data: str | bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` (mode 0644 unless given) so readers see the old file or the whole new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode() if isinstance(data, str) else data)
        os.chmod(tmp, 0o644 if mode is None else mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def atomic_write_json(path: str | os.PathLike[str], data: object, *, indent: int = 2,
                      sort_keys: bool = False) -> Path:
    """``atomic_write`` of ``data`` as JSON text ending in a newline."""
    return atomic_write(path, json.dumps(data, indent=indent, sort_keys=sort_keys) + "\n")


def json_object(text: str, *, error: type[Exception], invalid: str, not_object: str) -> dict:
    """``text`` as a JSON object (``{}`` when blank); else ``error(invalid + " (why)")`` or ``error(not_object)``."""
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise error(f"{invalid} ({exc})") from None
    if not isinstance(data, dict):
        raise error(not_object)
    return data
