"""Python inputs -> the ``pynf_inputs`` data in paramsText, validated against the module IR.

How to give inputs (``inputs=`` mapping, a positional list, or keywords such as
``run("fastqc", meta={...}, reads=[...])``):

* Address an input channel by its position (``"0"``, ``"1"`` … or a list in declaration order),
  by its element name when it has one element (``sort_bam`` for ``val sort_bam``), or give the
  elements of a ``tuple`` channel one by one by their names (``meta=…, reads=…``): pynf groups
  them into the tuple.  A name used by several channels is ambiguous: use the position then.
* A tuple channel's value is a list in element order (``[meta, reads]``) or a dict keyed by
  element names (``{"meta": …, "reads": …}``).
* ``path``/``file`` elements take a path (str or ``os.PathLike``) or a list of paths (several
  files in one element; ``[]`` for "no file"); local files must exist and are made absolute.
  ``each`` inputs take a list of values (the process runs once per value).

**Value vs queue rule.**  A channel value is ONE item and becomes a *value channel* (reused by
every task), unless it is wrapped in ``pynf.Queue([...])`` (CLI/JSON: ``{"@queue": [...]}``):
then each element is one item of a *queue channel* and the process runs once per item.  For a
tuple channel, a list of dicts keyed by the element names is also a queue.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from pynf.compiler.ir import Channel, Element, Process
from pynf.errors import ExtraTupleValuesWarning, InputError
from pynf.render.bundle import params_text
from pynf.render.fill import announce_filled, fill_missing
from pynf.render.values import FILE_KEY
from pynf.render.queue import QUEUE_KEY, Queue, is_queue as _is_queue, keyed_queue, partial_item as _partial

__all__ = [
    "Queue",
    "keyed_queue",
    "ChannelInput",
    "QUEUE_KEY",
    "signature",
    "resolve_inputs",
    "merge_keywords",
    "build_params",
    "params_text",
    "template_inputs",
    "PLACEHOLDER",
]

_REMOTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_PATH_KINDS = ("path", "file")


@dataclass(frozen=True)
class ChannelInput:
    """One input channel's data as it goes into ``pynf_inputs``: key, mode and JSON items."""

    name: str
    mode: str
    items: tuple[Any, ...]

    def to_json(self) -> dict[str, Any]:
        """The ``{"name", "mode", "items"}`` entry of paramsText."""
        return {"name": self.name, "mode": self.mode, "items": list(self.items)}


def _element_sig(el: Element) -> str:
    return f"{el.kind} {el.label}".replace("\n", " ")


def signature(ch: Channel) -> str:
    """A one-line description of an input/output channel, e.g. ``tuple(val meta, path reads)``."""
    if ch.kind == "tuple":
        return "tuple(" + ", ".join(_element_sig(e) for e in ch.elements) + ")"
    if ch.kind == "each":
        return "each " + _element_sig(ch.elements[0])
    return _element_sig(ch.elements[0]) if ch.elements else ch.kind


def _display(ch: Channel) -> str:
    return ch.elements[0].label if ch.kind != "tuple" and ch.elements else ch.key


def _queue_items(value: Any, name: str) -> list[Any]:
    items = value.items if isinstance(value, Queue) else value[QUEUE_KEY]
    if not isinstance(items, (list, tuple)):
        raise InputError(f"{QUEUE_KEY} must hold a list of items, got {type(items).__name__}", input=name)
    if not items:
        raise InputError("the queue is empty, so the process would never run; give at least one item", input=name)
    return list(items)


def _json(value: Any, name: str) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{value!r} cannot be passed (JSON has no NaN/Infinity)", input=name)
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise InputError(f"map keys must be strings, got {k!r}", input=name)
            out[k] = _json(v, name)
        return out
    if isinstance(value, (list, tuple)):
        return [_json(v, name) for v in value]
    raise InputError(f"a {type(value).__name__} cannot be passed to Nextflow; expected str, number, bool, "
                     "None, list or dict", input=name)


def _one_path(value: Any, name: str, check: bool) -> str:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value:
        raise InputError(f"expected a file path (str or os.PathLike) or a list of them, got {value!r}", input=name)
    if _REMOTE.match(value) and not value.startswith("file://"):
        return value
    local = value[len("file://"):] if value.startswith("file://") else value
    local = os.path.abspath(os.path.expanduser(local))
    if check and not os.path.exists(local):
        raise InputError(f"file not found: {local}", input=name)
    return local


