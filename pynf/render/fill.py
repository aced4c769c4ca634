"""Empty optional inputs on request (``fill_empty=True``): ``[]`` for every input not given that takes files.

nf-core modules take ``[]`` for an optional input they should not use (no regions file, no reference...);
their own tests write ``[[], []]`` for a ``tuple val(meta2), path(regions)`` left unused. With
``fill_empty=True`` pynf does the same for every input channel not given at all that has a ``path``
element (all of its elements become ``[]``, its ``meta`` too), for every ``path`` element left out of a
tuple given by element, and for every ``path`` element that items keyed by element names lack (a
samplesheet queue for ``tuple val(meta), path(reads), path(adapter_fasta)``). Inputs made only of values
(``val sort_bam``) are never filled: their value means something, so they stay required. What was filled
is listed in one :class:`~pynf.errors.FilledEmptyWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from pynf.compiler.ir import Channel, Process
from pynf.errors import FilledEmptyWarning
from pynf.render.queue import QUEUE_KEY, Queue, is_queue as _is_queue, partial_item as _partial

__all__ = ["fill_missing", "announce_filled"]

_PATH_KINDS = ("path", "file")


def _takes_files(ch: Channel) -> bool:
    return ch.kind != "each" and any(e.kind in _PATH_KINDS for e in ch.elements)


def _fill_items(ch: Channel, value: Any) -> tuple[Any, list[str]]:
    """Items keyed by element names (a samplesheet queue, a dict) lacking ``path`` elements get ``[]`` for them."""
    labels = [e.label for e in ch.elements]
    paths = [e.label for e in ch.elements if e.kind in _PATH_KINDS]
    filled: list[str] = []

    def fill(item: Any) -> Any:
        if not _partial(ch, item):
            return item
        lacking = [label for label in paths if label not in item]
        filled.extend(label for label in lacking if label not in filled)
        return {**item, **{label: [] for label in lacking}} if lacking else item

    if _is_queue(value):
        items = value.items if isinstance(value, Queue) else value[QUEUE_KEY]
        value = Queue(fill(item) for item in items) if isinstance(items, (list, tuple)) else value
    elif isinstance(value, (list, tuple)) and value and all(isinstance(v, Mapping) for v in value):
        value = [fill(item) for item in value]
    elif isinstance(value, Mapping) and len(labels) > 1:
        value = fill(value)
    return value, [f"'{label}' of input {ch.key} (items lacking it)" for label in filled]


def fill_missing(process: Process, whole: dict[int, Any], parts: Mapping[int, dict[int, Any]]) -> list[str]:
    """Fill ``whole`` (channel -> value) and ``parts`` (channel -> {element: value}) in place; what was filled."""
    filled: list[str] = []
    for ci, ch in enumerate(process.inputs):
        if ci in whole and ch.kind == "tuple" and _takes_files(ch):
            whole[ci], names = _fill_items(ch, whole[ci])
            filled.extend(names)
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
