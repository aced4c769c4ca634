"""``pynf.Queue``: the marker that makes a channel value a queue of items (one task per item).

Also the few checks on items keyed by element names that inputs and ``fill_empty`` share.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from pynf.compiler.ir import Channel
from pynf.errors import InputError

__all__ = ["QUEUE_KEY", "Queue", "is_queue", "partial_item", "keyed_queue"]

#: JSON/CLI spelling of a queue: ``{"@queue": [item, ...]}``.
QUEUE_KEY = "@queue"


class Queue:
    """Marks a channel value as a queue of items: the process runs once per item."""

    __slots__ = ("items",)

    def __init__(self, items: Iterable[Any]):
        if isinstance(items, (str, bytes, Mapping)):
            raise InputError("Queue takes an iterable of items, e.g. Queue([item1, item2])")
        try:
            self.items = list(items)
        except TypeError:
            raise InputError(f"Queue takes an iterable of items, e.g. Queue([item1, item2]); "
                             f"got {type(items).__name__}") from None

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str], *, sep: str | None = None, reads: str = "reads",
                 columns: Mapping[str, str] | None = None, meta: Collection[str] | None = None,
                 optional: Collection[str] = (), check_files: bool = True) -> Queue:
        """A queue from an nf-core style samplesheet (CSV, or TSV by extension or ``sep``): one item per row.

        ``sample`` -> ``meta["id"]``; ``fastq_1``/``fastq_2`` -> ``reads`` (the element name; a list of one
        or two files, ``meta["single_end"]`` set); ``columns={"bam": "input"}`` maps a file column to an
        element (``optional`` columns may be empty: ``[]``); other columns (or just ``meta=[...]``) go into
        ``meta``. Paths are relative to the sheet; errors are :class:`~pynf.errors.SamplesheetError`.
        """
        from pynf.render.samplesheet import read_samplesheet

        return cls(read_samplesheet(path, sep=sep, reads=reads, columns=columns, meta=meta, optional=optional,
                                    check_files=check_files))

    def __repr__(self) -> str:
        return f"Queue({self.items!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Queue) and other.items == self.items

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)


def is_queue(value: Any) -> bool:
    """``value`` is a :class:`Queue` or its JSON spelling ``{"@queue": [...]}``."""
    return isinstance(value, Queue) or (isinstance(value, Mapping) and set(value) == {QUEUE_KEY})


def partial_item(ch: Channel, value: Any) -> bool:
    """``value`` is an item keyed by element names, possibly lacking some (a dict of known labels)."""
    labels = [e.label for e in ch.elements]
    return (isinstance(value, Mapping) and bool(value) and len(set(labels)) == len(labels)
            and set(value) <= set(labels))


def keyed_queue(ch: Channel, value: Any) -> bool:
    """``value`` is a queue whose items are dicts keyed by (some of) ``ch``'s element names, e.g. a samplesheet."""
    if not (ch.kind == "tuple" and is_queue(value)):
        return False
    items = value.items if isinstance(value, Queue) else value[QUEUE_KEY]
    return isinstance(items, (list, tuple)) and bool(items) and all(partial_item(ch, item) for item in items)
