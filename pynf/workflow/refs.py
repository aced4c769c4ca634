"""Channel references: ``step.out.bam`` (a whole output channel) or ``step.out.bam[1]`` (one element of it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pynf.errors import WiringError
from pynf.render.inputs import signature

if TYPE_CHECKING:
    from pynf.compiler.ir import Channel
    from pynf.workflow.graph import Step

__all__ = ["ChannelRef", "refs_in"]


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

    @property
    def key(self) -> str:
        """The output's key (emit name or position)."""
        return self.channel.key

    def __repr__(self) -> str:
        tail = f"[{self.element}]" if self.element is not None else ""
        return f"<{self.step.name}.out.{self.channel.key}{tail}: {signature(self.channel)}>"


def refs_in(value: Any):
    """Every ChannelRef inside ``value`` (nested lists and dicts), in order."""
    if isinstance(value, ChannelRef):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from refs_in(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from refs_in(v)
