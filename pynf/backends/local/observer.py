"""Live run events: a JPype proxy of Nextflow's ``TraceObserverV2`` feeding per-process task counts.

Nextflow calls the observer from its own threads; :class:`RunObserver` is thread-safe and calls the
optional Python ``callback(snapshot)`` on those threads (keep callbacks short and non-blocking).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

__all__ = ["ProcessCounts", "TaskRecord", "Snapshot", "RunObserver", "make_proxy"]

_log = logging.getLogger("pynf.backends.local.engine")


@dataclass(frozen=True)
class ProcessCounts:
    """Task counts of one process."""

    pending: int = 0
    submitted: int = 0
    running: int = 0
    completed: int = 0
    failed: int = 0
    cached: int = 0
    aborted: int = 0  # killed when the run stopped (no exit status): neither done nor failed
    terminated: bool = False

    @property
    def total(self) -> int:
        """Tasks seen so far (done, cached, failed or still in flight)."""
        return (self.pending + self.submitted + self.running + self.completed + self.failed + self.cached
                + self.aborted)


@dataclass(frozen=True)
class TaskRecord:
    """One task of a run as reported by Nextflow."""

    name: str
    process: str
    tag: str | None
    hash: str | None
    status: str  # COMPLETED | FAILED | CACHED | ABORTED (killed when the run stopped: no exit status)
    exit_status: int | None
    workdir: Path | None
    error_action: str | None = None
    executor: str | None = None  # Nextflow executor name: local, slurm, ...
    native_id: str | None = None  # the executor's id of the task: a Slurm job id, a local PID
    container: str | None = None  # the image the task ran in, as the engine got it (registry applied)
    container_engine: str | None = None  # docker, podman, singularity, ... (None: no container)
    meta: dict | None = None  # the meta map among the task's inputs (nf-core's first tuple element)


@dataclass(frozen=True)
class Snapshot:
    """State of a run at one event: per-process counts plus the event that caused it."""

    processes: dict[str, ProcessCounts]
    event: str
    task: str | None = None
    finished: bool = False


@dataclass
class RunObserver:
    """Collects task events of one run (counts per process, finished tasks, published files)."""

    callback: Callable[[Snapshot], None] | None = None
    counts: dict[str, ProcessCounts] = field(default_factory=dict)
    tasks: list[TaskRecord] = field(default_factory=list)
    failed_tasks: list[TaskRecord] = field(default_factory=list)
    published: list[Path] = field(default_factory=list)
    done_tasks: list = field(default_factory=list, repr=False)  # Java TaskRuns that finished, read only if needed
    finished: bool = False
    callback_errors: list[str] = field(default_factory=list)
    _state: dict[str, str] = field(default_factory=dict, repr=False)
    _names: dict[str, str] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _bump(self, process: str, **delta: int) -> None:
        cur = self.counts.get(process, ProcessCounts())
        self.counts[process] = replace(cur, **{k: max(0, getattr(cur, k) + v) for k, v in delta.items()})

    def _emit(self, event: str, task: str | None = None) -> None:
        if self.callback is None:
            return
        snap = Snapshot(processes=dict(self.counts), event=event, task=task, finished=self.finished)
        try:
            self.callback(snap)
        except Exception as exc:  # a broken callback must not break the run
            if len(self.callback_errors) < 5:
                self.callback_errors.append(f"{type(exc).__name__}: {exc}")
                _log.warning("progress callback raised %s: %s", type(exc).__name__, exc)

    # --- event entry points (called by the proxy, on Nextflow threads) ---
    def process_created(self, process: str) -> None:
        """A process was defined in the run."""
        with self._lock:
            self.counts.setdefault(process, ProcessCounts())
        self._emit("process_create")

    def process_terminated(self, process: str) -> None:
        """A process will receive no more tasks."""
        with self._lock:
            self.counts[process] = replace(self.counts.get(process, ProcessCounts()), terminated=True)
        self._emit("process_terminate")

    def _move(self, process: str, key: str, dst: str) -> None:
        src = self._state.get(key)
        self._state[key] = dst
        delta = {dst: 1}
        if src and src != dst:
            delta[src] = -1
        elif src == dst:
            return
        self._bump(process, **delta)

    def task_moved(self, process: str, key: str, name: str, event: str, dst: str) -> None:
        """Task ``key`` (unique id) moved to state ``dst`` (pending/submitted/running)."""
        with self._lock:
            self._move(process, key, dst)
            self._names[key] = name
        self._emit(event, name)

    def task_finished(self, record: TaskRecord, key: str) -> None:
        """A task completed, failed or was taken from the cache."""
        dst = {"COMPLETED": "completed", "FAILED": "failed", "CACHED": "cached", "ABORTED": "aborted"}[record.status]
        with self._lock:
            self._move(record.process, key, dst)
            self.tasks.append(record)
            if record.status == "FAILED":
                self.failed_tasks.append(record)
        self._emit("task_" + record.status.lower(), record.name)

    def task_done(self, task) -> None:
        """A finished (completed or cached) task, kept to read its outputs should the run fail."""
        with self._lock:
            self.done_tasks.append(task)

    def finished_items(self) -> list:
        """:class:`~pynf.backends.local.items.TaskItems` of every finished task (read now; call after the run),
        then forgets the tasks."""
        from pynf.backends.local.items import describe_task

        with self._lock:
            tasks, self.done_tasks = self.done_tasks, []
        return [items for items in map(describe_task, tasks) if items is not None]

    def flow_error(self, record: TaskRecord) -> None:
        """Nextflow reported the task that ends the run with an error."""
        with self._lock:
            if record.name not in {t.name for t in self.failed_tasks}:
                self.failed_tasks.append(record)
        self._emit("flow_error", record.name)

    def file_published(self, target: str) -> None:
        """A file was published (``publishDir`` or workflow output)."""
        with self._lock:
            self.published.append(Path(target))

    def flow_complete(self) -> None:
        """The run finished (successfully or not)."""
        with self._lock:
            self.finished = True
        self._emit("flow_complete")

    def waiting_for(self) -> list[str]:
        """What an unfinished run is waiting for: processes without any task, and tasks not done yet."""
        with self._lock:
            waits = [f"process {p}: no task was started (an input channel never delivered a value)"
                     for p, c in self.counts.items() if c.total == 0 and not c.terminated]
            for key, state in self._state.items():
                if state in ("pending", "submitted", "running"):
                    what = {"pending": "waiting to be submitted", "submitted": "submitted, not started"}
                    waits.append(f"task {self._names.get(key, key)}: {what.get(state, 'still running')}")
        return waits


def _str(value) -> str | None:
    return None if value is None else str(value)


def _int(value) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _described(event):
    """A failed task as TaskItems (for the ``meta`` of its inputs), or None."""
    handler = event.getHandler() if event is not None else None
    if handler is None:
        return None
    from pynf.backends.local.items import describe_task

    return describe_task(handler.getTask())


def _record(event, status: str | None = None, items=None) -> tuple[TaskRecord, str]:
    """Build a TaskRecord from a ``TaskEvent``; also returns the process name."""
    handler = event.getHandler()
    trace = event.getTrace()
    task = handler.getTask() if handler is not None else None
    process = _str(task.getProcessor().getName()) if task is not None else _str(trace.get("process"))
    name = _str(task.getName()) if task is not None else _str(trace.get("name"))
    tag = _str(trace.get("tag")) if trace is not None else None
    workdir = task.getWorkDir() if task is not None else (trace.get("workdir") if trace is not None else None)
    exit_status = _int(task.getExitStatus()) if task is not None else _int(trace.get("exit"))
    if exit_status is not None and exit_status == 2147483647:  # Integer.MAX_VALUE: never ran
        exit_status = None
    if status is None:
        ok = task is not None and not task.isFailed() and exit_status in (0, None)
        status = "COMPLETED" if ok else "FAILED"
        if ok and exit_status is None and task is not None and str(task.getType()) == "SCRIPTLET":
            status = "ABORTED"  # a script task without an exit status was killed (the run stopped)
    executor = _str(task.getProcessor().getExecutor().getName()) if task is not None else None
    image, engine = _container(task)
    rec = TaskRecord(name=name or "?", process=process or "?", tag=tag, hash=_str(trace.get("hash")) if trace else None,
                     status=status, exit_status=exit_status, workdir=Path(str(workdir)) if workdir is not None else None,
                     error_action=_str(trace.get("error_action")) if trace else None, executor=executor,
                     native_id=_str(trace.get("native_id")) if trace else None, container=image,
                     container_engine=engine, meta=items.meta if items is not None else None)
    return rec, process or "?"


def _container(task) -> tuple[str | None, str | None]:
    """(image, engine) of a task that runs in a container, else (None, None)."""
    if task is None or not task.isContainerEnabled():
        return None, None
    return _str(task.getContainer()), _str(task.getContainerConfig().getEngine())


def _key(event) -> str:
    handler = event.getHandler()
    if handler is not None:
        return str(handler.getTask().getId())
    return str(event.getTrace().get("task_id"))


def _guarded(method):
    """Nextflow must never see a Python exception from an observer call: log it and carry on."""

    @functools.wraps(method)
    def call(self, *args):
        try:
            return method(self, *args)
        except Exception:  # noqa: BLE001 - any failure here would derail Nextflow's own error handling
            _log.debug("observer %s failed", method.__name__, exc_info=True)
            return None

    return call


def _task_moved(dst: str, name: str) -> Callable[..., None]:
    def handle(obs: RunObserver, event) -> None:
        task = event.getHandler().getTask()
        obs.task_moved(str(task.getProcessor().getName()), _key(event), str(task.getName()), name, dst)

    return handle


def _task_complete(obs: RunObserver, event) -> None:
    rec, _ = _record(event)
    if rec.status == "FAILED":  # read at once: its meta names the failed item
        rec = replace(rec, meta=getattr(_described(event), "meta", None))
    elif rec.status == "COMPLETED":  # killed tasks have no outputs
        obs.task_done(event.getHandler().getTask())
    obs.task_finished(rec, _key(event))


def _task_cached(obs: RunObserver, event) -> None:
    rec, _ = _record(event, "CACHED")
    if event.getHandler() is not None:
        obs.task_done(event.getHandler().getTask())
    obs.task_finished(rec, _key(event))


def _flow_error(obs: RunObserver, event) -> None:
    if event is None or (event.getHandler() is None and event.getTrace() is None):
        return  # a run-level error (no task): the run's own error reports it
    rec, _ = _record(event, "FAILED", items=_described(event))
    obs.flow_error(rec)


def _nothing(obs: RunObserver, *args) -> None:
    return None


#: Every ``TraceObserverV2`` callback and what the observer makes of it.
_EVENTS: dict[str, Callable[..., None]] = {
    "onFlowCreate": _nothing,
    "onFlowBegin": _nothing,
    "onFlowComplete": lambda obs: obs.flow_complete(),
    "onProcessCreate": lambda obs, process: obs.process_created(str(process.getName())),
    "onProcessTerminate": lambda obs, process: obs.process_terminated(str(process.getName())),
    "onTaskPending": _task_moved("pending", "task_pending"),
    "onTaskSubmit": _task_moved("submitted", "task_submit"),
    "onTaskStart": _task_moved("running", "task_start"),
    "onTaskComplete": _task_complete,
    "onTaskCached": _task_cached,
    "onFlowError": _flow_error,
    "onWorkflowOutput": _nothing,
    "onFilePublish": lambda obs, event: obs.file_published(str(event.getTarget())),
}


def _callback(name: str, handler: Callable[..., None]):
    def method(self, *args):
        handler(self._obs, *args)

    method.__name__ = name
    return _guarded(method)


def make_proxy(obs: RunObserver):
    """A Java ``nextflow.trace.TraceObserverV2`` forwarding every event to ``obs`` (JVM must be running)."""
    from jpype import JImplements, JOverride

    methods: dict[str, Any] = {name: JOverride(_callback(name, handler)) for name, handler in _EVENTS.items()}
    methods["enableMetrics"] = JOverride(lambda self: False)
    methods["__init__"] = lambda self, observer: setattr(self, "_obs", observer)
    proxy = JImplements("nextflow.trace.TraceObserverV2")(type("_Proxy", (), methods))
    return proxy(obs)
