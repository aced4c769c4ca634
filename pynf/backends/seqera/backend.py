"""The ``seqera`` backend: run a bundle on Seqera Platform (wrapper delivered by Git, launched through the API)."""

from __future__ import annotations

from pynf.backends.base import Backend, RunRequest
from pynf.backends.seqera.config import SeqeraConfig
from pynf.backends.seqera.launch import SeqeraPlatform
from pynf.backends.seqera.result import SeqeraResult
from pynf.backends.seqera.run import RemoteRun
from pynf.backends.seqera.readable import check_readable
from pynf.backends.seqera.staging import StagingReport, input_paths, local_path, stage_bundle
from pynf.errors import InputError
from pynf.render.bundle import Bundle

__all__ = ["SeqeraBackend"]

#: Seqera-only extras a request may carry in ``backend_options``.
LAUNCH_OPTIONS = frozenset({"config_profiles", "label_ids", "pre_run_script"})
#: Seqera-only extras about local inputs (override the SeqeraConfig fields of the same names).
STAGING_OPTIONS = frozenset({"stage_inputs", "staging_dir"})


class SeqeraBackend(Backend):
    """Runs bundles on Seqera Platform; waits for the result unless the request says ``wait=False``."""

    name = "seqera"

    def __init__(self, config: SeqeraConfig | None = None, *, platform: SeqeraPlatform | None = None):
        self.platform = platform or SeqeraPlatform(config)
        #: what staging did for the latest submit (local path -> staged URI, files uploaded)
        self.last_staging = StagingReport()

    def __repr__(self) -> str:
        return f"SeqeraBackend(platform={self.platform!r})"

    @classmethod
    def from_request(cls, request: RunRequest) -> SeqeraBackend:
        """The platform from ``request.seqera``, the environment and the user config (checked now)."""
        return cls(request.seqera)

    def stage(self, bundle: Bundle, *, work_dir: str | None = None, stage_inputs: bool | None = None,
              staging_dir: str | None = None) -> tuple[Bundle, StagingReport]:
        """Check every input path and upload local ones (see :mod:`pynf.backends.seqera.staging`).

        Runs before anything is pushed or launched; a bundle with no local inputs needs no platform call.
        """
        cfg = self.platform.config
        shared = cfg.shared_paths
        local = [p for p in input_paths(bundle, shared) if p.kind == "local"]
        for p in local:  # before any request: an unreadable input is the user's to fix, not the platform's
            check_readable(p.channel, local_path(p.value))
        if not local:
            return bundle, StagingReport()
        ce = self.platform.compute_env
        return stage_bundle(bundle, staging_dir=staging_dir or cfg.staging_dir,
                            work_dir=work_dir or cfg.work_dir or ce.work_dir, shared_paths=shared,
                            stage_inputs=cfg.stage_inputs if stage_inputs is None else stage_inputs,
                            compute_env=ce.name or ce.id)

    def _submit(self, bundle: Bundle, request: RunRequest) -> SeqeraResult | RemoteRun:
        """Launch ``bundle``; return a SeqeraResult (``wait=True``) or the RemoteRun handle."""
        unknown = set(request.backend_options) - LAUNCH_OPTIONS - STAGING_OPTIONS
        if unknown:
            raise InputError(f"unknown option(s) for the seqera backend: {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(sorted(LAUNCH_OPTIONS | STAGING_OPTIONS))}")
        text = (lambda v: None if v is None else str(v))
        options = {k: v for k, v in request.backend_options.items() if k in LAUNCH_OPTIONS}
        staging = {k: v for k, v in request.backend_options.items() if k in STAGING_OPTIONS}
        bundle, self.last_staging = self.stage(bundle, work_dir=text(request.work_dir), **staging)
        run = self.platform.launch(bundle, run_name=request.run_name, outdir=text(request.outdir), stub=request.stub,
                                   resume=request.resume, work_dir=text(request.work_dir), **options)
        run.process = bundle.process
        if not request.wait:
            return run
        return run.wait(request.timeout, check=request.check, progress=request.progress)
