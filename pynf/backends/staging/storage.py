"""Object storage through fsspec for remote runs: which locations are URIs, and opening their filesystems
with a clear message naming the ``pynf[...]`` extra when a back-end is not installed."""

from __future__ import annotations

import os
import re
from typing import Any

from pynf.errors import MissingExtraError

__all__ = ["EXTRAS", "is_uri", "scheme_of", "filesystem", "strip_scheme"]

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")

#: URI scheme -> (pynf extra, fsspec back-end package)
EXTRAS: dict[str, tuple[str, str]] = {
    "s3": ("s3", "s3fs"), "s3a": ("s3", "s3fs"),
    "gs": ("gcs", "gcsfs"), "gcs": ("gcs", "gcsfs"),
    "az": ("azure", "adlfs"), "abfs": ("azure", "adlfs"), "abfss": ("azure", "adlfs"),
}


def scheme_of(location: str) -> str | None:
    """The URI scheme of ``location`` (``s3``, ``https`` ...), or None for a plain or ``file://`` path."""
    m = _SCHEME.match(location)
    if m is None or m.group(1).lower() == "file" or (len(m.group(1)) == 1 and os.name == "nt"):
        return None
    return m.group(1).lower()


def is_uri(location: str) -> bool:
    """True for a URI a remote system resolves itself (``s3://``, ``gs://``, ``az://``, ``https://`` ...)."""
    return scheme_of(location) is not None


def strip_scheme(location: str) -> str:
    """``s3://bucket/key`` -> ``bucket/key``; a plain path is returned without its leading slashes."""
    m = _SCHEME.match(location)
    return (location[m.end():] if m else location).strip("/")


def _missing(scheme: str, what: str) -> MissingExtraError:
    extra, package = EXTRAS.get(scheme, ("fsspec", "fsspec"))
    return MissingExtraError(f"{what} needs {package} for {scheme}:// locations, which is not installed; "
                             f"install it with: pip install 'pynf[{extra}]'")


def filesystem(location: str, *, what: str = "reading or writing remote files") -> tuple[Any, str]:
    """``(fsspec filesystem, path inside it)`` for a URI or local path; MissingExtraError names the extra."""
    scheme = scheme_of(location) or "file"
    try:
        import fsspec.core
    except ImportError:
        raise _missing(scheme, what) from None
    try:
        return fsspec.core.url_to_fs(location)
    except ImportError:
        raise _missing(scheme, what) from None
    except ValueError as exc:  # fsspec: "Protocol not known"
        raise MissingExtraError(f"{what}: no fsspec filesystem for {scheme}:// ({exc})") from None
