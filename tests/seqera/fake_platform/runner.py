"""Runs launched workflows for the fake platform: clone ``pipeline`` at ``revision``, run ``mainScript``
with Nextflow's CLI on pynf's engine classpath in a subprocess, and report status, log and tasks.

Tasks come from Nextflow's trace file (completed/failed/cached, written as tasks end) and from the
``Submitted process >`` lines of the console output (tasks still running).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .cloud import CloudStaging

__all__ = ["Run", "Runner", "iso_now", "engine_available"]

TRACE_FIELDS = "task_id,hash,native_id,process,tag,name,status,exit,submit,start,complete,duration,realtime,workdir,attempt,error_action"
_SUBMITTED = re.compile(r"\[([0-9a-f]{2}/[0-9a-f]{6})\] Submitted process > (\S+)(?: \((.*)\))?")
_SESSION = re.compile(r"Session UUID: ([0-9a-f-]{36})", re.I)


def iso_now() -> str:
    """Current UTC time as an RFC 3339 date-time string."""
    return iso(time.time())


def iso(epoch: float) -> str:
    """Epoch seconds -> RFC 3339 date-time string (UTC, milliseconds)."""
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def engine_available() -> str | None:
    """None when pynf's engine can run Nextflow here; else the reason it cannot."""
    try:
        from pynf.backends.local.engine import java_cmd  # noqa: F401
        from pynf.backends.local.engine import installed_versions, java_check
    except ImportError as exc:
        return f"pynf.backends.local.engine is not available ({exc})"
    try:
        java_check()
    except Exception as exc:  # noqa: BLE001
        return f"no usable Java: {exc}"
    if not installed_versions() and not os.environ.get("PYNF_NEXTFLOW_JAR") and os.environ.get("CI") != "true":
        return "the Nextflow engine is not installed (run `pynf engine install`)"
    return None


#: JIT option of the fake compute environment's Nextflow JVM (see ``Runner._run``)
FAKE_JVM_OPTION = "-XX:TieredStopAtLevel=1"


@dataclass
class Run:
    """One workflow record of the fake platform and the process running it."""

    id: str
    workspace_id: int
    launch: dict
    root: Path
    status: str = "SUBMITTED"
    submit: str = field(default_factory=iso_now)
    start: str | None = None
    complete: str | None = None
    error_message: str | None = None
    error_report: str | None = None
    exit_status: int | None = None
    session_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    proc: subprocess.Popen | None = None
    cancel_requested: bool = False
    released: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    launch_dir: Path | None = None

    @property
    def console(self) -> Path:
        """Nextflow's console output (the head job log served by /log)."""
        return self.root / "console.log"

    @property
    def trace(self) -> Path:
        """Nextflow's trace file (raw values)."""
        return self.root / "trace.tsv"

    def params(self) -> dict:
        """paramsText decoded (JSON, or YAML as the platform also accepts)."""
        text = self.launch.get("paramsText") or ""
        if not text.strip():
            return {}
        try:
            return json.loads(text)
        except ValueError:
            import yaml

            return yaml.safe_load(text) or {}

    def log_lines(self) -> list[str]:
        """Console output lines so far."""
        try:
            return self.console.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return []

    def tasks(self) -> list[dict]:
        """Task records: finished ones from the trace file, then running ones from the console."""
        out: list[dict] = []
        seen: set[str] = set()
        try:
            rows = self.trace.read_text().splitlines()
        except FileNotFoundError:
            rows = []
        if rows:
            header = rows[0].split("\t")
            for row in rows[1:]:
                cells = row.split("\t")
                if len(cells) != len(header):  # a row still being written
                    continue
                rec = dict(zip(header, cells))
                seen.add(rec.get("hash", ""))
                out.append(_trace_task(rec))
        next_id = max([t["taskId"] for t in out] + [0]) + 1
        for line in self.log_lines():
            m = _SUBMITTED.search(line)
            if m and m.group(1) not in seen:
                seen.add(m.group(1))
                name = m.group(2) + (f" ({m.group(3)})" if m.group(3) else "")
                status = "RUNNING" if self.status == "RUNNING" else "ABORTED"
                out.append({"taskId": next_id, "hash": m.group(1), "name": name, "process": m.group(2),
                            "tag": m.group(3) or "", "status": status})
                next_id += 1
        return out


