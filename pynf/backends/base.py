"""The backend interface: a typed :class:`RunRequest`, the :class:`Result` protocol, and :class:`Backend`.

One run path for every entry point (``pynf.run``, ``pynf.api.run_module``, ``pynf.seqera.run_module_remote``,
``pynf run``): build a :class:`RunRequest`, then :func:`pynf.dispatch.execute` picks the backend, compiles the
bundle and calls ``backend.submit(bundle, request)``.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from pynf.errors import InputError
from pynf.render.bundle import Bundle
from pynf.render.options import RunOptions, mapping_argument
from pynf.sources.load import ModuleSource

if TYPE_CHECKING:
    from pynf.backends.seqera.config import SeqeraConfig

__all__ = ["BACKENDS", "Backend", "Result", "RunRequest", "get_backend"]

#: Known backends by name -> "module:Class" (imported on demand, so ``import pynf`` stays light).
BACKENDS: dict[str, str] = {
    "local": "pynf.backends.local.backend:LocalBackend",
    "seqera": "pynf.backends.seqera.backend:SeqeraBackend",
}


def _check(name: str, value: Any, types: tuple[type, ...], what: str, *, optional: bool = True) -> None:
    if (value is None and optional) or (isinstance(value, types) and not (bool not in types and isinstance(value, bool))):
        return
    raise InputError(f"{name}: expected {what}, got {type(value).__name__} {value!r}"[:200])


@dataclass(frozen=True)
class RunRequest:
    """What to run and how: the module and its inputs, run options, and the backend's settings.

    Paths (``outdir``, ``work_dir``, ``run_dir``) are the caller's: relative ones are relative to the
    current directory locally, and remote paths for Seqera (a relative Seqera ``outdir`` goes under the
    compute environment's work dir). ``source`` says where module IDs are looked up (remote, branch,
    sha, offline). Instead of ``module`` a request may carry a ``workflow``
    (:class:`pynf.Workflow`, compiled with ``params``) or a precompiled ``bundle``. ``backend_options`` holds backend-specific extras (Seqera:
    ``config_profiles``, ``label_ids``, ``pre_run_script``).
    """

    module: Any = None
    workflow: Any = None
    bundle: Bundle | None = None
    inputs: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    process: str | None = None
    options: RunOptions = field(default_factory=RunOptions)
    module_id: str | None = None
    source: ModuleSource = field(default_factory=ModuleSource)
    backend: str = "local"
    seqera: SeqeraConfig | None = None
    stub: bool = False
    resume: bool | str = False
    outdir: str | os.PathLike[str] | None = None
    work_dir: str | os.PathLike[str] | None = None
    run_dir: str | os.PathLike[str] | None = None
    run_name: str | None = None
    progress: Callable[[Any], Any] | None = None
    check: bool = True
    wait: bool = True
    timeout: float | None = None
    backend_options: Mapping[str, Any] = field(default_factory=dict)
    fill_empty: bool = False
    #: what was called (``pynf.run('fastqc', ...)``, ``pynf run fastqc ...``): the report's "Nextflow command"
    command_line: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", mapping_argument(self.params, "params"))
        object.__setattr__(self, "backend_options", mapping_argument(self.backend_options, "backend_options"))
        if not isinstance(self.options, RunOptions):
            raise InputError(f"options: expected pynf.RunOptions, got {type(self.options).__name__}")
        for name in ("process", "module_id", "run_name", "command_line"):
            _check(name, getattr(self, name), (str,), "a string")
        for name in ("outdir", "work_dir", "run_dir"):
            _check(name, getattr(self, name), (str, os.PathLike), "a path")
        for name in ("stub", "check", "wait"):
            _check(name, getattr(self, name), (bool,), "True or False", optional=False)
        _check("resume", self.resume, (bool, str), "True/False or a session id", optional=False)
        _check("backend", self.backend, (str,), "a backend name", optional=False)
        if self.timeout is not None and (isinstance(self.timeout, bool) or not isinstance(self.timeout, (int, float))
                                         or self.timeout < 0):
            raise InputError(f"timeout: expected seconds (a number >= 0), got {self.timeout!r}")
        if self.progress is not None and not callable(self.progress):
            raise InputError(f"progress: expected a callable, got {type(self.progress).__name__}")

    def but(self, **changes: Any) -> RunRequest:
        """A copy with ``changes``; an unknown field is an :class:`~pynf.errors.InputError`."""
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            raise InputError(f"unknown run option(s): {', '.join(unknown)}")
        return dataclasses.replace(self, **changes) if changes else self


@runtime_checkable
class Result(Protocol):
    """What every backend's result offers (``RunResult`` locally, ``SeqeraResult`` remotely)."""

    status: str
    manifest: dict | None

    @property
    def succeeded(self) -> bool:
        """True when the run succeeded."""

    @property
    def outputs(self) -> dict[str, list]:
        """Outputs by channel (decoded from the manifest; ``{}`` without one)."""

    @property
    def topics(self) -> dict[str, list]:
        """Topic channel items by topic name."""

    def get_output_files(self) -> list:
        """Every output file (paths locally, URIs remotely)."""

    def get_workflow_outputs(self) -> Any:
        """Where the outputs are (the outdir) or the decoded outputs."""

    def get_execution_report(self) -> dict:
        """Status, timings and identity of the run as a dict."""

    def get_task_workdirs(self) -> dict:
        """Task work directories by task name."""

    def get_stdout(self) -> str:
        """What the run printed on stdout."""


class Backend(ABC):
    """Runs bundles. Subclasses implement :meth:`_submit`; ``name`` identifies them."""

    name: ClassVar[str] = ""

    def submit(self, bundle: Bundle, request: RunRequest | None = None, **changes: Any) -> Any:
        """Run ``bundle`` as ``request`` says (fields may also be given as keywords) and return the result."""
        return self._submit(bundle, (request or RunRequest(backend=self.name)).but(**changes))

    @abstractmethod
    def _submit(self, bundle: Bundle, request: RunRequest) -> Any:
        """Backend-specific run of ``bundle``."""


def get_backend(request: RunRequest) -> Backend:
    """The backend ``request.backend`` names, set up from the request's settings (checked now)."""
    target = BACKENDS.get(request.backend)
    if target is None:
        raise InputError(f"unknown backend {request.backend!r}; choose one of: {', '.join(sorted(BACKENDS))}")
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls).from_request(request)
