"""Turn user-facing names into platform ids: workspace (id or ``Org/Workspace``) and compute environment."""

from __future__ import annotations

from dataclasses import dataclass

from pynf.errors import SeqeraConfigError, SeqeraNotFound
from pynf.backends.seqera.client import SeqeraClient

__all__ = ["Workspace", "ComputeEnv", "lookup_workspace", "lookup_compute_env"]


@dataclass(frozen=True)
class Workspace:
    """A resolved workspace: numeric id plus the organization and workspace names (for watch URLs)."""

    id: int
    org_name: str | None
    name: str | None


@dataclass(frozen=True)
class ComputeEnv:
    """A resolved compute environment: id, name and its default work directory."""

    id: str
    name: str | None
    work_dir: str | None


def lookup_workspace(client: SeqeraClient, ref: int | str) -> Workspace:
    """Find a workspace by numeric id or by ``Organization/Workspace`` among the token's workspaces."""
    text = str(ref).strip()
    by_id = text.isdigit()
    if not by_id and text.count("/") != 1:
        raise SeqeraConfigError(f"workspace {text!r}: give a numeric workspace id or 'Organization/Workspace'")
    user = client.user_info().get("user") or {}
    if user.get("id") is None:
        raise SeqeraNotFound("the platform did not say which user this token belongs to (GET /user-info)")
    entries = [e for e in client.workspaces(int(user["id"])) if e.get("workspaceId") is not None]
    if by_id:
        for e in entries:
            if int(e["workspaceId"]) == int(text):
                return Workspace(int(e["workspaceId"]), e.get("orgName"), e.get("workspaceName"))
    else:
        org, name = text.split("/")
        for e in entries:
            if e.get("orgName") == org and e.get("workspaceName") == name:
                return Workspace(int(e["workspaceId"]), e.get("orgName"), e.get("workspaceName"))
    known = sorted(f"{e.get('orgName')}/{e.get('workspaceName')} ({e['workspaceId']})" for e in entries)
    raise SeqeraNotFound(f"workspace {text!r} is not one of this token's workspaces: "
                         + (", ".join(known) or "none"))


def lookup_compute_env(client: SeqeraClient, workspace_id: int, ref: str | None) -> ComputeEnv:
    """Find an AVAILABLE compute environment by id or name; ``None`` or ``"primary"`` means the primary one."""
    envs = client.compute_envs(workspace_id, status="AVAILABLE")
    if ref in (None, "", "primary"):
        for ce in envs:
            if ce.get("primary"):
                return ComputeEnv(str(ce["id"]), ce.get("name"), ce.get("workDir"))
        raise SeqeraNotFound(f"workspace {workspace_id} has no primary compute environment; choose one with "
                             "SeqeraConfig(compute_env_id=...) / `--compute-env` or TOWER_COMPUTE_ENV_ID "
                             f"(available: {_names(envs)})")
    for key in ("id", "name"):
        for ce in envs:
            if str(ce.get(key)) == ref:
                return ComputeEnv(str(ce["id"]), ce.get("name"), ce.get("workDir"))
    raise SeqeraNotFound(f"compute environment {ref!r} is not an AVAILABLE compute environment of workspace "
                         f"{workspace_id} (available: {_names(envs)})")


def _names(envs: list[dict]) -> str:
    return ", ".join(f"{ce.get('name')} ({ce.get('id')})" for ce in envs) or "none"
