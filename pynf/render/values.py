"""File objects for ``val`` inputs: ``pynf.file(...)`` and ``pathlib.Path`` values reach the process as files.

A ``path`` input stages its file into the task. A ``val`` input takes the value as it is; some modules want
a *file object* there without staging (``fcsgx/fetchdb`` calls ``manifest.baseName`` on a URL it must not
download). nf-core's tests pass ``file(...)`` to such inputs; in Python, give an ``os.PathLike`` (a
``pathlib.Path``) or ``pynf.file("https://...")`` for a URL, which ``pathlib`` cannot hold.
In the params JSON such a value is the map ``{"__pynf_file__": location}``; the wrapper turns it into
``file(location)``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["FILE_KEY", "File", "file"]

#: the params JSON key that marks a file object given to a ``val`` input
FILE_KEY = "__pynf_file__"


@dataclass(frozen=True)
class File:
    """A local path or a URL (``https://``, ``s3://``...) handed to a process as a file object."""

    location: str

    def __post_init__(self) -> None:
        if not isinstance(self.location, str) or not self.location:
            raise TypeError(f"pynf.file: expected a path or URL string, got {self.location!r}")

    def __fspath__(self) -> str:
        return self.location


def file(location: str | os.PathLike[str]) -> File:
    """``location`` (a path or URL) as a file object: what ``file(...)`` is in Nextflow."""
    return File(os.fspath(location))
