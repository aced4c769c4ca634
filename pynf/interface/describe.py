"""Describe a module's interface (inputs, outputs, topics) as data (``pynf inspect --json``)."""

from __future__ import annotations

from typing import Any

from pynf.compiler import Module, Process, to_json_dict
from pynf.interface.registry import lookup, module_content_hash

__all__ = ["describe", "describe_module", "registry_status"]

# Views over ``to_json_dict``'s data (the one IR serializer), in the shape ``pynf inspect --json`` documents.


def _element(el: dict[str, Any]) -> dict[str, Any]:
    doc = el["doc"] or {}
    return {
        "name": el["name"] or el["pattern"] or el["kind"],
        "kind": el["kind"],
        "type": doc.get("type"),
        "description": doc.get("description"),
        "pattern": doc.get("pattern"),
        "enum": list(doc.get("enum", [])),
    }


def _channel(ch: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": ch["emit"] or str(ch["index"]),
        "kind": ch["kind"],
        "emit": ch["emit"],
        "topic": ch["topic"],
        "optional": ch["optional"],
        "elements": [_element(e) for e in ch["elements"]],
        "line": ch["pos"]["line"],
    }


def _ext(uses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per ``task.ext`` key: where the process reads it (section, file, line, column)."""
    return [{"name": key, "uses": [{"section": u["section"], "file": u["file"], "line": u["position"]["line"],
                                    "column": u["position"]["column"]} for u in uses if u["name"] == key]}
            for key in sorted({u["name"] for u in uses})]


def _process(process: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": process["name"],
        "inputs": [_channel(c) for c in process["inputs"]],
        "outputs": [_channel(c) for c in process["outputs"]],
        "topics": sorted({c["topic"] for c in process["outputs"] if c["topic"]}),
        "ext": _ext(process["ext_uses"]),
        "has_stub": process["stub"] is not None,
    }


def describe(module: Module, process: Process, *, module_id: str | None = None) -> dict[str, Any]:
    """One process's interface as plain data (what ``pynf inspect --json`` prints)."""
    one = _process(to_json_dict(process))
    return {
        "module": module_id or module.path,
        "process": one.pop("name"),
        "processes": [p.name for p in module.processes],
        "description": module.description,
        "tools": list(module.tools),
        "keywords": list(module.keywords),
        **one,
        "warnings": list(module.warnings),
    }


def describe_module(module: Module, *, module_id: str | None = None, path: str | None = None,
                    remote: str | None = None, sha: str | None = None) -> dict[str, Any]:
    """Every process of the module plus where it came from (what ``pynf modules info --json`` prints)."""
    return {
        "module": module_id or module.path,
        "path": path or module.path,
        "remote": remote,
        "sha": sha,
        "description": module.description,
        "tools": list(module.tools),
        "keywords": list(module.keywords),
        "processes": [_process(p) for p in to_json_dict(module.processes)],
        "warnings": list(module.warnings),
    }


def registry_status(directory: Any) -> dict[str, Any]:
    """Whether this exact module (by content hash) is in pynf's registry of verified modules."""
    digest = module_content_hash(directory)
    entry = lookup(digest)
    return {"content_hash": digest, "verified": bool(entry and entry.verified),
            "registry": None if entry is None else {"module": entry.module, "interface_hash": entry.interface_hash,
                                                     "nf_lang_agree": entry.nf_lang_agree,
                                                     "wrapper_v1": entry.wrapper_v1, "wrapper_v2": entry.wrapper_v2,
                                                     "stub": entry.stub,
                                                     "nfcore_stub_tests": entry.nfcore_stub_tests}}
