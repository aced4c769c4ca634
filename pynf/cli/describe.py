"""How the CLI shows a module's description (``pynf inspect``): rich tables on stdout."""

from __future__ import annotations

from typing import Any

__all__ = ["print_description"]


def print_description(info: dict[str, Any]) -> None:
    """Print the interface as rich tables on stdout."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    head = f"[bold]{info['process']}[/bold] from {info['module']}"
    if info["description"]:
        head += f"\n{info['description']}"
    console.print(head)
    for title, channels in (("Inputs", info["inputs"]), ("Outputs", info["outputs"])):
        table = Table(title=title, show_lines=False)
        for col in ("channel", "element", "kind", "type", "description"):
            table.add_column(col, overflow="fold")
        for ch in channels:
            flags = [f for f in ("optional" if ch["optional"] else "", f"topic: {ch['topic']}" if ch["topic"] else "") if f]
            label = ch["key"] + (f" ({', '.join(flags)})" if flags else "")
            for i, el in enumerate(ch["elements"]):
                text = (el["description"] or "").strip()  # whole: the table wraps long and multi-line text
                if el["enum"]:
                    text = (text + " " if text else "") + f"(one of: {', '.join(el['enum'])})"
                table.add_row(label if i == 0 else "", el["name"], el["kind"], el["type"] or "", text)
        console.print(table)
    if info.get("ext"):
        table = Table(title="task.ext keys (set with --ext NAME=VALUE / RunOptions(ext=...))")
        table.add_column("key")
        table.add_column("read in", overflow="fold")
        for entry in info["ext"]:
            where = [f"{u['section']} ({u['file'] + ':' if u['file'] else 'line '}{u['line']})" for u in entry["uses"]]
            table.add_row(entry["name"], ", ".join(dict.fromkeys(where)))
        console.print(table)
    if info["topics"]:
        console.print(f"Topics: {', '.join(info['topics'])}")
    for w in info["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {w}")
