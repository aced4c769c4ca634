"""The ``local`` backend: run a bundle in-process on the embedded Nextflow engine (JPype).

Each run has its own run directory holding the written bundle (``main.nf``, ``params.json``,
``nextflow.config``, sidecars), ``work/``, the outdir (default ``results/``), ``.nextflow/`` (the resume
cache), ``nextflow.log`` and ``pynf-run.json`` (the runs made there, with their session ids).
``resume=True`` re-runs in the same run directory with the session id of the last run recorded there;
without an explicit ``run_dir`` it picks the newest run directory of the same bundle.

Threads: runs in one process are serialized (one at a time, in call order of the lock); see
:mod:`pynf.backends.local.session`.
"""

from __future__ import annotations

import html
import json
import re
import time
import uuid
from pathlib import Path

from pynf.render.bundle import Bundle
from pynf._util import paths as _paths
from pynf._util.files import atomic_write_json
from pynf._util.history import RunRecord
from pynf.backends.local.items import in_input_order, partial_manifest, partial_outputs
from pynf.render.failures import failed_items, warn_ignored
from pynf.backends.local.observer import RunObserver, TaskRecord
from pynf.errors import EvalOutputError, RunFailed, RunTimeout, TaskFailedError
from pynf.backends.base import Backend
from pynf.backends.spec import RunPaths, RunSpec
from pynf.backends.local.result import RunResult
from pynf.backends.local.session import new_run_name, run_script
from pynf.render.manifest import run_manifest, warn_layout
from pynf.render.wrapper_errors import remote_input_error
from pynf.render.reports import STAMP_PARAM, Reports, new_stamp

__all__ = ["LocalBackend", "RUN_RECORD", "stderr_tail"]

#: File in a run directory recording the runs made there.
RUN_RECORD = "pynf-run.json"
_TAIL_LINES = 20


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:60] or "module"


def stderr_tail(workdir: Path | None, lines: int = _TAIL_LINES) -> str:
    """Last ``lines`` lines of a task's ``.command.err`` ('' when absent)."""
    if workdir is None:
        return ""
    try:
        text = (workdir / ".command.err").read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip("\n").splitlines()[-lines:])


def _read_record(run_dir: Path) -> dict:
    try:
        data = json.loads((run_dir / RUN_RECORD).read_text())
        return data if isinstance(data, dict) else {"runs": []}
    except (OSError, ValueError):
        return {"runs": []}


def _write_record(run_dir: Path, entry: dict) -> None:
    data = _read_record(run_dir)
    data.setdefault("runs", []).append(entry)
    atomic_write_json(run_dir / RUN_RECORD, data)


