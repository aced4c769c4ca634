"""Named ``workflow NAME { take: main: emit: }`` definitions (nf-core subworkflows) read into a frozen IR.

The module grammar already reads a workflow definition as one top-level statement whose body is a token
group (comments and strings resolved by the lexer). This module walks those tokens: the ``take:``
names, the ``emit:`` names (and the ``X.out.name`` each one forwards, when it does), the includes, the
components ``main:`` calls, and for each take channel which call argument it reaches: directly (the
argument is the take itself) or through operators (``ch.map { ... }``, a variable derived from it).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from lark import Token, Tree

from pynf.compiler.ir import Position, TopLevel
from pynf.compiler.subworkflow_tokens import (Item, call_args, calls_in, derived_names, forwards, item_names, line_of,
                                              operators_on, statements)
from pynf.errors import ModuleNotFound, ModuleSyntaxError

__all__ = ["IncludeDef", "TakeUse", "Take", "Emit", "WorkflowDef", "Subworkflow", "parse_subworkflow",
           "parse_subworkflow_source", "is_subworkflow"]

_INCLUDE = re.compile(r"include\s*\{(?P<names>[^}]*)\}\s*from\s*(?P<q>['\"])(?P<path>[^'\"]+)(?P=q)", re.S)
_NAMED_WORKFLOW = re.compile(r"^\s*workflow\s+[A-Za-z_]\w*\s*\{", re.M)
_PROCESS = re.compile(r"^\s*process\s+[A-Za-z_]\w*\s*\{", re.M)


@dataclass(frozen=True)
class IncludeDef:
    """``include { NAME as ALIAS; ... } from 'path'``: ``names`` are (name, alias) pairs; ``path`` as written."""

    names: tuple[tuple[str, str], ...]
    path: str
    line: int


@dataclass(frozen=True)
class TakeUse:
    """Where a take channel goes: argument ``arg`` (0-based) of a call of ``component``.

    ``direct`` is True when the argument is the take itself; otherwise ``via`` is the argument's text
    (operators or a variable derived from the take stand between).
    """

    component: str
    arg: int
    direct: bool
    via: str = ""


@dataclass(frozen=True)
class Take:
    """One ``take:`` channel: its name, position, uses, and whether the body only reads it as a plain value
    (in ``if`` conditions and expressions, never as a channel)."""

    name: str
    index: int
    line: int
    uses: tuple[TakeUse, ...] = ()
    plain: bool = False
    description: str | None = None
    operators: tuple[str, ...] = ()  # channel operators applied to it or to variables derived from it


@dataclass(frozen=True)
class Emit:
    """One ``emit:`` channel: its name, the expression text, and ``(component, output)`` when it forwards
    ``COMPONENT.out.OUTPUT`` as is."""

    name: str
    expr: str
    line: int
    source: tuple[str, str] | None = None
    description: str | None = None


@dataclass(frozen=True)
class WorkflowDef:
    """A named workflow definition: take channels, emits, and the components its ``main:`` calls."""

    name: str
    takes: tuple[Take, ...]
    emits: tuple[Emit, ...]
    calls: tuple[str, ...]
    pos: Position


@dataclass(frozen=True)
class Subworkflow:
    """A parsed subworkflow file: its workflow definitions, includes, meta.yml docs and warnings."""

    path: str
    source_hash: str
    workflows: tuple[WorkflowDef, ...]
    includes: tuple[IncludeDef, ...]
    toplevel: tuple[TopLevel, ...] = ()
    description: str | None = None
    keywords: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def workflow(self, name: str | None = None) -> WorkflowDef:
        """The workflow called ``name``; without a name, the only (or the last) named one."""
        from pynf.errors import ProcessSelectionError

        if name is None:
            if not self.workflows:
                raise ProcessSelectionError(f"{self.path} defines no named workflow")
            return self.workflows[-1]
        for wf in self.workflows:
            if wf.name == name:
                return wf
        names = ", ".join(w.name for w in self.workflows) or "none"
        raise ProcessSelectionError(f"{self.path} has no workflow '{name}'; it defines: {names}")

    def component_names(self) -> dict[str, tuple[str, str]]:
        """Included names as used in the body (alias, else name) -> (original name, include path)."""
        return {alias: (name, inc.path) for inc in self.includes for name, alias in inc.names}


def is_subworkflow(path: str | Path) -> bool:
    """True for a ``.nf`` file (or a directory's ``main.nf``) with a named workflow and no process."""
    p = Path(path)
    if p.is_dir():
        p = p / "main.nf"
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    return bool(_NAMED_WORKFLOW.search(text)) and not _PROCESS.search(text)


def _include(top: TopLevel) -> IncludeDef | None:
    m = _INCLUDE.search(top.text)
    if m is None:
        return None
    pairs = []
    for part in re.split(r"[;\n]", m.group("names")):
        words = part.split()
        if len(words) == 1:
            pairs.append((words[0], words[0]))
        elif len(words) == 3 and words[1] == "as":
            pairs.append((words[0], words[2]))
    return IncludeDef(names=tuple(pairs), path=m.group("path"), line=top.pos.line)


def _sections(body: list[Item]) -> dict[str, list[Item]]:
    """The body's items by section label (``take``, ``main``, ``emit``; unlabelled code is ``main``)."""
    out: dict[str, list[Item]] = {"take": [], "main": [], "emit": []}
    current = "main"
    for item in body:
        if isinstance(item, Token) and item.type == "KEY" and str(item) in ("take", "main", "emit", "publish"):
            current = str(item)
            out.setdefault(current, [])
            continue
        out[current].append(item)
    return out


def _emit(stmt: list[Item], source: str) -> Emit | None:
    names = [i for i in stmt if isinstance(i, Token) and i.type == "NAME"]
    if not names:
        return None
    if len(stmt) >= 3 and isinstance(stmt[1], Token) and str(stmt[1]) == "=":
        name, rest = str(stmt[0]), stmt[2:]
    else:
        name, rest = str(names[-1]), stmt
    start = rest[0].start_pos if isinstance(rest[0], Token) else rest[0].meta.start_pos
    end = rest[-1].end_pos if isinstance(rest[-1], Token) else rest[-1].meta.end_pos
    text = [str(i) for i in rest if isinstance(i, Token)]
    forwarded = None
    if len(rest) == 5 and all(isinstance(i, Token) for i in rest) and text[1:4:2] == [".", "."] and text[2] == "out":
        forwarded = (text[0], text[4])
    return Emit(name=name, expr=source[start:end], line=line_of(stmt[0]), source=forwarded)


def _take_uses(name: str, calls: list[tuple[str, Tree]], derived: dict[str, set[str]], source: str) -> list[TakeUse]:
    uses = []
    for component, group in calls:
        for i, arg in enumerate(call_args(group)):
            names = item_names(arg)
            if len(arg) == 1 and isinstance(arg[0], Token) and str(arg[0]) == name:
                uses.append(TakeUse(component, i, True))
            elif name in names or any(name in derived.get(n, ()) for n in names):
                start = arg[0].start_pos if isinstance(arg[0], Token) else arg[0].meta.start_pos
                end = arg[-1].end_pos if isinstance(arg[-1], Token) else arg[-1].meta.end_pos
                uses.append(TakeUse(component, i, False, " ".join(source[start:end].split())))
    return uses


def _workflow(item: Tree, components: set[str], source: str) -> WorkflowDef | None:
    kids = item.children
    if len(kids) < 3 or not isinstance(kids[1], Token) or kids[1].type != "NAME":
        return None  # the unnamed entry workflow
    group = kids[2]
    if not isinstance(group, Tree) or group.data != "group":
        return None
    sections = _sections(list(group.children[1:-1]))
    take_names = [(str(s[0]), line_of(s[0])) for s in statements(sections["take"])
                  if isinstance(s[0], Token) and s[0].type == "NAME"]
    main = sections["main"]
    calls = calls_in(main, components)
    derived = derived_names(main)
    takes = []
    for index, (name, line) in enumerate(take_names):
        uses = _take_uses(name, calls, derived, source)
        related = {name} | {v for v, sources in derived.items() if name in sources}
        takes.append(Take(name=name, index=index, line=line, uses=tuple(uses), plain=_plain(name, main, uses),
                          operators=tuple(sorted(operators_on(related, main)))))
    forwarded = forwards(main)
    emits = [dataclasses.replace(e, source=forwarded.get(e.expr)) if e.source is None else e
             for s in statements(sections["emit"]) if (e := _emit(s, source)) is not None]
    m = item.meta
    pos = Position(m.line, m.column, m.end_line, m.end_column, m.start_pos, m.end_pos)
    return WorkflowDef(name=str(kids[1]), takes=tuple(takes), emits=tuple(emits),
                       calls=tuple(dict.fromkeys(c for c, _ in calls)), pos=pos)


def _plain(name: str, main: list[Item], uses: list[TakeUse]) -> bool:
    """A take the body never treats as a channel: never a call argument itself, never the receiver or an
    argument of a channel operator (``if (!val_skip)``, ``UNZIP([[:], path])`` read it as a plain value)."""
    if any(u.direct for u in uses):
        return False
    from pynf.compiler.subworkflow_tokens import used_as_channel

    return not used_as_channel(name, main)


def parse_subworkflow_source(source: str, *, filename: str = "<subworkflow>") -> Subworkflow:
    """Parse subworkflow source text (no meta.yml)."""
    from lark.exceptions import UnexpectedInput

    from pynf.compiler.parser import _Builder, _parser, _syntax_error

    try:
        tree = _parser().parse((source, filename))
    except UnexpectedInput as e:
        raise _syntax_error(e, source, filename) from None
    builder = _Builder(source, filename)
    toplevel = [builder.toplevel(i) for i in tree.children if isinstance(i, Tree) and i.data != "process"]
    includes = tuple(inc for t in toplevel if t.kind == "include" and (inc := _include(t)) is not None)
    components = {alias for inc in includes for _, alias in inc.names}
    workflows = tuple(wf for i in tree.children if isinstance(i, Tree) and i.data == "statement"
                      and isinstance(i.children[0], Token) and str(i.children[0]) == "workflow"
                      and (wf := _workflow(i, components, source)) is not None)
    if not workflows:
        raise ModuleSyntaxError("no named workflow definition found (expected 'workflow NAME { take: … }')",
                                file=filename, line=1, column=1, source=source)
    digest = hashlib.sha256(source.encode()).hexdigest()
    return Subworkflow(path=filename, source_hash=digest, workflows=workflows, includes=includes,
                       toplevel=tuple(toplevel))


def parse_subworkflow(path: str | Path, *, with_meta: bool = True) -> Subworkflow:
    """Parse a subworkflow directory (holding ``main.nf``) or ``.nf`` file; attach ``meta.yml`` docs."""
    p = Path(path)
    if p.is_dir():
        p = p / "main.nf"
    if not p.is_file():
        raise ModuleNotFound(f"no subworkflow at {path}: expected a directory with main.nf or a .nf file")
    sub = parse_subworkflow_source(p.read_text(encoding="utf-8-sig"), filename=str(p))
    meta = p.parent / "meta.yml"
    if with_meta and p.name == "main.nf" and meta.is_file():
        from pynf.compiler.subworkflow_meta import merge_subworkflow_meta

        sub = merge_subworkflow_meta(sub, meta)
    return sub
