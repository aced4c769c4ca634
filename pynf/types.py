"""Request types of the seed API: ``ExecutionRequest`` (and ``SeqeraConfig`` for remote runs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pynf.backends.base import Backend
from pynf.backends.registry import get_backend
from pynf.backends.seqera.config import SeqeraConfig
from pynf.backends.spec import RunSpec
from pynf.dispatch import ModuleTarget
from pynf.errors import InputError
from pynf.render.options import RunOptions

__all__ = ["ExecutionRequest", "SeqeraConfig", "RunOptions", "checked_request"]


@dataclass
class ExecutionRequest:
    """What to run: inputs, params, backend and run options for one module process.

    ``inputs`` follows :mod:`pynf.render.inputs` (a list in channel order, or a mapping by name);
    ``script_path`` runs a local ``main.nf`` instead of resolving the module ID; ``backend`` is a registered
    name or a backend instance; ``seqera`` carries the settings for ``backend="seqera"``.
    """

    params: dict[str, Any] = field(default_factory=dict)
    inputs: Any = None
    backend: str | Backend = "local"
    script_path: str | None = None
    process: str | None = None
    options: RunOptions | None = None
    stub: bool = False
    resume: bool | str = False
    outdir: str | None = None
    work_dir: str | None = None
    seqera: SeqeraConfig | None = None

    def converted(self, module_id: str, *, backend: Backend | None = None,
                  **spec_changes: Any) -> tuple[ModuleTarget, RunSpec, Backend]:
        """What this describes for ``module_id``, converted once: the target, the run spec (plus
        ``spec_changes``) and the backend (``backend``, else the one named, set up from ``seqera``)."""
        target = ModuleTarget(self.script_path or module_id, module_id=module_id if self.script_path else None,
                              inputs=self.inputs, params=dict(self.params or {}), process=self.process,
                              options=self.options or RunOptions())
        spec = RunSpec(stub=self.stub, resume=self.resume, outdir=self.outdir,
                       work_dir=self.work_dir).but(**spec_changes)
        return target, spec, backend or get_backend(self.backend, config=self.seqera)


def checked_request(request: object) -> ExecutionRequest:
    """``request`` if it is an :class:`ExecutionRequest` (None gives the defaults), else an InputError."""
    if request is None:
        return ExecutionRequest()
    if not isinstance(request, ExecutionRequest):
        raise InputError(f"expected a pynf.types.ExecutionRequest, got {type(request).__name__}")
    return request
