"""Groovy source scanning shared by the lexer and the ``task.ext`` finder.

``Source`` maps offsets to 1-based line/column; ``Scanner`` finds where a comment, a string
literal (all of Groovy's kinds, GString ``${…}`` nesting included) or a ``${…}`` block ends, and
reports unterminated ones as :class:`~pynf.errors.ModuleSyntaxError`.  ``Scanner.walk`` is the one
loop over Groovy code (newlines, comments, strings, names, other characters) that the lexer's body
capture, the ``${…}`` skipper and the ``task.ext`` finder share.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from pynf.errors import ModuleSyntaxError

__all__ = ["NAME", "Source", "Scanner"]

NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


class Source:
    """The text plus a line index, so offsets map to 1-based line/column quickly."""

    def __init__(self, text: str, filename: str):
        self.text = text
        self.filename = filename
        self.line_starts = [0]
        for m in re.finditer("\n", text):
            self.line_starts.append(m.end())

    def linecol(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def error(self, message: str, offset: int) -> ModuleSyntaxError:
        line, col = self.linecol(min(offset, len(self.text)))
        return ModuleSyntaxError(message, file=self.filename, line=line, column=col, source=self.text)


class Scanner:
    """Skips over Groovy strings, comments and nested code, reporting unterminated ones."""

    def __init__(self, src: Source):
        self.src = src
        self.text = src.text

    def comment_end(self, pos: int) -> int | None:
        """If a comment starts at pos, the offset after it; else None."""
        t = self.text
        if t.startswith("//", pos):
            end = t.find("\n", pos)
            return len(t) if end < 0 else end
        if t.startswith("/*", pos):
            end = t.find("*/", pos + 2)
            if end < 0:
                raise self.src.error("unterminated comment", pos)
            return end + 2
        if pos == 0 and t.startswith("#!"):
            end = t.find("\n")
            return len(t) if end < 0 else end
        return None

    def string_end(self, pos: int, slashy_ok: bool) -> int | None:
        """If a string literal starts at pos, the offset after it; else None."""
        t = self.text
        c = t[pos]
        if c == "'" or c == '"':
            triple = t.startswith(c * 3, pos)
            return self._quoted_end(pos, c * 3 if triple else c, interpolate=(c == '"'))
        if c == "$" and t.startswith("$/", pos):
            return self._dollar_slashy_end(pos)
        if c == "/" and slashy_ok and pos + 1 < len(t) and t[pos + 1] not in "/*=\n \t":
            return self._slashy_end(pos)
        return None

    def _quoted_end(self, pos: int, quote: str, interpolate: bool) -> int:
        t = self.text
        i = pos + len(quote)
        single_line = len(quote) == 1
        pattern = re.compile(r"[\\\n$]|" + re.escape(quote) if interpolate else r"[\\\n]|" + re.escape(quote))
        while True:
            m = pattern.search(t, i)
            if m is None:
                raise self.src.error("unterminated string literal", pos)
            ch = m.group()
            if ch == "\\":
                i = m.end() + 1
            elif ch == "\n":
                if single_line:
                    raise self.src.error("unterminated string literal", pos)
                i = m.end()
            elif ch == "$":
                if t.startswith("${", m.start()):
                    i = self.code_end(m.start() + 2, pos)
                else:
                    i = m.end()
            else:
                return m.end()

    def _slashy_end(self, pos: int) -> int:
        return self._delimited_end(pos, "/", ("\\/",), "/", "slashy string")

    def _dollar_slashy_end(self, pos: int) -> int:
        return self._delimited_end(pos, "$/", ("$$", "$/"), "/$", "dollar-slashy string")

    def _delimited_end(self, pos: int, opener: str, escapes: tuple[str, ...], closer: str, what: str) -> int:
        """The end of a slashy-style string: ``escapes`` are skipped, ``${…}`` is code, ``closer`` ends it."""
        t = self.text
        i = pos + len(opener)
        while i < len(t):
            if t.startswith(escapes, i):
                i += 2
            elif t.startswith(closer, i):
                return i + len(closer)
            elif t.startswith("${", i):
                i = self.code_end(i + 2, pos)
            else:
                i += 1
        raise self.src.error(f"unterminated {what}", pos)

    def blank_end(self, pos: int) -> int:
        """Offset of the next code character at or after pos (past whitespace, newlines and comments)."""
        t = self.text
        while pos < len(t):
            if t[pos] in " \t\r\n\f":
                pos += 1
                continue
            end = self.comment_end(pos) if t[pos] in "/#" else None
            if end is None:
                return pos
            pos = end
        return pos

    def walk(self, start: int, stop: int | None = None) -> Iterator[tuple[str, int, int]]:
        """The pieces of Groovy code from start (to stop), as ``(kind, start, end)``.

        ``kind`` is ``newline``, ``comment``, ``string``, ``name`` or ``char`` (any other single
        character); other whitespace is skipped.  A ``/`` right after an operand on the same line (a
        name, a string, a digit, a closing bracket) is division, anywhere else it opens a slashy string.
        """
        t = self.text
        stop = len(t) if stop is None else stop
        i = start
        operand = False
        while i < stop:
            c = t[i]
            if c in " \t\r\f":
                i += 1
                continue
            end = self.comment_end(i) if c in "/#" else None
            if end is not None:
                yield "comment", i, end
                i = end
                continue
            kind, end = self._piece(i, c, operand)
            yield kind, i, end
            operand = kind in ("string", "name") or (kind == "char" and c in ")]}0123456789")
            i = end

    def _piece(self, i: int, c: str, operand: bool) -> tuple[str, int]:
        if c == "\n":
            return "newline", i + 1
        end = self.string_end(i, slashy_ok=not operand)
        if end is not None:
            return "string", end
        m = NAME.match(self.text, i)
        if m:
            return "name", m.end()
        return "char", i + 1

    def code_end(self, pos: int, opened_at: int) -> int:
        """Skip Groovy code inside ``${ … }`` up to and past the matching ``}``."""
        depth = 0
        for kind, start, end in self.walk(pos):
            if kind == "char" and self.text[start] == "{":
                depth += 1
            elif kind == "char" and self.text[start] == "}":
                if depth == 0:
                    return end
                depth -= 1
        raise self.src.error("unterminated '${' in string", opened_at)
