"""Merge ``meta.yml`` documentation into the IR.

``main.nf`` is authoritative for structure: meta.yml only adds descriptions, types and
patterns.  Where the two disagree (channel count, element names, emit names, topics) the IR
gets a warning, never an error.
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


def compare_meta(process: Process, meta: dict) -> tuple[Process, list[str]]:
    """Attach docs to a process's channels; return the new process and the mismatches found."""
    warnings: list[str] = []
    m_inputs = _meta_inputs(meta)
    if len(m_inputs) != len(process.inputs):
        warnings.append(f"meta.yml: lists {len(m_inputs)} input channel(s), main.nf declares {len(process.inputs)}")
    inputs = tuple(
        _with_docs(ch, m_inputs[i], f"input {i + 1}", warnings) if i < len(m_inputs) else ch
        for i, ch in enumerate(process.inputs)
    )
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
    m_topics = meta.get("topics") or {}
    if isinstance(m_topics, dict):
        if sorted(map(str, m_topics)) != list(process.topics):
            warnings.append(f"meta.yml: topics {sorted(map(str, m_topics))} differ from main.nf's {list(process.topics)}")
    return dataclasses.replace(process, inputs=inputs, outputs=tuple(outputs)), warnings


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
