"""The wrapper's manifest (``pynf-manifest.json``), read back into Python: one decoder for every backend.

The wrapper writes one manifest per run into its outdir: ``{"outputs": {key: [item, ...]}, "topics": {...}}``
where an item is a list of ``{"kind": "val"|"path"|"env"|"eval"|"stdout", "value": ...}`` elements.
:class:`ManifestOutputs` gives a result the decoded views (``outputs``, ``topics``, output files).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pynf.errors import PublishLayoutWarning
from pynf.render.bundle import MANIFEST_NAME

__all__ = ["MANIFEST_NAME", "ManifestOutputs", "decode_item", "read_manifest_file", "run_manifest", "layout_notes",
           "warn_layout"]

_PATH_KINDS = ("path", "file")


def _decode_element(element: dict, local: bool, path: Callable[[str], Any] | None = None) -> Any:
    value = element.get("value")
    if element.get("kind") in _PATH_KINDS and path is not None:
        if isinstance(value, list):
            return [path(v) if isinstance(v, str) else v for v in value]
        return path(value) if isinstance(value, str) else value
    if element.get("kind") in _PATH_KINDS and local:
        if isinstance(value, list):
            return [Path(v) for v in value]
        return Path(value) if isinstance(value, str) else value
    return value


def decode_item(item: list, *, local: bool = True, path: Callable[[str], Any] | None = None) -> Any:
    """One manifest item -> Python: the value for one-element items, else a tuple.

    Paths become :class:`~pathlib.Path` when ``local`` (else they stay URI strings), or ``path(value)``
    when a converter is given (e.g. to the local copy of a downloaded output); meta maps are dicts.
    """
    values = [_decode_element(e, local, path) for e in item]
    return values[0] if len(values) == 1 else tuple(values)


def read_manifest_file(outdir: str | Path) -> dict | None:
    """The manifest in a local ``outdir``, or None when it is absent or not a JSON object."""
    try:
        data = json.loads((Path(outdir) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def layout_notes(manifest: dict | None) -> list[str]:
    """Why items of a run (or of a workflow's steps) were published per task although some carry a meta.id
    (not unique, or missing on some); items that carry none are published per task without a note here."""
    if not manifest:
        return []
    notes = []
    layout = manifest.get("layout")
    if isinstance(layout, dict) and layout.get("warn"):
        notes.append(f"{manifest.get('process') or 'process'}: outputs published per task "
                     f"(outdir/<xx>/<hash>/): {layout['note']}")
    for step, info in (manifest.get("steps") or {}).items():
        layout = info.get("layout") if isinstance(info, dict) else None
        if isinstance(layout, dict) and layout.get("warn"):
            notes.append(f"step '{step}': outputs published per task (outdir/{step}/<xx>/<hash>/): {layout['note']}")
    return notes


def warn_layout(manifest: dict | None) -> None:
    """Issue a :class:`~pynf.errors.PublishLayoutWarning` for each note of :func:`layout_notes`."""
    for note in layout_notes(manifest):
        warnings.warn(PublishLayoutWarning(note), stacklevel=3)


def run_manifest(outdir: str | Path, run_name: str) -> dict | None:
    """The manifest in ``outdir`` when run ``run_name`` wrote it (a manifest without run info, from a
    hand-written wrapper, is taken as is); None when absent or left by another run."""
    data = read_manifest_file(outdir)
    if data is None:
        return None
    written_by = (data.get("run") or {}).get("name") if isinstance(data.get("run"), dict) else None
    return data if written_by in (None, run_name) else None


class ManifestOutputs:
    """Decoded views of a result's manifest; the result provides ``manifest`` and ``local_paths``."""

    manifest: dict | None
    local_paths: bool = True

    def _decoded(self, section: str, path: Callable[[str], Any] | None = None,
                 keys: Any = None) -> dict[str, list]:
        if self.manifest is None:
            return {}
        return {k: [decode_item(i, local=self.local_paths, path=path) for i in v]
                for k, v in (self.manifest.get(section) or {}).items() if keys is None or k in keys}

    @property
    def outputs(self) -> dict[str, list]:
        """Output channels by key (emit name or index): one decoded item per emitted value ({} when unread)."""
        return self._decoded("outputs")

    @property
    def topics(self) -> dict[str, list]:
        """Topic channels (e.g. ``versions``) by name, decoded like :attr:`outputs`."""
        return self._decoded("topics")

    @property
    def software_versions(self) -> dict[str, dict[str, str]]:
        """``{process: {tool: version}}`` reported by the run's tasks (see :mod:`pynf.render.versions`)."""
        from pynf.render.versions import software_versions

        return software_versions(self.topics, self.outputs)

    @property
    def versions(self) -> dict[str, str]:
        """``{tool: version}`` over every process and item; a tool with several versions lists them ("1.17, 1.21")."""
        from pynf.render.versions import flat_versions

        return flat_versions(self.software_versions)

    def get_output_files(self) -> list:
        """Every published output file listed in the manifest, channel by channel (Path when local)."""
        out: list = []
        for items in ((self.manifest or {}).get("outputs") or {}).values():
            for item in items:
                for element in item:
                    if element.get("kind") in _PATH_KINDS:
                        value = element.get("value")
                        for p in value if isinstance(value, list) else [value]:
                            if isinstance(p, str):
                                out.append(Path(p) if self.local_paths else p)
        return out
