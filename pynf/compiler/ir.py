"""The module IR: frozen, typed dataclasses with source positions, serializable to JSON.

A ``Module`` holds processes and top-level statements.  A ``Process`` holds directives,
input and output ``Channel``s, and its sections (``when``, the body, ``stub``).  A channel
is one declaration line; its ``elements`` are the parts of a ``tuple`` (or the single part
of any other declaration).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "Position",
    "Directive",
    "ElementDoc",
    "Element",
    "Channel",
    "Section",
    "ExtUse",
    "Process",
    "TopLevel",
    "Module",
    "to_json_dict",
]

@dataclass(frozen=True)
class Position:
    """A span in the module source: 1-based line and column, 0-based character offsets."""

    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int


@dataclass(frozen=True)
class Directive:
    """A process directive: its name and the raw Groovy text of its arguments."""

    name: str
    text: str
    pos: Position


@dataclass(frozen=True)
class ElementDoc:
    """Documentation for one element, taken from meta.yml."""

    type: str | None = None
    description: str | None = None
    pattern: str | None = None
    enum: tuple[str, ...] = ()  # the allowed values, when meta.yml lists them


@dataclass(frozen=True)
class Element:
    """One part of a declaration, e.g. ``val(meta)``, ``path("*.bam")``, ``eval('cmd')``.

    ``name`` is set when the argument is a plain identifier; ``pattern`` when it is a string
    (the raw literal text without quotes, GString ``${}`` kept as written); ``expr`` is the raw
    argument text either way.  ``options`` holds named arguments such as ``stageAs``/``arity``.
    """

    kind: str
    name: str | None
    pattern: str | None
    expr: str
    options: tuple[tuple[str, str], ...]
    pos: Position
    doc: ElementDoc | None = None

    @property
    def label(self) -> str:
        """The name used to address this element from Python (name, else pattern, else kind)."""
        return self.name or self.pattern or self.kind

    def option(self, key: str) -> str | None:
        """The raw text of a named option, or None."""
        return dict(self.options).get(key)


@dataclass(frozen=True)
class Channel:
    """One input or output declaration of a process.

    ``kind`` is the qualifier (``tuple``, ``path``, ``each`` …); for ``each`` the wrapped
    element's kind is in ``elements[0].kind``.  ``emit``/``topic``/``optional`` come from
    the named options; ``options`` keeps every named option as raw text.
    """

    direction: Literal["input", "output"]
    index: int
    kind: str
    elements: tuple[Element, ...]
    options: tuple[tuple[str, str], ...]
    pos: Position
    emit: str | None = None
    topic: str | None = None
    optional: bool = False

    @property
    def key(self) -> str:
        """How results and inputs address this channel: the emit name, else its position."""
        return self.emit if self.emit else str(self.index)


@dataclass(frozen=True)
class Section:
    """A process section (``when``, ``script``, ``shell``, ``exec``, ``stub``) as raw text.

    ``template`` is the template file name when the body is a ``template '...'`` call.
    ``labelled`` is False for an implicit script body (no ``script:`` label).
    """

    kind: str
    text: str
    pos: Position
    template: str | None = None
    labelled: bool = True


@dataclass(frozen=True)
class ExtUse:
    """One read of ``task.ext.NAME`` by a process.

    ``section`` says where: ``script``/``shell``/``exec``/``stub``/``when``, ``directive:<name>``,
    ``input``/``output`` (a declaration), or ``template:<file>`` (a template the script renders).
    ``position`` is in the module's main.nf, or in ``file`` (relative to the module directory)
    when that is set (templates).
    """

    name: str
    section: str
    position: Position
    file: str | None = None


@dataclass(frozen=True)
class Process:
    """A process definition.

    ``ext_uses`` lists every ``task.ext.NAME`` the process reads, in file and text order.
    """

    name: str
    directives: tuple[Directive, ...]
    inputs: tuple[Channel, ...]
    outputs: tuple[Channel, ...]
    when: Section | None
    body: Section | None
    stub: Section | None
    text: str
    pos: Position
    ext_uses: tuple[ExtUse, ...] = ()

    @property
    def ext_keys(self) -> tuple[str, ...]:
        """The ``task.ext`` names the process reads, sorted and unique."""
        return tuple(sorted({u.name for u in self.ext_uses}))

    def directive(self, name: str) -> Directive | None:
        """The first directive with this name, or None."""
        return next((d for d in self.directives if d.name == name), None)

    @property
    def topics(self) -> tuple[str, ...]:
        """Topic names the process emits to, sorted and unique."""
        return tuple(sorted({c.topic for c in self.outputs if c.topic}))


@dataclass(frozen=True)
class TopLevel:
    """A top-level statement other than a process: ``include``, ``function``, ``assignment``,
    ``workflow``, ``feature`` (e.g. ``nextflow.enable.dsl = 2``) or ``other``."""

    kind: str
    name: str | None
    text: str
    pos: Position


@dataclass(frozen=True)
class Module:
    """A parsed module: its processes, other top-level statements, docs and warnings."""

    path: str
    source_hash: str
    processes: tuple[Process, ...]
    toplevel: tuple[TopLevel, ...]
    description: str | None = None
    tools: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def process(self, name: str | None = None) -> Process:
        """The process called ``name``; without a name, the only one (else a typed error)."""
        from pynf.errors import ProcessSelectionError

        names = [p.name for p in self.processes]
        if name is None:
            if len(self.processes) == 1:
                return self.processes[0]
            raise ProcessSelectionError(
                f"{self.path} defines {len(names)} processes ({', '.join(names)}); choose one with --process NAME"
                if names
                else f"{self.path} defines no process"
            )
        for p in self.processes:
            if p.name == name:
                return p
        raise ProcessSelectionError(
            f"{self.path} has no process '{name}'; it defines: {', '.join(names) or 'none'}"
        )


def to_json_dict(obj: Any) -> Any:
    """Turn an IR node (or tree) into plain JSON data with stable key order."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {"node": type(obj).__name__}
        for f in dataclasses.fields(obj):
            out[f.name] = to_json_dict(getattr(obj, f.name))
        return out
    if isinstance(obj, tuple) and obj and all(isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], str) for x in obj):
        # option pairs: keep order as written
        return [[k, v] for k, v in obj]
    if isinstance(obj, (list, tuple)):
        return [to_json_dict(x) for x in obj]
    return obj
