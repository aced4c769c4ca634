"""Why a task run by Nextflow's ``slurm`` executor failed, in Slurm's own words.

Nextflow submits each task with ``sbatch .command.run`` and learns its end from the ``.exitcode`` file
the job writes; it reports only an exit status. When a task of a Slurm run fails, the local backend
asks this module for the job's side of the story:

- a job that was never accepted: ``sbatch``'s answer (Nextflow keeps it as the submit error's reason);
- a job that ran: its state from ``scontrol show job`` while slurmctld still remembers it
  (``MinJobAge``), else from the job-completion file (``JobCompType=jobcomp/filetxt``), plus the
  ``slurmstepd`` notice Slurm writes into the job's output (``.command.log``) when it cancels a job
  (``*** JOB 7 ON node CANCELLED AT ... DUE TO TIME LIMIT ***``).

Nextflow submits with ``--signal B:USR2@30`` unless the cluster options carry their own ``--signal``:
shortly before the time limit Slurm sends SIGUSR2, the task wrapper stops the task and exits with 140,
so Slurm records such a job as FAILED, not TIMEOUT. Exit status 140 of a job with a time limit is
therefore read as "ran out of time".
"""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SlurmFailure", "explain", "job_record", "parse_record"]

#: States in which a job is still queued or running (``squeue``'s long names).
_ACTIVE = {"PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING",
           "SIGNALING", "STAGE_OUT", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD", "STOPPED"}
_CANCEL_NOTICE = re.compile(r"\*\*\* JOB (\d+) ON \S+ CANCELLED AT (\S+)(?: DUE TO (.+?))?(?: \*\*\*|$)")
_SUBMIT_PREFIX = re.compile(r"^sbatch:\s*(error:\s*)?", re.IGNORECASE)
_USR2_EXIT = 128 + 12  # the wrapper's exit status after SIGUSR2
_WAIT_SECONDS = 20.0
_COMMAND_TIMEOUT = 15


@dataclass(frozen=True)
class SlurmFailure:
    """Slurm's account of a failed task: its job id (None when ``sbatch`` refused it) and the reason."""

    job_id: str | None
    state: str | None  # Slurm's JobState (CANCELLED, TIMEOUT, FAILED, ...); None if unknown / not submitted
    reason: str  # one line, for people

    def lines(self) -> list[str]:
        """The lines the task failure message gains."""
        if self.job_id is None:
            return [f"Slurm: the job was not submitted: {self.reason}"]
        state = f" {self.state}" if self.state else ""
        return [f"Slurm job {self.job_id}{state}: {self.reason}"]


def parse_record(text: str) -> dict[str, str]:
    """``Key=value`` fields of a one-line Slurm record (``scontrol show job -o`` or a jobcomp line)."""
    fields: dict[str, str] = {}
    key = None
    for token in text.strip().split(" "):
        name, sep, value = token.partition("=")
        if sep and re.fullmatch(r"[A-Za-z][A-Za-z0-9_/:]*", name):
            key = name
            fields[key] = value
        elif key is not None:  # a value holding spaces (e.g. a job name)
            fields[key] += " " + token
    return fields


def _run(*argv: str) -> str | None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=_COMMAND_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _jobcomp_file() -> Path | None:
    out = _run("scontrol", "show", "config")
    if not out:
        return None
    conf = {}
    for line in out.splitlines():
        name, sep, value = line.partition("=")
        if sep:
            conf[name.strip()] = value.strip()
    if conf.get("JobCompType") != "jobcomp/filetxt" or not conf.get("JobCompLoc"):
        return None
    return Path(conf["JobCompLoc"])


def _from_jobcomp(job_id: str) -> dict[str, str] | None:
    path = _jobcomp_file()
    if path is None:
        return None
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return None
    found = None
    for line in text.splitlines():
        if line.startswith(f"JobId={job_id} "):
            found = line  # the last record wins (a requeued job has several)
    return parse_record(found) if found else None


def job_record(job_id: str, *, wait: float = _WAIT_SECONDS) -> dict[str, str] | None:
    """Slurm's record of ``job_id`` (``scontrol``, else the jobcomp file); waits up to ``wait`` s for it to end."""
    deadline = time.monotonic() + wait
    while True:
        out = _run("scontrol", "show", "job", "-o", job_id)
        record = parse_record(out.splitlines()[0]) if out and out.strip() else None
        if record is not None and record.get("JobState") not in _ACTIVE:
            return record
        if record is None:
            return _from_jobcomp(job_id)
        if time.monotonic() > deadline:
            return record
        time.sleep(0.5)


def _cancel_notice(workdir: Path | None, job_id: str) -> tuple[str, str | None] | None:
    """(when, 'DUE TO' cause or None) from the slurmstepd line in the job's output, if Slurm cancelled it."""
    if workdir is None:
        return None
    try:
        text = (workdir / ".command.log").read_text(errors="replace")
    except OSError:
        return None
    for match in _CANCEL_NOTICE.finditer(text):
        if match.group(1) == job_id:
            return match.group(2), match.group(3)
    return None


def _signal(record: dict[str, str]) -> int | None:
    """The signal that ended the job's batch script (``ExitCode=exit:signal``), if any."""
    _, _, sig = record.get("ExitCode", "").partition(":")
    return int(sig) if sig.isdigit() and int(sig) else None


def _time_limit(record: dict[str, str]) -> str | None:
    limit = record.get("TimeLimit")
    if not limit or limit in ("UNLIMITED", "Partition_Limit", "NONE"):
        return None
    return limit if ":" in limit or "-" in limit else f"{limit} min"


def _submit_reason(run_error: str | None) -> str:
    lines = [line.strip() for line in (run_error or "").splitlines() if line.strip()]
    said = [_SUBMIT_PREFIX.sub("", line) for line in lines if _SUBMIT_PREFIX.match(line)]
    if said:
        return "sbatch refused it: " + "; ".join(said)
    return lines[-1] if lines else "no reason recorded"


def explain(job_id: str | None, *, exit_status: int | None = None, workdir: Path | None = None,
            run_error: str | None = None) -> SlurmFailure:
    """Slurm's reason for the failure of the task that ran as ``job_id`` (None: it was never submitted)."""
    if not job_id:
        return SlurmFailure(None, None, _submit_reason(run_error))
    record = job_record(job_id) or {}
    state = record.get("JobState") or None
    notice = _cancel_notice(workdir, job_id)
    limit = _time_limit(record)
    due = notice[1] if notice else None
    if state == "TIMEOUT" or (due and "TIME LIMIT" in due.upper()):
        reason = f"exceeded its time limit{f' of {limit}' if limit else ''}"
    elif limit and (exit_status == _USR2_EXIT or _signal(record) == 12):  # SIGUSR2 (also before a trap)
        reason = (f"ran out of time: stopped by SIGUSR2 (exit status 140), which Slurm sends shortly before "
                  f"the job's time limit of {limit} (Nextflow submits with --signal B:USR2@30)")
    elif state == "CANCELLED" or notice:
        when = f" at {notice[0]}" if notice else ""
        reason = f"cancelled{when}{f' due to {due.lower()}' if due else ' (scancel, by a user or an administrator)'}"
    elif state == "OUT_OF_MEMORY":
        reason = f"ran out of memory (asked for {record.get('MinMemoryNode') or record.get('TRES') or '?'})"
    elif state in ("NODE_FAIL", "BOOT_FAIL"):
        reason = f"its node {record.get('NodeList', '')} failed".replace("  ", " ")
    elif state == "PREEMPTED":
        reason = "preempted by a higher-priority job"
    elif state == "FAILED":
        reason = f"exit code {record.get('ExitCode', '?')} (Slurm's reason: {record.get('Reason', 'none')})"
    elif state == "COMPLETED":
        reason = "the job itself ended normally; the task failed inside it (see its exit status and .command.err)"
    elif state:
        reason = f"Slurm's reason: {record.get('Reason', 'none')}, exit code {record.get('ExitCode', '?')}"
    else:
        reason = "Slurm no longer has a record of the job (scontrol and the job-completion file know nothing)"
    return SlurmFailure(job_id, state, reason)
