"""The ``seqera`` backend: run a bundle on Seqera Platform (wrapper delivered by Git, launched through the API)."""

from __future__ import annotations

from pynf.backends.base import Backend, RunRequest
from pynf.backends.seqera.config import SeqeraConfig
from pynf.backends.seqera.launch import SeqeraPlatform
from pynf.backends.seqera.result import SeqeraResult
from pynf.backends.seqera.run import RemoteRun
from pynf.errors import InputError
from pynf.render.bundle import Bundle

__all__ = ["SeqeraBackend"]

#: Seqera-only extras a request may carry in ``backend_options``.
LAUNCH_OPTIONS = frozenset({"config_profiles", "label_ids", "pre_run_script"})


class SeqeraBackend(Backend):
    """Runs bundles on Seqera Platform; waits for the result unless the request says ``wait=False``."""

    name = "seqera"

    def __init__(self, config: SeqeraConfig | None = None, *, platform: SeqeraPlatform | None = None):
        self.platform = platform or SeqeraPlatform(config)

    def __repr__(self) -> str:
        return f"SeqeraBackend(platform={self.platform!r})"

    @classmethod
    def from_request(cls, request: RunRequest) -> SeqeraBackend:
        """The platform from ``request.seqera``, the environment and the user config (checked now)."""
        return cls(request.seqera)

    def _submit(self, bundle: Bundle, request: RunRequest) -> SeqeraResult | RemoteRun:
        """Launch ``bundle``; return a SeqeraResult (``wait=True``) or the RemoteRun handle."""
        unknown = set(request.backend_options) - LAUNCH_OPTIONS
        if unknown:
            raise InputError(f"unknown option(s) for the seqera backend: {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(sorted(LAUNCH_OPTIONS))}")
        text = (lambda v: None if v is None else str(v))
        run = self.platform.launch(bundle, run_name=request.run_name, outdir=text(request.outdir), stub=request.stub,
                                   resume=request.resume, work_dir=text(request.work_dir), **request.backend_options)
        run.process = bundle.process
        if not request.wait:
            return run
        return run.wait(request.timeout, check=request.check, progress=request.progress)
