"""Request types of the seed API: ``ExecutionRequest`` (and ``SeqeraConfig`` for remote runs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pynf.backends.base import RunRequest
from pynf.backends.seqera.config import SeqeraConfig
from pynf.errors import InputError
from pynf.render.options import RunOptions

__all__ = ["ExecutionRequest", "SeqeraConfig", "RunOptions", "checked_request"]


@dataclass
class ExecutionRequest:
    """What to run: inputs, params, backend and run options for one module process.

    ``inputs`` follows :mod:`pynf.render.inputs` (a list in channel order, or a mapping by name);
    ``script_path`` runs a local ``main.nf`` instead of resolving the module ID; ``seqera``
    carries the settings for ``backend="seqera"``.
    """

    params: dict[str, Any] = field(default_factory=dict)
    inputs: Any = None
    backend: str = "local"
    script_path: str | None = None
    process: str | None = None
    options: RunOptions | None = None
    stub: bool = False
    resume: bool | str = False
    outdir: str | None = None
    work_dir: str | None = None
    seqera: SeqeraConfig | None = None

    def to_run_request(self, module_id: str, **changes: Any) -> RunRequest:
        """The :class:`~pynf.backends.base.RunRequest` this describes for ``module_id`` (plus ``changes``)."""
        return RunRequest(module=self.script_path or module_id,
                          module_id=module_id if self.script_path else None, inputs=self.inputs,
                          params=dict(self.params or {}), process=self.process,
                          options=self.options or RunOptions(), backend=self.backend, seqera=self.seqera,
                          stub=self.stub, resume=self.resume, outdir=self.outdir,
                          work_dir=self.work_dir).but(**changes)


def checked_request(request: object) -> ExecutionRequest:
    """``request`` if it is an :class:`ExecutionRequest` (None gives the defaults), else an InputError."""
    if request is None:
        return ExecutionRequest()
    if not isinstance(request, ExecutionRequest):
        raise InputError(f"expected a pynf.types.ExecutionRequest, got {type(request).__name__}")
    return request
