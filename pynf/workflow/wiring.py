"""Wiring rules: a step's inputs (literals, queues, channel refs) -> how its input channels are built.

Decided at compile time, as nf-core pipelines wire modules:

* a literal value/file is a value channel, a :class:`pynf.Queue` a queue channel (data in params JSON);
* an upstream output given whole to an input of the same shape is passed as is;
* an upstream output of a step that runs once (only value inputs: a reference index built once) is a
  value channel: it is broadcast to every task of a per-item step;
* a tuple input assembled from elements of different upstream outputs (bam from one step, bai from
  another), or several per-item upstream outputs feeding one step, are joined on ``meta`` (the first
  ``val`` of each tuple), so items of the same sample meet; the ``meta`` element may be left out;
* a shape or kind mismatch, an ``each`` input from a channel, per-item outputs without a ``meta`` to
  join on, or a queue mixed with per-item outputs: :class:`~pynf.errors.WiringError` naming both steps.

The channel expressions are :mod:`pynf.workflow.ops` data (identifiers and integers only), written as
Groovy by the template; user values stay in params JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pynf.compiler.ir import Channel
from pynf.errors import InputError, WiringError
from pynf.render.inputs import ChannelInput, _channel, _element, _is_queue, signature
from pynf.workflow.gather import gather_expr, versions_lines
from pynf.workflow.given import Slot, has_meta, has_ref, split_inputs, where
from pynf.workflow.ops import Chain, Combine, First, Join, Line, MapRow, Output, Pick, Row, Var, Wrap
from pynf.workflow.step import ChannelRef, Gather, Step, VersionsRef


__all__ = ["StepPlan", "plan_step"]

_PATHS = ("path", "file")
_VALUES = ("val", "env", "eval", "stdout", "stdin")


@dataclass
class StepPlan:
    """How one step's input channels are made: params entries, constants and channel expressions."""

    many: bool  # the step runs once per item (some input is a queue)
    entries: list[ChannelInput] = field(default_factory=list)  # literal channels and constants (params JSON)
    literals: list[tuple[str, str, Channel]] = field(default_factory=list)  # (var, params key, channel)
    consts: list[tuple[str, str, str]] = field(default_factory=list)  # (var, params key, kind)
    lines: list[Line] = field(default_factory=list)  # channel expressions (ops), in order
    args: list[str] = field(default_factory=list)  # the process call's arguments


def _kinds(ch: Channel) -> list[str]:
    return [e.kind for e in ch.elements] if ch.kind == "tuple" else [ch.elements[0].kind if ch.elements else ch.kind]


def _fits(out_kind: str, in_kind: str) -> bool:
    if in_kind in _PATHS:
        return out_kind in _PATHS
    return out_kind in _VALUES


def _from(ref: ChannelRef) -> str:
    tail = f" element {ref.element}" if ref.element is not None else ""
    return f"step '{ref.step.name}' output '{ref.channel.key}' {signature(ref.channel)}{tail}"


def _check_whole(step: Step, ch: Channel, ref: ChannelRef) -> None:
    if ch.kind == "each":
        raise WiringError(f"{where(step, ch)} is an `each` input: give it a list of values, not {_from(ref)}",
                          step=step.name, upstream=ref.step.name)
    have = _kinds(ref.channel) if ref.element is None else [_kinds(ref.channel)[ref.element]]
    want = _kinds(ch)
    if len(have) != len(want) or (ch.kind == "tuple") != (ref.element is None and ref.channel.kind == "tuple"):
        raise WiringError(f"shape mismatch: {_from(ref)} has {len(have)} element(s) ({', '.join(have)}) but "
                          f"{where(step, ch)} takes {len(want)} ({', '.join(want)})", step=step.name,
                          upstream=ref.step.name)
    for i, (h, w) in enumerate(zip(have, want)):
        if not _fits(h, w):
            raise WiringError(f"kind mismatch at element {i}: {_from(ref)} gives `{h}` but {where(step, ch)} takes "
                              f"`{w}`", step=step.name, upstream=ref.step.name)


def _element_of(step: Step, ch: Channel, ei: int, ref: ChannelRef) -> int:
    """Which element of ``ref``'s upstream items fills element ``ei`` of ``ch``."""
    out = ref.channel
    if ref.element is not None:
        index = ref.element
    elif out.kind != "tuple":
        index = 0
    elif has_meta(out) and len(out.elements) == 2:
        index = 1
    else:
        raise WiringError(f"{_from(ref)} has {len(out.elements)} elements; pick the one for element "
                          f"'{ch.elements[ei].label}' of {where(step, ch)} with step.out.{out.key}[i]",
                          step=step.name, upstream=ref.step.name)
    have, want = _kinds(out)[index], ch.elements[ei].kind
    if not _fits(have, want):
        raise WiringError(f"kind mismatch: {_from(ref)} element {index} is `{have}` but element "
                          f"'{ch.elements[ei].label}' of {where(step, ch)} is `{want}`", step=step.name,
                          upstream=ref.step.name)
    return index


