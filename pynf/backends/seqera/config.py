"""Settings for remote runs on Seqera Platform: the ``SeqeraConfig`` dataclass and how missing values are found.

Every value can be given three ways, first match wins: the ``SeqeraConfig`` field, an environment
variable, and pynf's user config file (``<user config dir>/pynf/config.toml``, table ``[seqera]``).
Nothing here touches the network: a missing setting fails before any request is made.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from pynf.errors import SeqeraConfigError

__all__ = ["SeqeraConfig", "DEFAULT_API_ENDPOINT", "user_config_path", "load_user_config"]

#: The public Seqera Platform API (Seqera Cloud).
DEFAULT_API_ENDPOINT = "https://api.cloud.seqera.io"

#: Seconds one API call may take in all (retries and backoff included; each connect capped at 10 s).
DEFAULT_REQUEST_TIMEOUT = 60.0
#: Environment variable for ``request_timeout`` (CLI: ``--request-timeout``).
REQUEST_TIMEOUT_ENV = "PYNF_SEQERA_REQUEST_TIMEOUT"

# field name -> (environment variable, user-config key)
_SOURCES: dict[str, tuple[str, str]] = {
    "access_token": ("TOWER_ACCESS_TOKEN", "access_token"),
    "api_endpoint": ("TOWER_API_ENDPOINT", "api_endpoint"),
    "workspace_id": ("TOWER_WORKSPACE_ID", "workspace_id"),
    "compute_env_id": ("TOWER_COMPUTE_ENV_ID", "compute_env_id"),
    "work_dir": ("PYNF_SEQERA_WORK_DIR", "work_dir"),
    "wrapper_repo": ("PYNF_WRAPPER_REPO", "wrapper_repo"),
    "wrapper_repo_token": ("PYNF_WRAPPER_REPO_TOKEN", "wrapper_repo_token"),
    "wrapper_repo_user": ("PYNF_WRAPPER_REPO_USER", "wrapper_repo_user"),
    "staging_dir": ("PYNF_SEQERA_STAGING_DIR", "staging_dir"),
}

#: Environment variable listing local path prefixes the compute environment mounts at the same paths
#: (``os.pathsep``-separated; user config key ``shared_paths``, a list).
SHARED_PATHS_VAR = "PYNF_SEQERA_SHARED_PATHS"

_HOW = {
    "access_token": "SeqeraConfig(access_token=...) or the environment variable TOWER_ACCESS_TOKEN "
                    "(create a token under 'Your tokens' in the Platform web UI)",
    "workspace_id": "SeqeraConfig(workspace_id=...) / `--workspace` or the environment variable "
                    "TOWER_WORKSPACE_ID (a numeric id or 'Organization/Workspace')",
}

_WRAPPER_REPO_HELP = (
    "no wrapper repository is configured. Seqera Platform launches pipelines from Git repositories only "
    "(the launch API takes a repository URL and the path of the main script inside it, never script text), "
    "so pynf commits each compiled module wrapper to a Git repository that your workspace can read and "
    "launches it from there. Create an empty repository (e.g. on GitHub or GitLab, private is fine when "
    "the workspace has credentials for it) and give its URL as SeqeraConfig(wrapper_repo=...) / "
    "`--wrapper-repo`, or the environment variable PYNF_WRAPPER_REPO, or in {path} as\n"
    "  [seqera]\n  wrapper_repo = \"https://github.com/you/pynf-wrappers.git\"\n"
    "For a private HTTPS remote, put a push token in PYNF_WRAPPER_REPO_TOKEN (never in the URL)."
)


def user_config_path() -> Path:
    """Path of pynf's user config file (``platformdirs.user_config_dir("pynf")/config.toml``)."""
    return Path(platformdirs.user_config_dir("pynf")) / "config.toml"


def load_user_config() -> dict[str, Any]:
    """The ``[seqera]`` table of the user config file, or ``{}`` when the file does not exist."""
    path = user_config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SeqeraConfigError(f"cannot read pynf's user config file {path}: {exc}") from None
    table = data.get("seqera", {})
    if not isinstance(table, dict):
        raise SeqeraConfigError(f"{path}: [seqera] must be a table")
    return table


