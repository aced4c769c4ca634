"""Fault injection for the fake platform: bursts of 5xx, 429 with Retry-After, dropped connections,
slow answers, launch responses lost after the run was created, and runs reporting UNKNOWN."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

__all__ = ["Fault", "Faults"]

KINDS = ("status", "drop", "drop_after", "delay", "unknown_status")


@dataclass
class Fault:
    """One injected fault: applies to requests whose ``METHOD path`` matches, ``count`` times.

    kinds: ``status`` (answer ``status`` with an ErrorResponse, optional ``retry_after``),
    ``drop`` (close the connection before handling), ``drop_after`` (handle the request, then close the
    connection without answering), ``delay`` (sleep ``seconds`` then handle), ``unknown_status``
    (handle, but report the run's status as UNKNOWN).
    """

    kind: str
    method: str = "GET"
    path: str = ".*"
    count: int = 1
    status: int = 503
    retry_after: int | None = None  # whole seconds, as HTTP requires
    seconds: float = 0.0
    hits: int = 0
    _rx: re.Pattern = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}")
        self._rx = re.compile(self.path)

    def matches(self, method: str, path: str) -> bool:
        """True for a request this fault applies to (and has uses left)."""
        return self.hits < self.count and method == self.method and bool(self._rx.fullmatch(path))


class Faults:
    """A thread-safe list of faults; ``take`` consumes the first one matching a request."""

    def __init__(self) -> None:
        self._items: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, kind: str, **kw) -> Fault:
        """Register a fault (see Fault) and return it (its ``hits`` counts how often it fired)."""
        fault = Fault(kind, **kw)
        with self._lock:
            self._items.append(fault)
        return fault

    def take(self, method: str, path: str, kinds: tuple[str, ...] = KINDS) -> Fault | None:
        """The first matching fault of the given kinds, marked as used once."""
        with self._lock:
            for f in self._items:
                if f.kind in kinds and f.matches(method, path):
                    f.hits += 1
                    return f
        return None

    def clear(self) -> None:
        """Forget all faults."""
        with self._lock:
            self._items.clear()