def plan_step(step: Step, procs: Mapping[str, str], many: Mapping[str, bool], *, check_files: bool) -> StepPlan:
    """The plan for ``step``; ``procs`` maps step names to process names, ``many`` says which steps run per item."""
    split = split_inputs(step)
    sources, source_ch, literal_queue = _sources(step, split)
    per_item = [k for k in sources if many[k[0]]]
    _check_pairing(step, per_item, source_ch, literal_queue)
    _check_distinct_meta(step, split, per_item, many)
    # an `each` input runs the process once per value: its outputs are per-item channels
    each = any(ch.kind == "each" for ch in step.process.inputs)
    plan = StepPlan(many=bool(per_item) or literal_queue is not None or each)
    wiring = _Wiring(step, procs, many, split, plan, check_files)
    wiring.add_gathers()
    wiring.add_rows(sources, source_ch, per_item)
    for ci, ch in enumerate(step.process.inputs):
        plan.args.append(wiring.add_input(ci, ch))
    return plan


def _key(ref: ChannelRef) -> tuple[str, int]:
    return ref.step.name, ref.step.process.outputs.index(ref.channel)


def _sources(step: Step, split: Mapping[int, Any]) -> tuple[list, dict, Channel | None]:
    """Distinct upstream outputs in order of first use, their channels, and the input given a literal queue."""
    sources: list[tuple[str, int]] = []
    source_ch: dict[tuple[str, int], Channel] = {}
    literal_queue = None
    for ci, (mode, value) in split.items():
        ch = step.process.inputs[ci]
        refs = [value] if mode == "whole" and isinstance(value, ChannelRef) else (
            [v for v in value.values() if isinstance(v, ChannelRef)] if mode == "parts" else [])
        for v in (value.values() if mode == "parts" else [value]):
            if not isinstance(v, (ChannelRef, Gather)) and has_ref(v):
                raise WiringError(f"{where(step, ch)}: a channel ref must be a whole element, not inside "
                                  "a list or dict", step=step.name)
            if _is_queue(v) and mode == "parts":
                raise InputError(f"step '{step.name}': a queue must hold whole items of input '{ch.key}'",
                                 input=ch.key)
        for ref in refs:
            if _key(ref) not in source_ch:
                sources.append(_key(ref))
                source_ch[_key(ref)] = ref.channel
        if mode == "whole" and not refs and (_is_queue(value) or (ch.kind == "tuple" and isinstance(value, list)
                                                                    and value and all(isinstance(v, Mapping)
                                                                                      for v in value))):
            literal_queue = ch
    return sources, source_ch, literal_queue


def _check_pairing(step: Step, per_item: list, source_ch: Mapping, literal_queue: Channel | None) -> None:
    """Per-item outputs cannot meet a literal queue; several per-item outputs need a meta to join on."""
    sid = step.name
    if per_item and literal_queue is not None:
        raise WiringError(f"step '{sid}' takes a queue for input '{literal_queue.key}' and per-item outputs of step "
                          f"'{per_item[0][0]}': items could not be paired; give the queue to an upstream step",
                          step=sid, upstream=per_item[0][0])
    if len(per_item) > 1:
        for key in per_item:
            if not has_meta(source_ch[key]):
                other = next(k for k in per_item if k != key)
                raise WiringError(f"step '{sid}' takes per-item outputs of steps '{key[0]}' and '{other[0]}', but "
                                  f"step '{key[0]}' output '{source_ch[key].key}' {signature(source_ch[key])} has "
                                  "no meta element to join them on", step=sid, upstream=key[0])


