"""A module's *interface* as data: what a caller depends on, nothing of its script text.

For every process: its name, its input and output channels (qualifier, elements with their kind and
name or pattern, ``arity``, ``emit``, ``optional``, ``topic``), the ``task.ext.*`` keys it reads and
the version queries its ``eval(...)`` outputs run; for the module: the tools meta.yml lists.

``Interface.canonical()`` is the stable JSON form (sorted keys, no whitespace, schema number) and
``Interface.hash`` its SHA-256.  Descriptions from meta.yml are kept beside it in ``docs`` (shown on
the interface card, reported by a diff) but are not part of the canonical form, so a docs-only
change never changes the hash.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

from ..compiler.ir import Module, to_json_dict

__all__ = ["SCHEMA", "Interface", "interface_of", "load_interface", "render_card"]

#: Version of the canonical form; bumped when its shape changes (so old hashes stop matching).
SCHEMA = 1

#: Element options a caller depends on (how many files an input takes / an output gives).
_CALLER_OPTIONS = ("arity",)


def _text(value: str | None) -> str | None:
    """Pattern / command text as written, with runs of whitespace collapsed (layout is not interface)."""
    return None if value is None else " ".join(value.split())


def _element(el: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": el["kind"]}
    if el["name"] is not None:
        out["name"] = el["name"]
    elif el["pattern"] is not None:
        out["pattern"] = _text(el["pattern"])
    else:
        out["expr"] = _text(el["expr"])
    options = dict(el["options"])
    for key in _CALLER_OPTIONS:
        if options.get(key) is not None:
            out[key] = _text(options[key].strip("'\""))
    return out


def _channel(ch: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": ch["kind"], "elements": [_element(e) for e in ch["elements"]]}
    if ch["direction"] == "output":
        out.update(emit=ch["emit"], optional=ch["optional"], topic=ch["topic"])
    return out


def _version_queries(process: dict[str, Any]) -> list[str]:
    """The commands of the process's ``eval(...)`` outputs (how it reports tool versions)."""
    return [_text(e["pattern"] if e["pattern"] is not None else e["expr"]) or ""
            for ch in process["outputs"] for e in ch["elements"] if e["kind"] == "eval"]


def _process(process: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": process["name"],
        "inputs": [_channel(c) for c in process["inputs"]],
        "outputs": [_channel(c) for c in process["outputs"]],
        "ext": sorted({u["name"] for u in process["ext_uses"]}),
        "versions": _version_queries(process),
    }


def _docs(module: dict[str, Any]) -> dict[str, str]:
    """Descriptions by place (``module``, ``PROC input 1 element 2``, ``PROC output bam element 1``): by
    position, so renaming an element does not look like a changed description."""
    out: dict[str, str] = {}
    if module["description"]:
        out["module"] = " ".join(module["description"].split())
    for p in module["processes"]:
        for direction in ("input", "output"):
            for i, ch in enumerate(p[direction + "s"], 1):
                where = f"{p['name']} {direction} {ch['emit'] or i}"
                for j, el in enumerate(ch["elements"], 1):
                    if el["doc"] is not None and el["doc"]["description"]:
                        out[f"{where} element {j}"] = " ".join(el["doc"]["description"].split())
    return out


@dataclass(frozen=True)
class Interface:
    """A module's interface: ``data`` is the canonical part (hashed), ``docs`` the descriptions (not hashed)."""

    data: dict[str, Any]
    docs: dict[str, str] = field(default_factory=dict)

    def canonical(self) -> str:
        """The stable JSON text of the interface (what the hash covers)."""
        return json.dumps(self.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @property
    def hash(self) -> str:
        """``sha256:<hex>`` of the canonical form."""
        return "sha256:" + hashlib.sha256(self.canonical().encode()).hexdigest()

    @property
    def processes(self) -> list[dict[str, Any]]:
        return list(self.data.get("processes", []))

    @property
    def tools(self) -> list[str]:
        return list(self.data.get("tools", []))

    def to_record(self) -> dict[str, Any]:
        """What ``pynf.lock`` keeps of a reviewed interface: the canonical data, its docs and hash."""
        return {"interface": self.data, "docs": dict(sorted(self.docs.items())), "hash": self.hash}


def interface_of(module: Module | str | os.PathLike[str]) -> Interface:
    """The interface of a parsed module (or of the module at a path, parsed with its meta.yml)."""
    if not isinstance(module, Module):
        from ..compiler import parse

        module = parse(module)
    tree = to_json_dict(module)  # the one IR serializer; the interface is a view of its data
    data = {
        "schema": SCHEMA,
        "processes": [_process(p) for p in tree["processes"]],
        "tools": sorted(set(tree["tools"])),
    }
    return Interface(data=data, docs=_docs(tree))


def load_interface(record: dict[str, Any]) -> Interface:
    """An ``Interface`` back from ``to_record()`` output (ValueError when it is not one)."""
    data = record.get("interface") if isinstance(record, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("processes"), list):
        raise ValueError("not an interface record (expected {'interface': {'processes': [...]}, ...})")
    docs = record.get("docs") or {}
    return Interface(data=data, docs={str(k): str(v) for k, v in docs.items()} if isinstance(docs, dict) else {})


def channel_signature(ch: dict[str, Any]) -> str:
    """A channel of the canonical data as one line: ``tuple(val(meta), path(*.bam))``."""
    def el(e: dict[str, Any]) -> str:
        label = e.get("name") or e.get("pattern") or e.get("expr") or ""
        return f"{e['kind']}({label})" + (f" arity {e['arity']}" if e.get("arity") else "")
    inner = ", ".join(el(e) for e in ch["elements"])
    return f"tuple({inner})" if ch["kind"] == "tuple" else (f"each {inner}" if ch["kind"] == "each" else inner)


def render_card(iface: Interface, *, title: str | None = None) -> str:
    """The interface card a reviewer reads: per process its inputs, outputs, ext keys and version
    queries, with meta.yml's descriptions, then the tools and the interface hash."""
    lines = [f"{title or 'module'}  interface {iface.hash}"]
    if iface.docs.get("module"):
        lines.append(f"  {iface.docs['module']}")
    for p in iface.processes:
        lines.append(f"process {p['name']}")
        lines.append("  inputs:" if p["inputs"] else "  inputs: none")
        for i, ch in enumerate(p["inputs"], 1):
            lines.append(f"    {i}. {channel_signature(ch)}")
            for j, e in enumerate(ch["elements"], 1):
                label = e.get("name") or e.get("pattern") or e.get("expr") or e["kind"]
                doc = iface.docs.get(f"{p['name']} input {i} element {j}")
                if doc:
                    lines.append(f"         {label}: {doc}")
        lines.append("  outputs:" if p["outputs"] else "  outputs: none")
        for i, ch in enumerate(p["outputs"]):
            key = ch.get("emit") or str(i)
            flags = [f for f in ("optional" if ch.get("optional") else "",
                                 f"topic {ch['topic']}" if ch.get("topic") else "") if f]
            lines.append(f"    {key}: {channel_signature(ch)}" + (f"  [{', '.join(flags)}]" if flags else ""))
        lines.append(f"  task.ext: {', '.join(p['ext']) if p['ext'] else 'none read'}")
        for cmd in p["versions"]:
            lines.append(f"  version query: {cmd}")
    lines.append(f"tools: {', '.join(iface.tools) if iface.tools else 'none listed'}")
    return "\n".join(lines)
