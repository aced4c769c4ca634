"""What one binding function is made of, computed from a parsed module: its parameters (named as
:func:`pynf.run` names the inputs), its outputs (one result attribute per emit, a NamedTuple per tuple
output), its run settings, and the pin (module commit, interface hash and canonical interface)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pynf.compiler.ir import Channel, Element, Module, Process

from .naming import class_stem, identifier, unique
from .types import each_type, input_type, output_type

__all__ = ["Param", "Field", "Output", "Binding", "RUN_CONTROLS", "STEP_CONTROLS", "RESULT_FIELDS", "SHADOWING", "build_binding"]

#: Run settings a binding's call takes besides the module's inputs, and those of ``.step(workflow, ...)``
#: (renamed with a trailing ``_`` when an input has the name): (name, type, default).
RUN_CONTROLS: tuple[tuple[str, str, str], ...] = (
    ("options", "RunOptions | None", "None"),
    ("outdir", "PathLike | None", "None"),
    ("stub", "bool", "False"),
    ("resume", "bool | str", "False"),
    ("backend", "str | Backend | None", "None"),
    ("check", "bool", "True"),
    ("timeout", "float | None", "None"),
    ("run_args", "Mapping[str, Any] | None", "None"),
)
STEP_CONTROLS: tuple[tuple[str, str, str], ...] = (
    ("name", "str | None", "None"),
    ("options", "RunOptions | None", "None"),
    ("run_args", "Mapping[str, Any] | None", "None"),
)
#: Attributes every result has; an emit with one of these names (or a name of ``SHADOWING``) takes a trailing ``_``.
RESULT_FIELDS = frozenset({"run", "status", "outdir", "summary", "failed_items", "topics", "versions", "outputs",
                           "succeeded"})
#: Names generated annotations use: a class attribute or field with one of them would shadow it in the class body.
SHADOWING = frozenset({"list", "dict", "tuple", "str", "int", "float", "bool", "type", "object", "Path", "Any",
                       "Literal", "Chan", "Mapping", "Sequence", "Meta", "PathArg", "PathLike", "Scalar", "Queue",
                       "Flow", "NamedTuple", "Backend", "RunOptions", "Workflow"})
#: NamedTuple field names that would shadow tuple methods or annotation names.
_BAD_FIELDS = frozenset({"count", "index"}) | SHADOWING
_VERSION_FIELDS = ("process", "tool", "version")


@dataclass(frozen=True)
class Param:
    """One keyword parameter: ``name`` in Python, ``key`` as :func:`pynf.run` takes it, types as source text."""

    name: str
    key: str
    type: str
    queue: bool  # the Queue form is accepted (a queue channel: one task per item)
    tuple_element: bool  # an element of a tuple channel: may be left out (default None)
    doc: str


@dataclass(frozen=True)
class Field:
    """One element of an emitted item."""

    name: str
    type: str
    doc: str


@dataclass(frozen=True)
class Output:
    """One output channel: the result attribute, the manifest key, the item class (tuples) and its fields."""

    attr: str
    key: str
    item_class: str | None
    fields: tuple[Field, ...]
    optional: bool
    topic: str | None
    doc: str

    @property
    def item_type(self) -> str:
        return self.item_class or self.fields[0].type


@dataclass(frozen=True)
class Binding:
    """Everything the code generator needs for one module process."""

    module: str  # the reference the binding runs (ID or path, as given)
    module_id: str
    path: tuple[str, ...]  # python namespace path, e.g. ("samtools", "sort")
    process: str
    select_process: bool  # the module has several processes: pass process=
    sha: str | None
    interface_hash: str
    interface: str  # canonical JSON
    description: str
    tools: tuple[str, ...]
    params: tuple[Param, ...]
    controls: dict[str, str]  # control name -> python parameter name
    outputs: tuple[Output, ...]

    @property
    def function(self) -> str:
        return self.path[-1]

    @property
    def stem(self) -> str:
        return class_stem("_".join(self.path))


def _element_doc(el: Element) -> str:
    doc = el.doc
    parts = [" ".join((doc.description or "").split())] if doc and doc.description else []
    if doc and doc.pattern:
        parts.append(f"pattern: {doc.pattern}")
    if doc and doc.enum:
        parts.append(f"one of: {', '.join(doc.enum)}")
    return "; ".join(parts)


def _output_doc(el: Element) -> str:
    """An output element's doc: the files it matches (main.nf's pattern), then meta.yml's description."""
    files = f"files {' '.join(el.pattern.split())}" if el.kind in ("path", "file") and el.pattern else ""
    return "; ".join(p for p in (files, _element_doc(el)) if p)


