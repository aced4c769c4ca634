"""Launch bundles on Seqera Platform: publish the wrapper by Git, resolve ids, POST the launch, return a handle."""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

from pynf.render.bundle import Bundle, params_from_text
from pynf.render.reports import STAMP_PARAM, new_stamp
from pynf.errors import BundleError, SeqeraError
from pynf.backends.seqera.client import SeqeraClient
from pynf.backends.seqera.config import SeqeraConfig
from pynf.backends.seqera.workspaces import ComputeEnv, Workspace, lookup_compute_env, lookup_workspace
from pynf.backends.seqera.run import RemoteRun, watch_url
from pynf.backends.seqera.wrapper_repo import PublishedWrapper, WrapperRepo

__all__ = ["SeqeraPlatform", "unique_run_name"]

log = logging.getLogger("pynf.seqera")


def unique_run_name(module_id: str) -> str:
    """A run name Seqera accepts and no other run has: ``pynf-<module>-<time>-<random>``."""
    slug = re.sub(r"[^a-z0-9]+", "-", module_id.lower()).strip("-") or "module"
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
    suffix = secrets.token_hex(4)
    return f"pynf-{slug[:40].strip('-')}-{stamp}-{suffix}"


def _remote_outdir(requested: str | None, base: str | None, run_name: str) -> str | None:
    """Absolute outdir for a remote run: absolute paths/URLs stay; relative ones go under the work dir."""
    if requested and (requested.startswith("/") or urlsplit(requested).scheme):
        return requested
    if not base:
        return requested
    tail = f"/{requested.strip('/')}" if requested and requested.strip("./") else ""
    return f"{base.rstrip('/')}/pynf-out/{run_name}{tail}"


