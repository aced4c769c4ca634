"""The single-node Slurm cluster the `slurm` tests run on, and reading its job accounting."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..paths import REPO
from ..support import unavailable

SCRIPT = REPO / "scripts" / "slurm-cluster.sh"

#: Poll Slurm often so test runs end soon after their jobs do.
FAST_POLLING = """\
executor {
    queueStatInterval = '1s'
    pollInterval = '1s'
    exitReadTimeout = '30s'
}
"""


def _script(action: str, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), action], capture_output=True, text=True, timeout=timeout)


@dataclass
class Cluster:
    """A running cluster: where its job-completion records are, and whether this test session started it."""

    jobcomp: Path
    started_here: bool

    def jobs(self) -> dict[str, dict[str, str]]:
        """Finished jobs by id, from the job-completion file (``Key=value`` fields of each line)."""
        jobs: dict[str, dict[str, str]] = {}
        if not self.jobcomp.exists():  # no job has finished yet
            return jobs
        for line in self.jobcomp.read_text().splitlines():
            fields = dict(token.split("=", 1) for token in line.split() if "=" in token)
            if "JobId" in fields:
                jobs[fields["JobId"]] = fields
        return jobs

    def stop_if_started(self) -> None:
        if self.started_here:
            _script("down", 120)


def _jobcomp_location() -> Path | None:
    out = subprocess.run(["scontrol", "show", "config"], capture_output=True, text=True, timeout=30).stdout
    for line in out.splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "JobCompLoc":
            return Path(value.strip())
    return None


def start_cluster() -> Cluster:
    """Bring the cluster up with the script (skip, or fail under CI=true, when it cannot come up)."""
    if os.geteuid() != 0:
        unavailable("the Slurm tests start a single-node cluster as root (scripts/slurm-cluster.sh up); "
                    "run them as root")
    try:
        was_up = _script("status", 60).returncode == 0
        done = _script("up", 900)
    except (OSError, subprocess.TimeoutExpired) as exc:
        unavailable(f"the Slurm cluster did not come up (scripts/slurm-cluster.sh up): {exc}")
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-10:])
        unavailable(f"the Slurm cluster did not come up (scripts/slurm-cluster.sh up, exit {done.returncode}):\n{tail}")
    location = _jobcomp_location()
    if location is None:
        unavailable("the Slurm cluster is up but has no JobCompLoc (job accounting file)")
    return Cluster(jobcomp=location, started_here=not was_up)


def running_jobs_under(directory: Path) -> list[str]:
    """Ids of running Slurm jobs whose work directory is under ``directory``."""
    out = subprocess.run(["squeue", "-h", "-t", "R", "-o", "%i %Z"], capture_output=True, text=True,
                         timeout=30).stdout
    ids = []
    for line in out.splitlines():
        job, _, workdir = line.partition(" ")
        if workdir.strip().startswith(str(directory)):
            ids.append(job.strip())
    return ids