def _clean(label: str) -> str | None:
    """A label usable as a keyword parameter (keywords get ``_``), or None (a pattern, a private name)."""
    if not label.isidentifier() or label.startswith("_") or label == "self":
        return None
    return identifier(label)


def _params(process: Process) -> list[Param]:
    counts = Counter(el.label for ch in process.inputs for el in ch.elements)
    out: list[Param] = []
    taken: set[str] = set()
    for ci, ch in enumerate(process.inputs):
        labels = [el.label for el in ch.elements]
        named = all(_clean(label) and counts[label] == 1 for label in labels)
        if ch.kind == "tuple" and named:
            for el in ch.elements:
                out.append(Param(unique(_clean(el.label) or "", taken), el.label, input_type(el), True, True,
                                 _element_doc(el)))
            continue
        if ch.kind == "tuple":
            sig = ", ".join(f"{el.kind}({el.label})" for el in ch.elements)
            out.append(Param(unique(f"input{ci}", taken), str(ci), "Sequence[Any] | Mapping[str, Any]", True, False,
                             f"the whole tuple ({sig}) as a list in element order or a dict by element name"))
            continue
        el = ch.elements[0]
        kind_type = each_type(el) if ch.kind == "each" else input_type(el)
        name = _clean(el.label) if named else None
        out.append(Param(unique(name or f"input{ci}", taken), el.label if name else str(ci), kind_type,
                         ch.kind != "each", False, _element_doc(el)))
    return out


def _field_names(ch: Channel, attr: str) -> list[str]:
    els = ch.elements
    if ch.topic == "versions" and len(els) == 3 and all(e.name is None for e in els):
        return list(_VERSION_FIELDS)
    unnamed = [e for e in els if not (e.name and e.name.isidentifier())]
    kinds = Counter(e.kind for e in unnamed)
    names: list[str] = []
    taken: set[str] = set()
    for j, e in enumerate(els):
        if e.name and e.name.isidentifier() and not e.name.startswith("_"):
            base = identifier(e.name)
        elif len(unnamed) == 1:
            base = attr.rstrip("_") or "value"
        else:
            base = identifier(e.kind) if kinds[e.kind] == 1 else f"{identifier(e.kind)}{j}"
        base = base + "_" if base in _BAD_FIELDS else base
        names.append(unique(base, taken))
    return names


def _outputs(process: Process, stem: str) -> list[Output]:
    out: list[Output] = []
    taken = set(RESULT_FIELDS) | SHADOWING
    for ch in process.outputs:
        attr = unique(identifier(ch.emit) if ch.emit else f"out{ch.index}", taken)
        if ch.kind == "tuple" and len(ch.elements) > 1:
            names = _field_names(ch, attr)
            fields = tuple(Field(n, output_type(e), _output_doc(e)) for n, e in zip(names, ch.elements))
            item_class = stem + class_stem(attr)
        else:
            e = ch.elements[0]
            fields = (Field(attr, output_type(e), _output_doc(e)),)
            item_class = None
        out.append(Output(attr, ch.key, item_class, fields, ch.optional, ch.topic, ""))
    return out


def _controls(params: list[Param]) -> dict[str, str]:
    taken = {p.name for p in params}
    names = ["workflow"] + list(dict.fromkeys(n for n, _, _ in RUN_CONTROLS + STEP_CONTROLS))
    return {name: unique(name, taken) for name in names}


def build_binding(module: Module, process: Process, *, module_ref: str, module_id: str, path: tuple[str, ...],
                  sha: str | None, interface_hash: str, interface: str) -> Binding:
    """The binding of ``process`` (of ``module``) reachable as ``path`` (e.g. ``("samtools", "sort")``)."""
    params = _params(process)
    stem = class_stem("_".join(path))
    return Binding(module=module_ref, module_id=module_id, path=path, process=process.name,
                   select_process=len(module.processes) > 1, sha=sha, interface_hash=interface_hash,
                   interface=interface, description=" ".join((module.description or "").split()),
                   tools=tuple(module.tools), params=tuple(params), controls=_controls(params),
                   outputs=tuple(_outputs(process, stem)))
