"""The Python API: ``run`` a module (locally or on Seqera Platform), ``compile`` it, ``inspect`` it.

The pipeline reads top-down: resolve and parse the module (:mod:`pynf.modules`), render a
bundle (:mod:`pynf.compile`), hand it to a backend (:mod:`pynf.backends`), get a result.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from .bundle import Bundle
from .compile import compile_bundle
from .errors import InputError
from .inputs import merge_keywords
from .options import RunOptions
from .types import ExecutionRequest

__all__ = ["run", "run_module", "compile", "inspect"]


def compile(module: str | os.PathLike[str], inputs: Any = None, params: Mapping[str, Any] | None = None, *,
            process: str | None = None, options: RunOptions | None = None, **keyword_inputs: Any) -> Bundle:
    """Compile ``module`` (path or ID) with inputs and params into a :class:`~pynf.bundle.Bundle`."""
    return compile_bundle(module, process=process, inputs=merge_keywords(inputs, keyword_inputs or None),
                          params=params, options=options)


def inspect(module: str | os.PathLike[str], *, process: str | None = None) -> dict[str, Any]:
    """The interface of ``module``: inputs, outputs and topics with meta.yml docs (as data)."""
    from .inspect import describe
    from .modules import load_module

    loaded = load_module(module, process=process)
    return describe(loaded.module, loaded.process, module_id=loaded.module_id)


def run(module: str | os.PathLike[str], inputs: Any = None, params: Mapping[str, Any] | None = None, *,
        process: str | None = None, backend: str = "local", stub: bool = False, resume: bool | str = False,
        outdir: str | os.PathLike[str] | None = None, work_dir: str | os.PathLike[str] | None = None,
        run_dir: str | os.PathLike[str] | None = None, options: RunOptions | None = None,
        progress: Callable[[Any], Any] | None = None, check: bool = True, seqera: Any = None,
        **keyword_inputs: Any):
    """Run one module process and return its result (``RunResult`` locally, ``SeqeraResult`` remotely).

    Inputs go in ``inputs`` (a list in channel order or a mapping by name) or as keywords named
    after the module's elements: ``pynf.run("seqtk_seq", meta={"id": "s1"}, fastx="r.fq")``.
    Wrap a channel's value in :class:`pynf.Queue` to run the process once per item.
    Raises :class:`~pynf.errors.InputError` before anything starts when inputs do not fit.
    """
    runner = _backend(backend, seqera)  # remote settings are checked before anything is compiled or sent
    bundle = compile(module, inputs, params, process=process, options=options, **keyword_inputs)
    if backend == "seqera":
        return runner.submit(bundle, stub=stub, resume=resume, outdir=None if outdir is None else str(outdir),
                             work_dir=None if work_dir is None else str(work_dir), progress=progress, check=check)
    return runner.submit(bundle, stub=stub, resume=resume, outdir=_absolute(outdir), work_dir=_absolute(work_dir),
                         run_dir=_absolute(run_dir), progress=progress, check=check)


def _backend(name: str, seqera: Any):
    if name == "local":
        from .backends.local import LocalBackend

        return LocalBackend()
    if name == "seqera":
        from .backends.seqera import SeqeraBackend

        return SeqeraBackend(seqera)
    raise InputError(f"unknown backend {name!r}; choose 'local' or 'seqera'")


def _absolute(path: str | os.PathLike[str] | None) -> str | None:
    """Paths the caller gives are relative to the current directory (not to the run directory)."""
    if path is None:
        return None
    text = os.fspath(path)
    return text if "://" in text else os.path.abspath(os.path.expanduser(text))


def run_module(module_id: str, request: ExecutionRequest | None = None):
    """Seed API: run ``module_id`` as described by an :class:`~pynf.types.ExecutionRequest`."""
    request = request or ExecutionRequest()
    module = request.script_path or module_id
    if request.backend == "seqera":
        from .seqera.api import run_module_remote

        return run_module_remote(module_id, request)
    return run(module, request.inputs, request.params, process=request.process, backend=request.backend,
               stub=request.stub, resume=request.resume, outdir=request.outdir, work_dir=request.work_dir,
               options=request.options)
