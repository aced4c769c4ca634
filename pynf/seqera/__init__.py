"""Run compiled modules on Seqera Platform: settings, API client, wrapper repository, run handles, results."""

from __future__ import annotations

from .api import run_module_remote
from .client import SeqeraClient
from .config import DEFAULT_API_ENDPOINT, SeqeraConfig
from .launch import SeqeraPlatform, unique_run_name
from .result import SeqeraResult
from .run import RemoteRun, RunProgress, watch_url
from .wrapper_repo import PublishedWrapper, WrapperRepo

__all__ = [
    "DEFAULT_API_ENDPOINT",
    "PublishedWrapper",
    "RemoteRun",
    "RunProgress",
    "SeqeraClient",
    "SeqeraConfig",
    "SeqeraPlatform",
    "SeqeraResult",
    "WrapperRepo",
    "run_module_remote",
    "unique_run_name",
    "watch_url",
]
