"""A step of a workflow and references to its outputs.

:class:`Step`: one module process with its inputs; :class:`StepGraph`: what a step and the wiring see of
their workflow (:class:`pynf.workflow.graph.Workflow` is one).  Channel references: ``step.out.bam`` (a whole output channel) or ``step.out.bam[1]`` (one element of it);
gathers: ``pynf.collect(a.out.json, b.out.stats, wf.versions)`` or ``step.out.json.collect()`` hand every item
of those outputs to ONE input, once (nf-core's ``collect()``)."""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from pynf.errors import ModuleWarning, WiringError
from pynf.render.inputs import merge_keywords, signature
from pynf.render.options import RunOptions
from pynf.sources.load import LoadedModule, ModuleSource

if TYPE_CHECKING:
    from pynf.compiler.ir import Channel, Module, Process

__all__ = ["Step", "StepOutputs", "StepGraph", "ChannelRef", "Gather", "VersionsRef", "collect", "refs_in",
           "gathers_versions"]


class StepGraph(Protocol):
    """What a step and the wiring see of their workflow: its name, default options and steps."""

    name: str
    options: RunOptions
    steps: dict[str, Step]

    def order(self) -> list[Step]:
        """The steps, each after the steps it takes outputs from."""
        ...


class ChannelRef:
    """One output channel of a step (``step.out.bam``), or one element of it (``step.out.bam[1]``)."""

    __slots__ = ("step", "channel", "element")

    def __init__(self, step: Step, channel: Channel, element: int | None = None):
        self.step = step
        self.channel = channel
        self.element = element

    def __getitem__(self, index: int) -> ChannelRef:
        if self.element is not None:
            raise WiringError(f"{self!r} is already one element of a channel")
        size = len(self.channel.elements) if self.channel.kind == "tuple" else 1
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < size:
            raise WiringError(f"step '{self.step.name}' output '{self.channel.key}' {signature(self.channel)} "
                              f"has elements 0..{size - 1}; got {index!r}", upstream=self.step.name)
        return ChannelRef(self.step, self.channel, index)

    def collect(self) -> Gather:
        """Every item of this output, handed to one input at once (files flattened into one ``path`` element)."""
        return Gather((self,))

    @property
    def key(self) -> str:
        """The output's key (emit name or position)."""
        return self.channel.key

    def __repr__(self) -> str:
        tail = f"[{self.element}]" if self.element is not None else ""
        return f"<{self.step.name}.out.{self.channel.key}{tail}: {signature(self.channel)}>"


class VersionsRef:
    """``wf.versions``: the ``versions`` topic of every step of the workflow, merged (deduplicated) into one
    YAML file ``{process: {tool: version}}`` named ``*_mqc_versions.yml`` as MultiQC reads it; only a gather
    takes it (``pynf.collect(..., wf.versions)``).  The steps that feed it are every other step that emits
    versions, except steps downstream of the gathering step and other steps gathering versions."""

    __slots__ = ("workflow",)

    def __init__(self, workflow: Any):
        self.workflow = workflow

    def collect(self) -> Gather:
        """The merged versions as a gather (same as ``pynf.collect(wf.versions)``)."""
        return Gather((self,))

    def __repr__(self) -> str:
        return f"<{self.workflow.name}.versions: topic versions of every step>"


class Gather:
    """All items of one or more upstream outputs handed to ONE input, once: the step runs once with them.

    Into a ``path`` element every file of every item is flattened into one list (in source order, each
    source's items in input order); into a ``val`` element the items themselves, as a list.
    """

    __slots__ = ("sources",)

    def __init__(self, sources: tuple):
        self.sources = tuple(sources)

    def __repr__(self) -> str:
        shown = ", ".join(repr(s).strip("<>").split(":", 1)[0] for s in self.sources)
        return f"<collect({shown})>"


def collect(*sources: Any) -> Gather:
    """Hand ALL items of ``sources`` (step outputs such as ``fastp.out.json``, ``wf.versions``, other gathers)
    to one input, once: ``multiqc_files=pynf.collect(fastp.out.json, stats.out.stats, wf.versions)``."""
    flat: list = []
    for source in sources:
        if isinstance(source, Gather):
            flat.extend(source.sources)
        elif isinstance(source, (ChannelRef, VersionsRef)):
            flat.append(source)
        else:
            raise WiringError(f"pynf.collect takes step outputs (step.out.NAME) or wf.versions, got "
                              f"{type(source).__name__} {source!r}"[:300])
    if not flat:
        raise WiringError("pynf.collect needs at least one step output (step.out.NAME) or wf.versions")
    unique: list = []
    for source in flat:
        if not any(source is seen for seen in unique):
            unique.append(source)
    return Gather(tuple(unique))


