"""``RunResult``: what a local run produced — status, outputs by channel, topics, tasks, directories."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pynf.render.failures import FailedItem, failure_summary
from pynf.backends.local.observer import ProcessCounts, TaskRecord
from pynf.render.manifest import ManifestOutputs
from pynf.render.reports import ReportLinks, Reports
from pynf.render.summary import result_html

__all__ = ["RunResult"]


@dataclass(frozen=True)
class RunResult(ManifestOutputs, ReportLinks):
    """The outcome of one run of a bundle on the local backend (immutable).

    ``reports`` (also ``report_path``, ``timeline_path``, ``trace_path``, ``dag_path``): this run's files
    in ``outdir/pipeline_info``; in Jupyter the result shows as a short HTML summary.
    """

    status: str  # SUCCEEDED | PARTIAL (finished, but items failed and were ignored) | FAILED
    module_id: str
    process: str
    run_name: str
    session_id: str | None
    run_dir: Path
    work_dir: Path
    outdir: Path
    log_file: Path
    duration: float
    stub: bool
    resumed: bool
    manifest: dict | None
    tasks: tuple[TaskRecord, ...] = ()
    counts: dict[str, ProcessCounts] = field(default_factory=dict)
    stdout: str = ""
    error: str | None = None
    partial: dict = field(default_factory=dict, repr=False)  # process -> outputs/topics of finished tasks
    failed_items: tuple[FailedItem, ...] = ()  # items whose task failed (ended the run, or was ignored)
    reports: Reports = field(default_factory=Reports)

    def __repr__(self) -> str:
        return (f"RunResult(status={self.status!r}, module_id={self.module_id!r}, process={self.process!r}, "
                f"run_name={self.run_name!r}, outdir={str(self.outdir)!r})")

    def _repr_html_(self) -> str:
        return result_html("RunResult", f"{self.module_id} ({self.process})", self.status, self.duration,
                           [("", self.outputs)], self.reports)

    @property
    def succeeded(self) -> bool:
        """True when the run ended successfully and no item failed (``PARTIAL`` is not a success)."""
        return self.status == "SUCCEEDED"

    @property
    def summary(self) -> str:
        """One line: the status and, when items failed, how many and which
        (``PARTIAL: 1 item failed, 3 finished (...)``)."""
        finished = sum(1 for t in self.tasks if t.status in ("COMPLETED", "CACHED"))
        stopped = sum(1 for t in self.tasks if t.status == "ABORTED")
        return failure_summary(self.status, list(self.failed_items), finished, stopped)

    @property
    def cached_tasks(self) -> int:
        """Tasks reused from an earlier run's cache (``resume=True``)."""
        return sum(1 for t in self.tasks if t.status == "CACHED")

    @property
    def executed_tasks(self) -> int:
        """Tasks that actually ran in this run (completed or failed)."""
        return sum(1 for t in self.tasks if t.status in ("COMPLETED", "FAILED"))

    def get_workflow_outputs(self) -> dict[str, list]:
        """Outputs by channel (same as :attr:`outputs`)."""
        return self.outputs

    def get_task_workdirs(self) -> dict[str, Path]:
        """Task name -> work directory, for every task of the run (cached ones included)."""
        return {t.name: t.workdir for t in self.tasks if t.workdir is not None}

    def get_stdout(self) -> str:
        """What the run printed on Nextflow's standard output (e.g. ``view()``)."""
        return self.stdout

    def get_execution_report(self) -> dict:
        """A JSON-ready summary: status, run name, session, directories, duration and per-process counts."""
        return {
            "status": self.status,
            "module_id": self.module_id,
            "process": self.process,
            "runName": self.run_name,
            "sessionId": self.session_id,
            "runDir": str(self.run_dir),
            "workDir": str(self.work_dir),
            "outdir": str(self.outdir),
            "logFile": str(self.log_file),
            "duration": self.duration,
            "stub": self.stub,
            "resumed": self.resumed,
            "errorMessage": self.error,
            "summary": self.summary,
            "failedItems": [{"process": f.process, "tag": f.tag, "meta": f.meta, "exit": f.exit_status,
                             "workdir": str(f.workdir) if f.workdir else None, "errorAction": f.error_action}
                            for f in self.failed_items],
            "reports": self.reports.as_dict(),
            "processes": {name: {"completed": c.completed, "cached": c.cached, "failed": c.failed}
                          for name, c in sorted(self.counts.items())},
            "tasks": [{"name": t.name, "process": t.process, "tag": t.tag, "status": t.status,
                       "exit": t.exit_status, "workdir": str(t.workdir) if t.workdir else None,
                       "executor": t.executor, "nativeId": t.native_id}
                      for t in self.tasks],
        }
