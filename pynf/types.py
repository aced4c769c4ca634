"""Request types of the seed API: ``ExecutionRequest`` (and ``SeqeraConfig`` for remote runs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .options import RunOptions

if TYPE_CHECKING:
    from .seqera.config import SeqeraConfig

__all__ = ["ExecutionRequest", "SeqeraConfig", "RunOptions"]


@dataclass
class ExecutionRequest:
    """What to run: inputs, params, backend and run options for one module process.

    ``inputs`` follows :mod:`pynf.inputs` (a list in channel order, or a mapping by name);
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


def __getattr__(name: str) -> Any:
    # SeqeraConfig lives with the Seqera backend; importing it lazily keeps `import pynf` light.
    if name == "SeqeraConfig":
        from .seqera.config import SeqeraConfig

        return SeqeraConfig
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