def gathers_versions(value: Any) -> bool:
    """True when ``value`` (a step's inputs) takes ``wf.versions``."""
    if isinstance(value, VersionsRef):
        return True
    if isinstance(value, Gather):
        return any(isinstance(s, VersionsRef) for s in value.sources)
    if isinstance(value, Mapping):
        return any(gathers_versions(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(gathers_versions(v) for v in value)
    return False


def refs_in(value: Any):
    """Every ChannelRef inside ``value`` (nested lists and dicts, gathers), in order."""
    if isinstance(value, ChannelRef):
        yield value
    elif isinstance(value, Gather):
        for source in value.sources:
            yield from refs_in(source)
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from refs_in(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from refs_in(v)


class StepOutputs:
    """``step.out``: the step's output channels by emit name (attribute or item) or position."""

    __slots__ = ("_step",)

    def __init__(self, step: Step):
        self._step = step

    def __getitem__(self, key: str | int) -> ChannelRef:
        step = self._step
        for ch in step.process.outputs:
            if ch.key == str(key):
                return ChannelRef(step, ch)
        known = ", ".join(ch.key for ch in step.process.outputs) or "(none)"
        raise WiringError(f"step '{step.name}' ({step.process.name}) has no output '{key}'; its outputs are: {known}",
                          upstream=step.name)

    def __getattr__(self, key: str) -> ChannelRef:
        if key.startswith("__"):
            raise AttributeError(key)
        return self[key]

    def __iter__(self):
        return iter(self[ch.key] for ch in self._step.process.outputs)

    def __dir__(self):
        return [ch.key for ch in self._step.process.outputs]


class Step:
    """One process of a workflow with its inputs (literal values, :class:`pynf.Queue` s or channel refs)."""

    def __init__(self, workflow: StepGraph, name: str, module: Module, process: Process, module_id: str,
                 module_dir: str | None, inputs: Any, options: RunOptions | None, fill_empty: bool = False, *,
                 ref: str | os.PathLike[str] | None = None, source: ModuleSource | None = None,
                 sha: str | None = None):
        self.workflow = workflow
        self.name = name
        self.module = module
        self.process = process
        self.module_id = module_id
        self.module_dir = module_dir
        self.inputs = inputs
        self.options = options
        self.fill_empty = fill_empty
        self.ref = ref if ref is not None else module_dir  # the module as given to ``wf.add``
        self.source = source or ModuleSource()  # where its ID is looked up (step settings over workflow defaults)
        self.sha = sha  # the commit it was loaded from (None for a local module)
        self.out = StepOutputs(self)

    def load_for_run(self) -> None:
        """Resolve this step's module as :func:`pynf.run` does (pin in ``pynf.lock``, drift check, hint)."""
        from pynf.interface.run_check import load_for_run

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            loaded = load_for_run(self.ref, process=self.process.name, source=self.source)
        same = (str(loaded.directory), loaded.sha) == (self.module_dir, self.sha)
        for shown in caught:  # the module's own warnings were shown by ``wf.add`` when it is the same module
            if not (same and issubclass(shown.category, ModuleWarning)):
                warnings.warn_explicit(shown.message, shown.category, shown.filename, shown.lineno)
        if not same:
            self._use(loaded)

    def _use(self, loaded: LoadedModule) -> None:
        self.module, self.process, self.module_id = loaded.module, loaded.process, loaded.module_id
        self.module_dir, self.sha = str(loaded.directory), loaded.sha

    def __repr__(self) -> str:
        return f"Step({self.name!r}, process={self.process.name!r}, module={self.module_id!r})"

    def set_inputs(self, inputs: Any = None, **keyword_inputs: Any) -> Step:
        """Replace this step's inputs (same forms as :meth:`Workflow.add`); checked at compile time."""
        self.inputs = merge_keywords(inputs, keyword_inputs or None)
        return self

    def upstream(self) -> list[Step]:
        """The steps whose outputs this step takes, in order of first use (with ``wf.versions``: the steps
        that feed it, see :meth:`versions_steps`)."""
        seen = self._explicit_upstream()
        for step in self.versions_steps():
            if step not in seen:
                seen.append(step)
        return seen

    def _explicit_upstream(self) -> list[Step]:
        seen: list[Step] = []
        for ref in refs_in(self.inputs):
            if ref.step not in seen:
                seen.append(ref.step)
        return seen

    def versions_outputs(self) -> list[int]:
        """Indices of this step's outputs on the ``versions`` topic (or an nf-core ``versions.yml`` output)."""
        return [i for i, ch in enumerate(self.process.outputs)
                if ch.topic == "versions" or (ch.key == "versions" and ch.kind in ("path", "file"))]

    def versions_steps(self) -> list[Step]:
        """The steps whose versions ``wf.versions`` holds for this step: none unless this step takes it; else every
        other step with versions outputs that does not take this step's outputs (directly or not) and does not
        gather versions itself."""
        if not gathers_versions(self.inputs):
            return []
        downstream: set[str] = set()
        changed = True
        while changed:  # steps that take this step's outputs, directly or through others
            changed = False
            for step in self.workflow.steps.values():
                if step.name not in downstream and any(up is self or up.name in downstream
                                                       for up in step._explicit_upstream()):
                    downstream.add(step.name)
                    changed = True
        return [step for step in self.workflow.steps.values()
                if step is not self and step.name not in downstream and step.versions_outputs()
                and not gathers_versions(step.inputs)]
