"""How the CLI shows run results: table rows and JSON-ready values (shared by ``pynf run`` and ``pynf runs``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["jsonable", "result_rows"]


def result_rows(outputs: dict[str, list]) -> list[tuple[str, str]]:
    """(channel, item) rows for a results table; paths shown as paths, meta maps as JSON."""
    rows = []
    for key, items in outputs.items():
        if not items:
            rows.append((key, "(no items)"))
        for item in items:
            rows.append((key, _show(item)))
    return rows


def _show(value: Any) -> str:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value)
    return json.dumps(value, sort_keys=True, default=str)


def jsonable(value: Any) -> Any:
    """``value`` with paths as strings and tuples as lists, ready for json.dumps."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value
