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
from pynf.render.options import RunOptions

if TYPE_CHECKING:
    from pynf.backends.seqera.config import SeqeraConfig

__all__ = ["BACKENDS", "Backend", "Result", "RunRequest", "get_backend"]

#: Known backends by name -> "module:Class" (imported on demand, so ``import pynf`` stays light).
BACKENDS: dict[str, str] = {
    "local": "pynf.backends.local.backend:LocalBackend",
    "seqera": "pynf.backends.seqera.backend:SeqeraBackend",
}


@dataclass(frozen=True)
class RunRequest:
    """What to run and how: the module and its inputs, run options, and the backend's settings.

    Paths (``outdir``, ``work_dir``, ``run_dir``) are the caller's: relative ones are relative to the
    current directory locally, and remote paths for Seqera (a relative Seqera ``outdir`` goes under the
    compute environment's work dir). Instead of ``module`` a request may carry a ``workflow``
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
    def succeeded(self) -> bool: ...

    @property
    def outputs(self) -> dict[str, list]: ...

    @property
    def topics(self) -> dict[str, list]: ...

    def get_output_files(self) -> list: ...

    def get_workflow_outputs(self) -> Any: ...

    def get_execution_report(self) -> dict: ...

    def get_task_workdirs(self) -> dict: ...

    def get_stdout(self) -> str: ...


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
