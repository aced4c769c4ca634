"""``RunResult``: what a local run produced — status, outputs by channel, topics, tasks, directories."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bundle import MANIFEST_NAME
from .engine.observer import ProcessCounts, TaskRecord

__all__ = ["RunResult", "decode_manifest_item", "read_manifest_file"]


def _decode_element(element: dict) -> Any:
    kind = element.get("kind")
    value = element.get("value")
    if kind in ("path", "file"):
        if isinstance(value, list):
            return [Path(v) for v in value]
        return Path(value) if isinstance(value, str) else value
    return value


def decode_manifest_item(item: list) -> Any:
    """One manifest item -> Python: the value for one-element items, else a tuple (paths as Path, meta as dict)."""
    values = [_decode_element(e) for e in item]
    return values[0] if len(values) == 1 else tuple(values)


def read_manifest_file(outdir: Path) -> dict | None:
    """The wrapper's manifest in ``outdir`` or None when it is absent or unreadable."""
    path = Path(outdir) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _files(items: list) -> list[Path]:
    out: list[Path] = []
    for item in items:
        for e in item:
            if e.get("kind") in ("path", "file"):
                v = e.get("value")
                out.extend(Path(p) for p in (v if isinstance(v, list) else [v]) if isinstance(p, str))
    return out


@dataclass(frozen=True)
class RunResult:
    """The outcome of one run of a bundle on the local backend (immutable)."""

    status: str  # SUCCEEDED | FAILED
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

    def __repr__(self) -> str:
        return (f"RunResult(status={self.status!r}, module_id={self.module_id!r}, process={self.process!r}, "
                f"run_name={self.run_name!r}, outdir={str(self.outdir)!r})")

    @property
    def succeeded(self) -> bool:
        """True when the run ended successfully."""
        return self.status == "SUCCEEDED"

    @property
    def outputs(self) -> dict[str, list]:
        """Output channels by key (emit name or index): one decoded item per emitted value."""
        if self.manifest is None:
            return {}
        return {k: [decode_manifest_item(i) for i in v] for k, v in (self.manifest.get("outputs") or {}).items()}

    @property
    def topics(self) -> dict[str, list]:
        """Topic channels (e.g. ``versions``) by name, decoded like :attr:`outputs`."""
        if self.manifest is None:
            return {}
        return {k: [decode_manifest_item(i) for i in v] for k, v in (self.manifest.get("topics") or {}).items()}

    @property
    def cached_tasks(self) -> int:
        """Tasks reused from an earlier run's cache (``resume=True``)."""
        return sum(1 for t in self.tasks if t.status == "CACHED")

    @property
    def executed_tasks(self) -> int:
        """Tasks that actually ran in this run (completed or failed)."""
        return sum(1 for t in self.tasks if t.status in ("COMPLETED", "FAILED"))

    def get_output_files(self) -> list[Path]:
        """Every published output file listed in the manifest, channel by channel."""
        if self.manifest is None:
            return []
        out: list[Path] = []
        for items in (self.manifest.get("outputs") or {}).values():
            out.extend(_files(items))
        return out

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
            "processes": {name: {"completed": c.completed, "cached": c.cached, "failed": c.failed}
                          for name, c in sorted(self.counts.items())},
            "tasks": [{"name": t.name, "process": t.process, "tag": t.tag, "status": t.status,
                       "exit": t.exit_status, "workdir": str(t.workdir) if t.workdir else None,
                       "executor": t.executor, "nativeId": t.native_id}
                      for t in self.tasks],
        }
