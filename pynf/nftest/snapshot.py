"""Compare a pynf stub run's outputs with an nf-test snapshot: file names and values, not contents.

Both sides are reduced to the same shape: a file becomes its name (nf-test's ``"x.bam:md5,..."`` loses the
md5; pynf's path its directory), a directory the sorted names of the files in it, a meta map stays a map.
Values of ``eval`` outputs (tool versions: a stand-in prints them here) are not compared.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

__all__ = ["normalize_snapshot", "normalize_result", "snapshot_keys", "compare"]

_MD5 = re.compile(r"^(?P<name>[^/]+?):md5,[0-9a-f]{32}$")
EVAL = "<eval>"


def _file_names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob("*") if p.is_file())


def _snap_value(value: Any) -> Any:
    if isinstance(value, str):
        m = _MD5.match(value)
        return m.group("name") if m else value
    if isinstance(value, list):
        return [_snap_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _snap_value(v) for k, v in value.items()}
    return value


def _result_value(value: Any) -> Any:
    if isinstance(value, Path):
        return _file_names(value) if value.is_dir() else value.name
    if isinstance(value, (list, tuple)):
        return [_result_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _result_value(v) for k, v in value.items()}
    return value


def _mask(item: Any, kinds: list[str], tuple_: bool) -> Any:
    if not tuple_:
        return EVAL if kinds and kinds[0] == "eval" else item
    if not isinstance(item, list):
        return item
    return [EVAL if i < len(kinds) and kinds[i] == "eval" else v for i, v in enumerate(item)]


def _flat_dirs(item: Any) -> Any:
    """A directory snapshotted by nf-test is a list of its files' entries (nested per sub-directory):
    reduce lists of names to their sorted flattened names so both sides agree."""
    if isinstance(item, list) and item and all(isinstance(v, (str, list)) for v in item):
        flat = []
        for v in item:
            flat.extend(_flat(v))
        return sorted(flat)
    return item


def _flat(v: Any) -> list:
    if isinstance(v, list):
        out = []
        for x in v:
            out.extend(_flat(x))
        return out
    return [v]


def _canonical(items: list, kinds: list[str], tuple_: bool) -> list[str]:
    out = []
    for item in items:
        item = _mask(item, kinds, tuple_)
        if tuple_ and isinstance(item, list):
            item = [_flat_dirs(v) for v in item]
        else:
            item = _flat_dirs(item)
        out.append(json.dumps(item, sort_keys=True))
    return sorted(out)


def normalize_snapshot(channel: list) -> list:
    """A channel as the snapshot records it, files reduced to names."""
    return _snap_value(channel)


def normalize_result(channel: list) -> list:
    """A channel of a pynf result, files reduced to names."""
    return _result_value(channel)


def snapshot_keys(process) -> dict[str, tuple[list[str], bool, str | None]]:
    """Output key -> (element kinds, tuple?, emit name) of a parsed process."""
    return {ch.key: ([e.kind for e in ch.elements] or [ch.kind], ch.kind == "tuple", ch.emit)
            for ch in process.outputs}


def compare(expected: dict[str, list], got: dict[str, list], process) -> list[str]:
    """Differences (one line each) between snapshot channels and result channels, by output key."""
    diffs = []
    shapes = snapshot_keys(process)
    for key, channel in expected.items():
        if key not in shapes:
            diffs.append(f"{key}: in the snapshot, not an output of the process")
            continue
        kinds, tuple_, _ = shapes[key]
        want = _canonical(normalize_snapshot(channel), kinds, tuple_)
        have = _canonical(normalize_result(got.get(key, [])), kinds, tuple_)
        if want != have:
            diffs.append(f"{key}: snapshot {want} != pynf {have}")
    return diffs
