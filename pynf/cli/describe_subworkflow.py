"""``pynf inspect`` of a subworkflow: its take channels (where each one's shape comes from), emits, includes."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["print_subworkflow"]


def print_subworkflow(console: Console, info: dict[str, Any]) -> None:
    """Print the ``subworkflow`` part of ``describe()`` as tables (before the Inputs/Outputs tables)."""
    console.print(f"subworkflow [bold]{info['workflow']}[/bold]: runs {', '.join(info['processes'])}", highlight=False)
    takes = Table(title="Take channels (give each by name: --input NAME=...)")
    for col in ("take", "shape from", "reaches"):
        takes.add_column(col, overflow="fold")
    for take in info["takes"]:
        reaches = ", ".join(f"{u['component']} input {u['input']}" + ("" if u["direct"] else " (via operators)")
                            for u in take["uses"]) or ("(a plain value)" if take["plain"] else "-")
        takes.add_row(take["name"], take["shape"] or "", reaches)
    console.print(takes)
    emits = Table(title="Emits")
    emits.add_column("emit")
    emits.add_column("from", overflow="fold")
    for emit in info["emits"]:
        emits.add_row(emit["name"], emit["from"] or emit["expr"])
    console.print(emits)
    console.print("Includes: " + "; ".join(f"{', '.join(i['names'])} from {i['from']}" for i in info["includes"]),
                  highlight=False)