class _Wiring:
    """Builds one step's plan: gathers, the joined rows, then each input channel (as :mod:`ops` lines)."""

    def __init__(self, step: Step, procs: Mapping[str, str], many: Mapping[str, bool], split: Mapping[int, Any],
                 plan: StepPlan, check_files: bool):
        self.step, self.sid, self.procs, self.many = step, step.name, procs, many
        self.split, self.plan, self.check_files = split, plan, check_files
        self.gathers: dict[tuple[str, int], str] = {}  # gathers: every item of their sources as one value
        self.whole_gathers: dict[int, str] = {}
        self.offsets: dict[tuple[str, int], int] = {}  # where each source's elements start in a row
        self.per_item: list[tuple[str, int]] = []
        self.parts_cis = [ci for ci, (m, v) in split.items() if m == "parts" and has_ref(v)]
        self.use_rows = False
        self.rows_var = f"pynf_rows_{self.sid}"

    def out(self, key: tuple[str, int]) -> Chain:
        if key in self.gathers:
            return Chain(Var(self.gathers[key]))
        return Chain(Output(self.procs[key[0]], key[1]))

    def add_gathers(self) -> None:
        step, sid, lines = self.step, self.sid, self.plan.lines
        versions = f"pynf_versions_{sid}"
        for ci, (mode, value) in self.split.items():
            ch = step.process.inputs[ci]
            found = [(None, value)] if mode == "whole" and isinstance(value, Gather) else (
                [(ei, v) for ei, v in value.items() if isinstance(v, Gather)] if mode == "parts" else [])
            for ei, gather in found:
                var = f"pynf_gather_{sid}_{ci}" + ("" if ei is None else f"_{ei}")
                kind = ch.elements[ei].kind if ei is not None else (ch.elements[0].kind if ch.elements else ch.kind)
                if (any(isinstance(src, VersionsRef) for src in gather.sources)
                        and not any(line.var == versions for line in lines)):
                    lines.extend(versions_lines(step, self.procs, versions))
                lines.append(Line(var, gather_expr(step, ch, ei, kind, gather, self.procs, versions)))
                self.gathers[(f"@{var}", 0)] = var
                if ei is None:
                    self.whole_gathers[ci] = var
                else:
                    value[ei] = Slot((f"@{var}", 0))

    def add_rows(self, sources: list, source_ch: Mapping, per_item: list) -> None:
        """Rows: per-item sources joined on meta, then single sources used as elements, combined."""
        self.per_item = per_item
        self.use_rows = len(per_item) > 1 or bool(self.parts_cis)
        if not self.use_rows:
            return
        chain, width = None, 0
        for n, key in enumerate(per_item):
            ch = source_ch[key]
            size = len(ch.elements) if ch.kind == "tuple" else 1
            src = self.out(key) if ch.kind == "tuple" else self.out(key).then(Wrap())
            if n == 0:
                chain, self.offsets[key], width = src, 0, size
            else:
                chain = chain.then(Join(src))
                self.offsets[key], width = width - 1, width + size - 1
        used = [v for ci in self.parts_cis for v in self.split[ci][1].values()]
        singles = [k for k in sources if not self.many[k[0]] and any(
            isinstance(v, ChannelRef) and _key(v) == k for v in used)]
        singles += [k for k in self.gathers if any(isinstance(v, Slot) and v.key == k for v in used)]
        for key in singles:
            ch = source_ch.get(key)
            size = len(ch.elements) if ch is not None and ch.kind == "tuple" else 1
            src = self.out(key) if ch is not None and ch.kind == "tuple" else self.out(key).then(Wrap())
            chain = src if chain is None else chain.then(Combine(src))
            self.offsets[key], width = width, width + size
        if not per_item and len(singles) > 1:
            chain = chain.then(First())  # `combine` gives a queue channel: made a value again, so it is broadcast
        self.plan.lines.append(Line(self.rows_var, chain))

    def add_input(self, ci: int, ch: Channel) -> str:
        """The variable holding input ``ci``'s channel (a line of the plan, or a literal channel from params)."""
        mode, value = self.split[ci]
        var = f"ch_{self.sid}_{ci}"
        if mode == "whole" and isinstance(value, Gather):
            self.plan.lines.append(Line(var, Chain(Var(self.whole_gathers[ci]))))
        elif mode == "whole" and isinstance(value, ChannelRef):
            self.plan.lines.append(Line(var, self._whole(ch, value)))
        elif mode == "parts" and ci in self.parts_cis:
            pieces = tuple(self._piece(ci, ch, ei, value) for ei in range(len(ch.elements)))
            self.plan.lines.append(Line(var, Chain(Var(self.rows_var), (MapRow(pieces, True),))))
        else:
            if mode == "parts":
                value = [value[ei] if ei in value else _missing(self.step, ch, ei) for ei in range(len(ch.elements))]
            entry = _channel(ch, value, self.check_files)
            pkey = f"{self.sid}/{ch.key}"
            self.plan.entries.append(ChannelInput(pkey, entry.mode, entry.items))
            self.plan.literals.append((var, pkey, ch))
        return var

    def _whole(self, ch: Channel, ref: ChannelRef) -> Chain:
        _check_whole(self.step, ch, ref)
        key = _key(ref)
        if self.use_rows and self.many[ref.step.name]:
            pieces = _pieces_of(ref.channel, self.offsets[key], ref.element)
            return Chain(Var(self.rows_var), (MapRow(pieces, ch.kind == "tuple"),))
        if ref.element is not None:
            return self.out(key).then(Pick(ref.element))
        return self.out(key)

    def _piece(self, ci: int, ch: Channel, ei: int, value: Mapping[int, Any]) -> Row | Var:
        el = ch.elements[ei]
        if ei in value and isinstance(value[ei], Slot):
            return Row(self.offsets[value[ei].key])
        if ei in value and isinstance(value[ei], ChannelRef):
            ref = value[ei]
            return Row(self.offsets[_key(ref)] + _element_of(self.step, ch, ei, ref))
        if ei in value:
            cvar, pkey = f"pynf_const_{self.sid}_{ci}_{ei}", f"{self.sid}/{ch.key}/{ei}"
            item = _element(ch, el, value[ei], el.label, self.check_files)
            self.plan.entries.append(ChannelInput(pkey, "value", ([item],)))
            self.plan.consts.append((cvar, pkey, el.kind))
            return Var(cvar)
        meta = _meta_piece(value, self.per_item, self.offsets) if ei == 0 and el.kind == "val" else None
        if meta is not None:
            return meta
        raise WiringError(f"{where(self.step, ch)} is missing element '{el.label}'"
                          + ("" if ei else " (meta is taken from the upstream items only when they "
                             "carry one)"), step=self.sid)


