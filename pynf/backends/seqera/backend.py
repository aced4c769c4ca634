"""The ``seqera`` backend: run a bundle on Seqera Platform (wrapper delivered by Git, launched through the API)."""

from __future__ import annotations

import dataclasses
from typing import Any

import click

from pynf.backends.base import Backend
from pynf.backends.spec import RunSpec
from pynf.backends.seqera.config import SeqeraConfig
from pynf.backends.seqera.launch import SeqeraPlatform
from pynf.backends.seqera.result import SeqeraResult
from pynf.backends.seqera.run import RemoteRun
from pynf.backends.staging.readable import check_readable
from pynf.backends.staging.stage import StagingReport, input_paths, local_path, stage_bundle
from pynf.errors import InputError
from pynf.render.bundle import Bundle

__all__ = ["SeqeraBackend"]

#: What ``pynf run`` offers for this backend (given to :meth:`SeqeraBackend.from_cli` by parameter name).
CLI_OPTIONS = (
    (("--workspace",), {"help": "Seqera workspace (id or Org/Workspace); default TOWER_WORKSPACE_ID."}),
    (("--compute-env",), {"help": "Seqera compute environment (id or name); default TOWER_COMPUTE_ENV_ID."}),
    (("--wrapper-repo",), {"help": "Git repository the Seqera workspace can read (default PYNF_WRAPPER_REPO)."}),
    (("--request-timeout",), {"type": click.FloatRange(min=0, min_open=True), "default": None, "metavar": "S",
                              "help": "Seqera: seconds one API call may take, retries included "
                                      "(env PYNF_SEQERA_REQUEST_TIMEOUT; default 60)."}),
    (("--staging-dir",), {"help": "Seqera: where local inputs are uploaded (e.g. s3://bucket/prefix); default "
                                  "PYNF_SEQERA_STAGING_DIR, else the compute environment's work dir when it is a "
                                  "cloud URI."}),
    (("--stage-inputs/--no-stage-inputs",), {"default": None, "help": "Seqera: upload local inputs (default: when "
                                                                       "a staging location is known)."}),
)
#: ``from_cli`` parameter -> SeqeraConfig field
_CLI_FIELDS = {"workspace": "workspace_id", "compute_env": "compute_env_id", "wrapper_repo": "wrapper_repo",
               "request_timeout": "request_timeout", "staging_dir": "staging_dir", "stage_inputs": "stage_inputs"}


class SeqeraBackend(Backend):
    """Runs bundles on Seqera Platform; waits for the result unless the spec says ``wait=False``.

    Settings are a :class:`~pynf.backends.seqera.config.SeqeraConfig` and/or its fields as keywords
    (``SeqeraBackend(config, config_profiles=("test",), staging_dir="s3://bucket/in")``), completed from the
    environment and the user config file and checked here, before anything is compiled or sent.
    """

    name = "seqera"
    cli_options = CLI_OPTIONS
    cli_progress = "line"

    def __init__(self, config: SeqeraConfig | None = None, *, platform: SeqeraPlatform | None = None,
                 **settings: Any):
        if settings:
            known = {f.name for f in dataclasses.fields(SeqeraConfig)}
            unknown = sorted(set(settings) - known)
            if unknown:
                raise InputError(f"unknown setting(s) for the seqera backend: {', '.join(unknown)}; "
                                 f"known: {', '.join(sorted(known))}")
            config = dataclasses.replace(config or SeqeraConfig(), **settings)
        self.platform = platform or SeqeraPlatform(config)
        #: what staging did for the latest submit (local path -> staged URI, files uploaded)
        self.last_staging = StagingReport()

    def __repr__(self) -> str:
        return f"SeqeraBackend(platform={self.platform!r})"

    @classmethod
    def from_cli(cls, **values: Any) -> SeqeraBackend:
        """The backend from ``pynf run``'s Seqera options (None: not given)."""
        return cls(**{_CLI_FIELDS[k]: v for k, v in values.items() if v is not None})

    def stage(self, bundle: Bundle, *, work_dir: str | None = None) -> tuple[Bundle, StagingReport]:
        """Check every input path and upload local ones (see :mod:`pynf.backends.staging`).

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
        return stage_bundle(bundle, staging_dir=cfg.staging_dir, work_dir=self.platform.work_dir_for(work_dir),
                            shared_paths=shared, stage_inputs=cfg.stage_inputs, compute_env=ce.name or ce.id)

    def _submit(self, bundle: Bundle, spec: RunSpec) -> SeqeraResult | RemoteRun:  # type: ignore[override]
        """Launch ``bundle``; return a SeqeraResult (``wait=True``) or the RemoteRun handle."""
        outdir, work_dir = spec.remote_paths()
        bundle, self.last_staging = self.stage(bundle, work_dir=work_dir)
        run = self.platform.launch(bundle, run_name=spec.run_name, outdir=outdir, stub=spec.stub,
                                   resume=spec.resume, work_dir=work_dir)
        run.process = bundle.process
        if not spec.wait:
            return run
        return run.wait(spec.timeout, check=spec.check, progress=spec.progress)