def _element(ch: Channel, el: Element, value: Any, name: str, check: bool) -> Any:
    if ch.kind == "each":
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if el.kind in _PATH_KINDS:
            return [_one_path(v, name, check) for v in values]
        return [_val(v, name, check) for v in values]
    if el.kind in _PATH_KINDS:
        if isinstance(value, (list, tuple)):
            return [_one_path(v, name, check) for v in value]
        return _one_path(value, name, check)
    if el.kind in ("env", "stdin"):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InputError(f"{el.kind} input expects a string (or number), got {type(value).__name__}", input=name)
        return _json(value, name)
    return _val(value, name, check)


def _val(value: Any, name: str, check: bool) -> Any:
    """A ``val`` element: files (``os.PathLike``, alone or in a list) travel marked, to arrive as file objects."""
    if isinstance(value, os.PathLike):
        return {FILE_KEY: _one_path(value, name, check)}
    if isinstance(value, (list, tuple)) and any(isinstance(v, os.PathLike) for v in value):
        return [_val(v, name, check) for v in value]
    return _json(value, name)


def _labels(ch: Channel) -> list[str]:
    return [e.label for e in ch.elements]


def _is_keyed(ch: Channel, value: Any) -> bool:
    labels = _labels(ch)
    return isinstance(value, Mapping) and len(set(labels)) == len(labels) and set(value) == set(labels)


def _without_empty_extras(values: list[Any], size: int, name: str) -> list[Any]:
    """A tuple value with more elements than declared: Nextflow warns and ignores the extra ones, and
    nf-core's tests pass such values (a trailing ``[]``); extras that are empty (``[]``, None) are dropped
    with an :class:`ExtraTupleValuesWarning`, any other extra stays an error."""
    extra = values[size:]
    if not extra or any(v not in ([], None) for v in extra):
        return values
    import warnings

    warnings.warn(ExtraTupleValuesWarning(f"input '{name}': {len(extra)} empty value(s) after the {size} the tuple "
                                          "declares were dropped (Nextflow ignores them too)"), stacklevel=4)
    return values[:size]


def _item(ch: Channel, raw: Any, check: bool) -> list[Any]:
    name = _display(ch)
    if ch.kind != "tuple":
        return [_element(ch, ch.elements[0], raw, name, check)]
    labels = _labels(ch)
    expected = (f"expected {signature(ch)}: a list of {len(labels)} values [{', '.join(labels)}] "
                f"or a dict with keys {', '.join(labels)}")
    if isinstance(raw, Mapping):
        if not _is_keyed(ch, raw):
            raise InputError(f"{expected}; got a dict with keys {', '.join(map(str, raw)) or '(none)'}", input=name)
        values = [raw[label] for label in labels]
    elif isinstance(raw, (list, tuple)):
        values = _without_empty_extras(list(raw), len(labels), name)
        if len(values) != len(labels):
            raise InputError(f"{expected}; got a list of {len(raw)} values", input=name)
    else:
        raise InputError(f"{expected}; got {type(raw).__name__}", input=name)
    return [_element(ch, el, v, el.label, check) for el, v in zip(ch.elements, values)]


def _channel(ch: Channel, value: Any, check: bool) -> ChannelInput:
    name = _display(ch)
    if _is_queue(value):
        if ch.kind == "each":
            raise InputError("an `each` input takes a plain list of values, not a queue", input=name)
        return ChannelInput(ch.key, "queue", tuple(_item(ch, raw, check) for raw in _queue_items(value, name)))
    if (ch.kind == "tuple" and isinstance(value, (list, tuple)) and value
            and all(_is_keyed(ch, v) for v in value)):
        return ChannelInput(ch.key, "queue", tuple(_item(ch, raw, check) for raw in value))
    return ChannelInput(ch.key, "value", (_item(ch, value, check),))


def _fill_elements(ch: Channel, value: Any, elements: Mapping[int, Any]) -> Any:
    """Broadcast element keywords into a tuple channel given whole: every item (of a queue, or the one
    item) keyed by element names that lacks an element gets the keyword's value; items keep their own."""
    labels = _labels(ch)
    filled: list[bool] = []

    def fill(item: Any) -> Any:
        if not _partial(ch, item):
            return item
        out = dict(item)
        for ei, v in elements.items():
            if labels[ei] not in out:
                out[labels[ei]] = v
                filled.append(True)
        return out

    if _is_queue(value):
        result: Any = Queue(fill(item) for item in _queue_items(value, ch.key))
    elif isinstance(value, (list, tuple)) and value and all(_partial(ch, v) for v in value):
        result = [fill(item) for item in value]
    else:
        result = fill(value)
    if not filled:
        names = ", ".join(labels[ei] for ei in sorted(elements))
        raise InputError(f"input {ch.key} {signature(ch)} is given both whole and by element ({names}), and no "
                         f"item of it lacks {names}; give each element once", input=labels[min(elements)])
    return result


