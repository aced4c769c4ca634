"""``pynf.load(outdir)``: a finished run's result rebuilt from the manifest in its outdir, without running anything.

The manifest (written by the wrapper only for a run that completed) holds every output by emit with its
meta, the topics, where the run published (``outdir``), the run's name, session, times and task counts,
and for a workflow its steps.  Paths recorded under the run's own outdir are read relative to the directory
loaded, so an outdir that was moved or fetched (``SeqeraResult.download``) loads with its local files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pynf.errors import InputError
from pynf.render.manifest import MANIFEST_NAME, ManifestOutputs, read_manifest_file

__all__ = ["load", "LoadedResult"]


def _is_uri(text: str) -> bool:
    head, sep, _ = text.partition("://")
    return bool(sep) and head.isalnum() and len(head) > 1


@dataclass(frozen=True)
class LoadedResult(ManifestOutputs):
    """A module run read back from its outdir: outputs, topics and report as the run left them."""

    outdir: Path
    manifest: dict
    local_paths: bool = True

    def __repr__(self) -> str:
        return f"LoadedResult(process={self.process!r}, run_name={self.run_name!r}, outdir={str(self.outdir)!r})"

    @property
    def _run(self) -> dict:
        run = self.manifest.get("run")
        return run if isinstance(run, dict) else {}

    @property
    def status(self) -> str:
        """``SUCCEEDED``: a manifest is written only for a run that completed."""
        return "SUCCEEDED" if self._run.get("success", True) else "FAILED"

    @property
    def succeeded(self) -> bool:
        """True when the run ended successfully."""
        return self.status == "SUCCEEDED"

    @property
    def process(self) -> str | None:
        """The process (a workflow: its processes, comma-separated)."""
        steps = self.manifest.get("steps") or {}
        if steps:
            return ",".join(str(i.get("process")) for i in steps.values())
        return self.manifest.get("process")

    @property
    def module_id(self) -> str | None:
        """The module the run ran (a workflow: the workflow's name)."""
        return self.manifest.get("workflow") or self.manifest.get("module")

    @property
    def run_name(self) -> str | None:
        """Nextflow's name of the run."""
        return self._run.get("name")

    @property
    def session_id(self) -> str | None:
        """The run's session id (``resume`` reuses it)."""
        return self._run.get("session")

    @property
    def duration(self) -> float | None:
        """Seconds from start to end of the run."""
        millis = self._run.get("duration")
        return millis / 1000 if isinstance(millis, (int, float)) else None

    def get_workflow_outputs(self) -> dict[str, list]:
        """Outputs by channel (same as :attr:`outputs`)."""
        return self.outputs

    def get_task_workdirs(self) -> dict:
        """Empty: a loaded result knows no work directories (they may be gone)."""
        return {}

    def get_stdout(self) -> str:
        """Empty: the console output is not kept in the outdir."""
        return ""

    def get_execution_report(self) -> dict:
        """A JSON-ready summary from the manifest: status, run name, session, times, duration, task counts."""
        run = self._run
        tasks = run.get("tasks") or {}
        return {"status": self.status, "module_id": self.module_id, "process": self.process,
                "runName": self.run_name, "sessionId": self.session_id, "outdir": str(self.outdir),
                "start": run.get("start"), "complete": run.get("complete"), "duration": self.duration,
                "stub": run.get("stub"), "resumed": run.get("resumed"), "nextflow": run.get("nextflow"),
                "tasks": dict(tasks), "loaded": True}


def load(outdir: str | os.PathLike[str]):
    """The result of the run that published into ``outdir``, rebuilt from its manifest (nothing runs).

    A module run gives a :class:`LoadedResult` (``outputs``, ``topics``, ``get_execution_report()``); a workflow run a :class:`~pynf.workflow.WorkflowResult` (``result[step]``).
    Raises :class:`~pynf.errors.InputError` when ``outdir`` holds no readable manifest.
    """
    root = Path(outdir).expanduser().absolute()
    manifest = read_manifest_file(root)
    if manifest is None or not isinstance(manifest.get("outputs"), dict):
        why = "does not exist" if not root.exists() else f"has no readable {MANIFEST_NAME}"
        raise InputError(f"{root} {why}: it is not the outdir of a completed pynf run", input="outdir")
    manifest, local = _rebased(manifest, root)
    loaded = LoadedResult(outdir=root, manifest=manifest, local_paths=local)
    if not manifest.get("workflow"):
        return loaded
    from pynf.workflow.result import WorkflowResult

    steps = {name: {"process": info.get("process"), "module": info.get("module"),
                    "topics": info.get("topic_outputs") or {}}
             for name, info in (manifest.get("steps") or {}).items()}
    return WorkflowResult(workflow=str(manifest["workflow"]), run=loaded, steps=steps)


def _rebased(manifest: dict, root: Path) -> tuple[dict, bool]:
    """The manifest with paths under the run's recorded outdir moved under ``root`` (where they exist there),
    and whether every path is then local."""
    base = manifest.get("outdir")
    base = base[len("file://"):] if isinstance(base, str) and base.startswith("file://") else base
    base = base.rstrip("/") if isinstance(base, str) and base else None
    remote = False

    def move(value: Any) -> Any:
        nonlocal remote
        if isinstance(value, list):
            return [move(v) for v in value]
        if not isinstance(value, str):
            return value
        if base and value.startswith(base + "/"):
            local = root.joinpath(*value[len(base) + 1:].split("/"))
            if local.exists() or not _is_uri(value):
                return str(local)
        remote = remote or _is_uri(value)
        return value

    def items(section: dict) -> dict:
        return {key: [[{**e, "value": move(e.get("value"))} if e.get("kind") in ("path", "file") else e
                       for e in item] for item in values] for key, values in section.items()}

    out = dict(manifest)
    out["outputs"] = items(manifest.get("outputs") or {})
    out["topics"] = items(manifest.get("topics") or {})
    return out, not remote
