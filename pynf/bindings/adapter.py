"""The one place generated bindings and the generator call into pynf: module loading, the interface model and
its diff (the reviewed-modules machinery), runs, workflow steps, and the module listing for ``pynf.nf``.
Everything else in :mod:`pynf.bindings` goes through here, so a change of those APIs is adapted once."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pynf.api import run as _run
from pynf.backends.base import Backend
from pynf.compiler.ir import Module, Process
from pynf.errors import InterfaceDriftError
from pynf.interface import diff_interfaces, interface_of, load_interface
from pynf.render.inputs import Queue
from pynf.render.options import RunOptions
from pynf.sources.load import ModuleSource, load_module
from pynf.sources import LockFile
from pynf.workflow import ChannelRef, Gather, Workflow

__all__ = ["Loaded", "load", "check_pin", "interface_diff", "lock_modules", "retype", "run_module", "add_step", "available_ids", "Backend", "ChannelRef", "Gather",
           "Workflow", "RunOptions", "Queue"]

_SOURCE_KEYS = ("remote", "branch", "sha", "offline")


@dataclass(frozen=True)
class Loaded:
    """A parsed module with what a binding records of it."""

    module: Module
    processes: tuple[Process, ...]
    module_id: str
    sha: str | None
    interface_hash: str
    interface: str  # canonical JSON


def load(ref: str | os.PathLike[str], **source: Any) -> Loaded:
    """Resolve and parse ``ref`` read-only (``pynf.lock`` is read, never written), with its interface."""
    from pynf.sources import resolve
    from pynf.sources.ids import local_module_id
    from pynf.sources.load import parse_module

    resolved = resolve(ref, pin=False, **{k: source.get(k) for k in _SOURCE_KEYS})
    module = parse_module(resolved.path)
    iface = interface_of(module)
    module_id = resolved.module_id if resolved.sha else local_module_id(resolved.path)
    return Loaded(module, module.processes, module_id, resolved.sha, iface.hash, iface.canonical())


def check_pin(module: str, process: str, interface_hash: str, interface: str, sha: str | None,
              run_args: Mapping[str, Any]) -> None:
    """Raise :class:`InterfaceDriftError` (with the diff) when ``module`` now resolves to another interface than
    the binding was generated from."""
    import json

    source = ModuleSource(**{k: run_args.get(k) for k in _SOURCE_KEYS})
    loaded = load_module(module, source=source, pin=False, process=process)
    current = interface_of(loaded.module)
    if current.hash == interface_hash:
        return
    diff = diff_interfaces(load_interface({"interface": json.loads(interface)}), current)
    was = f" (commit {sha[:12]})" if sha else ""
    now = f" (commit {loaded.sha[:12]})" if loaded.sha else ""
    raise InterfaceDriftError(
        f"{module}: the binding was generated from interface {interface_hash}{was}; the module now resolves to "
        f"{current.hash}{now}:\n{diff.render()}\nRegenerate the bindings (`pynf bindings ...`) and adapt the "
        "calling code", diff=diff)


def interface_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """How an interface changed for callers (canonical data in, the reviewed-modules diff as text out)."""
    diff = diff_interfaces(load_interface({"interface": dict(old)}), load_interface({"interface": dict(new)}))
    return diff.render()


def lock_modules() -> list[str]:
    """The module IDs pinned in ``pynf.lock`` (``org/tool[/sub]``), sorted."""
    return sorted({entry.name for entry in LockFile().entries().values()})


def run_module(module: str, inputs: dict[str, Any], *, process: str | None, run_args: Mapping[str, Any],
               **settings: Any) -> Any:
    """``pynf.run(module, inputs, ...)``: the result of one run."""
    return _run(module, inputs, process=process, **settings, **dict(run_args))


def add_step(workflow: Workflow, module: str, inputs: dict[str, Any], *, process: str | None, name: str | None,
             options: RunOptions | None, run_args: Mapping[str, Any]) -> Any:
    """``workflow.add(module, inputs, ...)``: the new step."""
    return workflow.add(module, inputs, name=name, process=process, options=options, **dict(run_args))


def retype(ref: ChannelRef, cls: type[ChannelRef]) -> ChannelRef:
    """A copy of the workflow's channel reference ``ref`` as ``cls`` (a subclass adding only a type parameter), made
    without calling its constructor, so the binding does not depend on how references are built."""
    import copy

    typed = copy.copy(ref)
    typed.__class__ = cls
    return typed


def available_ids(**source: Any) -> list[str]:
    """Module IDs ``pynf.nf`` offers: those on the module repository's branch head (when it can be read) and
    every module pinned in ``pynf.lock``, as ``tool[/sub]`` (org left out), sorted and unique."""
    from pynf.errors import PynfError
    from pynf.sources import list_modules

    ids: set[str] = set()
    try:
        ids.update(ref.id for ref in list_modules(**{k: source.get(k) for k in ("remote", "branch", "offline")}))
    except PynfError:
        pass
    try:
        ids.update(entry.name.split("/", 1)[-1] for entry in LockFile().entries().values())
    except PynfError:
        pass
    return sorted(ids)
