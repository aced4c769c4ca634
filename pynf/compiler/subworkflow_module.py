"""A subworkflow as a ``Module``: one synthetic process whose inputs are the take channels and whose
outputs are the emits, so inputs, describe, review and drift treat a subworkflow like a module.

Each take channel's shape is the process input it feeds directly (the first direct use, following
included subworkflows); a take that reaches processes only through operators (``ch.map { … }``) or
that the body reads as a plain value has kind ``any``: items are passed as given (a ``pathlib.Path``
is a file, anything else JSON data). An emit that forwards ``PROCESS.out.NAME`` has that output's shape.
"""

from __future__ import annotations

import dataclasses
import hashlib
import posixpath
from dataclasses import dataclass
from pathlib import Path

from pynf.compiler.ir import Channel, Element, Module, Position, Process
from pynf.compiler.subworkflow import Subworkflow, WorkflowDef, is_subworkflow, parse_subworkflow
from pynf.errors import ModuleNotFound, ModuleSyntaxError

__all__ = ["ANY", "SubworkflowModule", "IncludedFile", "load_subworkflow", "include_file", "describe_subworkflow", "parse_component"]

#: Element kind of a take channel or emit whose shape pynf could not infer: items pass as given.
ANY = "any"


@dataclass(frozen=True)
class IncludedFile:
    """One component file the subworkflow needs (itself included): absolute path and what it defines."""

    path: str
    kind: str  # "process" (a module's main.nf) or "workflow"
    config: str | None = None  # the subworkflow's own nextflow.config text, when it has one


@dataclass(frozen=True)
class SubworkflowModule(Module):
    """A ``Module`` wrapping one named workflow: ``processes`` holds one synthetic process (inputs =
    take channels, outputs = emits); ``subworkflow`` is the parsed definition; ``shapes`` says where each
    take channel's shape came from; ``files`` every component file (transitively), ``process_names`` the
    processes it runs (by name as called), ``topics`` each topic's element kinds."""

    subworkflow: Subworkflow | None = None
    shapes: tuple[tuple[str, str], ...] = ()
    files: tuple[IncludedFile, ...] = ()
    process_names: tuple[str, ...] = ()
    topics: tuple[tuple[str, tuple[str, ...]], ...] = ()
    plain_takes: tuple[str, ...] = ()
    inner: tuple[Process, ...] = ()  # the processes it runs (each once), for stub shims and ext keys

    @property
    def workflow_def(self) -> WorkflowDef:
        """The wrapped workflow definition."""
        assert self.subworkflow is not None
        return self.subworkflow.workflow(self.processes[0].name)


def include_file(including: Path, target: str) -> Path | None:
    """The file an ``include … from 'target'`` of ``including`` reads (``x/main`` -> ``x/main.nf``, a
    directory -> its ``main.nf``), or None when it is not a local file."""
    if not target.startswith(("./", "../", "/")):
        return None
    base = Path(posixpath.normpath(posixpath.join(str(including.parent), target)))
    for candidate in (base, base.with_name(base.name + ".nf"), base / "main.nf"):
        if candidate.is_file():
            return candidate
    return None


def _pos(line: int) -> Position:
    return Position(line, 1, line, 1, 0, 0)


def _any_channel(direction: str, index: int, name: str, line: int) -> Channel:
    element = Element(kind=ANY, name=name, pattern=None, expr=name, options=(), pos=_pos(line))
    return Channel(direction=direction, index=index, kind="val", elements=(element,), options=(), pos=_pos(line),
                   emit=name)  # type: ignore[arg-type]


class _Loader:
    """Parses a subworkflow and, recursively, every module and subworkflow it includes."""

    def __init__(self) -> None:
        self.files: dict[str, IncludedFile] = {}
        self.processes: dict[str, Process] = {}  # name as called -> process
        self.topics: dict[str, tuple[str, ...]] = {}
        self.warnings: list[str] = []
        self.loaded: dict[str, SubworkflowModule] = {}

    def component(self, sub: Subworkflow, alias: str) -> Process | None:
        """The process (or a nested subworkflow's synthetic process) an include alias names."""
        name, target = sub.component_names()[alias]
        file = include_file(Path(sub.path), target)
        if file is None:
            raise ModuleNotFound(f"{sub.path}: include of {name} from '{target}': no such file (a subworkflow's "
                                 "includes are read relative to it, as in the nf-core/modules layout)")
        if is_subworkflow(file):
            return self.load(file, name).processes[0]
        from pynf.compiler.parser import parse

        module = parse(file)
        self.files.setdefault(str(file), IncludedFile(str(file), "process"))
        process = module.process(name)
        self.processes.setdefault(alias, process)
        for ch in process.outputs:
            if ch.topic:
                self.topics.setdefault(ch.topic, tuple(e.kind for e in ch.elements))
        return process

    def load(self, path: Path, name: str | None = None) -> SubworkflowModule:
        key = f"{path}::{name}"
        if key in self.loaded:
            return self.loaded[key]
        sub = parse_subworkflow(path)
        config = path.parent / "nextflow.config" if path.name == "main.nf" else None
        self.files.setdefault(str(path), IncludedFile(str(path), "workflow", config.read_text() if config and
                                                      config.is_file() else None))
        wf = sub.workflow(name)
        components = {alias: self.component(sub, alias) for alias in sub.component_names()}
        module = _build(sub, wf, components, self)
        self.loaded[key] = module
        return module


