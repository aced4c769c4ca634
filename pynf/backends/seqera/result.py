"""``SeqeraResult``: the outcome of a run on Seqera Platform, shaped like the local ``RunResult`` where it can be."""

from __future__ import annotations

import json
import logging
import os
import posixpath
import shutil
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from pynf.render.failures import FailedItem, failed_items, failure_summary, warn_ignored
from pynf.render.manifest import MANIFEST_NAME, ManifestOutputs, read_manifest_file, warn_layout
from pynf.render.reports import ReportLinks, Reports, reports_from_manifest
from pynf.render.summary import result_html
from pynf.errors import InputError, PynfError, RemoteRunFailed, SeqeraError
from pynf.backends.staging.storage import filesystem, is_uri, scheme_of, strip_scheme



class FinishedRun(Protocol):
    """What a result reads from its run handle (:class:`~pynf.backends.seqera.run.RemoteRun` offers it)."""

    workflow_id: str
    process: str | None
    outdir: str | None

    @property
    def url(self) -> str:
        """The run's watch URL."""

    def describe(self) -> dict:
        """The platform's description of the run."""

    def tasks(self) -> list[dict]:
        """The run's tasks."""

    def logs(self) -> Any:
        """The run's log lines."""

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
        fs, root = filesystem(outdir, what="reading the outputs of a remote run")
    except PynfError as exc:  # optional extras: pip install 'pynf[s3]' / 'pynf[gcs]' / 'pynf[azure]'
        log.warning("outdir %s: %s; outputs not read", outdir, exc)
        return None
    try:
        with fs.open(root.rstrip("/") + "/" + MANIFEST_NAME, "r") as fh:
            return json.load(fh)
    except Exception as exc:  # noqa: BLE001 - best effort: back-ends raise their own errors (e.g. no credentials)
        log.info("cannot read the manifest under %s: %s: %s", outdir, type(exc).__name__, exc)
        return None


class SeqeraResult(ManifestOutputs, ReportLinks):
    """Status, report, outputs by channel and tasks of a finished Seqera run.

    ``url`` is the run's page on the platform (its own reports); ``reports`` (``report_path`` ...) are the
    execution report, timeline, trace and DAG the wrapper wrote into ``outdir/pipeline_info`` (URIs for a
    remote outdir), which :meth:`download` copies too.
    """

    def __init__(self, *, workflow_id: str, url: str, status: str, report: dict, outdir: str | None,
                 manifest: dict | None, tasks: list[dict] | None = None, run: FinishedRun | None = None):
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
    def from_run(cls, run: FinishedRun, *, check: bool = True) -> SeqeraResult:
        """Collect a finished run; FAILED/CANCELLED raise RemoteRunFailed unless ``check=False``."""
        d = run.describe()
        wf = d.get("workflow") or {}
        status = str(wf.get("status") or "UNKNOWN")
        report = {
            "status": status,
            "process": run.process,
            "runName": wf.get("runName"),
            "workflowId": run.workflow_id,
            "submit": wf.get("submit"),
            "start": wf.get("start"),
            "complete": wf.get("complete"),
            "duration": wf.get("duration") if wf.get("duration") is not None else _duration_ms(wf),
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
        warn_layout(manifest)
        result = cls(workflow_id=run.workflow_id, url=run.url, status=status, report=report,
                     outdir=run.outdir, manifest=manifest, run=run)
        if status == "SUCCEEDED" and result.failed_items:  # error_strategy "ignore": never silent
            result.status = "PARTIAL"
            warn_ignored(result.summary)
        return result

    @property
    def succeeded(self) -> bool:
        """True when the run ended SUCCEEDED."""
        return self.status == "SUCCEEDED"

    @property
    def failed_items(self) -> tuple[FailedItem, ...]:
        """Items whose task failed (ended the run, or was ignored), from the platform's task records."""
        return tuple(failed_items([_TaskRecord(t) for t in self.tasks()]))

    @property
    def summary(self) -> str:
        """One line: the status and, when items failed, how many and which (as ``RunResult.summary``)."""
        finished = sum(1 for t in self.tasks() if t.get("status") in ("COMPLETED", "CACHED"))
        stopped = sum(1 for t in self.tasks() if t.get("status") == "ABORTED")
        return failure_summary(self.status, list(self.failed_items), finished, stopped)

    @property
    def reports(self) -> Reports:
        """The execution report, timeline, trace and DAG the manifest lists (``Reports()`` when none)."""
        return reports_from_manifest(self.manifest, local=self.local_paths)

    def _repr_html_(self) -> str:
        ms = self.report.get("duration")  # the platform's milliseconds
        name = f"{self.report.get('runName') or self.workflow_id} ({self.report.get('process')})"
        return result_html("SeqeraResult", name, self.status, ms / 1000 if isinstance(ms, (int, float)) else None,
                           [("", self.outputs)], self.reports, url=self.url)


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

    def download(self, dest: str | os.PathLike[str], channels: str | Iterable[str] | None = None, *,
                 workers: int = 4) -> dict[str, list]:
        """Copy the published outputs (every channel, or those named) into the local directory ``dest``.

        Returns them shaped like :attr:`outputs` with local :class:`~pathlib.Path` values; files keep
        their place relative to the outdir (``dest/<path under outdir>``); the run's reports go to
        ``dest/pipeline_info/`` when the wrapper wrote them. Remote outdirs need the
        matching extra (``pynf[s3]``, ``pynf[gcs]``, ``pynf[azure]``).
        """
        if self.manifest is None or not self.outdir:
            raise SeqeraError(f"run {self.workflow_id} ({self.status}): no output manifest was read from its outdir "
                              f"{self.outdir!r}, so there is nothing to download")
        known = list((self.manifest.get("outputs") or {}))
        wanted = known if channels is None else ([channels] if isinstance(channels, str) else list(channels))
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise InputError(f"run {self.workflow_id} has no output channel {', '.join(map(repr, unknown))}; "
                             f"its channels: {', '.join(known) or '(none)'}")
        root = Path(dest).absolute()
        plan: dict[str, tuple[str, Path]] = {}
        for key in wanted:
            for item in self.manifest["outputs"][key]:
                for element in item:
                    if element.get("kind") in ("path", "file"):
                        value = element.get("value")
                        for v in value if isinstance(value, list) else [value]:
                            if isinstance(v, str) and v not in plan:
                                source, rel = _source(self.outdir, v)
                                plan[v] = (source, root.joinpath(*rel.split("/")))
        reports = [_source(self.outdir, v) for v in self.reports.as_dict().values() if v is not None and v not in plan]
        root.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="pynf-download") as pool:
            list(pool.map(lambda pair: _copy(*pair), plan.values()))
            list(pool.map(lambda pair: _copy_report(pair[0], root.joinpath(*pair[1].split("/"))), reports))
        _write_manifest(root, self.manifest)  # so pynf.load(dest) rebuilds this result from the local copies
        log.info("downloaded %d output(s) of run %s into %s", len(plan), self.workflow_id, root)
        return self._decoded("outputs", path=lambda v: plan[v][1], keys=set(wanted))

    def get_stdout(self) -> str:
        """The head job's log (Nextflow's console output) as text."""
        if self._run is None:
            return ""
        return "\n".join(self._run.logs())


