"""Results of a workflow run: :class:`WorkflowResult` wraps the backend's result, ``result[step]`` is a step.

The one manifest (decoded with :mod:`pynf.render.manifest`) lists outputs as ``"<step>.<key>"``; a step's
view holds its own outputs and topics.  When the run failed (``check=False``) the parts written by steps
that had finished are read from ``outdir/.pynf-steps/<step>.json`` (local runs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pynf.errors import RunFailed, TaskFailedError
from pynf.render.manifest import ManifestOutputs
from pynf.render.reports import ReportLinks, Reports
from pynf.render.summary import result_html
from pynf.workflow.modules import process_names
from pynf.workflow.render import STEP_MANIFEST_DIR, TOPIC_KEY
from pynf.workflow.step import StepGraph


__all__ = ["WorkflowResult", "StepResult", "wrap_failure"]


@dataclass(frozen=True)
class StepResult(ManifestOutputs):
    """One step of a workflow run: its outputs and topics, tasks and their work dirs."""

    name: str
    process: str
    module_id: str
    manifest: dict | None
    local_paths: bool = True
    tasks: tuple = ()  # the step's TaskRecords (local runs)
    workdirs: dict = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        """True when the step's outputs are known (it ended; the run may have failed later)."""
        return self.manifest is not None and not self.manifest.get("partial")

    @property
    def partial(self) -> bool:
        """True when the step was cut off by a failure and :attr:`outputs` hold only the items that finished."""
        return bool(self.manifest and self.manifest.get("partial"))

    def get_task_workdirs(self) -> dict:
        """Task name (``PROCESS (tag)``) -> work directory, for this step's tasks."""
        return dict(self.workdirs)

    def __repr__(self) -> str:
        return f"StepResult({self.name!r}, process={self.process!r}, outputs={sorted(self.outputs)!r})"


