"""The ``seqera`` backend: run a bundle on Seqera Platform (wrapper delivered by Git, launched through the API)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..bundle import Bundle
from ..seqera.config import SeqeraConfig
from ..seqera.launch import SeqeraPlatform
from ..seqera.result import SeqeraResult
from ..seqera.run import RemoteRun, RunProgress

try:  # the engine engineer's base class; same shape either way
    from .base import Backend
except ImportError:  # pragma: no cover - only while base.py is not yet in the tree
    class Backend:  # type: ignore[no-redef]
        """Minimal stand-in with the documented shape: ``name`` and ``submit(bundle, **options)``."""

        name: str = ""

        def submit(self, bundle: Bundle, **options: Any) -> Any:
            raise NotImplementedError

__all__ = ["SeqeraBackend"]


class SeqeraBackend(Backend):
    """Runs bundles on Seqera Platform; ``submit`` waits for the result unless ``wait=False``."""

    name = "seqera"

    def __init__(self, config: SeqeraConfig | None = None, *, platform: SeqeraPlatform | None = None):
        self.platform = platform or SeqeraPlatform(config)

    def __repr__(self) -> str:
        return f"SeqeraBackend(platform={self.platform!r})"

    def submit(self, bundle: Bundle, *, wait: bool = True, check: bool = True, timeout: float | None = None,
               progress: Callable[[RunProgress], Any] | None = None, stub: bool = False,
               resume: bool | str = False, outdir: str | None = None, work_dir: str | None = None,
               run_name: str | None = None, **options: Any) -> SeqeraResult | RemoteRun:
        """Launch ``bundle``; return a SeqeraResult (``wait=True``) or the RemoteRun handle.

        Extra options: ``config_profiles``, ``label_ids``, ``pre_run_script``. Unknown options raise TypeError.
        """
        allowed = {"config_profiles", "label_ids", "pre_run_script"}
        unknown = set(options) - allowed
        if unknown:
            raise TypeError(f"unknown option(s) for the seqera backend: {', '.join(sorted(unknown))}")
        run = self.platform.launch(bundle, run_name=run_name, outdir=outdir, stub=stub, resume=resume,
                                   work_dir=work_dir, **options)
        if not wait:
            return run
        return run.wait(timeout, check=check, progress=progress)
