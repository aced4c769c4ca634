"""A handle on one run on Seqera Platform: status, progress, logs, cancel and waiting for the end."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pynf.errors import SeqeraNotFound, SeqeraUnavailable, SeqeraValidationError, SeqeraWaitTimeout
from pynf.backends.seqera.client import SeqeraClient
from pynf.backends.seqera.config import web_url_for
from pynf.backends.seqera.result import SeqeraResult

__all__ = ["RemoteRun", "RunProgress", "TERMINAL", "ACTIVE", "watch_url"]

log = logging.getLogger("pynf.seqera")

#: Statuses after which a run never changes again.
TERMINAL = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})
#: Statuses of a run that is still going.
ACTIVE = frozenset({"SUBMITTED", "RUNNING"})

_TASK_STATES = ("pending", "submitted", "running", "cached", "succeeded", "failed", "aborted", "ignored",
                "retries")


def watch_url(api_endpoint: str, workflow_id: str, org: str | None, workspace: str | None,
              user: str | None = None) -> str:
    """The web page of a run: ``{web}/orgs/{org}/workspaces/{ws}/watch/{id}`` (or ``{web}/user/{u}/watch/{id}``)."""
    web = web_url_for(api_endpoint)
    if org and workspace:
        return f"{web}/orgs/{org}/workspaces/{workspace}/watch/{workflow_id}"
    if user:
        return f"{web}/user/{user}/watch/{workflow_id}"
    return f"{web}/watch/{workflow_id}"


@dataclass(frozen=True)
class RunProgress:
    """A progress snapshot: run status, task counts by state, and per-process counts."""

    status: str
    tasks: dict[str, int]
    processes: dict[str, dict[str, int]] = field(default_factory=dict)
    workflow_id: str | None = None
    url: str | None = None

    @classmethod
    def from_api(cls, status: str, progress: dict, *, workflow_id: str | None = None,
                 url: str | None = None) -> RunProgress:
        """Build from a ``ProgressData`` body."""
        wf = progress.get("workflowProgress") or {}
        tasks = {k: int(wf.get(k) or 0) for k in _TASK_STATES}
        procs = {}
        for p in progress.get("processesProgress") or []:
            if p.get("process"):
                procs[str(p["process"])] = {k: int(p.get(k) or 0) for k in _TASK_STATES}
        return cls(status, tasks, procs, workflow_id, url)

    def summary(self) -> str:
        """One line like ``RUNNING  running 1 · succeeded 2``."""
        parts = [f"{k} {v}" for k, v in self.tasks.items() if v and k != "retries"]
        return f"{self.status:<9} " + (" · ".join(parts) if parts else "no tasks yet")


class RemoteRun:
    """A launched (or looked-up) run: ``status()``, ``wait()``, ``logs()``, ``cancel()``, ``.url``."""

    def __init__(self, client: SeqeraClient, workflow_id: str, workspace_id: int | None, *,
                 run_name: str | None = None, url: str | None = None, outdir: str | None = None,
                 poll_interval: float = 2.0, max_poll_interval: float = 30.0,
                 unknown_status_timeout: float = 300.0, on_interrupt: str = "cancel"):
        self.client = client
        self.workflow_id = workflow_id
        self.workspace_id = workspace_id
        self.run_name = run_name
        self.outdir = outdir
        self.poll_interval = poll_interval
        self.max_poll_interval = max_poll_interval
        self.unknown_status_timeout = unknown_status_timeout
        self.on_interrupt = on_interrupt
        self._url = url
        self._last: dict[str, Any] = {}
        #: the wrapped process's name when this handle launched the run (shown in reports)
        self.process: str | None = None

    def __repr__(self) -> str:
        return f"RemoteRun(workflow_id={self.workflow_id!r}, run_name={self.run_name!r}, url={self.url!r})"

    @property
    def url(self) -> str:
        """Watch URL of the run in the Platform web UI."""
        if self._url is None:
            d = self.describe()
            wf = d.get("workflow") or {}
            self._url = watch_url(self.client.api_endpoint, self.workflow_id, d.get("orgName"),
                                  d.get("workspaceName"), wf.get("userName"))
        return self._url

    @property
    def last_seen(self) -> dict:
        """The last ``GET /workflow/{id}`` body fetched (empty before the first request)."""
        return self._last

    def describe(self) -> dict:
        """The full ``GET /workflow/{id}`` body (also cached as the last seen state)."""
        self._last = self.client.describe_workflow(self.workflow_id, self.workspace_id)
        wf = self._last.get("workflow") or {}
        if self.run_name is None:
            self.run_name = wf.get("runName")
        return self._last

    def status(self) -> str:
        """The run's current status (SUBMITTED, RUNNING, SUCCEEDED, FAILED, CANCELLED, UNKNOWN, ...)."""
        return str((self.describe().get("workflow") or {}).get("status") or "UNKNOWN")

    def progress(self) -> RunProgress:
        """Current task counts by state (``GET /workflow/{id}/progress``)."""
        status = str((self._last.get("workflow") or {}).get("status") or "UNKNOWN")
        return RunProgress.from_api(status, self.client.progress(self.workflow_id, self.workspace_id),
                                    workflow_id=self.workflow_id, url=self._url)

    def tasks(self) -> list[dict]:
        """All task records of the run."""
        return self.client.tasks(self.workflow_id, self.workspace_id)

    def cancel(self) -> bool:
        """Ask the platform to cancel the run; a no-op (returns False) once the run has ended."""
        status = self.status()
        if status in TERMINAL:
            log.info("run %s already ended (%s); nothing to cancel", self.workflow_id, status)
            return False
        log.info("cancelling run %s", self.workflow_id)
        self.client.cancel(self.workflow_id, self.workspace_id)
        return True

    def logs(self, *, follow: bool = False, page_bytes: int | None = None,
             poll_interval: float | None = None) -> Iterator[str]:
        """Log lines of the head job, page by page (cursor ``next``); ``follow`` keeps going until the end."""
        cursor: str | None = None
        interval = poll_interval or self.poll_interval
        while True:
            page = self.client.log_page(self.workflow_id, self.workspace_id, next=cursor, max_length=page_bytes)
            entries = page.get("entries")
            lines = entries if isinstance(entries, list) else []
            yield from (str(x) for x in lines)
            token = page.get("forwardToken")
            advanced = bool(token) and token != cursor
            if token:
                cursor = token
            if advanced and lines:
                continue
            if not follow:
                return
            if not page.get("pending") and self.status() in TERMINAL:
                return
            time.sleep(interval)

    def wait(self, timeout: float | None = None, *, check: bool = True,
             progress: Callable[[RunProgress], Any] | None = None):
        """Poll until the run ends (growing interval, capped); return a SeqeraResult.

        ``progress`` is called with a RunProgress after each poll. FAILED/CANCELLED raise
        RemoteRunFailed unless ``check=False``. A status that stays UNKNOWN (or unrecognised) longer than
        ``unknown_status_timeout`` raises SeqeraUnavailable. Ctrl-C cancels the run or detaches
        (``on_interrupt``) and re-raises KeyboardInterrupt.
        """
        try:
            return self._wait(timeout, check, progress)
        except SeqeraUnavailable as exc:
            if getattr(exc, "still_running", False):
                raise
            raise self._goes_on(exc) from None
        except KeyboardInterrupt:
            if self.on_interrupt == "cancel":
                try:
                    self.cancel()
                    log.warning("interrupted: cancelled run %s", self.workflow_id)
                except Exception as exc:  # noqa: BLE001 - report and keep the interrupt
                    log.warning("interrupted: could not cancel run %s: %s", self.workflow_id, exc)
            else:
                log.warning("interrupted: detached from run %s; it keeps running: %s", self.workflow_id,
                            self._url or self.workflow_id)
            raise

    def _goes_on(self, exc: SeqeraUnavailable) -> SeqeraUnavailable:
        """The platform stopped answering while following the run: say the run goes on and how to follow it."""
        where = f" ({self._url})" if self._url else ""
        error = SeqeraUnavailable(f"{exc}\nThe run {self.workflow_id} was launched and goes on without pynf{where}; "
                                  f"follow it later with `pynf runs wait {self.workflow_id}` (or "
                                  f"`pynf runs status {self.workflow_id}`).", status=exc.status)
        error.still_running = True  # type: ignore[attr-defined]
        error.workflow_id = self.workflow_id  # type: ignore[attr-defined]
        return error

    def _wait(self, timeout: float | None, check: bool, progress: Callable[[RunProgress], Any] | None):
        """The polling loop of :meth:`wait`."""
        deadline = None if timeout is None else time.monotonic() + timeout
        interval = self.poll_interval
        unknown_since: float | None = None
        while True:
            status = self.status()
            if progress is not None:
                try:
                    progress(self.progress())
                except (SeqeraUnavailable, SeqeraNotFound, SeqeraValidationError) as exc:
                    log.debug("progress of %s unavailable: %s", self.workflow_id, type(exc).__name__)
            if status in TERMINAL:
                return SeqeraResult.from_run(self, check=check)
            now = time.monotonic()
            if status in ACTIVE:
                unknown_since = None
            else:
                unknown_since = unknown_since or now
                if now - unknown_since > self.unknown_status_timeout:
                    raise SeqeraUnavailable(
                        f"run {self.workflow_id} has reported status {status!r} for more than "
                        f"{self.unknown_status_timeout:g} s; it may still finish: see {self.url}")
            if deadline is not None and now + interval > deadline:
                remaining = deadline - now
                if remaining <= 0:
                    raise SeqeraWaitTimeout(f"run {self.workflow_id} still {status} after {timeout:g} s; "
                                            f"it keeps running: {self.url}", status=status,
                                            workflow_id=self.workflow_id)
                time.sleep(remaining)
                continue
            time.sleep(interval)
            interval = min(self.max_poll_interval, interval * 1.5)
