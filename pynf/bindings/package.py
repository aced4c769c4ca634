"""Write a Python package of typed bindings (``pynf bindings``): one file per module process under ``_modules/``,
a namespace module per tool (``samtools.py``: ``sort``, ``index`` …), a lazy ``__init__.py``, ``py.typed`` and
``pins.json`` (each binding's module, commit and interface). Regenerating reports, per module, how its
interface changed for callers since the last generation (the reviewed-modules diff)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pynf.errors import BindingsError

from . import adapter
from .codegen import module_source
from .model import Binding, build_binding
from .naming import flat_name, identifier, python_path
from .nspkg import init_source, namespace_source

__all__ = ["Generated", "generate", "bindings_for", "PINS_NAME"]

PINS_NAME = "pins.json"


@dataclass
class Generated:
    """What :func:`generate` wrote: the package directory, its bindings, and the changes since the last time."""

    directory: Path
    bindings: list[Binding]
    changes: list[str] = field(default_factory=list)  # one line (or block) per module whose interface moved


def _local_path(ref: str, root: str | os.PathLike[str] | None) -> tuple[str, ...] | None:
    """A local module's Python path: its folder's path below ``root`` (``bwa/mem`` -> ``bwa.mem``), else its
    folder's name; None for a module ID."""
    p = Path(ref)
    if not p.exists():
        return None
    directory = (p.parent if p.is_file() else p).resolve()
    if root is not None:
        base = Path(root).resolve()
        if directory.is_relative_to(base) and directory != base:
            return tuple(identifier(part.lower()) for part in directory.relative_to(base).parts)
    return (identifier(directory.name.lower()),)


def bindings_for(refs: Sequence[str], *, root: str | os.PathLike[str] | None = None, **source: Any) -> list[Binding]:
    """Load every module in ``refs`` (IDs or paths) and build its bindings (one per process); local modules are
    named by their folder below ``root`` (or by their folder's name)."""
    out: list[Binding] = []
    for ref in refs:
        loaded = adapter.load(ref, **source)
        base = _local_path(str(ref), root) or python_path(loaded.module_id)
        for proc in loaded.processes:
            path = base if len(loaded.processes) == 1 else base[:-1] + (f"{base[-1]}_{identifier(proc.name.lower())}",)
            out.append(build_binding(loaded.module, proc, module_ref=str(ref), module_id=loaded.module_id, path=path,
                                     sha=loaded.sha, interface_hash=loaded.interface_hash, interface=loaded.interface))
    _check_unique(out)
    return sorted(out, key=lambda b: b.path)


def _check_unique(bindings: Iterable[Binding]) -> None:
    seen: dict[tuple[str, ...], Binding] = {}
    for b in bindings:
        other = seen.get(b.path)
        if other is not None and (other.module, other.process) != (b.module, b.process):
            raise BindingsError(f"{other.module} and {b.module} would both be bound as {'.'.join(b.path)}; "
                                "give --root (the folder local modules are named below) or generate them into "
                                "separate packages")
        seen[b.path] = b


def _pins(bindings: Iterable[Binding]) -> dict[str, Any]:
    return {".".join(b.path): {"module": b.module, "module_id": b.module_id, "process": b.process, "sha": b.sha,
                               "interface_hash": b.interface_hash, "interface": json.loads(b.interface)}
            for b in bindings}


def _prepare(target: Path) -> dict[str, Any]:
    """Check ``target`` is ours to (re)write; return the pins of the previous generation ({} for a new one)."""
    pins = target / PINS_NAME
    if pins.is_file():
        try:
            old = json.loads(pins.read_text(encoding="utf-8"))
        except ValueError:
            old = {}
        shutil.rmtree(target)
        return old if isinstance(old, dict) else {}
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BindingsError(f"{target} exists and is not a package pynf bindings wrote (no {PINS_NAME}); "
                            "choose another --out or --package")
    return {}


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    lines = []
    for name in sorted(set(old) | set(new)):
        if name not in new:
            lines.append(f"removed {name} ({old[name].get('module')})")
        elif name not in old:
            lines.append(f"added {name} ({new[name]['module']})")
        elif old[name].get("interface_hash") != new[name]["interface_hash"]:
            diff = adapter.interface_diff(old[name].get("interface") or {}, new[name]["interface"])
            lines.append(f"changed {name} ({new[name]['module']}): {diff}")
    return lines


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(refs: Sequence[str], out: str | os.PathLike[str], *, package: str = "nfbindings",
             root: str | os.PathLike[str] | None = None, **source: Any) -> Generated:
    """Generate the package ``package`` under ``out`` for ``refs`` (module IDs or paths; local modules are named
    by their folder below ``root``, else by their folder's name)."""
    if not package.isidentifier():
        raise BindingsError(f"--package {package!r} is not a Python identifier")
    if not refs:
        raise BindingsError("no modules: give module IDs or paths (or run where a pynf.lock pins some)")
    bindings = bindings_for(refs, root=root, **source)
    target = Path(out) / package
    old = _prepare(target)
    new = _pins(bindings)
    for b in bindings:
        _write(target / "_modules" / f"{flat_name(b.path)}.py", module_source(b))
    _write(target / "_modules" / "__init__.py", '"""One file per module binding (generated)."""\n')
    tree: dict[str, list[Binding]] = {}
    for b in bindings:
        tree.setdefault(b.path[0], []).append(b)
    for ns, members in sorted(tree.items()):
        if any(len(b.path) > 1 for b in members):
            _write(target / f"{ns}.py", namespace_source(ns, members))
    _write(target / "__init__.py", init_source(package, tree))
    _write(target / "py.typed", "")
    _write(target / PINS_NAME, json.dumps(new, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return Generated(target, bindings, _changes(old, new) if old else [])
