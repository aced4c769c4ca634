"""Merge ``meta.yml`` documentation into the IR.

``main.nf`` is authoritative for structure: meta.yml only adds descriptions, types and
patterns.  Where the two disagree (channel count, element names, emit names, topics) the IR
gets a warning, never an error.

Two layouts are read.  The nested one (nf-core since late 2024): ``input`` is a list with one
entry per channel (a list of one-key maps for a tuple), ``output`` maps each emit name to its
elements.  The old one: ``input`` and ``output`` are flat lists of one-key maps; inputs have
one entry per element name, outputs one entry per emit name, with ``meta`` documented once for
every tuple.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import yaml

from pynf.compiler.ir import Channel, Element, ElementDoc, Module, Process

__all__ = ["merge_meta", "load_meta", "compare_meta"]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_meta(path: str | Path) -> dict[str, Any] | None:
    """Read meta.yml; None when it is unreadable or not a mapping."""
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return data if isinstance(data, dict) else None


def _entries(block: Any) -> list[tuple[str, dict]]:
    """A meta.yml channel entry as (name, doc) pairs: a tuple is a list of one-key dicts."""
    items = block if isinstance(block, list) else [block]
    out = []
    for item in items:
        if isinstance(item, dict):
            for k, v in item.items():
                out.append((str(k), v if isinstance(v, dict) else {}))
    return out


def _meta_inputs(meta: dict) -> list[list[tuple[str, dict]]]:
    block = meta.get("input") or []
    return [_entries(x) for x in block] if isinstance(block, list) else []


def _meta_outputs(meta: dict) -> list[tuple[str | None, list[tuple[str, dict]]]]:
    """Outputs as (emit name, elements); handles the dict form and the older list form."""
    block = meta.get("output") or []
    out: list[tuple[str | None, list[tuple[str, dict]]]] = []
    if isinstance(block, dict):
        for name, body in block.items():
            entries = body[0] if isinstance(body, list) and len(body) == 1 and isinstance(body[0], list) else body
            out.append((str(name), _entries(entries)))
    elif isinstance(block, list):
        for item in block:
            if isinstance(item, dict) and len(item) == 1:
                (name, body), = item.items()
                if isinstance(body, list):
                    entries = body[0] if len(body) == 1 and isinstance(body[0], list) else body
                    out.append((str(name), _entries(entries)))
                else:
                    out.append((str(name), [(str(name), body if isinstance(body, dict) else {})]))
    return out


def _doc(d: dict) -> ElementDoc:
    def s(key: str) -> str | None:
        v = d.get(key)
        return None if v is None else str(v).strip()
    enum = d.get("enum")
    allowed = tuple(str(v) for v in enum if v is not None) if isinstance(enum, list) else ()
    return ElementDoc(type=s("type"), description=s("description"), pattern=s("pattern"), enum=allowed)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\\", "")).strip()


def _same_name(documented: str, el: Element) -> bool:
    """meta.yml names an element by identifier or by its string value; authors differ in how
    they write escapes, so those are compared without backslashes."""
    if documented in (el.label, el.expr):
        return True
    return _norm(documented) == _norm(el.label) or _norm(documented).strip("'\"") == _norm(el.label)


def _with_docs(ch: Channel, docs: list[tuple[str, dict]], where: str, warnings: list[str]) -> Channel:
    if len(docs) != len(ch.elements):
        warnings.append(f"meta.yml: {where} lists {len(docs)} element(s), main.nf declares {len(ch.elements)}")
    elements: list[Element] = []
    for i, el in enumerate(ch.elements):
        if i < len(docs):
            name, d = docs[i]
            if not _same_name(name, el):
                warnings.append(f"meta.yml: {where} element {i + 1} is '{name}', main.nf has '{el.label}'")
            el = dataclasses.replace(el, doc=_doc(d))
        elements.append(el)
    return dataclasses.replace(ch, elements=tuple(elements))


def _flat(block: Any) -> dict[str, dict] | None:
    """The old layout's ``{name: doc}`` when ``block`` is a flat list of one-key maps with map values."""
    if not isinstance(block, list) or not block:
        return None
    out: dict[str, dict] = {}
    for item in block:
        if not (isinstance(item, dict) and len(item) == 1):
            return None
        (name, body), = item.items()
        if body is not None and not isinstance(body, dict):
            return None
        out.setdefault(str(name), body or {})
    return out


def _documented_by_name(ch: Channel, names: list[str | None], flat: dict[str, dict], used: set[str]) -> Channel:
    """The channel with each element documented by its entry of ``flat`` (named in ``names``; None: none)."""
    elements = []
    for el, name in zip(ch.elements, names):
        if name is not None:
            used.add(name)
            el = dataclasses.replace(el, doc=_doc(flat[name]))
        elements.append(el)
    return dataclasses.replace(ch, elements=tuple(elements))


def _undeclared(flat: dict[str, dict], used: set[str], direction: str, warnings: list[str]) -> None:
    warnings.extend(f"meta.yml: documents {direction} '{name}', which main.nf does not declare"
                    for name in flat if name not in used)


def _old_inputs(process: Process, flat: dict[str, dict], warnings: list[str]) -> tuple[Channel, ...]:
    """Old layout: one entry per element name, matched by name across every input channel."""
    used: set[str] = set()
    channels = []
    for i, ch in enumerate(process.inputs):
        names = [next((n for n in flat if _same_name(n, el)), None) for el in ch.elements]
        warnings.extend(f"meta.yml: input {i + 1} element '{el.label}' is not documented"
                        for el, name in zip(ch.elements, names) if name is None)
        channels.append(_documented_by_name(ch, names, flat, used))
    _undeclared(flat, used, "input", warnings)
    return tuple(channels)


