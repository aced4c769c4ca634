"""The one run path: ``execute(RunRequest)`` -> backend (settings checked) -> bundle -> ``backend.submit``."""

from __future__ import annotations

from typing import Any

from pynf.backends.base import RunRequest, get_backend
from pynf.compiler.ir import Module
from pynf.render.bundle import Bundle
from pynf.render.compile import compile_bundle

__all__ = ["compile_request", "execute"]


def compile_request(request: RunRequest) -> Bundle:
    """The bundle ``request`` describes: its module compiled with its inputs, params and options.

    A module given by path or ID is resolved (and pinned in ``pynf.lock``) and checked against its reviewed
    interface first (:func:`pynf.interface.review.check_reviewed`: breaking drift raises, compatible drift warns).

    A request may instead carry a precompiled ``bundle`` or a ``workflow`` (compiled with the request's params;
    every step's module goes through the same resolve, pin and drift check, see :meth:`pynf.Workflow.compile`).
    """
    if request.bundle is not None:
        return request.bundle
    if request.workflow is not None:
        return request.workflow.compile(dict(request.params or {}), pin=True)
    module = request.module
    module_id = request.module_id
    if not isinstance(module, Module):
        from pynf.interface.run_check import load_for_run

        loaded = load_for_run(module, process=request.process, source=request.source)
        module, module_id = loaded.module, module_id or loaded.module_id
    return compile_bundle(module, process=request.process, inputs=request.inputs,
                          params=dict(request.params or {}), options=request.options, module_id=module_id,
                          fill_empty=request.fill_empty)


def execute(request: RunRequest) -> Any:
    """Run ``request``: the backend is set up first (remote settings fail before anything is compiled or
    sent), then the module is compiled and submitted. Returns the backend's result (or run handle)."""
    backend = get_backend(request)
    result = backend.submit(compile_request(request), request)
    _write_versions(result)
    return result


def _write_versions(result: Any) -> None:
    """``software_versions.yml`` in a local outdir, for MultiQC (a run handle or a remote outdir is skipped)."""
    from pathlib import Path

    outdir = getattr(result, "outdir", None)
    if isinstance(outdir, str) and "://" not in outdir and Path(outdir).is_dir():
        outdir = Path(outdir)  # a Seqera run's outdir on a filesystem this machine mounts
    if not isinstance(outdir, Path) or getattr(result, "manifest", None) is None:
        return
    from pynf._version import __version__
    from pynf.render.versions import write_software_versions

    write_software_versions(outdir, result.software_versions, {"pynf": __version__})
