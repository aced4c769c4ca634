"""Brace matching over Groovy text that skips strings and comments (nf-test files, nextflow.config)."""

from __future__ import annotations

import re

__all__ = ["block_after", "blocks", "statement_end"]

_SKIP = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"|//[^\n]*|/\*.*?\*/", re.S)


def _scan(text: str, start: int, stop_at_newline: bool) -> int:
    """Index of the brace closing the one opened just before ``start`` (or of the statement's end)."""
    depth, i = 0, start
    while i < len(text):
        m = _SKIP.match(text, i)
        if m:
            i = m.end()
            continue
        ch = text[i]
        if ch in "{[(":
            depth += 1
        elif ch in "}])":
            if depth == 0:
                return i
            depth -= 1
        elif ch == "\n" and stop_at_newline and depth == 0:
            rest = text[i:].lstrip()
            if not rest.startswith((".", "+", "?", ":")):
                return i
        i += 1
    return len(text)


def block_after(text: str, pattern: str, start: int = 0) -> tuple[str, int] | None:
    """The body of the first ``pattern {...}`` at or after ``start`` and the index after it, else None."""
    m = re.compile(pattern + r"\s*\{").search(text, start)
    if m is None:
        return None
    end = _scan(text, m.end(), False)
    return text[m.end():end], end + 1


def blocks(text: str, pattern: str) -> list[tuple[re.Match, str]]:
    """Every ``pattern {...}`` (the match of ``pattern`` and the block body), outermost first, not nested."""
    out, pos = [], 0
    rx = re.compile(pattern + r"\s*\{")
    while True:
        m = rx.search(text, pos)
        if m is None:
            return out
        if _inside_string(text, m.start()):
            pos = m.end()
            continue
        end = _scan(text, m.end(), False)
        out.append((m, text[m.end():end]))
        pos = end + 1


def _inside_string(text: str, index: int) -> bool:
    i = 0
    while i < index:
        m = _SKIP.match(text, i)
        if m:
            if m.end() > index:
                return True
            i = m.end()
        else:
            i += 1
    return False


def statement_end(text: str, start: int) -> int:
    """Where the statement starting at ``start`` ends (a newline outside brackets, strings and closures)."""
    return _scan(text, start, True)
