"""The one run path: ``execute(RunRequest)`` -> backend (settings checked) -> bundle -> ``backend.submit``."""

from __future__ import annotations

from typing import Any

from pynf.backends.base import RunRequest, get_backend
from pynf.render.bundle import Bundle
from pynf.render.compile import compile_bundle

__all__ = ["compile_request", "execute"]


def compile_request(request: RunRequest) -> Bundle:
    """The bundle ``request`` describes: its precompiled bundle, its workflow compiled with its params, or its
    module compiled with its inputs, params and options."""
    if request.bundle is not None:
        return request.bundle
    if request.workflow is not None:
        return request.workflow.compile(dict(request.params or {}))
    return compile_bundle(request.module, process=request.process, inputs=request.inputs,
                          params=dict(request.params or {}), options=request.options, module_id=request.module_id)


def execute(request: RunRequest) -> Any:
    """Run ``request``: the backend is set up first (remote settings fail before anything is compiled or
    sent), then the module is compiled and submitted. Returns the backend's result (or run handle)."""
    backend = get_backend(request)
    return backend.submit(compile_request(request), request)
