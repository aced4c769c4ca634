"""Outputs a person can find and trust (issue 21 items 1-3): per-sample folders by meta.id, reruns into one
outdir leave one file per sample and output, Ctrl-C never damages the last complete manifest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pynf
import pynf.errors
import pynf.workflow
from pynf.backends.local.leftovers import leftover_tasks
from pynf.errors import PublishLayoutWarning
from pynf.render.bundle import MANIFEST_NAME

from ..paths import MODULE_FIXTURES, REPO
from ..support import require_engine

pytestmark = pytest.mark.engine

FIXED = MODULE_FIXTURES / "fixed_name"  # every task writes report.txt and versions.yml


@pytest.fixture(scope="module", autouse=True)
def _engine():
    require_engine()


def _queue(*ids: str, seconds: int = 0) -> pynf.Queue:
    return pynf.Queue([{"meta": {"id": s}, "text": f"text of {s}", "seconds": seconds} for s in ids])


def _files(outdir: Path) -> list[str]:
    """Files under outdir but the run reports in pipeline_info/ (one set per run, kept by design)."""
    return sorted(p.relative_to(outdir).as_posix() for p in outdir.rglob("*")
                  if p.is_file() and p.relative_to(outdir).parts[0] != "pipeline_info")


def test_queue_items_are_published_under_their_meta_id(tmp_path):
    out = tmp_path / "out"
    result = pynf.run(FIXED, inputs=[_queue("s1", "s 2", ".hidden"), "plain"], run_dir=tmp_path / "run", outdir=out)
    folders = {meta["id"]: path.parent.relative_to(out).as_posix() for meta, path in result.outputs["report"]}
    assert folders == {"s1": "s1", "s 2": "s_2", ".hidden": "_hidden"}  # sanitised, never hidden
    assert [p.read_text() for _, p in result.outputs["report"]] == ["text of s1\n", "text of s 2\n",
                                                                     "text of .hidden\n"]
    # an output without meta (versions.yml) goes with its task's other files
    assert sorted(p.parent.name for p in result.outputs["versions"]) == ["_hidden", "s1", "s_2"]
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    assert manifest["layout"] == {"by": "id", "note": None, "warn": False}


def test_duplicate_ids_fall_back_to_task_folders_with_a_warning_and_a_note(tmp_path):
    out = tmp_path / "out"
    with pytest.warns(PublishLayoutWarning, match="FIXED_NAME: outputs published per task .*meta.id not unique.*'s'"):
        result = pynf.run(FIXED, inputs=[_queue("s", "S", "t"), "plain"], run_dir=tmp_path / "run", outdir=out)
    workdirs = {t.workdir.relative_to(result.work_dir).as_posix() for t in result.tasks}
    assert {p.parent.relative_to(out).as_posix() for _, p in result.outputs["report"]} == workdirs
    layout = json.loads((out / MANIFEST_NAME).read_text())["layout"]
    assert layout["by"] == "task" and "'s', 'S'" in layout["note"]  # equal ignoring case: one folder on macOS


def test_workflow_step_items_are_published_under_step_and_meta_id(tmp_path):
    wf = pynf.Workflow("ids")
    wf.add(FIXED, {"0": _queue("a", "b"), "1": "plain"}, name="first")
    wf.add(FIXED, {"0": [{"id": "solo"}, "once", 0], "1": "upper"}, name="once")
    wf.add(FIXED, {"0": _queue("a", "a"), "1": "upper"}, name="twice")
    with pytest.warns(PublishLayoutWarning, match="step 'twice'"):
        result = wf.run(run_dir=tmp_path / "run", outdir=tmp_path / "out")
    out = tmp_path / "out"
    assert {m["id"]: p.relative_to(out).as_posix() for m, p in result["first"].outputs["report"]} == {
        "a": "first/a/report.txt", "b": "first/b/report.txt"}
    (_, once), = result["once"].outputs["report"]
    assert once == out / "once" / "report.txt"  # a step that runs once publishes straight into its folder
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    assert manifest["steps"]["first"]["layout"]["by"] == "id"
    assert manifest["steps"]["twice"]["layout"]["by"] == "task"
    assert all(len(p.relative_to(out / "twice").parts) == 3 for _, p in result["twice"].outputs["report"])


def test_three_runs_into_one_outdir_leave_one_file_per_sample_and_output(tmp_path):
    out = tmp_path / "out"
    for ids in (("s1", "s1", "s2"), ("s1", "s2", "s3"), ("s1", "s2")):  # task folders, then ids, then one less
        with pytest.warns(PublishLayoutWarning) if ids[0] == ids[1] else _no_warning():
            result = pynf.run(FIXED, inputs=[_queue(*ids), "plain"], run_dir=tmp_path / "run", outdir=out)
    assert _files(out) == [MANIFEST_NAME, "s1/report.txt", "s1/versions.yml", "s2/report.txt", "s2/versions.yml",
                           "software_versions.yml"]  # the run's one versions file, rewritten by each run
    assert sorted(out.glob("*/report.txt")) == [p for _, p in result.outputs["report"]]
    # a file pynf never published is left alone
    (out / "notes.txt").write_text("mine")
    pynf.run(FIXED, inputs=[_queue("s9"), "plain"], run_dir=tmp_path / "run", outdir=out)
    assert _files(out) == ["notes.txt", MANIFEST_NAME, "s9/report.txt", "s9/versions.yml", "software_versions.yml"]


class _no_warning:
    def __enter__(self):
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("error", PublishLayoutWarning)

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


INTERRUPTED = r'''
import sys
from pathlib import Path
import pynf
root, seconds, module, mode = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
def queue(wait, ids=("s1", "s2", "s3", "s4")):
    return pynf.Queue([{"meta": {"id": s}, "text": s, "seconds": wait} for s in ids])
try:
    if mode == "module":  # one task at a time
        pynf.run(module, inputs=[queue(seconds), "plain"], run_dir=root / "run", outdir=root / "out",
                 options=pynf.RunOptions(extra_config="executor.cpus = 1"))
    else:  # all at once: a fast step ends (and writes its part) while the slow one runs. (Nextflow starts
        # local tasks from a pool of poolSize threads, one per core by default: on 2 cores the slow tasks held
        # both and the fast ones waited for them, so the interrupt came only after 2 minutes.)
        wf = pynf.Workflow("two", options=pynf.RunOptions(
            extra_config="executor.cpus = 8\nexecutor.queueSize = 8\npoolSize = 8"))
        wf.add(module, {"0": queue(0, ("s1", "s1", "s2", "s3")), "1": "plain"}, name="fast")  # task folders
        wf.add(module, {"0": queue(seconds), "1": "upper"}, name="slow")
        wf.run(run_dir=root / "run", outdir=root / "out")
    print("DONE", flush=True)
except KeyboardInterrupt:
    print("INTERRUPTED", flush=True)
'''


def _child(root: Path, seconds: int, mode: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               PYNF_HISTORY_DIR=str(root / "history"))
    return subprocess.Popen([sys.executable, "-c", INTERRUPTED, str(root), str(seconds), str(FIXED), mode],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def _rerun_under_way(root: Path, mode: str, first_run: str) -> bool:
    """A task of the rerun has started (module); the fast step has ended and a slow task started (workflow)."""
    begun = len(list((root / "run" / "work").glob("*/*/.command.begin")))
    if mode == "module":
        return begun > 4
    # the first run's 8 tasks, the rerun's 4 fast ones (ended) and at least one slow one (sleeping): interrupt
    # mid-run. (Waiting for the fast step's part of the manifest raced with the end of the run: that part is
    # written when the step's output channels close, which was seen only near the run's end.)
    ended = len(list((root / "run" / "work").glob("*/*/.exitcode")))
    return begun > 8 + 4 and ended >= 8 + 4


@pytest.mark.parametrize("mode", ["module", "workflow"])
def test_ctrl_c_on_a_rerun_keeps_the_last_complete_manifest(tmp_path, mode):
    first = _child(tmp_path, 0, mode)
    out, _ = first.communicate(timeout=600)
    assert "DONE" in out, out
    manifest = (tmp_path / "out" / MANIFEST_NAME).read_text()
    report = "report" if mode == "module" else "slow.report"
    assert len(json.loads(manifest)["outputs"][report]) == 4
    first_run = json.loads(manifest)["run"]["name"]

    rerun = _child(tmp_path, 120, mode)  # the slow tasks sleep 2 minutes
    try:
        deadline = time.monotonic() + 300
        while not _rerun_under_way(tmp_path, mode, first_run):
            assert time.monotonic() < deadline and rerun.poll() is None, "the rerun's slow task never started"
            time.sleep(0.2)
        rerun.send_signal(signal.SIGINT)
        out, _ = rerun.communicate(timeout=120)
    finally:
        if rerun.poll() is None:
            rerun.kill()
    assert "INTERRUPTED" in out, out
    # no task outlives the run (one launched while the run was being aborted kept the process from exiting)
    assert leftover_tasks(tmp_path / "run" / "work", parent=0) == []
    assert (tmp_path / "out" / MANIFEST_NAME).read_text() == manifest  # untouched, byte for byte
    listed = [item[1]["value"] for item in json.loads(manifest)["outputs"][report]]
    assert [Path(p).read_text() for p in listed] == (["s1\n", "s2\n", "s3\n", "s4\n"] if mode == "module"
                                                     else ["S1\n", "S2\n", "S3\n", "S4\n"])
    leftovers = [p for p in (tmp_path / "out").rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers
    if mode == "workflow":  # a completed run after the interrupted one lists, and leaves, only its own files
        third = _child(tmp_path, 0, mode)
        out, _ = third.communicate(timeout=600)
        assert "DONE" in out, out
        listed = {item[1]["value"] for item in json.loads((tmp_path / "out" / MANIFEST_NAME).read_text())[
            "outputs"]["fast.report"]}
        assert {str(p) for p in (tmp_path / "out" / "fast").glob("*/*/report.txt")} == listed and len(listed) == 4
        assert not (tmp_path / "out" / ".pynf-published").exists()
    # the local history says so
    records = [json.loads(p.read_text()) for p in sorted((tmp_path / "history").glob("*.json"))]
    assert [r["status"] for r in records][:2] == ["SUCCEEDED", "INTERRUPTED"]


def test_load_rebuilds_a_module_result_from_its_outdir(tmp_path):
    out = tmp_path / "out"
    ran = pynf.run(MODULE_FIXTURES / "seqtk_seq", inputs=[pynf.Queue([
        {"meta": {"id": s}, "fastx": _fastq(tmp_path, s)} for s in ("a", "b")])], run_dir=tmp_path / "run", outdir=out)
    loaded = pynf.load(out)
    assert loaded.outputs == ran.outputs and loaded.topics == ran.topics
    assert loaded.get_output_files() == ran.get_output_files()
    assert loaded.topics["versions"][0][:2] == ("SEQTK_SEQ", "seqtk")
    report = loaded.get_execution_report()
    assert (report["status"], report["runName"], report["sessionId"]) == ("SUCCEEDED", ran.run_name, ran.session_id)
    assert report["process"] == "SEQTK_SEQ" and report["tasks"]["succeeded"] == 2 and report["duration"] > 0
    assert str(loaded.module_id).endswith("seqtk_seq")
    # a moved outdir loads with its own files
    moved = tmp_path / "elsewhere"
    out.rename(moved)
    again = pynf.load(moved)
    assert [p for _, p in again.outputs["fasta"]] == [moved / "a" / "a.seqtk-seq.fasta", moved / "b" / "b.seqtk-seq.fasta"]
    assert all(p.is_file() for p in again.get_output_files())
    with pytest.raises(pynf.errors.InputError, match="no readable pynf-manifest.json"):
        pynf.load(tmp_path / "run")


def test_load_rebuilds_a_workflow_result_per_step(tmp_path):
    wf = pynf.Workflow("two")
    wf.add(MODULE_FIXTURES / "seqtk_seq", {"0": pynf.Queue([[{"id": s}, _fastq(tmp_path, s)] for s in "xy"])},
                 name="seq")
    wf.add(FIXED, {"0": [{"id": "solo"}, "once", 0], "1": "upper"}, name="solo")
    ran = wf.run(run_dir=tmp_path / "run", outdir=tmp_path / "out")
    loaded = pynf.load(tmp_path / "out")
    assert isinstance(loaded, pynf.workflow.WorkflowResult) and list(loaded) == ["seq", "solo"]
    assert loaded["seq"].outputs == ran["seq"].outputs and loaded["solo"].outputs == ran["solo"].outputs
    assert loaded["seq"].topics == ran["seq"].topics and loaded.topics == ran.topics
    assert loaded.status == "SUCCEEDED" and loaded.get_execution_report()["runName"] == ran.run.run_name


def _fastq(root: Path, sample: str) -> str:
    path = root / f"{sample}.fq"
    path.write_text(f"@{sample}1\nACGTACGTAC\n+\nIIIIIIIIII\n")
    return str(path)


@pytest.mark.reports
def test_local_runs_are_listed_and_shown_with_their_report(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pynf.cli.main import cli

    monkeypatch.setenv("PYNF_HISTORY_DIR", str(tmp_path / "history"))
    ok = pynf.run(FIXED, meta={"id": "h"}, text="x", seconds=0, mode="plain", run_dir=tmp_path / "r1",
                  outdir=tmp_path / "o1")
    wf = pynf.Workflow("hist")
    wf.add(FIXED, {"0": [{"id": "w"}, "y", 0], "1": "plain"}, name="one")
    flow = wf.run(run_dir=tmp_path / "r2", outdir=tmp_path / "o2")
    bad = pynf.run(MODULE_FIXTURES / "eval_fail", meta={"id": "e"}, text="x", run_dir=tmp_path / "r3", check=False)
    runner = CliRunner()
    listed = runner.invoke(cli, ["runs", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    records = {r["run_name"]: r for r in json.loads(listed.stdout)}
    assert list(records) == [bad.run_name, flow.run.run_name, ok.run_name]  # newest first
    assert [(r["kind"], r["status"]) for r in records.values()] == [("module", "FAILED"), ("workflow", "SUCCEEDED"),
                                                                    ("module", "SUCCEEDED")]
    first = records[ok.run_name]
    assert (first["outdir"], first["run_dir"]) == (str(tmp_path / "o1"), str(tmp_path / "r1"))
    assert first["start"].endswith("Z") and first["duration"] > 0
    table = runner.invoke(cli, ["runs"])  # no subcommand: the local runs
    assert table.exit_code == 0 and ok.run_name in table.output and "workflow" in table.output
    shown = runner.invoke(cli, ["runs", "show", flow.run.run_name[:12]])
    assert shown.exit_code == 0 and "SUCCEEDED" in shown.output and str(tmp_path / "o2") in shown.output

    reports = tmp_path / "o1" / "pipeline_info"
    reports.rename(tmp_path / "aside")  # no report: a clear error
    none = runner.invoke(cli, ["runs", "show", ok.run_name, "--open"])
    assert none.exit_code == 1 and "has no execution report" in none.output
    (tmp_path / "aside").rename(reports)
    (report,) = reports.glob("execution_report*.html")  # the run's own, written by the engine
    opener = tmp_path / "bin" / "xdg-open"  # the desktop's opener: records what it was asked to open
    opener.parent.mkdir()
    opener.write_text(f"#!/bin/sh\necho \"$1\" > {tmp_path / 'opened'}\n")
    opener.chmod(0o755)
    monkeypatch.setenv("PATH", f"{opener.parent}{os.pathsep}{os.environ['PATH']}")
    opened = runner.invoke(cli, ["runs", "show", ok.run_name, "--open"])
    assert opened.exit_code == 0, opened.output
    deadline = time.monotonic() + 30
    while not (tmp_path / "opened").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (tmp_path / "opened").read_text().strip() == str(report)