def _old_outputs(process: Process, flat: dict[str, dict], warnings: list[str]) -> tuple[Channel, ...]:
    """Old layout: one entry per emit name documents the channel's files/values; an entry named like
    an element (``meta``) documents that element in every tuple."""
    used: set[str] = set()
    channels = []
    for ch in process.outputs:
        own = ch.emit if ch.emit in flat else None
        if ch.emit is None:  # unnamed: an entry named like one of its (non-shared) elements
            own = next((n for n in flat for el in ch.elements if _same_name(n, el) and n != el.name), None) or next(
                (n for n in flat for el in ch.elements if _same_name(n, el) and len(ch.elements) == 1), None)
        if ch.emit is not None and own is None:
            warnings.append(f"meta.yml: output '{ch.emit}' is not documented")
        shared = [el.name if el.name and el.name in flat and el.name != ch.emit and len(ch.elements) > 1 else None
                  for el in ch.elements]
        channels.append(_documented_by_name(ch, [name or own for name in shared], flat, used))
    _undeclared(flat, used, "output", warnings)
    return tuple(channels)


def _old_layout_inputs(process: Process, block: Any) -> dict[str, dict] | None:
    """The flat input list of the old layout; a flat list that can be read per channel (every channel
    one element, one entry each) is the nested layout and gives the same docs read by position."""
    flat = _flat(block)
    if flat is None:
        return None
    if len(block) == len(process.inputs) and all(len(ch.elements) == 1 for ch in process.inputs):
        return None
    return flat


def compare_meta(process: Process, meta: dict) -> tuple[Process, list[str]]:
    """Attach docs to a process's channels; return the new process and the mismatches found."""
    warnings: list[str] = []
    old_in = _old_layout_inputs(process, meta.get("input"))
    old_out = _flat(meta.get("output"))
    inputs = (_old_inputs(process, old_in, warnings) if old_in is not None
              else _nested_inputs(process, meta, warnings))
    outputs = (_old_outputs(process, old_out, warnings) if old_out is not None
               else _nested_outputs(process, meta, warnings))
    m_topics = meta.get("topics") or {}
    if isinstance(m_topics, dict):
        if sorted(map(str, m_topics)) != list(process.topics):
            warnings.append(f"meta.yml: topics {sorted(map(str, m_topics))} differ from main.nf's {list(process.topics)}")
    return dataclasses.replace(process, inputs=inputs, outputs=outputs), warnings


def _nested_inputs(process: Process, meta: dict, warnings: list[str]) -> tuple[Channel, ...]:
    """The nested layout's inputs: one entry per channel, by position."""
    m_inputs = _meta_inputs(meta)
    if len(m_inputs) != len(process.inputs):
        warnings.append(f"meta.yml: lists {len(m_inputs)} input channel(s), main.nf declares {len(process.inputs)}")
    return tuple(
        _with_docs(ch, m_inputs[i], f"input {i + 1}", warnings) if i < len(m_inputs) else ch
        for i, ch in enumerate(process.inputs)
    )


def _nested_outputs(process: Process, meta: dict, warnings: list[str]) -> tuple[Channel, ...]:
    """The nested layout's outputs: by emit name (unnamed ones by position)."""
    m_outputs = _meta_outputs(meta)
    by_name = {name: docs for name, docs in m_outputs if name}
    used: set[str | None] = set()
    outputs = []
    for i, ch in enumerate(process.outputs):
        if ch.emit is not None and ch.emit in by_name:
            used.add(ch.emit)
            outputs.append(_with_docs(ch, by_name[ch.emit], f"output '{ch.emit}'", warnings))
        elif ch.emit is None and i < len(m_outputs):
            used.add(m_outputs[i][0])  # unnamed outputs are documented by position
            outputs.append(_with_docs(ch, m_outputs[i][1], f"output {i + 1}", warnings))
        else:
            if ch.emit is not None:
                warnings.append(f"meta.yml: output '{ch.emit}' is not documented")
            outputs.append(ch)
    for name, _ in m_outputs:
        if name and name not in used:
            warnings.append(f"meta.yml: documents output '{name}', which main.nf does not declare")
    return tuple(outputs)


def merge_meta(module: Module, meta_path: str | Path) -> Module:
    """Return ``module`` with meta.yml's docs merged in (a warning if meta.yml is unreadable)."""
    meta = load_meta(meta_path)
    if meta is None:
        return dataclasses.replace(module, warnings=module.warnings + (f"meta.yml at {meta_path} is not readable YAML",))
    warnings = list(module.warnings)
    processes = []
    for p in module.processes:
        if len(module.processes) == 1 or str(meta.get("name", "")).upper() == p.name:
            p, w = compare_meta(p, meta)
            warnings.extend(w)
        processes.append(p)
    tools = []
    for t in meta.get("tools") or []:
        if isinstance(t, dict):
            tools.extend(str(k) for k in t)
        elif isinstance(t, str):
            tools.append(t)
    keywords = tuple(str(k) for k in meta.get("keywords") or [] if k is not None)
    desc = meta.get("description")
    return dataclasses.replace(
        module,
        processes=tuple(processes),
        description=str(desc).strip() if desc is not None else None,
        tools=tuple(tools),
        keywords=keywords,
        warnings=tuple(warnings),
    )
