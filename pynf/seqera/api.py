"""``run_module_remote``: compile a module for an ExecutionRequest and run it on Seqera Platform."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from .config import SeqeraConfig
from .launch import SeqeraPlatform
from .run import RunProgress

__all__ = ["run_module_remote"]


def run_module_remote(module_id: str, request: Any = None, *, compute_env_id: str | None = None,
                      workspace_id: int | str | None = None, wait: bool = True, check: bool = True,
                      timeout: float | None = None, progress: Callable[[RunProgress], Any] | None = None,
                      **launch_options: Any):
    """Compile ``module_id`` with the request's inputs/params and run it remotely; SeqeraResult (or RemoteRun).

    Settings come from ``request.seqera`` (a SeqeraConfig), overridden by ``compute_env_id`` /
    ``workspace_id``, then env vars and the user config file. They are checked before anything is
    compiled or sent, so a missing token, workspace or wrapper repository fails fast.
    """
    cfg = getattr(request, "seqera", None) or SeqeraConfig()
    overrides = {k: v for k, v in {"compute_env_id": compute_env_id, "workspace_id": workspace_id}.items()
                 if v is not None}
    if overrides:
        cfg = dataclasses.replace(cfg, **overrides)
    platform = SeqeraPlatform(cfg)

    from ..backends.seqera import SeqeraBackend
    from ..compile import compile_bundle  # provided by the compiler/renderer side

    module = getattr(request, "script_path", None) or module_id
    bundle = compile_bundle(module, process=getattr(request, "process", None),
                            inputs=getattr(request, "inputs", None),
                            params=getattr(request, "params", None) or {},
                            options=getattr(request, "options", None),
                            module_id=module_id if getattr(request, "script_path", None) else None)
    for name in ("stub", "resume", "outdir", "work_dir"):
        value = getattr(request, name, None)
        if value not in (None, False) and name not in launch_options:
            launch_options[name] = str(value) if name in ("outdir", "work_dir") else value
    return SeqeraBackend(platform=platform).submit(bundle, wait=wait, check=check, timeout=timeout,
                                                   progress=progress, **launch_options)
