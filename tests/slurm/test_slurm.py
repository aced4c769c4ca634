"""pynf on Slurm: tasks become sbatch jobs on a real single-node cluster (scripts/slurm-cluster.sh).

The Python process runs Nextflow's head in its embedded JVM; each task is a Slurm job. Job
accounting comes from the cluster's job-completion file (JobCompType=jobcomp/filetxt).
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import pynf
from pynf.cli.main import cli
from pynf.errors import TaskFailedError
from pynf.render.options import RunOptions

from ..paths import FIXTURES, MODULE_FIXTURES, REPO
from ..support import require_tools
from .cluster import FAST_POLLING, SCRIPT, running_jobs_under

pytestmark = [pytest.mark.slurm, pytest.mark.engine]

SEQTK = MODULE_FIXTURES / "seqtk_seq"
README_MARKER = "<!-- slurm-example: tests/slurm/test_slurm.py runs this block on the single-node cluster -->"

# A task that takes as long as it is told to; written here, not a fixture module.
NAP_NF = '''
process NAP {
    tag "${meta.id}"

    input:
    tuple val(meta), val(seconds)

    output:
    tuple val(meta), path("*.txt"), emit: txt

    script:
    """
    sleep ${seconds}
    echo "${meta.id} slept ${seconds}s" > ${meta.id}.txt
    """
}
'''


@pytest.fixture
def nap(tmp_path) -> Path:
    module = tmp_path / "nap"
    module.mkdir()
    (module / "main.nf").write_text(NAP_NF)
    return module


def _fastq(path: Path, seed: int, reads: int = 5) -> Path:
    rng = random.Random(seed)
    lines = []
    for i in range(reads):
        seq = "".join(rng.choice("ACGT") for _ in range(rng.randint(20, 40)))
        lines += [f"@s{seed}_r{i}", seq, "+", "I" * len(seq)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _slurm(**kw) -> RunOptions:
    return RunOptions(executor="slurm", queue="debug", extra_config=FAST_POLLING, **kw)


def _one_good_run(tmp_path: Path, name: str):
    reads = _fastq(tmp_path / f"{name}.fastq", seed=99)
    result = pynf.run(SEQTK, meta={"id": name}, fastx=reads, run_dir=tmp_path / f"run-{name}", options=_slurm())
    assert result.status == "SUCCEEDED"
    [(meta, fasta)] = result.outputs["fasta"]
    assert meta == {"id": name} and fasta.read_text().startswith(">s99_r0\n")
    assert result.tasks[0].executor == "slurm" and result.tasks[0].native_id
    return result


def test_a_queue_of_six_runs_as_six_slurm_jobs_with_the_local_executors_outputs(slurm_cluster, engine, tmp_path):
    require_tools("seqtk")
    items = [{"meta": {"id": f"s{i}"}, "fastx": _fastq(tmp_path / f"s{i}.fastq", seed=i)} for i in range(6)]

    on_slurm = pynf.run(SEQTK, inputs=[pynf.Queue(items)], run_dir=tmp_path / "slurm",
                        options=_slurm(cpus=2, memory="300 MB", time="10m"))
    local = pynf.run(SEQTK, inputs=[pynf.Queue(items)], run_dir=tmp_path / "local")

    # outputs: same metas in input order, same FASTA bytes as the local executor's
    assert [meta["id"] for meta, _ in on_slurm.outputs["fasta"]] == [f"s{i}" for i in range(6)]
    assert [(m, f.read_bytes()) for m, f in on_slurm.outputs["fasta"]] == \
           [(m, f.read_bytes()) for m, f in local.outputs["fasta"]]
    assert {t.executor for t in local.tasks} == {"local"}

    # six Slurm jobs, each completed with what the task asked for
    assert len(on_slurm.tasks) == 6 and {t.executor for t in on_slurm.tasks} == {"slurm"}
    ids = [t.native_id for t in on_slurm.tasks]
    assert len(set(ids)) == 6 and all(i and i.isdigit() for i in ids)
    jobs = slurm_cluster.jobs()
    for task in on_slurm.tasks:
        job = jobs[task.native_id]
        assert job["JobState"] == "COMPLETED" and job["ExitCode"] == "0:0"
        assert job["Partition"] == "debug"
        assert job["WorkDir"] == str(task.workdir)
        tres = dict(kv.split("=", 1) for kv in job["Tres"].split(","))
        assert tres["cpu"] == "2" and tres["mem"] == "300M"
        assert job["TimeLimit"] == "10"  # minutes
    report = on_slurm.get_execution_report()
    assert sorted(t["nativeId"] for t in report["tasks"]) == sorted(ids)


@pytest.mark.reports
def test_a_workflow_runs_its_steps_as_slurm_jobs_with_the_local_executors_outputs(slurm_cluster, engine, tmp_path):
    # issue 14's last point: a pynf.Workflow (two steps, one Nextflow run) hands every task to Slurm
    require_tools("seqtk")
    reads = pynf.Queue([[{"id": f"w{i}"}, str(_fastq(tmp_path / f"w{i}.fastq", seed=20 + i, reads=8))]
                        for i in range(3)])

    def two_steps(options: RunOptions | None) -> pynf.Workflow:
        wf = pynf.Workflow("on_slurm", options=options)
        seq = wf.add(SEQTK, {"0": reads}, name="seq")
        wf.add(MODULE_FIXTURES / "seqtk_sample", reads=seq.out.fasta, sample_size=3, name="sample")
        return wf

    on_slurm = two_steps(_slurm(cpus=1, memory="200 MB", time="5m")).run(
        run_dir=tmp_path / "wf-slurm", outdir=tmp_path / "out-slurm")
    local = two_steps(None).run(run_dir=tmp_path / "wf-local", outdir=tmp_path / "out-local")

    def contents(result, step, emit):
        return {meta["id"]: path.read_bytes() for meta, path in result[step].outputs[emit]}

    for step, emit in (("seq", "fasta"), ("sample", "reads")):
        assert contents(on_slurm, step, emit) == contents(local, step, emit)
    assert sorted(contents(on_slurm, "sample", "reads")) == ["w0", "w1", "w2"]
    assert all(body.count(b">") == 3 for body in contents(on_slurm, "sample", "reads").values())
    assert {t.executor for t in local.run.tasks} == {"local"}

    tasks = on_slurm.run.tasks
    assert len(tasks) == 6 and {t.executor for t in tasks} == {"slurm"}
    assert {t.process for t in tasks} == {"SEQTK_SEQ", "SEQTK_SAMPLE"}
    jobs = slurm_cluster.jobs()
    for task in tasks:
        job = jobs[task.native_id]
        assert job["JobState"] == "COMPLETED" and job["ExitCode"] == "0:0" and job["Partition"] == "debug"
        assert job["WorkDir"] == str(task.workdir)
        assert {"cpu=1", "mem=200M"} <= set(job["Tres"].split(",")) and job["TimeLimit"] == "5"
    # issue 25: the run's reports are in outdir/pipeline_info; the trace names each task's Slurm job
    for path in (on_slurm.report_path, on_slurm.timeline_path, on_slurm.trace_path, on_slurm.dag_path):
        assert path is not None and path.is_file() and path.parent == tmp_path / "out-slurm" / "pipeline_info"
    with open(on_slurm.trace_path, newline="", encoding="utf-8") as fh:
        traced = {(r["name"], r["native_id"], r["status"]) for r in csv.DictReader(fh, delimiter="\t")}
    assert traced == {(t.name, t.native_id, "COMPLETED") for t in tasks}


def test_cli_executor_queue_cluster_options_and_resource_limits_reach_sbatch(slurm_cluster, engine, tmp_path):
    require_tools("seqtk")
    reads = _fastq(tmp_path / "cli.fastq", seed=7)
    config = tmp_path / "fast.config"
    config.write_text(FAST_POLLING)
    result = CliRunner().invoke(cli, [
        "run", str(SEQTK), "--input", 'meta={"id":"cli"}', "--input", f"fastx={reads}",
        "--executor", "slurm", "--queue", "debug", "--cluster-options", "--comment=pynf-cli-test",
        "--cpus", "8", "--memory", "64 GB", "--time", "3d",  # more than the node has: the limits cap them
        "--max-cpus", "1", "--max-memory", "200 MB", "--max-time", "7m",
        "--config", str(config), "--run-dir", str(tmp_path / "run"), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["report"]
    assert report["status"] == "SUCCEEDED"
    [task] = report["tasks"]
    assert task["executor"] == "slurm"
    job = slurm_cluster.jobs()[task["nativeId"]]
    assert job["JobState"] == "COMPLETED"
    assert job["ProcCnt"] == "1" and "mem=200M" in job["Tres"].split(",") and job["TimeLimit"] == "7"
    shown = subprocess.run(["scontrol", "show", "job", "-o", task["nativeId"]], capture_output=True, text=True).stdout
    assert "Comment=pynf-cli-test" in shown.split()


def test_scancel_of_a_running_job_raises_naming_the_job_and_the_next_run_succeeds(slurm_cluster, engine, nap,
                                                                                     tmp_path):
    require_tools("seqtk")
    run_dir = tmp_path / "cancelled"
    cancelled: list[str] = []
    stop = threading.Event()

    def cancel_when_running():
        while not stop.is_set():
            jobs = running_jobs_under(run_dir)
            if jobs:
                subprocess.run(["scancel", jobs[0]], check=True)
                cancelled.append(jobs[0])
                return
            time.sleep(0.5)

    killer = threading.Thread(target=cancel_when_running, daemon=True)
    killer.start()
    try:
        with pytest.raises(TaskFailedError) as info:
            pynf.run(nap, meta={"id": "long"}, seconds=600, run_dir=run_dir, options=_slurm())
    finally:
        stop.set()
        killer.join(10)
    err = info.value
    assert cancelled and err.job_id == cancelled[0]
    assert f"Slurm job {err.job_id} CANCELLED" in str(err)
    assert "cancelled" in err.reason and "scancel" in err.reason
    assert err.process == "NAP" and err.tag == "long"
    assert slurm_cluster.jobs()[err.job_id]["JobState"] == "CANCELLED"
    _one_good_run(tmp_path, "after-cancel")


def test_a_job_reaching_its_time_limit_raises_naming_the_job(slurm_cluster, engine, nap, tmp_path):
    # Nextflow submits with --signal B:USR2@30: Slurm warns the job before its limit, the wrapper stops the task
    require_tools("seqtk")
    with pytest.raises(TaskFailedError) as info:
        pynf.run(nap, meta={"id": "slow"}, seconds=600, run_dir=tmp_path / "slow", options=_slurm(time="1m"))
    err = info.value
    assert err.job_id and err.job_id.isdigit()
    assert f"Slurm job {err.job_id}" in str(err)
    assert "time limit of 00:01:00" in err.reason and "ran out of time" in err.reason
    assert err.exit_status in (140, None)  # None: the signal came before the wrapper's trap (no .exitcode)
    assert slurm_cluster.jobs()[err.job_id]["TimeLimit"] == "1"
    _one_good_run(tmp_path, "after-time-limit")


def test_a_job_slurm_stops_at_its_time_limit_raises_timeout_naming_the_job(slurm_cluster, engine, nap, tmp_path):
    # with its own --signal (one the wrapper ignores), Slurm itself ends the job at the limit: state TIMEOUT
    require_tools("seqtk")
    with pytest.raises(TaskFailedError) as info:
        pynf.run(nap, meta={"id": "slower"}, seconds=600, run_dir=tmp_path / "slower",
                 options=_slurm(time="1m", cluster_options=["--signal=B:URG@1"]))
    err = info.value
    assert f"Slurm job {err.job_id} TIMEOUT: exceeded its time limit of 00:01:00" in str(err)
    assert slurm_cluster.jobs()[err.job_id]["JobState"] == "TIMEOUT"
    _one_good_run(tmp_path, "after-timeout")


def test_a_job_sbatch_refuses_raises_with_sbatchs_reason(slurm_cluster, engine, tmp_path):
    require_tools("seqtk")
    reads = _fastq(tmp_path / "r.fastq", seed=3)
    with pytest.raises(TaskFailedError) as info:
        pynf.run(SEQTK, meta={"id": "nowhere"}, fastx=reads, run_dir=tmp_path / "nowhere",
                 options=RunOptions(executor="slurm", queue="no_such_partition", extra_config=FAST_POLLING))
    err = info.value
    assert err.job_id is None
    assert "invalid partition specified: no_such_partition" in err.reason
    assert "was not submitted to Slurm: sbatch exited with status 1" in str(err)
    assert "Slurm: the job was not submitted: sbatch refused it: invalid partition specified" in str(err)
    # through the CLI: the same message on stderr, exit status 1, no traceback
    cli_run = CliRunner().invoke(cli, ["run", str(SEQTK), "--input", 'meta={"id":"nowhere"}', "--input",
                                       f"fastx={reads}", "--executor", "slurm", "--queue", "no_such_partition",
                                       "--run-dir", str(tmp_path / "nowhere-cli"), "--json"])
    assert cli_run.exit_code == 1
    assert "sbatch refused it: invalid partition specified: no_such_partition" in cli_run.output
    assert "Traceback" not in cli_run.output
    _one_good_run(tmp_path, "after-refusal")


def test_readme_cluster_example_runs_on_the_cluster(slurm_cluster, engine, tmp_path):
    require_tools("seqtk")
    text = (REPO / "README.md").read_text(encoding="utf-8")
    [code] = re.findall(re.escape(README_MARKER) + r"\s*```python\n(.*?)```", text, re.S)
    (tmp_path / "fixtures").symlink_to(FIXTURES)
    _fastq(tmp_path / "reads.fastq", seed=5)
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    status, executor, _, job_id = proc.stdout.split()
    assert (status, executor) == ("SUCCEEDED", "slurm")
    job = slurm_cluster.jobs()[job_id]
    assert job["JobState"] == "COMPLETED" and job["Partition"] == "debug" and job["TimeLimit"] == "60"
    assert {"cpu=2", "mem=1G"} <= set(job["Tres"].split(","))
    assert job["WorkDir"].startswith(str(tmp_path / "runs" / "seqtk-s1" / "work"))


def test_cluster_script_up_is_idempotent_and_status_reports_the_node(slurm_cluster):
    conf = slurm_cluster.jobcomp.parent / "slurm.conf"
    status = _script_out("status")
    before = (conf.read_text(), conf.stat().st_mtime_ns, _daemons(status))
    again = subprocess.run(["bash", str(SCRIPT), "up"], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert (conf.read_text(), conf.stat().st_mtime_ns, _daemons(_script_out("status"))) == before  # same daemons
    assert "slurmctld: running (pid " in status and "slurmd: running (pid " in status
    assert re.search(r"^node \S+: (idle|mixed|allocated|completing)$", status, re.M)
    assert Path("/etc/slurm/slurm.conf").resolve() == conf.resolve()
    assert "PartitionName=debug" in before[0] and "JobCompType=jobcomp/filetxt" in before[0]
    usage = subprocess.run(["bash", str(SCRIPT), "sideways"], capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2 and "usage:" in usage.stderr


def _script_out(action: str) -> str:
    done = subprocess.run(["bash", str(SCRIPT), action], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _daemons(status: str) -> list[str]:
    return [line for line in status.splitlines() if line.split(":")[0] in ("slurmctld", "slurmd", "munged")]