class LocalBackend(Backend):
    """Runs bundles on this process's embedded Nextflow engine."""

    name = "local"

    def __init__(self, runs_root: str | Path | None = None):
        self.runs_root = Path(runs_root).absolute() if runs_root else None

    def __repr__(self) -> str:
        return f"LocalBackend(runs_root={str(self._root())!r})"

    def _root(self) -> Path:
        return self.runs_root or _paths.default_runs_root()

    def _run_dir(self, bundle: Bundle, run_dir, resume) -> Path:
        if run_dir is not None:
            return Path(run_dir).expanduser().absolute()
        prefix = f"{_slug(bundle.module_id)}-{bundle.content_hash}-"
        if resume:
            earlier = sorted(p for p in self._root().glob(prefix + "*") if (p / RUN_RECORD).exists())
            if earlier:
                return earlier[-1]
        return self._root() / (prefix + time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6])

    def _submit(self, bundle: Bundle, spec: RunSpec) -> RunResult:
        """Run ``bundle``; return its RunResult or raise TaskFailedError / RunFailed (``check=False``: return it).

        ``spec.resume``: True reuses the last session of the run directory, a string is a session id.
        ``spec.progress``: called with a :class:`~pynf.backends.local.observer.Snapshot` on every task
        event (from Nextflow's threads). A relative ``outdir`` in the spec is relative to the current
        directory; a relative ``outdir`` in the bundle's params (default ``results``) to the run directory.
        """
        rdir = self._run_dir(bundle, spec.run_dir, spec.resume)
        rdir.mkdir(parents=True, exist_ok=True)
        paths = spec.local_paths(rdir, bundle.param_values.get("outdir"))
        stamp = new_stamp(paths.outdir)  # names this run's reports in outdir/pipeline_info
        resume_id = _resume_id(rdir, spec.resume)
        bundle.with_params(outdir=str(paths.outdir), **{STAMP_PARAM: stamp}).write(rdir)
        observer = RunObserver(callback=spec.progress)
        name = spec.run_name or new_run_name()
        record = RunRecord(run_name=name, kind="workflow" if bundle.steps else "module",
                           name=bundle.module_id, process=bundle.process, outdir=paths.outdir, run_dir=rdir,
                           work_dir=paths.work_dir)
        record.data["report_stamp"] = stamp  # names this run's files in pipeline_info/
        record.start()
        try:
            run = run_script(rdir / "main.nf", run_dir=rdir, params_file=rdir / "params.json",
                             config_file=rdir / "nextflow.config", work_dir=paths.work_dir, outdir=paths.outdir,
                             stub=spec.stub, resume_id=resume_id, observer=observer, run_name=name,
                             timeout=spec.timeout, command_line=_report_command(spec, bundle))
        except BaseException as exc:
            record.end("INTERRUPTED" if isinstance(exc, KeyboardInterrupt) else "FAILED", str(exc))
            raise
        result = _result(bundle, spec, run, observer, paths, stamp, resume_id)
        record.end(result.status, run.error)
        _write_record(rdir, {"run_name": run.run_name, "session_id": run.session_id, "status": result.status,
                             "stub": bool(spec.stub), "resumed_from": resume_id, "bundle_hash": bundle.content_hash,
                             "module_id": bundle.module_id, "process": bundle.process,
                             "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "seconds": run.seconds})
        return _checked(result, spec, run, observer)


def _resume_id(run_dir: Path, resume: bool | str) -> str | None:
    """The session a run resumes: the one given, the last recorded in ``run_dir`` (``resume=True``), or None."""
    if isinstance(resume, str) and resume:
        return resume
    if resume:
        runs = [r for r in _read_record(run_dir).get("runs", []) if r.get("session_id")]
        return runs[-1]["session_id"] if runs else None
    return None


def _result(bundle: Bundle, spec: RunSpec, run, observer: RunObserver, paths: RunPaths, stamp: str,
            resume_id: str | None) -> RunResult:
    """The RunResult of a finished engine run: status, manifest (or the finished items' outputs), tasks."""
    failed = failed_items(observer.failed_tasks)
    status = ("PARTIAL" if failed else "SUCCEEDED") if run.success else "FAILED"
    unordered = "fair = false" in bundle.config_text  # error_strategy "ignore": items come as tasks end
    partial = partial_outputs(observer.finished_items()) if failed or unordered or not run.success else {}
    observer.done_tasks.clear()  # the Java tasks are not needed any more
    if run.success:
        manifest = run_manifest(paths.outdir, run.run_name)
        manifest = in_input_order(manifest, partial) if unordered else manifest
    else:  # no manifest was written: the outputs of the items that finished
        manifest = partial_manifest(bundle, partial)
    return RunResult(status=status, module_id=bundle.module_id, process=bundle.process, run_name=run.run_name,
                     session_id=run.session_id, run_dir=paths.run_dir, work_dir=paths.work_dir, outdir=paths.outdir,
                     log_file=run.log_file, duration=run.seconds, stub=bool(spec.stub),
                     resumed=resume_id is not None, manifest=manifest, tasks=tuple(observer.tasks),
                     counts=dict(observer.counts), stdout=run.stdout,
                     error=_timeout_text(run, spec.timeout) if run.timed_out else run.error,
                     partial=partial, failed_items=tuple(failed), reports=Reports.at(paths.outdir, stamp))


def _checked(result: RunResult, spec: RunSpec, run, observer: RunObserver) -> RunResult:
    """``result``, after warnings; a timed-out or failed run raises unless ``spec.check`` is False."""
    if result.failed_items and run.success:
        warn_ignored(result.summary)
    warn_layout(result.manifest)
    if run.timed_out and spec.check:
        raise RunTimeout(result.error, timeout=float(spec.timeout or 0), waiting_for=run.waiting_for, result=result)
    if not run.success and spec.check:
        raise _failure(result, observer.failed_tasks, run.error, run.eval_failure)
    return result


def _report_command(spec: RunSpec, bundle: Bundle) -> str:
    """The execution report's "Nextflow command": what was called (the report shows it as HTML, unescaped)."""
    return html.escape(spec.command_line or f"pynf: {bundle.module_id} ({bundle.process})", quote=False)


def _timeout_text(run, timeout: float | None) -> str:
    lines = [f"Run {run.run_name} did not finish within {timeout:g} s and was aborted; it was waiting for:"]
    lines.extend("  " + w for w in run.waiting_for or ("the script to start (no process had been created yet)",))
    lines.append(f"  log: {run.log_file}")
    return "\n".join(lines)


def _eval_error(result: RunResult, task: TaskRecord | None, failure: dict) -> EvalOutputError:
    label = (f"{task.process} ({task.tag})" if task.tag else task.name) if task else result.process
    output = failure["output"].rstrip("\n")
    lines = [f"Process {label}: the command of an eval output failed with exit status {failure['status']} "
             f"(the task's script itself succeeded)", f"  command: {failure['command']}"]
    if output:
        lines.append("  its stderr:")
        lines.extend("    " + line for line in output.splitlines()[-_TAIL_LINES:])
    if task is not None:
        lines.append(f"  work dir: {task.workdir}")
    lines.append(f"  log: {result.log_file}")
    return EvalOutputError("\n".join(lines), command=failure["command"], process=task.process if task else None,
                           tag=task.tag if task else None, exit_status=failure["status"], stderr_tail=output,
                           workdir=str(task.workdir) if task and task.workdir else None, result=result)


def _failure(result: RunResult, failed: list[TaskRecord], error: str | None,
             eval_failure: dict | None = None) -> RunFailed:
    if eval_failure is not None:
        return _eval_error(result, failed[0] if failed else None, eval_failure)
    if failed:
        task = failed[0]
        tail = stderr_tail(task.workdir)
        label = f"{task.process} ({task.tag})" if task.tag else task.name
        status = f"exit status {task.exit_status}" if task.exit_status is not None else "an error"
        lines = [f"Process {label} failed with {status}", f"  work dir: {task.workdir}"]
        if task.container:
            lines.append(f"  container: {task.container} ({task.container_engine})")
        job = _scheduler_account(task, error)
        if job is not None:
            if job.job_id is None:  # any exit status is the submit command's
                said = f": sbatch exited with status {task.exit_status}" if task.exit_status is not None else ""
                lines[0] = f"Process {label} was not submitted to Slurm{said}"
            lines[1:1] = ["  " + line for line in job.lines()]
        if tail:
            lines.append("  .command.err (last lines):")
            lines.extend("    " + line for line in tail.splitlines())
        if error:
            lines.append("  nextflow: " + error.splitlines()[0])
        lines.append(f"  log: {result.log_file}")
        exc: RunFailed = TaskFailedError("\n".join(lines), process=task.process, tag=task.tag,
                                         exit_status=task.exit_status, stderr_tail=tail,
                                         workdir=str(task.workdir) if task.workdir else None, result=result,
                                         job_id=job.job_id if job else None, reason=job.reason if job else None,
                                         container=task.container)
    elif (remote := remote_input_error(error, result)) is not None:
        exc = remote
    else:
        exc = RunFailed(f"Run {result.run_name} failed: {error or 'unknown error'}\n  log: {result.log_file}",
                        result=result)
    return exc


def _scheduler_account(task: TaskRecord, error: str | None):
    """Slurm's reason for a failed task it ran (or refused), else None."""
    if task.executor != "slurm":
        return None
    from .slurm import explain

    return explain(task.native_id, exit_status=task.exit_status, workdir=task.workdir, run_error=error)
