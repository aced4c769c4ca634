"""Find the ``task.ext.NAME`` keys a process reads, and where.

A read is ``task.ext.NAME``, ``task.ext?.NAME`` or ``task.ext['NAME']`` in Groovy code: in a
section's code, inside a GString's ``${…}`` or ``$task.ext.NAME`` interpolation, or (in a
``shell:`` section) inside ``!{…}``.  Text in comments and in plain string literals is not code,
so it is not a read.  Templates (``template 'x.sh'``) are evaluated as GStrings by Nextflow, so
their ``$…``/``${…}`` interpolations count too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pynf.compiler.scanner import Scanner, Source
from pynf.errors import ModuleSyntaxError

__all__ = ["ext_reads", "template_ext_reads"]

_EXT = re.compile(
    r"task\s*\.\s*ext\s*(?:\??\.\s*(?P<dot>[A-Za-z_]\w*)|\[\s*(?P<q>['\"])(?P<key>[A-Za-z_]\w*)(?P=q)\s*\])")
_TASK = re.compile(r"(?<![\w.])task\b")
_DOLLAR_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_TEMPLATE_INTERP = re.compile(r"(?<!\\)\$(?:\{(?P<code>[^{}]*)\}|(?P<path>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*))")


def ext_reads(code: str, *, shell: bool = False) -> list[tuple[str, int, int]]:
    """``(name, start, end)`` of every ``task.ext`` read in a piece of Groovy code, in text order."""
    try:
        regions = list(_CodeRegions(code, shell).regions(0, len(code)))
    except ModuleSyntaxError:  # not well-formed on its own: fall back to the whole text
        regions = [(0, len(code))]
    found = []
    for start, end in regions:
        for t in _TASK.finditer(code, start, end):
            m = _EXT.match(code, t.start())  # may run past the region: task.ext['NAME'] holds a string
            if m:
                found.append((m.group("dot") or m.group("key"), m.start(), m.end()))
    return sorted(found, key=lambda use: use[1])


def template_ext_reads(text: str) -> list[tuple[str, int, int]]:
    """``(name, start, end)`` of every ``task.ext`` read in a template's ``$…``/``${…}`` interpolations."""
    found = []
    for m in _TEMPLATE_INTERP.finditer(text):
        group = "code" if m.group("code") is not None else "path"
        for t in _TASK.finditer(text, m.start(group), m.end(group)):
            e = _EXT.match(text, t.start())
            if e and e.end() <= m.end(group):
                found.append((e.group("dot") or e.group("key"), e.start(), e.end()))
    return found


class _CodeRegions:
    """Splits Groovy text into the spans that are code (not comments, not literal string text)."""

    def __init__(self, text: str, shell: bool):
        self.text = text
        self.shell = shell
        self.scan = Scanner(Source(text, "<section>"))

    def regions(self, start: int, stop: int) -> Iterator[tuple[int, int]]:
        region = start
        for kind, begin, end in self.scan.walk(start, stop):
            if kind == "comment":
                yield region, begin
                region = end
            elif kind == "string":
                yield region, begin
                yield from self.string_regions(begin, min(end, stop))
                region = end
        yield region, stop

    def string_regions(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """Code inside a string literal: ``${…}``/``$a.b`` in GStrings, ``!{…}`` in shell sections."""
        t = self.text
        interpolating = t[start] in "\"/$"
        i = start + (3 if t.startswith(('"""', "'''"), start) else 2 if t.startswith("$/", start) else 1)
        while i < end:
            c = t[i]
            if c == "\\" and t[start] != "$":
                i += 2
            elif interpolating and t.startswith("${", i):
                close = self.scan.code_end(i + 2, i)
                yield from self.regions(i + 2, close - 1)
                i = close
            elif interpolating and c == "$" and (m := _DOLLAR_PATH.match(t, i + 1)):
                yield m.start(), m.end()
                i = m.end()
            elif self.shell and t.startswith("!{", i):
                close = self.scan.code_end(i + 2, i)
                yield from self.regions(i + 2, close - 1)
                i = close
            else:
                i += 1