@dataclass(frozen=True)
class SeqeraConfig:
    """Where and how to run on Seqera Platform; unset fields come from env vars or the user config file."""

    workspace_id: int | str | None = None
    compute_env_id: str | None = None
    work_dir: str | None = None
    access_token: str | None = field(default=None, repr=False)
    api_endpoint: str | None = None
    wrapper_repo: str | None = None
    wrapper_repo_token: str | None = field(default=None, repr=False)
    wrapper_repo_user: str | None = None
    wrapper_branch: str | None = None
    outdir: str | None = None
    config_profiles: tuple[str, ...] = ()
    label_ids: tuple[int, ...] = ()
    pre_run_script: str | None = None
    on_interrupt: str = "cancel"
    poll_interval: float = 2.0
    max_poll_interval: float = 30.0
    unknown_status_timeout: float = 300.0
    verify: bool | str = True
    request_timeout: float | None = None
    #: where local inputs are uploaded (``<staging_dir>/pynf-inputs/<sha256>/<name>``); default: the
    #: compute environment's work dir when it is a cloud URI (s3://, gs://, az://)
    staging_dir: str | None = None
    #: None = stage local inputs when a staging location is known (else fail before launch);
    #: False = never upload (a local input the compute environment cannot read fails before launch)
    stage_inputs: bool | None = None
    #: local path prefixes the compute environment mounts at the same paths (shared filesystems):
    #: inputs under them are sent as they are
    shared_paths: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.on_interrupt not in ("cancel", "detach"):
            raise SeqeraConfigError(f"on_interrupt must be 'cancel' or 'detach', not {self.on_interrupt!r}")
        for name in ("config_profiles", "label_ids", "shared_paths"):
            value = getattr(self, name)
            if isinstance(value, str | int):
                value = (value,)
            object.__setattr__(self, name, tuple(value or ()))
        if self.request_timeout is not None:
            try:
                object.__setattr__(self, "request_timeout", float(self.request_timeout))
            except (TypeError, ValueError):
                raise SeqeraConfigError(f"request_timeout must be a number of seconds, "
                                        f"not {self.request_timeout!r}") from None
        for name in ("poll_interval", "max_poll_interval", "unknown_status_timeout", "request_timeout"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise SeqeraConfigError(f"{name} must be positive")

    def resolved(self, env: Mapping[str, str] | None = None) -> SeqeraConfig:
        """A copy with unset fields filled from env vars, then the user config file (no network)."""
        env = os.environ if env is None else env
        user: dict[str, Any] | None = None
        updates: dict[str, Any] = {}
        for name, (var, key) in _SOURCES.items():
            if getattr(self, name) not in (None, ""):
                continue
            value: Any = env.get(var) or None
            if value is None:
                if user is None:
                    user = load_user_config()
                value = user.get(key)
            if value not in (None, ""):
                updates[name] = value
        if not self.shared_paths:
            shared: Any = env.get(SHARED_PATHS_VAR) or None
            if shared is None:
                if user is None:
                    user = load_user_config()
                shared = user.get("shared_paths")
            if isinstance(shared, str):
                shared = [p for p in shared.split(os.pathsep) if p]
            if shared:
                updates["shared_paths"] = tuple(str(p) for p in shared)
        out = dataclasses.replace(self, **updates) if updates else self
        if not out.api_endpoint:
            out = dataclasses.replace(out, api_endpoint=DEFAULT_API_ENDPOINT)
        if out.request_timeout is None:
            timeout = env.get(REQUEST_TIMEOUT_ENV) or (user if user is not None else load_user_config()).get(
                "request_timeout")
            out = dataclasses.replace(out, request_timeout=timeout or DEFAULT_REQUEST_TIMEOUT)
        return out

    def require(self, *names: str) -> None:
        """Raise SeqeraConfigError naming each missing setting and both ways to give it."""
        missing = [n for n in names if getattr(self, n) in (None, "")]
        if not missing:
            return
        if "wrapper_repo" in missing and len(missing) == 1:
            raise SeqeraConfigError("Seqera: " + _WRAPPER_REPO_HELP.format(path=user_config_path()))
        lines = []
        for n in missing:
            if n == "wrapper_repo":
                lines.append("- wrapper_repo: " + _WRAPPER_REPO_HELP.format(path=user_config_path()))
            else:
                lines.append(f"- {n}: set {_HOW.get(n, f'SeqeraConfig({n}=...) or env ' + _SOURCES[n][0])}")
        raise SeqeraConfigError("Seqera settings missing (checked before contacting the platform):\n"
                                + "\n".join(lines))


def web_url_for(api_endpoint: str) -> str:
    """Web UI URL for an API endpoint: https://api.cloud.seqera.io -> https://cloud.seqera.io."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(api_endpoint.rstrip("/"))
    host = parts.netloc
    if host.startswith("api."):
        host = host[4:]
    path = parts.path
    if path.endswith("/api"):
        path = path[:-4]
    return urlunsplit((parts.scheme, host, path, "", "")).rstrip("/")