def _num(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "", "-") else None
    except ValueError:
        return None


def _trace_task(rec: dict) -> dict:
    status = {"COMPLETED": "COMPLETED", "FAILED": "FAILED", "CACHED": "CACHED",
              "ABORTED": "ABORTED"}.get(rec.get("status", ""), "COMPLETED")
    task = {"taskId": _num(rec.get("task_id")) or 0, "hash": rec.get("hash", ""), "name": rec.get("name", ""),
            "process": rec.get("process", ""), "tag": rec.get("tag", "") if rec.get("tag") != "-" else "",
            "status": status, "workdir": rec.get("workdir", ""), "nativeId": rec.get("native_id", ""),
            "attempt": _num(rec.get("attempt")) or 1, "executor": "local"}
    for key in ("exit", "duration", "realtime"):
        if _num(rec.get(key)) is not None:
            task[key] = _num(rec.get(key))
    if "exit" in task:
        task["exitStatus"] = task["exit"]
    if rec.get("error_action") not in (None, "", "-"):
        task["errorAction"] = rec["error_action"]
    for key in ("submit", "start", "complete"):
        ms = _num(rec.get(key))
        if ms:
            task[key] = iso(ms / 1000)
    return task


class Runner:
    """Executes runs in background threads; ``hold=True`` keeps new runs SUBMITTED until released."""

    def __init__(self, root: Path, *, hold: bool = False):
        self.root = root
        self.hold = hold
        self._threads: list[threading.Thread] = []

    def start(self, run: Run, sessions: dict[str, Path]) -> None:
        """Begin executing ``run`` (or wait for ``release`` when holding)."""
        if not self.hold:
            run.released.set()
        t = threading.Thread(target=self._execute, args=(run, sessions), name=f"fake-run-{run.id}", daemon=True)
        self._threads.append(t)
        t.start()

    def cancel(self, run: Run) -> None:
        """Stop a run: a held run ends at once; a running Nextflow gets SIGTERM (then SIGKILL)."""
        run.cancel_requested = True
        run.released.set()
        proc = run.proc
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def shutdown(self) -> None:
        """Cancel whatever still runs and join the threads."""
        for t in self._threads:
            t.join(timeout=0)
        for t in self._threads:
            t.join(timeout=30)

    # ----------------------------------------------------------------------------------------

    def _finish(self, run: Run, status: str, message: str | None = None) -> None:
        if run.status in ("SUCCEEDED", "FAILED", "CANCELLED"):
            return
        run.status = status
        run.complete = iso_now()
        if message:
            run.error_message = message
        run.done.set()

    def _execute(self, run: Run, sessions: dict[str, Path]) -> None:
        try:
            run.released.wait()
            if run.cancel_requested:
                return self._finish(run, "CANCELLED")
            self._run(run, sessions)
        except Exception as exc:  # noqa: BLE001 - the platform reports it as the run's error
            self._finish(run, "FAILED", f"fake platform error: {type(exc).__name__}: {exc}")
        finally:
            run.done.set()

    def _run(self, run: Run, sessions: dict[str, Path]) -> None:
        launch = run.launch
        run.root.mkdir(parents=True, exist_ok=True)
        project = run.root / "project"
        clone = subprocess.run(["git", "clone", "--quiet", "--no-checkout", launch["pipeline"], str(project)],
                               capture_output=True, text=True, env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
        if clone.returncode == 0:
            clone = subprocess.run(["git", "-C", str(project), "checkout", "--quiet",
                                    launch.get("revision") or "HEAD"], capture_output=True, text=True)
        if clone.returncode != 0:
            return self._finish(run, "FAILED", f"Unable to fetch pipeline {launch['pipeline']} at revision "
                                f"{launch.get('revision')}: {clone.stderr.strip()}")
        script = project / (launch.get("mainScript") or "main.nf")
        if not script.is_file():
            return self._finish(run, "FAILED", f"Missing main script: {launch.get('mainScript') or 'main.nf'}")
        resume = bool(launch.get("resume"))
        if resume and launch.get("sessionId") in sessions:
            run.session_id = launch["sessionId"]
            run.launch_dir = sessions[run.session_id]
        else:
            run.launch_dir = run.root / "launch"
            run.launch_dir.mkdir(parents=True, exist_ok=True)
        (run.launch_dir / "nextflow.config").write_text(launch.get("configText") or "")
        cloud = CloudStaging(run.root, run.params(), launch["workDir"])
        run_params, work_dir = cloud.before() if cloud.needed else (run.params(), launch["workDir"])
        params = run.root / "params.json"
        params.write_text(json.dumps(run_params))
        extra = run.root / "fake-platform.config"
        extra.write_text(f"trace {{\n  enabled = true\n  raw = true\n  overwrite = true\n"
                         f"  file = {json.dumps(str(run.trace))}\n  fields = '{TRACE_FIELDS}'\n}}\n")
        args = ["-log", str(run.root / "nextflow.log"), "run", str(script), "-params-file", str(params),
                "-c", str(extra), "-name", launch["runName"], "-work-dir", work_dir, "-ansi-log", "false"]
        if launch.get("configProfiles"):
            args += ["-profile", ",".join(launch["configProfiles"])]
        if resume and run.launch_dir != run.root / "launch":
            args += ["-resume", run.session_id]
        if launch.get("stubRun"):
            args += ["-stub-run"]
        from pynf.backends.local.engine import java_cmd, nextflow_env

        cmd = java_cmd("nextflow.cli.Launcher", args)
        # the compute environment's JVM: C1 only, as pynf's embedded engine (launch.EMBEDDED_JVM_OPTIONS) -- a
        # fake run is a few tiny tasks, for which C2 doubles the CPU time (15 s vs 7 s per run on 2 cores)
        cmd[1:1] = [FAKE_JVM_OPTION]
        if launch.get("preRunScript"):
            pre = run.root / "pre-run.sh"
            pre.write_text(launch["preRunScript"])
            cmd = ["bash", "-c", 'source "$0" && exec "$@"', str(pre), *cmd]
        if run.cancel_requested:
            return self._finish(run, "CANCELLED")
        with open(run.console, "wb") as out:
            run.proc = subprocess.Popen(cmd, cwd=run.launch_dir, stdout=out, stderr=subprocess.STDOUT,
                                        env=nextflow_env(), start_new_session=True)
            run.status = "RUNNING"
            run.start = iso_now()
            code = run.proc.wait()
        run.exit_status = code
        self._read_session(run, sessions)
        lines = run.log_lines()
        run.error_report = "\n".join(lines[-60:])
        if run.cancel_requested:
            return self._finish(run, "CANCELLED", "Workflow cancelled by user")
        if code == 0:
            if cloud.needed:
                cloud.after()
            return self._finish(run, "SUCCEEDED")
        return self._finish(run, "FAILED", _error_message(lines) or f"Nextflow exited with status {code}")

    def _read_session(self, run: Run, sessions: dict[str, Path]) -> None:
        try:
            m = _SESSION.search((run.root / "nextflow.log").read_text(errors="replace"))
        except FileNotFoundError:
            m = None
        if m:
            run.session_id = m.group(1)
        if run.launch_dir is not None:
            sessions.setdefault(run.session_id, run.launch_dir)


def _error_message(lines: list[str]) -> str:
    """The ``ERROR ~`` block of Nextflow's console output, if any."""
    for i, line in enumerate(lines):
        if line.startswith("ERROR ~"):
            block = [line[len("ERROR ~"):].strip()]
            for nxt in lines[i + 1:i + 8]:
                if not nxt.strip() or nxt.startswith(" -- Check"):
                    break
                block.append(nxt.strip())
            return " ".join(b for b in block if b)
    return ""
