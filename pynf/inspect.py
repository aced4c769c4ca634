"""Describe a module's interface (inputs, outputs, topics) as data and as rich tables."""

from __future__ import annotations

from typing import Any

from .compiler import Channel, Module, Process

__all__ = ["describe", "print_description"]


def _element(el) -> dict[str, Any]:
    doc = el.doc
    return {
        "name": el.label,
        "kind": el.kind,
        "type": doc.type if doc else None,
        "description": doc.description if doc else None,
        "pattern": doc.pattern if doc else None,
        "enum": list(doc.enum) if doc else [],
    }


def _channel(ch: Channel) -> dict[str, Any]:
    return {
        "key": ch.key,
        "kind": ch.kind,
        "emit": ch.emit,
        "topic": ch.topic,
        "optional": ch.optional,
        "elements": [_element(e) for e in ch.elements],
        "line": ch.pos.line,
    }


def describe(module: Module, process: Process, *, module_id: str | None = None) -> dict[str, Any]:
    """The module's interface as plain data (what ``pynf inspect --json`` prints)."""
    return {
        "module": module_id or module.path,
        "process": process.name,
        "processes": [p.name for p in module.processes],
        "description": module.description,
        "tools": list(module.tools),
        "keywords": list(module.keywords),
        "inputs": [_channel(c) for c in process.inputs],
        "outputs": [_channel(c) for c in process.outputs],
        "topics": list(process.topics),
        "has_stub": process.stub is not None,
        "warnings": list(module.warnings),
    }


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
                text = (el["description"] or "").strip().splitlines()[0] if el["description"] else ""
                if el["enum"]:
                    text = (text + " " if text else "") + f"(one of: {', '.join(el['enum'])})"
                table.add_row(label if i == 0 else "", el["name"], el["kind"], el["type"] or "", text)
        console.print(table)
    if info["topics"]:
        console.print(f"Topics: {', '.join(info['topics'])}")
    for w in info["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {w}")
