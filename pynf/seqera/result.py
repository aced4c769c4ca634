"""``SeqeraResult``: the outcome of a run on Seqera Platform, shaped like the local ``RunResult`` where it can be."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..bundle import MANIFEST_NAME
from ..errors import RemoteRunFailed, SeqeraError

if TYPE_CHECKING:
    from .run import RemoteRun

__all__ = ["SeqeraResult", "read_manifest", "decode_item"]

log = logging.getLogger("pynf.seqera")


def _is_local(location: str) -> bool:
    scheme = urlsplit(location).scheme
    return scheme in ("", "file") or (len(scheme) == 1 and os.name == "nt")


def _local_path(location: str) -> Path:
    return Path(urlsplit(location).path if location.startswith("file:") else location)


def read_manifest(outdir: str) -> dict | None:
    """The wrapper's manifest in ``outdir`` (a local path, or any fsspec URL when fsspec is installed)."""
    if _is_local(outdir):
        path = _local_path(outdir) / MANIFEST_NAME
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
    try:
        import fsspec  # optional extra: pip install 'pynf[fsspec]' (+ s3fs/gcsfs/adlfs)
    except ImportError:
        log.info("outdir %s is remote and fsspec is not installed; outputs not read", outdir)
        return None
    try:
        with fsspec.open(outdir.rstrip("/") + "/" + MANIFEST_NAME, "r") as fh:
            return json.load(fh)
    except (FileNotFoundError, ImportError, ValueError, OSError) as exc:
        log.info("cannot read the manifest under %s: %s", outdir, exc)
        return None


def _value(element: dict, local: bool) -> Any:
    kind = element.get("kind")
    value = element.get("value")
    if kind in ("path", "file") and local:
        if isinstance(value, list):
            return [Path(v) for v in value]
        return Path(value) if isinstance(value, str) else value
    return value


def decode_item(item: list, *, local: bool = True) -> Any:
    """One manifest item -> Python: a single value for one-element items, else a tuple (paths as Path)."""
    values = [_value(e, local) for e in item]
    return values[0] if len(values) == 1 else tuple(values)


def _paths(items: list, local: bool) -> list:
    out: list = []
    for item in items:
        for e in item:
            if e.get("kind") in ("path", "file"):
                v = e.get("value")
                for p in v if isinstance(v, list) else [v]:
                    if isinstance(p, str):
                        out.append(Path(p) if local else p)
    return out


class SeqeraResult:
    """Status, report, outputs by channel and tasks of a finished Seqera run."""

    def __init__(self, *, workflow_id: str, url: str, status: str, report: dict, outdir: str | None,
                 manifest: dict | None, tasks: list[dict] | None = None, run: RemoteRun | None = None):
        self.workflow_id = workflow_id
        self.url = url
        self.status = status
        self.report = report
        self.outdir = outdir
        self.manifest = manifest
        self._tasks = tasks
        self._run = run
        self._local = outdir is not None and _is_local(outdir)

    def __repr__(self) -> str:
        return f"SeqeraResult(workflow_id={self.workflow_id!r}, status={self.status!r}, url={self.url!r})"

    @classmethod
    def from_run(cls, run: RemoteRun, *, check: bool = True) -> SeqeraResult:
        """Collect a finished run; FAILED/CANCELLED raise RemoteRunFailed unless ``check=False``."""
        d = run.describe()
        wf = d.get("workflow") or {}
        status = str(wf.get("status") or "UNKNOWN")
        report = {
            "status": status,
            "runName": wf.get("runName"),
            "workflowId": run.workflow_id,
            "submit": wf.get("submit"),
            "start": wf.get("start"),
            "complete": wf.get("complete"),
            "duration": wf.get("duration"),
            "url": run.url,
            "errorMessage": wf.get("errorMessage"),
            "errorReport": wf.get("errorReport"),
            "exitStatus": wf.get("exitStatus"),
            "workDir": wf.get("workDir"),
            "outdir": run.outdir,
        }
        if status != "SUCCEEDED" and check:
            raise RemoteRunFailed(_failure_text(report), report=report)
        manifest = read_manifest(run.outdir) if (run.outdir and status == "SUCCEEDED") else None
        return cls(workflow_id=run.workflow_id, url=run.url, status=status, report=report,
                   outdir=run.outdir, manifest=manifest, run=run)

    @property
    def succeeded(self) -> bool:
        """True when the run ended SUCCEEDED."""
        return self.status == "SUCCEEDED"

    @property
    def outputs(self) -> dict[str, list] | None:
        """Outputs by channel (emit name or index) from the manifest; None when the outdir is not readable."""
        if self.manifest is None:
            return None
        return {k: [decode_item(i, local=self._local) for i in v]
                for k, v in (self.manifest.get("outputs") or {}).items()}

    @property
    def topics(self) -> dict[str, list]:
        """Topic channel items (e.g. ``versions``) from the manifest; empty when it is not readable."""
        if self.manifest is None:
            return {}
        return {k: [decode_item(i, local=self._local) for i in v]
                for k, v in (self.manifest.get("topics") or {}).items()}

    def get_execution_report(self) -> dict:
        """status, runName, workflowId, submit/start/complete times, url, errorMessage (and a few more)."""
        return dict(self.report)

    def get_workflow_outputs(self) -> dict[str, list] | str | None:
        """Outputs by channel when the manifest is readable, else the outdir location itself."""
        outputs = self.outputs
        return outputs if outputs is not None else self.outdir

    def get_output_files(self) -> list:
        """Every published output file (Path for local outdirs, URL strings otherwise)."""
        if self.manifest is None:
            return []
        out: list = []
        for items in (self.manifest.get("outputs") or {}).values():
            out.extend(_paths(items, self._local))
        return out

    def tasks(self) -> list[dict]:
        """Task records from the platform (fetched once)."""
        if self._tasks is None:
            if self._run is None:
                raise SeqeraError("this result is not attached to a run; tasks unavailable")
            self._tasks = self._run.tasks()
        return self._tasks

    def get_task_workdirs(self) -> dict[str, Path | str]:
        """Task name -> work directory from the platform's task list (Path when local, else the URI)."""
        return {str(t.get("name") or t.get("taskId")): (Path(t["workdir"]) if _is_local(t["workdir"]) else t["workdir"])
                for t in self.tasks() if t.get("workdir")}

    def get_stdout(self) -> str:
        """The head job's log (Nextflow's console output) as text."""
        if self._run is None:
            return ""
        return "\n".join(self._run.logs())


def _failure_text(report: dict) -> str:
    msg = report.get("errorMessage") or ""
    text = f"remote run {report.get('runName')} ({report['workflowId']}) ended {report['status']}"
    if msg:
        text += f": {msg}"
    return text + f"\n  see {report.get('url')}"
