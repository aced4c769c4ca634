"""The one run path: ``execute(target, spec, backend)`` -> backend (settings checked) -> bundle -> ``backend.submit``.

A target is anything with ``to_bundle()`` (:class:`~pynf.backends.spec.Target`): a :class:`ModuleTarget`
(a module by path, ID or IR with its inputs), a workflow bound to its params, or a precompiled
:class:`~pynf.render.bundle.Bundle`. Nothing here knows about workflows or about particular backends.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pynf.backends.base import Backend, Result
from pynf.backends.registry import get_backend
from pynf.backends.spec import RunSpec, Target
from pynf.compiler.ir import Module
from pynf.errors import InputError
from pynf.render.bundle import Bundle
from pynf.render.compile import compile_bundle
from pynf.render.options import RunOptions, mapping_argument
from pynf.sources.load import LoadedModule, ModuleSource

__all__ = ["ModuleTarget", "execute"]


@dataclass(frozen=True)
class ModuleTarget:
    """One module process to run: the module (path, ID or parsed ``Module``) with its inputs, params and options.

    ``source`` says where a module ID is looked up; ``module_id`` names a module given by path or IR.
    """

    module: str | os.PathLike[str] | Module
    inputs: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    process: str | None = None
    options: RunOptions = field(default_factory=RunOptions)
    source: ModuleSource = field(default_factory=ModuleSource)
    module_id: str | None = None
    fill_empty: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", mapping_argument(self.params, "params"))
        if not isinstance(self.options, RunOptions):
            raise InputError(f"options: expected pynf.RunOptions, got {type(self.options).__name__}")
        for name in ("process", "module_id"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise InputError(f"{name}: expected a string, got {type(value).__name__} {value!r}"[:200])

    def to_bundle(self) -> Bundle:
        """The module compiled with the inputs, params and options.

        A module given by path or ID is resolved (and pinned in ``pynf.lock``) and checked against its reviewed
        interface first (:func:`pynf.interface.run_check.load_for_run`: breaking drift raises, compatible drift
        warns); the module ID is derived there, once.
        """
        module: Module | LoadedModule | str | os.PathLike[str] = self.module
        if not isinstance(module, Module):
            from pynf.interface.run_check import load_for_run

            module = load_for_run(module, process=self.process, source=self.source)
        return compile_bundle(module, process=self.process, inputs=self.inputs, params=self.params,
                              options=self.options, module_id=self.module_id, fill_empty=self.fill_empty)


def execute(target: Target, spec: RunSpec | None = None, backend: str | Backend | None = None) -> Result:
    """Run ``target`` as ``spec`` says on ``backend`` (a registered name or an instance; default ``local``).

    The backend is set up first (remote settings fail before anything is compiled or sent), then the target is
    compiled and submitted. Returns the backend's result (a remote backend's run handle with ``wait=False``).
    """
    if not isinstance(target, Target):
        raise InputError(f"expected something to run (a module, a workflow or a Bundle), got {type(target).__name__}")
    chosen = get_backend(backend)
    result = chosen.submit(target.to_bundle(), spec or RunSpec())
    _write_versions(result)
    return result


def _write_versions(result: Any) -> None:
    """``software_versions.yml`` in a local outdir, for MultiQC (a run handle or a remote outdir is skipped)."""
    from pathlib import Path

    outdir = getattr(result, "outdir", None)
    if isinstance(outdir, str) and "://" not in outdir and Path(outdir).is_dir():
        outdir = Path(outdir)  # a remote run's outdir on a filesystem this machine mounts
    if not isinstance(outdir, Path) or getattr(result, "manifest", None) is None:
        return
    from pynf._version import __version__
    from pynf.render.versions import write_software_versions

    write_software_versions(outdir, result.software_versions, {"pynf": __version__})
