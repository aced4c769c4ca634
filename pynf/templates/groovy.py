"""Safe Groovy literals for generated config text: every user value goes through ``groovy_literal``.

Strings become single-quoted Groovy literals (no ``${}`` interpolation in that form); backslash,
quote and every character outside printable ASCII are written as escapes, so any Python string
(quotes, ``${}``, backslashes, newlines, NUL, emoji) reads back exactly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from pynf.errors import GroovyLiteralError

__all__ = ["groovy_string", "groovy_literal", "GroovyLiteralError"]

_SIMPLE = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _escape_char(ch: str) -> str:
    if ch in _SIMPLE:
        return _SIMPLE[ch]
    code = ord(ch)
    if 0x20 <= code < 0x7F:
        return ch
    if code > 0xFFFF:  # astral plane: a UTF-16 surrogate pair, as Java strings hold it
        code -= 0x10000
        return "\\u%04x\\u%04x" % (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))
    return "\\u%04x" % code


_NEEDS_ESCAPE = re.compile(r"[^\x20-\x26\x28-\x5b\x5d-\x7e]")  # all but printable ASCII minus ' and \


def groovy_string(text: str) -> str:
    """``text`` as a single-quoted Groovy string literal that evaluates to exactly ``text``."""
    if not isinstance(text, str):
        raise GroovyLiteralError(f"expected a string, got {type(text).__name__}")
    return "'" + _NEEDS_ESCAPE.sub(lambda m: _escape_char(m.group()), text) + "'"


def groovy_literal(value: Any) -> str:
    """A Groovy literal for JSON-like data: str, bool, int, float, None, lists and string-keyed maps."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise GroovyLiteralError(f"{value!r} has no Groovy literal form")
        return repr(value)
    if isinstance(value, str):
        return groovy_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(groovy_literal(v) for v in value) + "]"
    if isinstance(value, Mapping):
        if not value:
            return "[:]"
        parts = []
        for k, v in value.items():
            if not isinstance(k, str):
                raise GroovyLiteralError(f"map keys must be strings, got {type(k).__name__}")
            parts.append(f"{groovy_string(k)}: {groovy_literal(v)}")
        return "[" + ", ".join(parts) + "]"
    raise GroovyLiteralError(f"a {type(value).__name__} has no Groovy literal form")
