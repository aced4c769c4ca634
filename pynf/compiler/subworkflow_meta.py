"""A subworkflow's ``meta.yml``: description, keywords, components, and take/emit docs matched by name."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml

__all__ = ["merge_subworkflow_meta"]


def _entries(value: Any) -> dict[str, str | None]:
    """meta.yml ``input:``/``output:`` (a list of one-key maps) as name -> description."""
    out: dict[str, str | None] = {}
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, dict):
            for name, doc in entry.items():
                text = doc.get("description") if isinstance(doc, dict) else None
                out[str(name)] = " ".join(str(text).split()) if text else None
    return out


def merge_subworkflow_meta(sub: Any, meta_path: str | Path) -> Any:
    """``sub`` (a :class:`~pynf.compiler.subworkflow.Subworkflow`) with its meta.yml docs; names meta.yml lists that the source lacks become warnings."""
    try:
        data = yaml.safe_load(Path(meta_path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return dataclasses.replace(sub, warnings=sub.warnings + (f"meta.yml: unreadable ({exc})",))
    if not isinstance(data, dict):
        return sub
    inputs, outputs = _entries(data.get("input")), _entries(data.get("output"))
    warnings = list(sub.warnings)
    workflows = []
    for wf in sub.workflows:
        takes = tuple(dataclasses.replace(t, description=inputs.get(t.name)) for t in wf.takes)
        emits = tuple(dataclasses.replace(e, description=outputs.get(e.name)) for e in wf.emits)
        workflows.append(dataclasses.replace(wf, takes=takes, emits=emits))
    main = sub.workflows[-1]
    missing = [n for n in inputs if n not in {t.name for t in main.takes}]
    if missing:
        warnings.append(f"meta.yml: documents input(s) {', '.join(missing)} that workflow {main.name} does not take")
    description = data.get("description")
    return dataclasses.replace(
        sub, workflows=tuple(workflows), warnings=tuple(warnings),
        description=" ".join(str(description).split()) if description else None,
        keywords=tuple(str(k) for k in data.get("keywords") or () if k is not None),
        components=tuple(str(c) for c in data.get("components") or () if isinstance(c, str)))
