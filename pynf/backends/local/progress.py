"""A rich live display of task progress per process, fed by run observer snapshots (for the CLI).

Usage::

    with RichProgress() as show:
        LocalBackend().submit(bundle, progress=show)
"""

from __future__ import annotations

import threading

from rich.console import Console
from rich.live import Live
from rich.table import Table

from pynf.backends.local.observer import Snapshot

__all__ = ["RichProgress", "render_snapshot"]


def render_snapshot(snapshot: Snapshot | None, title: str = "pynf") -> Table:
    """A table with one row per process: pending/running/done/cached/failed counts."""
    table = Table(title=title, expand=False, show_edge=False)
    for col in ("process", "pending", "running", "completed", "cached", "failed", ""):
        table.add_column(col, justify="left" if col in ("process", "") else "right")
    if snapshot is None:
        return table
    for name, c in sorted(snapshot.processes.items()):
        done = c.completed + c.cached
        state = "[red]failed" if c.failed else ("[green]done" if c.terminated and not (c.pending or c.submitted or c.running)
                                                 else "[yellow]running")
        table.add_row(name, str(c.pending + c.submitted), str(c.running), str(c.completed), str(c.cached),
                      str(c.failed), f"{state}[/] {done}/{c.total}")
    return table


class RichProgress:
    """Context manager + callable: renders each snapshot live on ``console`` (stderr by default).

    On a terminal the table is redrawn in place; when the console is not a terminal (piped, redirected)
    nothing is redrawn and the final table is printed once, as whole lines, when the block ends (so it
    never runs into whatever is printed next)."""

    def __init__(self, console: Console | None = None, title: str = "pynf", refresh_per_second: float = 8):
        self.console = console or Console(stderr=True)
        self.title = title
        self.last: Snapshot | None = None
        self._lock = threading.Lock()
        self._live = (Live(render_snapshot(None, title), console=self.console,
                           refresh_per_second=refresh_per_second, transient=False)
                      if self.console.is_terminal else None)

    def __enter__(self) -> RichProgress:
        if self._live is not None:
            self._live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        with self._lock:
            final = render_snapshot(self.last, self.title)
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
                self._live.update(render_snapshot(snapshot, self.title))
