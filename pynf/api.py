"""The Python API: ``run`` a module (locally or on Seqera Platform), ``compile`` it, ``inspect`` it.

Every entry point builds a target (:class:`~pynf.dispatch.ModuleTarget`) and a
:class:`~pynf.backends.spec.RunSpec` and goes through :func:`pynf.dispatch.execute`: resolve and parse the module (:mod:`pynf.sources`), render a bundle
(:mod:`pynf.render`), hand it to a backend (:mod:`pynf.backends`), get a result.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from pynf._util.calltext import call_text
from pynf.backends.base import Backend, Result
from pynf.backends.registry import get_backend
from pynf.backends.spec import RunSpec
from pynf.interface.describe import describe as _describe, registry_status
from pynf.dispatch import ModuleTarget, execute
from pynf.render.bundle import Bundle
from pynf.render.compile import compile_bundle
from pynf.render.inputs import merge_keywords
from pynf.render.options import RunOptions
from pynf.sources.load import ModuleSource, load_module
from pynf.types import ExecutionRequest, checked_request

__all__ = ["compile", "describe", "inspect", "review", "run", "run_module"]


def compile(module: str | os.PathLike[str], inputs: Any = None, params: Mapping[str, Any] | None = None, *,
            process: str | None = None, options: RunOptions | None = None, remote: str | None = None,
            branch: str | None = None, sha: str | None = None, offline: bool | None = None,
            fill_empty: bool = False, **keyword_inputs: Any) -> Bundle:
    """Compile ``module`` (path or ID) with inputs and params into a :class:`~pynf.render.bundle.Bundle`.

    ``remote``/``branch``/``sha``/``offline`` say where an ID is looked up (as ``--git-remote``,
    ``--branch``, ``--sha``, ``--offline``); compiling reads ``pynf.lock`` but never writes it.
    ``fill_empty=True`` gives ``[]`` to every input not given that takes files, and warns naming them.
    """
    return compile_bundle(module, process=process, inputs=merge_keywords(inputs, keyword_inputs or None),
                          params=params, options=options, source=ModuleSource(remote, branch, sha, offline),
                          fill_empty=fill_empty)


def inspect(module: str | os.PathLike[str], *, process: str | None = None, remote: str | None = None,
            branch: str | None = None, sha: str | None = None, offline: bool | None = None) -> dict[str, Any]:
    """The interface of ``module``: inputs, outputs and topics with meta.yml docs (as data), and under
    ``verified`` whether this exact module is in pynf's registry of verified modules (reads ``pynf.lock``,
    never writes it)."""
    loaded = load_module(module, process=process, source=ModuleSource(remote, branch, sha, offline))
    return {**_describe(loaded.module, loaded.process, module_id=loaded.module_id),
            "verified": registry_status(loaded.directory)}


def describe(module: str | os.PathLike[str], *, process: str | None = None, remote: str | None = None,
             branch: str | None = None, sha: str | None = None, offline: bool | None = None) -> dict[str, Any]:
    """The interface of ``module`` as data: the same as :func:`inspect` (``pynf inspect --json``)."""
    return inspect(module, process=process, remote=remote, branch=branch, sha=sha, offline=offline)


def run(module: str | os.PathLike[str], inputs: Any = None, params: Mapping[str, Any] | None = None, *,
        process: str | None = None, backend: str | Backend | None = None, stub: bool = False,
        resume: bool | str = False, outdir: str | os.PathLike[str] | None = None,
        work_dir: str | os.PathLike[str] | None = None, run_dir: str | os.PathLike[str] | None = None,
        options: RunOptions | None = None, progress: Callable[[Any], Any] | None = None, check: bool = True,
        seqera: Any = None, timeout: float | None = None, remote: str | None = None, branch: str | None = None,
        sha: str | None = None, offline: bool | None = None, fill_empty: bool = False, **keyword_inputs: Any) -> Result:
    """Run one module process and return its result (``RunResult`` locally, ``SeqeraResult`` remotely).

    Inputs go in ``inputs`` (a list in channel order or a mapping by name) or as keywords named
    after the module's elements: ``pynf.run("seqtk_seq", meta={"id": "s1"}, fastx="r.fq")``.
    Wrap a channel's value in :class:`pynf.Queue` to run the process once per item.
    ``backend`` is a registered name (default ``local``; ``seqera``; see :mod:`pynf.backends.registry`) or a
    backend instance holding its own settings (``SeqeraBackend(config, config_profiles=...)``); ``seqera``
    is the settings object given to a backend named by ``backend``.
    Raises :class:`~pynf.errors.InputError` before anything starts when inputs do not fit.
    ``timeout`` (seconds): a local run still going then is aborted with :class:`~pynf.errors.RunTimeout`
    naming what it waited for; for Seqera it bounds the wait (the remote run keeps going).
    ``remote``/``branch``/``sha``/``offline`` say where a module ID is looked up; the commit used is
    pinned in ``pynf.lock``. ``fill_empty=True`` gives ``[]`` to every input not given that takes files
    (nf-core's "unused optional input"), with a :class:`~pynf.errors.FilledEmptyWarning` naming them.
    """
    called = call_text("pynf.run", module, inputs=inputs, params=params or None, process=process,
                       backend=backend, stub=stub or None, resume=resume or None, outdir=outdir,
                       work_dir=work_dir, run_dir=run_dir, options=options, timeout=timeout, remote=remote,
                       branch=branch, sha=sha, offline=offline, **keyword_inputs)
    chosen = get_backend(backend, config=seqera)  # settings are checked before anything is compiled
    target = ModuleTarget(module, inputs=merge_keywords(inputs, keyword_inputs or None),
                          params={} if params is None else params, process=process, options=options or RunOptions(), fill_empty=fill_empty,
                          source=ModuleSource(remote, branch, sha, offline))
    spec = RunSpec(stub=stub, resume=resume, outdir=outdir, work_dir=work_dir, run_dir=run_dir, progress=progress,
                   check=check, timeout=timeout, command_line=called)
    return execute(target, spec, chosen)


def run_module(module_id: str, request: ExecutionRequest | None = None) -> Result:
    """Seed API: run ``module_id`` as described by an :class:`~pynf.types.ExecutionRequest`."""
    text = f"pynf.api.run_module({module_id!r}, ExecutionRequest(...))"
    return execute(*checked_request(request).converted(module_id, command_line=text))


def review(module: str | os.PathLike[str], *, process: str | None = None, stub: bool = True,
           lock_path: str | os.PathLike[str] | None = None, **source: Any):
    """Review ``module``: record its interface (and one stub run with synthesized inputs) in ``pynf.lock``.

    Later runs compare the module with this snapshot: a breaking change raises
    :class:`~pynf.errors.InterfaceDriftError`, a compatible one warns. Returns the
    :class:`~pynf.interface.review.Review` (``interface``, ``stub_passed``, ``registry`` …).
    """
    from pynf.interface.review import review as _review

    return _review(module, process=process, stub=stub, lock_path=lock_path, **source)
