"""Seqera Platform from Python: ``run_module_remote`` and the Seqera backend's public names.

The backend itself lives in :mod:`pynf.backends.seqera`; this package is the documented entry point.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynf.backends.seqera.backend import SeqeraBackend
from pynf.backends.seqera.client import SeqeraClient
from pynf.backends.seqera.config import DEFAULT_API_ENDPOINT, SeqeraConfig
from pynf.backends.seqera.launch import SeqeraPlatform, unique_run_name
from pynf.backends.seqera.result import SeqeraResult
from pynf.backends.seqera.run import RemoteRun, RunProgress, watch_url
from pynf.backends.seqera.wrapper_repo import PublishedWrapper, WrapperRepo
from pynf.dispatch import execute
from pynf.types import ExecutionRequest, checked_request as _checked

__all__ = [
    "DEFAULT_API_ENDPOINT",
    "PublishedWrapper",
    "RemoteRun",
    "RunProgress",
    "SeqeraBackend",
    "SeqeraClient",
    "SeqeraConfig",
    "SeqeraPlatform",
    "SeqeraResult",
    "WrapperRepo",
    "run_module_remote",
    "unique_run_name",
    "watch_url",
]


def run_module_remote(module_id: str, request: ExecutionRequest | None = None, *, compute_env_id: str | None = None,
                      workspace_id: int | str | None = None, wait: bool = True, check: bool = True,
                      timeout: float | None = None, progress: Callable[[RunProgress], Any] | None = None,
                      **launch_options: Any):
    """Compile ``module_id`` with the request's inputs/params and run it on Seqera Platform.

    Returns a SeqeraResult (or the RemoteRun handle with ``wait=False``). Settings come from
    ``request.seqera``, overridden by ``compute_env_id`` / ``workspace_id``, then env vars and the user
    config file; they are checked before anything is compiled or sent. ``launch_options``:
    ``run_name`` and any :class:`SeqeraConfig` field (``config_profiles``, ``label_ids``, ``pre_run_script``,
    ``staging_dir``, ``stage_inputs`` ...), set on the :class:`SeqeraBackend` it runs on.
    """
    request = _checked(request)
    cfg = request.seqera or SeqeraConfig()
    overrides = {k: v for k, v in {"compute_env_id": compute_env_id, "workspace_id": workspace_id}.items()
                 if v is not None}
    run_name = launch_options.pop("run_name", None)
    backend = SeqeraBackend(cfg, **overrides, **launch_options)
    return execute(*request.converted(module_id, backend=backend, wait=wait, check=check, timeout=timeout,
                                      progress=progress, run_name=run_name))
