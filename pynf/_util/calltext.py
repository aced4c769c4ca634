"""A short, readable text of a Python call (``pynf.run('seqtk_seq', meta={'id': 's1'}, ...)``).

It is what a run's execution report shows as its command; each value's repr is cut to a few dozen
characters, so a queue of a thousand samples stays one line.
"""

from __future__ import annotations

from typing import Any

__all__ = ["call_text"]

_VALUE = 80
_TOTAL = 1000


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a repr that fails is no reason to fail a run
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= _VALUE else text[:_VALUE - 1] + "…"


def call_text(name: str, *args: Any, **kwargs: Any) -> str:
    """``name(arg, key=value, ...)`` with every value shortened; keywords whose value is None are left out."""
    parts = [_short(a) for a in args]
    parts += [f"{k}={_short(v)}" for k, v in kwargs.items() if v is not None]
    text = f"{name}({', '.join(parts)})"
    return text if len(text) <= _TOTAL else text[:_TOTAL - 2] + "…)"
