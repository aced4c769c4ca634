"""Nextflow's execution report, timeline, trace and DAG of a run, kept in ``outdir/pipeline_info/``.

The config (``RunOptions(reports=True)``, the default) asks Nextflow for the four files under the names
nf-core pipelines use, each carrying the run's time stamp, so reruns into one outdir keep earlier reports
apart.  The stamp is not part of the rendered text (compiles stay deterministic): the backend passes it as
the param :data:`STAMP_PARAM` when the run starts; a bundle run without it (``nextflow run`` of an export)
stamps with the clock.  The wrapper lists the current run's files in the manifest under ``reports``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["KINDS", "PIPELINE_INFO", "STAMP_PARAM", "ReportLinks", "Reports", "config_context", "file_names",
           "new_stamp", "reports_from_manifest"]

#: Folder of the outdir that holds the reports.
PIPELINE_INFO = "pipeline_info"
#: The param carrying the run's time stamp (``yyyy-MM-dd_HH-mm-ss``, as nf-core's).
STAMP_PARAM = "pynf_run_stamp"
#: The four files: config scope -> file name prefix and suffix (``<prefix><stamp><suffix>``).
KINDS = {
    "report": ("execution_report_", ".html"),
    "timeline": ("execution_timeline_", ".html"),
    "trace": ("execution_trace_", ".txt"),
    "dag": ("pipeline_dag_", ".html"),
}


def file_names(stamp: str) -> dict[str, str]:
    """Kind -> file name for ``stamp`` (``{"report": "execution_report_<stamp>.html", ...}``)."""
    return {kind: f"{prefix}{stamp}{suffix}" for kind, (prefix, suffix) in KINDS.items()}


def config_context(enabled: bool) -> dict[str, Any]:
    """What the config templates' ``pipeline_info`` macro needs (one source for names and folder)."""
    return {"enabled": bool(enabled), "folder": PIPELINE_INFO, "stamp_param": STAMP_PARAM,
            "kinds": [(kind, prefix, suffix) for kind, (prefix, suffix) in KINDS.items()]}


def new_stamp(outdir: str | Path | None = None, now: float | None = None) -> str:
    """A stamp for a run starting now; for a local ``outdir``, one no earlier run there used yet."""
    base = time.strftime("%Y-%m-%d_%H-%M-%S", time.localtime(now))
    if outdir is None:
        return base
    folder = Path(outdir) / PIPELINE_INFO
    stamp, n = base, 2
    while any((folder / name).exists() for name in file_names(stamp).values()):
        stamp, n = f"{base}_{n}", n + 1
    return stamp


@dataclass(frozen=True)
class Reports:
    """Where a run's execution report, timeline, trace and DAG are (``None``: not written).

    Values are local :class:`~pathlib.Path` s, or URI strings for a remote outdir.
    """

    report: Any = None
    timeline: Any = None
    trace: Any = None
    dag: Any = None

    @classmethod
    def at(cls, outdir: str | Path, stamp: str, *, existing: bool = True) -> Reports:
        """The files of the run stamped ``stamp`` in the local ``outdir`` (only those that exist)."""
        folder = Path(outdir) / PIPELINE_INFO
        paths = {kind: folder / name for kind, name in file_names(stamp).items()}
        return cls(**{k: p for k, p in paths.items() if not existing or p.is_file()})

    def as_dict(self) -> dict[str, str | None]:
        """Kind -> path as text (``None`` when absent); JSON-ready."""
        return {kind: None if getattr(self, kind) is None else str(getattr(self, kind)) for kind in KINDS}

    def __bool__(self) -> bool:
        return any(getattr(self, kind) is not None for kind in KINDS)


def reports_from_manifest(manifest: dict | None, *, local: bool = True) -> Reports:
    """The ``reports`` section of a manifest (paths when ``local``, else URI strings)."""
    section = (manifest or {}).get("reports")
    if not isinstance(section, dict):
        return Reports()
    values = {k: section.get(k) for k in KINDS if isinstance(section.get(k), str) and section.get(k)}
    return Reports(**{k: Path(v) if local else v for k, v in values.items()})


class ReportLinks:
    """``report_path``, ``timeline_path``, ``trace_path``, ``dag_path`` of a result that has ``reports``."""

    reports: Reports

    @property
    def report_path(self) -> Any:
        """The execution report (HTML: processes, tasks, CPU, memory, time), or None."""
        return self.reports.report

    @property
    def timeline_path(self) -> Any:
        """The timeline (HTML: each task's wait and run time), or None."""
        return self.reports.timeline

    @property
    def trace_path(self) -> Any:
        """The trace (tab-separated, one row per task), or None."""
        return self.reports.trace

    @property
    def dag_path(self) -> Any:
        """The DAG of processes and channels (HTML with a Mermaid diagram), or None."""
        return self.reports.dag