@dataclass(frozen=True)
class WorkflowResult(ManifestOutputs, ReportLinks):
    """The outcome of one workflow run; ``result[step].outputs[key]``; the backend's result is ``.run``.

    ``reports`` (``report_path``, ...): the run's one execution report, timeline, trace and DAG.
    """

    workflow: str
    run: Any
    steps: dict[str, dict] = field(default_factory=dict)  # step -> {process, module}

    @classmethod
    def wrap(cls, wf: StepGraph, run: Any) -> WorkflowResult:
        order = wf.order()
        procs = process_names(order)
        steps = {}
        for s in order:
            topics: dict[str, list[str]] = {}
            for ch in s.process.outputs:
                if ch.topic:
                    topics.setdefault(ch.topic, []).append(ch.key)
            for topic in sorted(s.inner_topics()):  # a subworkflow step: its processes' topics
                topics.setdefault(topic, []).append(TOPIC_KEY.format(topic=topic))
            steps[s.name] = {"process": procs[s.name], "module": s.module_id, "topics": topics}
        return cls(workflow=wf.name, run=run, steps=steps)

    @property
    def manifest(self) -> dict | None:
        return getattr(self.run, "manifest", None)

    @property
    def local_paths(self) -> bool:  # type: ignore[override]
        return getattr(self.run, "local_paths", True)

    @property
    def status(self) -> str:
        return self.run.status

    @property
    def reports(self) -> Reports:  # type: ignore[override]
        """The run's execution report, timeline, trace and DAG (one set for all steps)."""
        return getattr(self.run, "reports", None) or Reports()

    def _repr_html_(self) -> str:
        seconds = getattr(self.run, "duration", None)
        return result_html("WorkflowResult", f"{self.workflow} ({len(self.steps)} steps)", self.status,
                           seconds if isinstance(seconds, (int, float)) else None,
                           [(name, self[name].outputs) for name in self.steps], self.reports,
                           url=getattr(self.run, "url", None))

    @property
    def succeeded(self) -> bool:
        return bool(self.run.succeeded)

    def _part(self, name: str) -> dict | None:
        manifest = self.manifest
        if manifest is not None:
            info = (manifest.get("steps") or {}).get(name) or {}
            outputs = manifest.get("outputs") or {}
            mine = {key: outputs.get(f"{name}.{key}", []) for key in info.get("outputs", [])}
            return {"outputs": mine, "topics": {}, "topic_items": info.get("topic_items") or {}}
        outdir = getattr(self.run, "outdir", None)
        counts = (getattr(self.run, "counts", None) or {}).get(self.steps[name]["process"])
        if outdir is None or (counts is not None and (counts.failed or counts.pending or counts.submitted
                                                      or counts.running or not counts.terminated)):
            return self._finished_items(name)  # failed, or cut off by the failure: the items that finished
        try:
            data = json.loads((Path(outdir) / STEP_MANIFEST_DIR / f"{name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("run") not in (None, getattr(self.run, "run_name", None)):
            return None  # another run's part (an earlier run into the same outdir)
        outputs = data.get("outputs") or {}
        hidden = {k: v for k, v in outputs.items() if k.startswith(TOPIC_KEY.format(topic=""))}
        return {"outputs": {k: v for k, v in outputs.items() if k not in hidden}, "topics": {}, "topic_items": hidden}

    def _finished_items(self, name: str) -> dict | None:
        """A step cut off by a failure: the outputs of its tasks that finished (work-dir paths), None if none."""
        part = (getattr(self.run, "partial", None) or {}).get(self.steps[name]["process"])
        if not part:
            return None
        return {"outputs": {k: list(v) for k, v in part.get("outputs", {}).items()}, "topics": {}, "partial": True}

    @property
    def software_versions(self) -> dict[str, dict[str, str]]:
        """``{process: {tool: version}}`` over every step (of a failed run: the items that finished)."""
        if self.manifest is not None:
            return ManifestOutputs.software_versions.fget(self)
        merged: dict[str, dict[str, str]] = {}
        for name in self.steps:
            for process, tools in self[name].software_versions.items():
                merged.setdefault(process, {}).update(tools)
        return dict(sorted(merged.items()))

    @property
    def failed_items(self) -> tuple:
        """Items whose task failed, each naming its step, process, meta, exit status and work dir."""
        from dataclasses import replace

        by_process = {info["process"]: step for step, info in self.steps.items()}
        return tuple(replace(f, step=by_process.get(f.process)) for f in getattr(self.run, "failed_items", ()))

    @property
    def summary(self) -> str:
        """One line: the status and, when items failed, how many and which (by step)."""
        from pynf.render.failures import failure_summary

        tasks = getattr(self.run, "tasks", ())
        finished = sum(1 for t in tasks if t.status in ("COMPLETED", "CACHED"))
        stopped = sum(1 for t in tasks if t.status == "ABORTED")
        return failure_summary(self.status, list(self.failed_items), finished, stopped)

    def __getitem__(self, name: str) -> StepResult:
        if name not in self.steps:
            raise KeyError(f"workflow '{self.workflow}' has no step '{name}'; steps: {', '.join(self.steps)}")
        info = self.steps[name]
        part = self._part(name)
        if part is not None:
            # topics of this step: its outputs that declare a topic, as listed by the manifest's step info
            for topic, keys in self._step_topics(name).items():
                part["topics"][topic] = [i for k in keys
                                         for i in part["outputs"].get(k, part.get("topic_items", {}).get(k, []))]
        tasks = getattr(self.run, "tasks", ())
        tasks = tuple(t for t in tasks if t.process == info["process"]) if isinstance(tasks, (tuple, list)) else ()
        process = info["process"]
        workdirs = {task: d for task, d in self.run.get_task_workdirs().items()
                    if task == process or task.startswith(process + " (")}
        return StepResult(name=name, process=process, module_id=info["module"], manifest=part,
                          local_paths=self.local_paths, tasks=tasks, workdirs=workdirs)

    def _step_topics(self, name: str) -> dict[str, list[str]]:
        return self.steps[name].get("topics", {})

    def __iter__(self):
        return iter(self.steps)

    def __repr__(self) -> str:
        return f"WorkflowResult({self.workflow!r}, status={self.status!r}, steps={list(self.steps)!r})"

    def get_output_files(self) -> list:
        return ManifestOutputs.get_output_files(self)

    def get_task_workdirs(self) -> dict:
        """Task name -> work directory for every task of the run (per step: ``result[step].get_task_workdirs()``)."""
        return self.run.get_task_workdirs()

    def get_execution_report(self) -> dict:
        """The run's execution report plus per step: process, module and task counts."""
        report = dict(self.run.get_execution_report())
        processes = report.get("processes") or {}
        report["workflow"] = self.workflow
        if "summary" in report:
            report["summary"] = self.summary
        report["steps"] = {name: {"process": info["process"], "module": info["module"],
                                  **processes.get(info["process"], {})} for name, info in self.steps.items()}
        return report

    def get_stdout(self) -> str:
        return self.run.get_stdout()

    def get_workflow_outputs(self) -> dict[str, dict[str, list]]:
        """Outputs by step, then by key."""
        return {name: self[name].outputs for name in self.steps}


def wrap_failure(wf: StepGraph, exc: BaseException) -> BaseException:
    """A failed run's error naming the step (and item) whose task failed; the result becomes a WorkflowResult."""
    if not isinstance(exc, RunFailed):
        return exc
    result = WorkflowResult.wrap(wf, exc.result) if exc.result is not None else None
    if isinstance(exc, TaskFailedError) and result is not None:
        step = next((n for n, i in result.steps.items() if i["process"] == exc.process), None)
        if step is not None:
            item = f", item {exc.tag}" if exc.tag else ""
            new = TaskFailedError(f"Step '{step}' (process {exc.process}{item}) failed.\n{exc}", process=exc.process,
                                  tag=exc.tag, exit_status=exc.exit_status, stderr_tail=exc.stderr_tail,
                                  workdir=exc.workdir, result=result)
            new.step = step
            return new
    clone = type(exc).__new__(type(exc))
    clone.__dict__.update(exc.__dict__)
    clone.args = exc.args
    clone.result = result
    return clone