class SeqeraPlatform:
    """One configured connection to Seqera Platform (settings checked up front, ids resolved lazily)."""

    def __init__(self, config: SeqeraConfig | None = None, *, env: Mapping[str, str] | None = None,
                 need_wrapper_repo: bool = True):
        cfg = (config or SeqeraConfig()).resolved(env)
        cfg.require("access_token", "workspace_id", *(["wrapper_repo"] if need_wrapper_repo else []))
        self.config = cfg
        self.client = SeqeraClient(cfg.access_token or "", cfg.api_endpoint or "", verify=cfg.verify,
                                   timeout=cfg.request_timeout)
        self._workspace: Workspace | None = None
        self._compute_env: ComputeEnv | None = None

    def __repr__(self) -> str:
        return f"SeqeraPlatform(config={self.config!r})"

    @property
    def workspace(self) -> Workspace:
        """The configured workspace, resolved to its numeric id and names (one lookup, cached)."""
        if self._workspace is None:
            self._workspace = lookup_workspace(self.client, self.config.workspace_id or "")
        return self._workspace

    @property
    def compute_env(self) -> ComputeEnv:
        """The configured compute environment (id, name or the primary one), resolved and cached."""
        if self._compute_env is None:
            self._compute_env = lookup_compute_env(self.client, self.workspace.id, self.config.compute_env_id)
        return self._compute_env

    def wrapper_repo(self) -> WrapperRepo:
        """The wrapper repository from the settings."""
        if not self.config.wrapper_repo:
            self.config.require("wrapper_repo")
        return WrapperRepo(self.config.wrapper_repo or "", token=self.config.wrapper_repo_token,
                           username=self.config.wrapper_repo_user, branch=self.config.wrapper_branch)

    def publish(self, bundle: Bundle) -> PublishedWrapper:
        """Commit and push the bundle's wrapper (content-addressed) and say where it is."""
        return self.wrapper_repo().publish(bundle)

    def launch(self, bundle: Bundle, *, run_name: str | None = None, outdir: str | None = None,
               stub: bool = False, resume: bool | str = False, config_profiles: tuple[str, ...] | None = None,
               label_ids: tuple[int, ...] | None = None, pre_run_script: str | None = None,
               work_dir: str | None = None) -> RemoteRun:
        """Publish ``bundle``, launch it and return a RemoteRun handle (does not wait).

        ``resume`` may be the workflow id of an earlier run, or True for the latest earlier run of the
        same wrapper in the workspace: its session and work directory are reused so cached tasks are
        skipped (with no earlier run, the run starts afresh).
        """
        ws = self.workspace  # resolve first: a bad token or workspace fails before anything is pushed
        ce = self.compute_env
        published = self.publish(bundle)
        run_name = run_name or unique_run_name(bundle.module_id)
        work_dir = self.work_dir_for(work_dir)
        launched_outdir, params = self._launch_params(bundle, outdir, work_dir, run_name)
        launch: dict = {
            "pipeline": published.repo_url,
            "revision": published.commit,
            "mainScript": published.main_script,
            "paramsText": params,
            "configText": bundle.config_text,
            "computeEnvId": ce.id,
            "runName": run_name,
            "pullLatest": False,
        }
        if work_dir:
            launch["workDir"] = work_dir
        launch.update(self._extras(config_profiles, label_ids, pre_run_script, stub))
        launch.update(self._resume(bundle, published.main_script, resume))
        workflow_id = self.client.launch(ws.id, launch)
        url = watch_url(self.client.api_endpoint, workflow_id, ws.org_name, ws.name)
        log.info("launched %s as %s: %s", run_name, workflow_id, url)
        return self.attach(workflow_id, run_name=run_name, url=url, outdir=launched_outdir)

    def work_dir_for(self, work_dir: str | None = None) -> str | None:
        """The run's work dir, resolved in one place: the one given, else the configured one, else the compute
        environment's (a relative outdir and staged inputs go under it)."""
        return work_dir or self.config.work_dir or self.compute_env.work_dir

    def _launch_params(self, bundle: Bundle, outdir: str | None, work_dir: str | None,
                       run_name: str) -> tuple[str | None, str]:
        """The run's outdir and its paramsText: the bundle's params with the remote outdir and a report stamp,
        serialized once."""
        values = bundle.param_values
        final_outdir = _remote_outdir(outdir or self.config.outdir or values.get("outdir"), work_dir, run_name)
        changes: dict = {} if final_outdir is None else {"outdir": final_outdir}
        if STAMP_PARAM not in values:
            changes[STAMP_PARAM] = new_stamp()  # names the run's reports in outdir/pipeline_info
        return final_outdir, bundle.with_params(**changes).params_text

    def _extras(self, config_profiles: tuple[str, ...] | None, label_ids: tuple[int, ...] | None,
                pre_run_script: str | None, stub: bool) -> dict:
        """Launch fields for profiles, labels, the pre-run script and stub runs (arguments over the config)."""
        cfg = self.config
        out: dict = {}
        profiles = tuple(config_profiles if config_profiles is not None else cfg.config_profiles)
        if profiles:
            out["configProfiles"] = list(profiles)
        labels = tuple(label_ids if label_ids is not None else cfg.label_ids)
        if labels:
            out["labelIds"] = [int(x) for x in labels]
        script = pre_run_script if pre_run_script is not None else cfg.pre_run_script
        if script:
            out["preRunScript"] = script
        if stub:
            out["stubRun"] = True
        return out

    def _resume(self, bundle: Bundle, main_script: str, resume: bool | str) -> dict:
        """Launch fields that resume an earlier run: the given workflow id, or the latest of this wrapper."""
        previous_id = resume if isinstance(resume, str) else (self._last_run_of(bundle, main_script) if resume else None)
        if not previous_id:
            if resume:
                log.info("no earlier run of %s in this workspace: starting afresh", bundle.module_id)
            return {}
        previous = self.client.describe_launch(previous_id, self.workspace.id)
        out: dict = {"resume": True}
        if previous.get("sessionId"):
            out["sessionId"] = previous["sessionId"]
        if previous.get("resumeDir") or previous.get("workDir"):
            out["workDir"] = previous.get("resumeDir") or previous.get("workDir")
        return out

    def _last_run_of(self, bundle: Bundle, main_script: str) -> str | None:
        """Id of the newest run launched by pynf from the same wrapper script, if any."""
        prefix = unique_run_name(bundle.module_id).rsplit("-", 2)[0] + "-"
        data = self.client.get("/workflow", {"workspaceId": self.workspace.id, "search": prefix, "max": 50},
                               what="looking for an earlier run to resume") or {}
        own = re.compile(re.escape(prefix) + r"\d{14}-[0-9a-f]{8}")
        best: tuple[bool, str, str] | None = None
        for entry in data.get("workflows") or []:
            wf = entry.get("workflow") or {}
            if not own.fullmatch(str(wf.get("runName", ""))) or not wf.get("id"):
                continue
            # prefer runs of this very wrapper; other versions of the module still share cached tasks
            key = (wf.get("scriptName") == main_script, str(wf.get("submit") or wf.get("dateCreated") or ""),
                   str(wf["id"]))
            if best is None or key > best:
                best = key
        return best[2] if best else None

    def attach(self, workflow_id: str, *, run_name: str | None = None, url: str | None = None,
               outdir: str | None = None) -> RemoteRun:
        """A handle on an existing run (for status, logs, cancel, wait)."""
        cfg = self.config
        ws = self.workspace
        if outdir is None:
            try:
                launch = self.client.describe_launch(workflow_id, ws.id)
                outdir = params_from_text(launch.get("paramsText") or "").get("outdir")
            except (SeqeraError, BundleError):  # the outdir is optional for a handle
                outdir = None
        if url is None:
            url = watch_url(self.client.api_endpoint, workflow_id, ws.org_name, ws.name)
        return RemoteRun(self.client, workflow_id, ws.id, run_name=run_name, url=url, outdir=outdir,
                         poll_interval=cfg.poll_interval, max_poll_interval=cfg.max_poll_interval,
                         unknown_status_timeout=cfg.unknown_status_timeout, on_interrupt=cfg.on_interrupt)
