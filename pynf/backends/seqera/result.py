"""``SeqeraResult``: the outcome of a run on Seqera Platform, shaped like the local ``RunResult`` where it can be."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pynf.render.manifest import MANIFEST_NAME, ManifestOutputs, read_manifest_file
from pynf.errors import RemoteRunFailed, SeqeraError

if TYPE_CHECKING:
    from pynf.backends.seqera.run import RemoteRun

__all__ = ["SeqeraResult", "read_manifest"]

log = logging.getLogger("pynf.seqera")


def _is_local(location: str) -> bool:
    scheme = urlsplit(location).scheme
    return scheme in ("", "file") or (len(scheme) == 1 and os.name == "nt")


def _local_path(location: str) -> Path:
    return Path(urlsplit(location).path if location.startswith("file:") else location)


def read_manifest(outdir: str) -> dict | None:
    """The wrapper's manifest in ``outdir`` (a local path, or any fsspec URL when fsspec is installed)."""
    if _is_local(outdir):
        return read_manifest_file(_local_path(outdir))
    try:
        import fsspec  # optional extra: pip install 'pynf[fsspec]' (+ s3fs/gcsfs/adlfs)
    except ImportError:
        log.info("outdir %s is remote and fsspec is not installed; outputs not read", outdir)
        return None
    try:
        with fsspec.open(outdir.rstrip("/") + "/" + MANIFEST_NAME, "r") as fh:
            return json.load(fh)
    except Exception as exc:  # noqa: BLE001 - each fsspec backend fails its own way (botocore: NoCredentialsError)
        log.info("cannot read the manifest under %s: %s", outdir, exc)
        return None


class SeqeraResult(ManifestOutputs):
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
        self.local_paths = outdir is not None and _is_local(outdir)

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


    def get_execution_report(self) -> dict:
        """status, runName, workflowId, submit/start/complete times, url, errorMessage (and a few more)."""
        return dict(self.report)

    def get_workflow_outputs(self) -> dict[str, list] | str | None:
        """Outputs by channel when the manifest is readable, else the outdir location itself."""
        return self.outputs if self.manifest is not None else self.outdir

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