def merge_keywords(inputs: Any, keywords: Mapping[str, Any] | None) -> Any:
    """Combine ``inputs`` (mapping, list or None) with keyword inputs into one mapping."""
    if not keywords:
        return inputs
    merged: dict[str, Any] = {}
    if isinstance(inputs, Mapping):
        merged.update(inputs)
    elif isinstance(inputs, (list, tuple)):
        merged.update({str(i): v for i, v in enumerate(inputs)})
    elif inputs is not None:
        raise InputError(f"inputs must be a dict or a list, got {type(inputs).__name__}")
    for key, value in keywords.items():
        if key in merged:
            raise InputError("given twice (in inputs= and as a keyword)", input=key)
        merged[key] = value
    return merged


def _address(process: Process, key: str) -> list[tuple[int, int | None]]:
    """Where a mapping key points: (channel index, None) for a whole channel, or (channel, element)."""
    if key.isdigit() and int(key) < len(process.inputs):
        return [(int(key), None)]
    hits: list[tuple[int, int | None]] = []
    for ci, ch in enumerate(process.inputs):
        if ch.kind != "tuple":
            if ch.elements and ch.elements[0].label == key:
                hits.append((ci, None))
        else:
            hits.extend((ci, ei) for ei, el in enumerate(ch.elements) if el.label == key)
    return hits


def _known_names(process: Process) -> str:
    parts = []
    for ch in process.inputs:
        if ch.kind == "tuple":
            parts.append(f"{ch.key} = {signature(ch)} (or its elements {', '.join(_labels(ch))})")
        else:
            parts.append(f"{ch.key} = {signature(ch)}")
    return "; ".join(parts) or "(this process takes no inputs)"


def _by_name(process: Process, inputs: Any) -> Mapping[str, Any]:
    """``inputs`` as a mapping by name (a list or tuple gives one value per channel, keyed by position)."""
    n = len(process.inputs)
    if inputs is None:
        return {}
    if isinstance(inputs, (list, tuple)):
        if len(inputs) != n:
            raise InputError(f"{process.name} takes {n} input channel(s) ({_known_names(process)}), "
                             f"but {len(inputs)} positional value(s) were given")
        return {str(i): v for i, v in enumerate(inputs)}
    if not isinstance(inputs, Mapping):
        raise InputError(f"inputs must be a dict (by name) or a list (by position), got {type(inputs).__name__}")
    return inputs


def _split_by_channel(process: Process, inputs: Mapping[str, Any]) -> tuple[dict[int, Any], dict[int, dict[int, Any]]]:
    """Values given for whole channels (by channel index) and for single elements (channel -> element -> value)."""
    whole: dict[int, Any] = {}
    parts: dict[int, dict[int, Any]] = {}
    for key in inputs:
        if not isinstance(key, str):
            raise InputError(f"input names must be strings, got {key!r}")
        hits = _address(process, key)
        if not hits:
            raise InputError(f"{process.name} has no input named '{key}'; its inputs are: {_known_names(process)}",
                             input=key)
        if len(hits) > 1:
            where = ", ".join(f"input {ci} {signature(process.inputs[ci])}" for ci, _ in hits)
            raise InputError(f"ambiguous: the name is used by {where}; give the whole channel by position "
                             f"instead (e.g. inputs={{'{hits[0][0]}': ...}})", input=key)
        (ci, ei), = hits
        if ei is not None and keyed_queue(process.inputs[ci], inputs[key]):
            ei = None  # a queue of items keyed by element names (a samplesheet) given under one element's name
        if ei is None:
            if ci in whole:
                raise InputError(f"input {ci} {signature(process.inputs[ci])} is given more than once", input=key)
            whole[ci] = inputs[key]
        else:
            if _is_queue(inputs[key]):
                raise InputError(f"a queue must hold whole items of input {ci} {signature(process.inputs[ci])}; "
                                 f"give Queue([...]) for the channel (key '{ci}') instead of per element", input=key)
            parts.setdefault(ci, {})[ei] = inputs[key]
    return whole, parts