def _check_distinct_meta(step: Step, split: Mapping[int, Any], per_item: list, many: Mapping[str, bool]) -> None:
    """A per-item step whose items would all carry one literal ``meta`` cannot have its outputs told apart:
    a WiringError that suggests gathering the items (``pynf.collect``)."""
    metas = [ci for ci, ch in enumerate(step.process.inputs) if has_meta(ch)]
    if not per_item or not metas:
        return
    for ci in metas:
        mode, value = split[ci]
        if mode == "whole" and isinstance(value, ChannelRef):
            if value.element is None and has_meta(value.channel) and many[value.step.name]:
                return
        elif mode == "parts" and isinstance(value.get(0), ChannelRef):
            if many[value[0].step.name]:
                return
        elif mode == "parts" and 0 not in value:
            first = next((v for v in value.values() if isinstance(v, ChannelRef) and has_meta(v.channel)), None)
            if first is not None and many[first.step.name]:
                return
    label, ref = next((_label(step, ci, ei), v) for ci, (m, val) in split.items()
                      for ei, v in (val.items() if m == "parts" else [(None, val)])
                      if isinstance(v, ChannelRef) and many[v.step.name])
    whole = ChannelRef(ref.step, ref.channel)
    raise WiringError(f"step '{step.name}' would run once per item of step '{ref.step.name}', but every item would "
                      f"carry the same meta (given as a value), so its outputs could not be told apart; to hand all "
                      f"items to one task, gather them: {label}=pynf.collect({whole.step.name}.out.{whole.key})",
                      step=step.name, upstream=ref.step.name)


def _label(step: Step, ci: int, ei: int | None) -> str:
    ch = step.process.inputs[ci]
    return ch.elements[ei].label if ei is not None and ch.kind == "tuple" else ch.key


def _meta_piece(parts: Mapping[int, Any], per_item: list, offsets: Mapping[tuple[str, int], int]) -> Row | None:
    """Where the meta of an assembled tuple comes from: the join key, else the first upstream tuple's meta."""
    for ref in parts.values():
        if isinstance(ref, ChannelRef) and has_meta(ref.channel):
            key = _key(ref)
            return Row(0) if key in per_item else Row(offsets[key])
    return None


def _missing(step: Step, ch: Channel, ei: int):
    raise InputError(f"step '{step.name}': {signature(ch)} is missing element '{ch.elements[ei].label}'",
                     input=ch.key)


def _pieces_of(ch: Channel, offset: int, element: int | None) -> tuple[Row, ...]:
    """The row elements that make an upstream item again (its meta is the join key, ``r[0]``)."""
    if element is not None:
        return (Row(offset + element if element else 0),)
    if ch.kind != "tuple":
        return (Row(offset),)
    first = Row(0) if has_meta(ch) else Row(offset)
    return (first,) + tuple(Row(offset + i) for i in range(1, len(ch.elements)))
