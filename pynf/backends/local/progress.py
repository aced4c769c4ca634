"""A rich live display of task progress per process, fed by run observer snapshots (for the CLI).

Usage::

    with RichProgress() as show:
        LocalBackend().submit(bundle, progress=show)
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

from rich.console import Console
from rich.live import Live
from rich.table import Table

from pynf.backends.local.observer import ProcessCounts, Snapshot

__all__ = ["RichProgress", "render_snapshot"]


def render_snapshot(snapshot: Snapshot | None, title: str = "pynf", labels: Mapping[str, str] | None = None) -> Table:
    """A table with one row per process: pending/running/done/cached/failed counts.

    ``labels`` names rows by process (a workflow's step names: ``{"BWA_MEM": "align"}``); every labelled
    process has a row from the start, so a workflow's table shows each step before its first task.
    """
    table = Table(title=title, expand=False, show_edge=False)
    for col in ("process", "pending", "running", "completed", "cached", "failed", ""):
        table.add_column(col, justify="left" if col in ("process", "") else "right")
    processes = dict.fromkeys(labels or {}, ProcessCounts())
    processes.update(snapshot.processes if snapshot is not None else {})
    rows = sorted(processes.items()) if not labels else sorted(
        processes.items(), key=lambda kv: (list(labels).index(kv[0]) if kv[0] in labels else len(labels), kv[0]))
    for name, c in rows:
        if labels and name in labels:
            name = f"{labels[name]} ({name})"
        done = c.completed + c.cached
        state = "[red]failed" if c.failed else ("[green]done" if c.terminated and not (c.pending or c.submitted or c.running)
                                                 else "[yellow]running" if c.total else "[dim]waiting")
        table.add_row(name, str(c.pending + c.submitted), str(c.running), str(c.completed), str(c.cached),
                      str(c.failed), f"{state}[/] {done}/{c.total}")
    return table


class RichProgress:
    """Context manager + callable: renders each snapshot live on ``console`` (stderr by default).

    On a terminal the table is redrawn in place; when the console is not a terminal (piped, redirected)
    nothing is redrawn and the final table is printed once, as whole lines, when the block ends (so it
    never runs into whatever is printed next)."""

    def __init__(self, console: Console | None = None, title: str = "pynf", refresh_per_second: float = 8,
                 labels: Mapping[str, str] | None = None):
        self.console = console or Console(stderr=True)
        self.title = title
        self.labels = dict(labels or {})
        self.last: Snapshot | None = None
        self._lock = threading.Lock()
        self._live = (Live(render_snapshot(None, title, self.labels), console=self.console,
                           refresh_per_second=refresh_per_second, transient=False)
                      if self.console.is_terminal else None)

    def __enter__(self) -> RichProgress:
        if self._live is not None:
            self._live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        with self._lock:
            final = render_snapshot(self.last, self.title, self.labels)
            if self._live is not None:
                self._live.update(final)
        if self._live is not None:
            self._live.__exit__(*exc)
        elif self.last is not None:
            self.console.print(final)

    def __call__(self, snapshot: Snapshot) -> None:
        with self._lock:
            self.last = snapshot
            if self._live is not None:
                self._live.update(render_snapshot(snapshot, self.title, self.labels))
