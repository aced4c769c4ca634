"""File locks (flock(2)) shared by every process that touches pynf's cache, plus per-path thread locks."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: only the in-process lock applies
    fcntl = None  # type: ignore[assignment]

__all__ = ["file_lock"]

_thread_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    with _guard:
        return _thread_locks.setdefault(str(path.absolute()), threading.Lock())


@contextlib.contextmanager
def file_lock(path: str | os.PathLike[str], *, shared: bool = False, wait: bool = True,
              threads: bool = False) -> Iterator[bool]:
    """Hold an flock(2) on ``path`` (created with its parents if needed) for the duration of the block.

    ``shared`` takes a shared lock instead of an exclusive one. With ``wait=False`` the block runs at once
    and the context value says whether the lock was taken (False: another process holds it). ``threads``
    also serialises the threads of this process (flock alone does not when they share no descriptor
    semantics, e.g. on platforms without flock).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    guard = _thread_lock(path) if threads else contextlib.nullcontext()
    with guard:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if fcntl is not None:
                flags = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
                try:
                    fcntl.flock(fd, flags | (0 if wait else fcntl.LOCK_NB))
                except BlockingIOError:
                    yield False
                    return
            try:
                yield True
            finally:
                if fcntl is not None:
                    with contextlib.suppress(OSError):
                        fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