def _take_channel(take, index: int, components: dict[str, Process | None]) -> tuple[Channel, str]:
    for use in take.uses:
        target = components.get(use.component)
        if use.direct and target is not None and use.arg < len(target.inputs):
            ch = target.inputs[use.arg]
            shaped = dataclasses.replace(ch, index=index, emit=take.name, topic=None)
            return shaped, f"{use.component} input {use.arg + 1} ({ch.kind})"
    if take.plain:
        return _any_channel("input", index, take.name, take.line), "read as a plain value: passed as given"
    via = next((u for u in take.uses if not u.direct), None)
    why = (f"reaches {via.component} through operators ({via.via[:60]}): items as given" if via else
           "reaches no process directly: items as given")
    return _any_channel("input", index, take.name, take.line), why


def _emit_channel(emit, index: int, components: dict[str, Process | None]) -> Channel:
    if emit.source is not None:
        target = components.get(emit.source[0])
        for ch in target.outputs if target is not None else ():
            if ch.key == emit.source[1]:
                return dataclasses.replace(ch, index=index, emit=emit.name, topic=None)
    return _any_channel("output", index, emit.name, emit.line)


def _build(sub: Subworkflow, wf: WorkflowDef, components: dict[str, Process | None], loader: _Loader) -> SubworkflowModule:
    takes = [_take_channel(t, i, components) for i, t in enumerate(wf.takes)]
    outputs = tuple(_emit_channel(e, i, components) for i, e in enumerate(wf.emits))
    uses = tuple(u for p in loader.processes.values() for u in p.ext_uses)
    process = Process(name=wf.name, directives=(), inputs=tuple(ch for ch, _ in takes), outputs=outputs, when=None,
                      body=None, stub=None, text="", pos=wf.pos, ext_uses=uses)
    digest = hashlib.sha256()
    for file in sorted(loader.files):
        digest.update(file.encode() + b"\0" + Path(file).read_bytes())
    return SubworkflowModule(
        path=sub.path, source_hash=digest.hexdigest(), processes=(process,), toplevel=sub.toplevel,
        description=sub.description, keywords=sub.keywords, tools=sub.components, warnings=sub.warnings,
        subworkflow=sub, shapes=tuple((t.name, why) for t, (_, why) in zip(wf.takes, takes)),
        files=tuple(loader.files.values()), process_names=tuple(loader.processes),
        topics=tuple(sorted(loader.topics.items())), plain_takes=tuple(t.name for t in wf.takes if t.plain))


def load_subworkflow(path: str | Path, name: str | None = None) -> SubworkflowModule:
    """Parse the subworkflow at ``path`` (a directory or ``.nf`` file) with every component it includes."""
    p = Path(path)
    if p.is_dir():
        p = p / "main.nf"
    if not p.is_file():
        raise ModuleNotFound(f"no subworkflow at {path}: expected a directory with main.nf or a .nf file")
    loader = _Loader()
    module = loader.load(p.absolute(), name)
    if not module.processes[0].name:
        raise ModuleSyntaxError("unnamed workflow", file=str(p), line=1, column=1)
    # the top-level module lists every file (nested loads share the loader)
    return dataclasses.replace(module, files=tuple(loader.files.values()), process_names=tuple(loader.processes),
                               topics=tuple(sorted(loader.topics.items())), inner=tuple(loader.processes.values()))


def describe_subworkflow(module: SubworkflowModule) -> dict:
    """The subworkflow part of ``pynf inspect --json``: takes (shape source, uses), emits, includes."""
    wf = module.workflow_def
    shapes = dict(module.shapes)
    assert module.subworkflow is not None
    return {
        "workflow": wf.name,
        "takes": [{"name": t.name, "shape": shapes.get(t.name), "plain": t.plain, "description": t.description,
                   "operators": list(t.operators),
                   "uses": [{"component": u.component, "input": u.arg + 1, "direct": u.direct, "via": u.via or None}
                            for u in t.uses]} for t in wf.takes],
        "emits": [{"name": e.name, "from": ".out.".join(e.source) if e.source else None, "expr": e.expr,
                   "description": e.description} for e in wf.emits],
        "includes": [{"names": [a if a == n else f"{n} as {a}" for n, a in inc.names], "from": inc.path}
                     for inc in module.subworkflow.includes],
        "processes": list(module.process_names),
        "components": list(module.tools),
    }


def parse_component(path: str | Path) -> Module:
    """Parse a module or a subworkflow (a file with a named workflow and no process) at ``path``."""
    if is_subworkflow(path):
        return load_subworkflow(path)
    from pynf.compiler.parser import parse

    return parse(path)
