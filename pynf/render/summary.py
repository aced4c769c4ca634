"""The compact HTML summary a result shows in Jupyter (``_repr_html_``): status, duration, outputs by emit
with their sample ids, and links to the run's reports (or its page on Seqera Platform).

Every value is escaped (``html.escape``); no script, no style sheet, nothing fetched.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pynf.render.reports import KINDS, Reports

__all__ = ["item_label", "result_html"]

_MAX_ITEMS = 8
_LINK_NAMES = {"report": "execution report", "timeline": "timeline", "trace": "trace", "dag": "DAG"}


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def item_label(item: Any) -> str:
    """How one output item is named: its ``meta.id`` when it has one, else its file name or value."""
    first = item[0] if isinstance(item, tuple) and item else item
    if isinstance(first, Mapping) and "id" in first:
        return str(first["id"])
    last = item[-1] if isinstance(item, tuple) and item else item
    if isinstance(last, Path):
        return last.name
    if isinstance(last, str) and "/" in last:
        return last.rstrip("/").rsplit("/", 1)[-1]
    text = str(last)
    return text if len(text) <= 40 else text[:39] + "…"


def _items(items: list) -> str:
    labels = [item_label(i) for i in items[:_MAX_ITEMS]]
    more = f" … (+{len(items) - _MAX_ITEMS})" if len(items) > _MAX_ITEMS else ""
    return f"{len(items)}: " + ", ".join(labels) + more if items else "0"


def _href(location: Any) -> str:
    if isinstance(location, Path):
        return location.absolute().as_uri()
    return str(location)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f" in {seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f" in {hours} h {minutes} min" if hours else f" in {minutes} min {secs} s"


def result_html(kind: str, name: str, status: str, seconds: float | None,
                groups: Iterable[tuple[str, Mapping[str, list]]], reports: Reports | None = None,
                url: str | None = None) -> str:
    """The summary: ``kind`` (``RunResult``...), ``name`` (module/process or workflow), ``groups`` of
    outputs (``("", outputs)`` for one module, ``(step, outputs)`` per workflow step)."""
    colour = {"SUCCEEDED": "#1a7f37", "FAILED": "#cf222e"}.get(status, "#9a6700")
    lines = [f'<div class="pynf-result"><p><strong>{_e(kind)}</strong> {_e(name)}: '
             f'<strong style="color:{colour}">{_e(status)}</strong>{_e(_duration(seconds))}</p>']
    rows = []
    for group, outputs in groups:
        for key, items in outputs.items():
            label = f"{group}.{key}" if group else key
            rows.append(f"<tr><td><code>{_e(label)}</code></td><td>{_e(_items(list(items)))}</td></tr>")
    if rows:
        lines.append('<table><thead><tr><th style="text-align:left">output</th>'
                     '<th style="text-align:left">items (sample ids)</th></tr></thead><tbody>')
        lines.extend(rows)
        lines.append("</tbody></table>")
    links = []
    if url:
        links.append(f'<a href="{_e(url)}" target="_blank">run on Seqera Platform</a>')
    for kind_ in KINDS:
        location = getattr(reports, kind_, None) if reports is not None else None
        if location is not None:
            links.append(f'<a href="{_e(_href(location))}" target="_blank">{_e(_LINK_NAMES[kind_])}</a>')
    if links:
        lines.append("<p>" + " · ".join(links) + "</p>")
    lines.append("</div>")
    return "\n".join(lines)
