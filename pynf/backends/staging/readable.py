"""Local inputs of a remote run must be readable files or directories: checked before any request.

A FIFO (reading it would block), a socket, a device, a dangling symlink, a symlink loop or a file the
process may not read (``EACCES``, or ``EIO`` as for ``/proc/<pid>/mem``) is an :class:`InputError` naming
the input and what the path is -- not an internal error after the platform was already asked.
"""

from __future__ import annotations

import errno
import os
import stat

from pynf.errors import InputError

__all__ = ["check_readable"]

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _kind(mode: int) -> str | None:
    for test, name in _KINDS:
        if test(mode):
            return name
    return None


def _fail(channel: str, path: str, what: str) -> InputError:
    return InputError(f"local file {path} {what}; a remote run's local inputs are uploaded, so each must be a "
                      "readable regular file or directory", input=channel)


def _check_file(channel: str, path: str, shown: str) -> None:
    try:
        with open(path, "rb") as fh:  # opened only once stat said it is a regular file: never blocks
            fh.read(1)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
        raise _fail(channel, shown, f"cannot be read ({reason})") from None


def _check_one(channel: str, path: str, shown: str) -> None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise _fail(channel, shown, f"is a dangling symlink (to {os.readlink(path)!r})") from None
        raise _fail(channel, shown, "does not exist") from None
    except OSError as exc:
        what = "is a symlink loop" if exc.errno == errno.ELOOP else f"cannot be examined: {os.strerror(exc.errno or 0)}"
        raise _fail(channel, shown, what) from None
    kind = _kind(st.st_mode)
    if kind is not None:
        raise _fail(channel, shown, f"is {kind}, not a regular file or directory")
    if stat.S_ISDIR(st.st_mode):
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError as exc:
            raise _fail(channel, shown, f"cannot be listed: {os.strerror(exc.errno or 0)}") from None
        for entry in entries:
            _check_one(channel, entry.path, entry.path)
    elif stat.S_ISREG(st.st_mode):
        _check_file(channel, path, shown)


def check_readable(channel: str, path: str) -> None:
    """Raise InputError unless ``path`` (followed through symlinks) is a readable file or directory tree."""
    _check_one(channel, path, path)
