"""Channel references: ``step.out.bam`` (a whole output channel) or ``step.out.bam[1]`` (one element of it);
gathers: ``pynf.collect(a.out.json, b.out.stats, wf.versions)`` or ``step.out.json.collect()`` hand every item
of those outputs to ONE input, once (nf-core's ``collect()``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pynf.errors import WiringError
from pynf.render.inputs import signature

if TYPE_CHECKING:
    from pynf.compiler.ir import Channel
    from pynf.workflow.graph import Step

__all__ = ["ChannelRef", "Gather", "VersionsRef", "collect", "refs_in", "gathers_versions"]


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
