"""Empty optional inputs on request (``fill_empty=True``): ``[]`` for every input not given that takes files.

nf-core modules take ``[]`` for an optional input they should not use (no regions file, no reference...);
their own tests write ``[[], []]`` for a ``tuple val(meta2), path(regions)`` left unused. With
``fill_empty=True`` pynf does the same for every input channel not given at all that has a ``path``
element (all of its elements become ``[]``, its ``meta`` too), and for every ``path`` element left out of a
tuple given by element. Inputs made only of values (``val sort_bam``) are never filled: their value means
something, so they stay required. What was filled is listed in one :class:`~pynf.errors.FilledEmptyWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from pynf.compiler.ir import Channel, Process
from pynf.errors import FilledEmptyWarning

__all__ = ["fill_missing", "announce_filled"]

_PATH_KINDS = ("path", "file")


def _takes_files(ch: Channel) -> bool:
    return ch.kind != "each" and any(e.kind in _PATH_KINDS for e in ch.elements)


def fill_missing(process: Process, whole: dict[int, Any], parts: Mapping[int, dict[int, Any]]) -> list[str]:
    """Fill ``whole`` (channel -> value) and ``parts`` (channel -> {element: value}) in place; what was filled."""
    filled: list[str] = []
    for ci, ch in enumerate(process.inputs):
        if ci in whole or not _takes_files(ch):
            continue
        labels = [e.label for e in ch.elements]
        if ci in parts:
            for ei, el in enumerate(ch.elements):
                if ei not in parts[ci] and el.kind in _PATH_KINDS:
                    parts[ci][ei] = []
                    filled.append(f"'{el.label}' of input {ch.key}")
            continue
        whole[ci] = [[] for _ in labels] if ch.kind == "tuple" else []
        filled.append(f"input {ch.key} ({', '.join(labels)})" if ch.kind == "tuple" else f"'{labels[0]}'")
    return filled


def announce_filled(process: Process, filled: list[str], where: str = "") -> str | None:
    """Warn once, naming every input filled with ``[]``; returns the text (None when nothing was filled)."""
    if not filled:
        return None
    text = f"{where}{process.name}: fill_empty gave [] (no file / no value) to {'; '.join(filled)}"
    warnings.warn(FilledEmptyWarning(text), stacklevel=3)
    return text