class _TaskRecord:
    """A platform task record (``Task`` of the API) read as :func:`failed_items` reads the engine's."""

    def __init__(self, task: dict):
        self.status, self.name, self.process = task.get("status"), task.get("name"), task.get("process") or ""
        self.tag = task.get("tag") or None
        self.exit_status = task.get("exitStatus", task.get("exit"))
        self.workdir = task.get("workdir") or None
        self.error_action = task.get("errorAction") or None


def _write_manifest(root: Path, manifest: dict) -> None:
    """The run's manifest, as written, into the download directory (tmp + rename)."""
    tmp = root / f".{MANIFEST_NAME}.tmp"
    tmp.write_text(json.dumps(manifest) + "\n", encoding="utf-8")
    os.replace(tmp, root / MANIFEST_NAME)


def _source(outdir: str, value: str) -> tuple[str, str]:
    """Where a manifest path is read from, and its path relative to the outdir (else its name).

    A manifest written by Nextflow may spell an object-store path as ``s3://bucket/key`` or as
    ``/bucket/key`` (``Path.toString()`` of a cloud path); both are matched against the outdir.
    """
    if _is_local(outdir):
        base = str(_local_path(outdir)).rstrip("/")
        local = str(_local_path(value))
        rel = local[len(base) + 1:] if local.startswith(base + "/") else posixpath.basename(local.rstrip("/"))
        return local, _safe(rel, value)
    base, path = strip_scheme(outdir), strip_scheme(value)
    if path.startswith(base + "/"):
        rel = path[len(base) + 1:]
        return outdir.rstrip("/") + "/" + rel, _safe(rel, value)
    source = value if is_uri(value) else f"{scheme_of(outdir)}://{path}"
    return source, _safe(posixpath.basename(path), value)


def _safe(rel: str, value: str) -> str:
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise SeqeraError(f"output path {value!r} cannot be placed in the download directory")
    return "/".join(parts)


def _copy(source: str, target: Path) -> None:
    """Copy one output file or directory (local or remote) to the local ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not is_uri(source):
        src = Path(source)
        if src.is_dir():
            shutil.copytree(src, target, dirs_exist_ok=True)
        elif src.exists():
            shutil.copy2(src, target)
        else:
            raise SeqeraError(f"output {source} does not exist (any more)")
        return
    fs, path = filesystem(source, what="downloading outputs")
    try:
        if fs.isdir(path):
            for f in fs.find(path):
                rel = f[len(path.rstrip("/")) + 1:]
                out = target.joinpath(*_safe(rel, f).split("/"))
                out.parent.mkdir(parents=True, exist_ok=True)
                fs.get_file(f, str(out))
        else:
            fs.get_file(path, str(target))
    except FileNotFoundError:
        raise SeqeraError(f"output {source} does not exist (any more)") from None
    except Exception as exc:  # noqa: BLE001 - back-ends raise their own errors (credentials, network)
        raise SeqeraError(f"downloading {source} failed: {type(exc).__name__}: {exc}") from None


def _duration_ms(wf: dict) -> int | None:
    """Milliseconds from ``start`` (else ``submit``) to ``complete`` when the record leaves ``duration`` out."""
    from datetime import datetime

    begin, end = wf.get("start") or wf.get("submit"), wf.get("complete")
    if not begin or not end:
        return None
    try:
        t0, t1 = (datetime.fromisoformat(str(v).replace("Z", "+00:00")) for v in (begin, end))
        return max(0, round((t1 - t0).total_seconds() * 1000))
    except (TypeError, ValueError):
        return None
def _copy_report(source: str, target: Path) -> None:
    """Copy one of the run's reports when it is there (the manifest names the files the config asked for)."""
    try:
        _copy(source, target)
    except SeqeraError as exc:
        log.info("report not downloaded: %s", exc)


def _failure_text(report: dict) -> str:
    msg = report.get("errorMessage") or ""
    text = f"remote run {report.get('runName')} ({report['workflowId']}) ended {report['status']}"
    if msg:
        text += f": {msg}"
    return text + f"\n  see {report.get('url')}"