def resolve_inputs(process: Process, inputs: Any = None, *, check_files: bool = True,
                   fill_empty: bool = False) -> list[ChannelInput]:
    """Validate ``inputs`` against ``process`` and return one ``ChannelInput`` per input channel.

    ``fill_empty``: give ``[]`` to inputs not given that take files, with a warning naming them
    (:mod:`pynf.render.fill`)."""
    whole, parts = _split_by_channel(process, _by_name(process, inputs))
    for ci in sorted(set(parts) & set(whole)):  # element keywords fill the items of a whole channel
        whole[ci] = _fill_elements(process.inputs[ci], whole[ci], parts.pop(ci))
    if fill_empty:
        announce_filled(process, fill_missing(process, whole, parts))
    missing = []
    for ci, ch in enumerate(process.inputs):
        if ci in parts:
            absent = [ch.elements[ei].label for ei in range(len(ch.elements)) if ei not in parts[ci]]
            if absent:
                raise InputError(f"{signature(ch)} is missing element(s): {', '.join(absent)} (give every element "
                                 f"by name, or the whole tuple as '{ch.key}')", input=ch.key)
            whole[ci] = [parts[ci][ei] for ei in range(len(ch.elements))]
        elif ci not in whole:
            missing.append(f"'{_display(ch)}' ({signature(ch)})" if ch.kind != "tuple"
                           else f"'{ch.key}' ({signature(ch)}, or its elements {', '.join(_labels(ch))})")
    if missing:
        raise InputError(f"{process.name} is missing input(s): {'; '.join(missing)}")
    return [_channel(ch, whole[ci], check_files) for ci, ch in enumerate(process.inputs)]


#: Every placeholder of a params template starts with this; the wrapper refuses to run while one is left.
PLACEHOLDER = "<FILL IN"


def _placeholder(ch: Channel, el: Element) -> Any:
    doc = el.doc
    what = "a file path" if el.kind in _PATH_KINDS else f"a {doc.type} value" if doc and doc.type else "a value"
    hint = f" matching {doc.pattern}" if doc and doc.pattern and el.kind in _PATH_KINDS else ""
    text = f"{PLACEHOLDER}: {what} for '{el.label}'{hint}>"
    if el.kind == "val" and doc and doc.type == "map":
        value: Any = {"id": text}
    else:
        value = text
    return [value] if ch.kind == "each" else value


def template_inputs(process: Process) -> list[dict[str, Any]]:
    """``pynf_inputs`` with one placeholder item per channel, in the shape each input needs."""
    return [{"name": ch.key, "mode": "value", "items": [[_placeholder(ch, el) for el in ch.elements]]}
            for ch in process.inputs]


def build_params(process: Process, inputs: Any = None, params: Mapping[str, Any] | None = None, *,
                 check_files: bool = True, require_inputs: bool = True, template: bool = False,
                 untyped: Collection[int] | None = (), fill_empty: bool = False) -> dict[str, Any]:
    """The params object: user params + ``outdir`` (default "results") + ``pynf_inputs``.

    With ``inputs=None`` and ``require_inputs=False``, ``pynf_inputs`` is left empty (to be filled in);
    with ``template=True`` it holds a placeholder of the right shape for every input instead.
    Values are checked against meta.yml's types (:mod:`pynf.render.doctypes`) except for the channels in
    ``untyped`` (``None``: no check at all).
    """
    data: dict[str, Any] = {"outdir": "results"}
    for key, value in (params or {}).items():
        if not isinstance(key, str) or not key:
            raise InputError(f"param names must be non-empty strings, got {key!r}")
        if key == "pynf_inputs":
            raise InputError("'pynf_inputs' is reserved for the module's inputs; give inputs with inputs= instead",
                             input=key)
        data[key] = _json(value, f"params.{key}")
    if not isinstance(data["outdir"], str) or not data["outdir"]:
        raise InputError(f"outdir must be a non-empty path string, got {data['outdir']!r}", input="params.outdir")
    if inputs is None and template:
        data["pynf_inputs"] = template_inputs(process)
    elif inputs is None and not require_inputs:
        data["pynf_inputs"] = []
    else:
        channels = resolve_inputs(process, inputs, check_files=check_files, fill_empty=fill_empty)
        if untyped is not None:
            from pynf.render.doctypes import check_documented_types

            check_documented_types(process, channels, skip=untyped)
        data["pynf_inputs"] = [c.to_json() for c in channels]
    return data


