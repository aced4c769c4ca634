"""A workflow step's inputs as given (literals, queues, channel refs, gathers), addressed by channel and element.

:func:`split_inputs` reads ``step.inputs`` (a dict by input or element names, or a list by position) into
``{channel index: ("whole", value) | ("parts", {element index: value})}`` as :func:`pynf.run` addresses
inputs; :mod:`pynf.workflow.wiring` then decides how each input channel is made.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pynf.compiler.ir import Channel
from pynf.errors import InputError, WiringError
from pynf.render.inputs import _address, _known_names, keyed_queue, signature
from pynf.workflow.step import ChannelRef, Gather, Step, VersionsRef


__all__ = ["split_inputs", "where", "has_meta", "has_ref", "Slot"]


def where(step: Step, ch: Channel) -> str:
    """``step 'x' input 'y' <signature>``: an input named in errors."""
    return f"step '{step.name}' input '{ch.key}' {signature(ch)}"


def has_meta(ch: Channel) -> bool:
    """True when ``ch`` is a tuple whose first element is a ``val`` (the meta items are joined on)."""
    return ch.kind == "tuple" and len(ch.elements) >= 2 and ch.elements[0].kind == "val"


def split_inputs(step: Step) -> dict[int, Any]:
    """User inputs -> {channel index: ("whole", value) | ("parts", {element index: value})}, as
    ``resolve_inputs`` addresses them; gathers stand for ``wf.versions``, a meta+x ref fills a (meta, x) tuple."""
    given = _given(step)
    if getattr(step, "fill_empty", False):
        _fill_empty(step, given)
    out: dict[int, Any] = {}
    for ci, ch in enumerate(step.process.inputs):
        if ci not in given:
            raise InputError(f"step '{step.name}': {step.process.name} is missing input '{ch.key}' "
                             f"({signature(ch)})", input=ch.key)
        out[ci] = _normalized(step, ch, *given[ci])
    return out


def _positional(step: Step) -> Mapping[str, Any]:
    process, inputs = step.process, step.inputs
    if inputs is None:
        inputs = {}
    if isinstance(inputs, (list, tuple)):
        if len(inputs) != len(process.inputs):
            raise InputError(f"step '{step.name}': {process.name} takes {len(process.inputs)} input channel(s) "
                             f"({_known_names(process)}), but {len(inputs)} positional value(s) were given")
        inputs = {str(i): v for i, v in enumerate(inputs)}
    if not isinstance(inputs, Mapping):
        raise InputError(f"step '{step.name}': inputs must be a dict or a list, got {type(inputs).__name__}")
    return inputs


def _given(step: Step) -> dict[int, Any]:
    """The step's inputs by channel index: ("whole", value) or ("parts", {element index: value})."""
    process = step.process
    given: dict[int, Any] = {}
    for key, value in _positional(step).items():
        hits = _address(process, str(key))
        if len(hits) != 1:
            problem = "has no input named" if not hits else "has several inputs named"
            raise InputError(f"step '{step.name}': {process.name} {problem} '{key}'; its inputs are: "
                             f"{_known_names(process)}", input=str(key))
        ci, ei = hits[0]
        if ei is not None and keyed_queue(process.inputs[ci], value):
            ei = None  # a samplesheet queue given under one of its elements' names is the whole channel
        slot = given.get(ci)
        if ei is None:
            if slot is not None:
                raise InputError(f"step '{step.name}': input {ci} {signature(process.inputs[ci])} is given more than "
                                 "once", input=str(key))
            given[ci] = ("whole", value)
        else:
            if slot is not None and slot[0] == "whole":
                raise InputError(f"step '{step.name}': input {ci} is given both whole and by element", input=str(key))
            parts = slot[1] if slot else {}
            parts[ei] = value
            given[ci] = ("parts", parts)
    return given


def _normalized(step: Step, ch: Channel, mode: str, value: Any) -> tuple[str, Any]:
    """One input's (mode, value) as wiring takes it: refs in a list or dict given by element, ``wf.versions`` as a
    gather, ``[meta, x]`` of a (meta, x) upstream tuple as that channel."""
    if (mode == "whole" and ch.kind == "tuple" and not isinstance(value, (ChannelRef, Gather, VersionsRef))
            and has_ref(value)):
        labels = [e.label for e in ch.elements]
        if isinstance(value, Mapping):
            mode, value = "parts", {labels.index(k): v for k, v in value.items() if k in labels}
        elif isinstance(value, (list, tuple)) and len(value) == len(labels):
            mode, value = "parts", dict(enumerate(value))
        else:
            raise WiringError(f"{where(step, ch)}: give a list of {len(labels)} values [{', '.join(labels)}] "
                              "or a dict by element names", step=step.name)
    if mode == "whole" and isinstance(value, VersionsRef):
        value = Gather((value,))
    elif mode == "parts":
        value = {ei: Gather((v,)) if isinstance(v, VersionsRef) else v for ei, v in value.items()}
    if mode == "whole" and isinstance(value, Gather) and ch.kind == "tuple":
        labels = ", ".join(e.label for e in ch.elements)
        raise WiringError(f"{where(step, ch)}: a gather fills one element of the tuple; give it by the "
                          f"element's name ({labels}) and the other elements as values", step=step.name)
    if (mode == "parts" and len(value) == 1 and has_meta(ch) and len(ch.elements) == 2
            and isinstance(value.get(1), ChannelRef) and value[1].element is None
            and value[1].channel.kind == "tuple" and len(value[1].channel.elements) == 2):
        mode, value = "whole", value[1]  # [meta, x] given for element x of tuple(meta, x): the channel as is
    return mode, value


def _fill_empty(step: Step, given: dict[int, Any]) -> None:
    """``fill_empty=True`` on the step: ``[]`` for its inputs not given that take files (named in a warning)."""
    from pynf.render.fill import announce_filled, fill_missing

    whole = {ci: v for ci, (mode, v) in given.items() if mode == "whole"}
    parts = {ci: v for ci, (mode, v) in given.items() if mode == "parts"}
    filled = fill_missing(step.process, whole, parts)
    given.update({ci: ("whole", v) for ci, v in whole.items()})
    given.update({ci: ("parts", v) for ci, v in parts.items()})
    announce_filled(step.process, filled, f"step '{step.name}' ")


class Slot:
    """Where a gather's value goes in a tuple assembled from rows (its key among the row sources)."""

    __slots__ = ("key",)

    def __init__(self, key: tuple[str, int]):
        self.key = key


def has_ref(value: Any) -> bool:
    """True when ``value`` holds a channel ref, gather or ``wf.versions`` (nested in lists and dicts too)."""
    if isinstance(value, (ChannelRef, Gather, VersionsRef, Slot)):
        return True
    if isinstance(value, Mapping):
        return any(has_ref(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_ref(v) for v in value)
    return False
