"""Errors the wrapper raises itself (``error "pynf: ..."`` in the templates), turned back into typed errors."""

from __future__ import annotations

import re
from typing import Any

from pynf.errors import RemoteInputError

__all__ = ["remote_input_error"]

_REMOTE = re.compile(r"pynf: input '(?P<input>[^']*)': the remote file (?P<url>\S+) could not be fetched: "
                     r"(?P<reason>.+)")


def remote_input_error(error: str | None, result: Any = None) -> RemoteInputError | None:
    """A :class:`RemoteInputError` when the run's error is the wrapper saying a URL input could not be
    fetched, else None."""
    found = _REMOTE.search(error or "")
    if found is None:
        return None
    input, url, reason = found.group("input"), found.group("url"), found.group("reason").strip()
    log = getattr(result, "log_file", None)
    message = f"input '{input}': the remote file {url} could not be fetched: {reason}"
    return RemoteInputError(message + (f"\n  log: {log}" if log else ""), input=input, url=url, reason=reason,
                            result=result)
