"""How the CLI shows a module's description (``pynf inspect``, ``pynf modules info``): rich tables on stdout."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

__all__ = ["print_description"]


def _tables(console: Console, process: dict[str, Any]) -> None:
    for title, channels in (("Inputs", process["inputs"]), ("Outputs", process["outputs"])):
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
    if process.get("ext"):
        table = Table(title="task.ext keys (set with --ext NAME=VALUE / RunOptions(ext=...))")
        table.add_column("key")
        table.add_column("read in", overflow="fold")
        for entry in process["ext"]:
            where = [f"{u['section']} ({u['file'] + ':' if u['file'] else 'line '}{u['line']})" for u in entry["uses"]]
            table.add_row(entry["name"], ", ".join(dict.fromkeys(where)))
        console.print(table)
    if process["topics"]:
        console.print(f"Topics: {', '.join(process['topics'])}")


def print_description(info: dict[str, Any]) -> None:
    """Print ``describe()`` (one process) or ``describe_module()`` (all of them, with the source) as tables.

    Warnings are not printed here: the CLI's error boundary prints each once, as ``warning: ...``.
    """
    console = Console()
    if "process" in info:
        head = f"[bold]{info['process']}[/bold] from {info['module']}"
        processes = [dict(info, name=info["process"])]
    else:
        where = f"{info['remote']} @ {info['sha']}" if info["sha"] else "local"
        head = f"[bold]{info['module']}[/bold] ({where})\npath: {info['path']}"
        if info["tools"]:
            head += f"\ntools: {', '.join(info['tools'])}"
        processes = info["processes"]
    if info["description"]:
        head += f"\n{' '.join(info['description'].split())}"
    console.print(head, highlight=False)
    if info.get("subworkflow"):
        from pynf.cli.describe_subworkflow import print_subworkflow

        print_subworkflow(console, info["subworkflow"])
    for proc in processes:
        if "process" not in info:
            console.print(f"\n[bold]process {proc['name']}[/bold]")
        _tables(console, proc)
    verified = info.get("verified")
    if verified is not None:
        entry = verified["registry"]
        if entry is None:
            console.print(f"Verified: no — content {verified['content_hash'][:19]}… is not in pynf's registry",
                          highlight=False)
        else:
            flags = ", ".join(f"{k} {'-' if entry[k] is None else ('ok' if entry[k] else 'FAILED')}"
                              for k in ("nf_lang_agree", "wrapper_v1", "wrapper_v2", "stub"))
            console.print(f"Verified: {'yes' if verified['verified'] else 'no'} — as {entry['module']} ({flags})",
                          highlight=False)
            nfcore = entry.get("nfcore_stub_tests")
            if nfcore is not None:
                console.print("nf-core's stub test: " + ("agrees with nf-core's stub test" if nfcore
                                                         else "disagrees with nf-core's stub test"), highlight=False)
