"""Software versions of a run: ``result.versions`` and the ``software_versions.yml`` nf-core pipelines give MultiQC.

Modules report versions two ways, and both are read: ``tuple val(process), val(tool), eval(...)`` items on
the ``versions`` topic (or an output emitted as ``versions``/``versions_*``), and the older
``versions.yml`` files (``PROCESS: {tool: version}``). Items of many tasks are deduplicated.

``software_versions(...)`` is ``{process: {tool: version}}`` (process names without a workflow prefix);
``flat_versions(...)`` is ``{tool: version}``. When one tool shows several versions (two modules pinning
different samtools releases), its value lists them all, sorted and joined by ``", "`` (``"1.17, 1.21"``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

__all__ = ["SOFTWARE_VERSIONS_NAME", "software_versions", "flat_versions", "software_versions_yaml",
           "write_software_versions"]

#: File written into the outdir of every local run (and of a Seqera run whose outdir is local).
SOFTWARE_VERSIONS_NAME = "software_versions.yml"


def _process(name: Any) -> str:
    return str(name).rsplit(":", 1)[-1]


def _add(out: dict[str, dict[str, set[str]]], process: Any, tool: Any, version: Any) -> None:
    if tool is None or version is None:
        return
    out.setdefault(_process(process), {}).setdefault(str(tool), set()).add(str(version).strip())


def _read_yml(path: Path, out: dict[str, dict[str, set[str]]]) -> None:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # 1.10 stays "1.10"
    except (OSError, ValueError, yaml.YAMLError):
        return
    if isinstance(data, Mapping):
        for process, tools in data.items():
            if isinstance(tools, Mapping):
                for tool, version in tools.items():
                    _add(out, process, tool, version)


def _item(item: Any, out: dict[str, dict[str, set[str]]]) -> None:
    if isinstance(item, (tuple, list)) and len(item) == 3 and not any(isinstance(v, (Path, list)) for v in item):
        _add(out, *item)
        return
    for value in item if isinstance(item, (tuple, list)) else [item]:
        for path in value if isinstance(value, list) else [value]:
            if isinstance(path, (str, os.PathLike)) and os.fspath(path).endswith(".yml"):
                local = Path(os.fspath(path))
                if local.is_absolute():
                    _read_yml(local, out)


def _version_items(topics: Mapping[str, list], outputs: Mapping[str, list]) -> Iterable[Any]:
    yield from topics.get("versions") or ()
    for key, items in outputs.items():
        if key.rsplit(".", 1)[-1].startswith("versions"):
            yield from items


def software_versions(topics: Mapping[str, list], outputs: Mapping[str, list]) -> dict[str, dict[str, str]]:
    """``{process: {tool: version}}`` from decoded topics and outputs, sorted; several versions joined by ", "."""
    found: dict[str, dict[str, set[str]]] = {}
    for item in _version_items(topics, outputs):
        _item(item, found)
    return {p: {t: ", ".join(sorted(v)) for t, v in sorted(tools.items())} for p, tools in sorted(found.items())}


def flat_versions(per_process: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """``{tool: version}`` over every process; a tool seen with several versions lists them (sorted, ", ")."""
    tools: dict[str, set[str]] = {}
    for versions in per_process.values():
        for tool, version in versions.items():
            tools.setdefault(tool, set()).update(v.strip() for v in version.split(", "))
    return {tool: ", ".join(sorted(v)) for tool, v in sorted(tools.items())}


def software_versions_yaml(per_process: Mapping[str, Mapping[str, str]], extra: Mapping[str, Any] | None = None) -> str:
    """The YAML text: one block per process, then ``Workflow`` (e.g. pynf's and Nextflow's versions)."""
    data: dict[str, Any] = {p: dict(v) for p, v in per_process.items()}
    if extra:
        data["Workflow"] = dict(extra)
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)


def write_software_versions(outdir: str | os.PathLike[str], per_process: Mapping[str, Mapping[str, str]],
                            extra: Mapping[str, Any] | None = None) -> Path:
    """Write ``software_versions.yml`` into ``outdir`` (atomically) and return its path."""
    from pynf._util.files import atomic_write

    target = Path(outdir) / SOFTWARE_VERSIONS_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, software_versions_yaml(per_process, extra))
    return target
