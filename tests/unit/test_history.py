"""Local run history (issue 21 item 5): records written at start and end, a dead run reads DIED, lookups."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from pynf._util.history import RunRecord, find_run, list_runs
from pynf.cli.main import cli


def _record(tmp_path, name: str) -> RunRecord:
    return RunRecord(run_name=name, kind="module", name="fixtures/x", process="X", outdir=tmp_path / "out",
                     run_dir=tmp_path / "run", work_dir=tmp_path / "run" / "work")


def test_records_follow_a_run_and_a_vanished_process_reads_died(tmp_path, monkeypatch):
    monkeypatch.setenv("PYNF_HISTORY_DIR", str(tmp_path / "h"))
    running = _record(tmp_path, "pynf_aaa111")
    running.start()
    assert [(r["run_name"], r["status"]) for r in list_runs()] == [("pynf_aaa111", "RUNNING")]
    running.end("FAILED", "Process X failed\n  more lines")
    (done,) = list_runs()
    assert done["status"] == "FAILED" and done["error"] == "Process X failed" and done["duration"] >= 0

    gone = _record(tmp_path, "pynf_aab222")
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    gone.data["pid"] = child.pid  # a process that has ended without recording its end (killed)
    gone.start()
    assert [(r["run_name"], r["status"]) for r in list_runs()] == [("pynf_aab222", "DIED"), ("pynf_aaa111", "FAILED")]
    assert json.loads(gone.path.read_text())["status"] == "RUNNING"  # the file is not rewritten by reading it

    assert [r["run_name"] for r in find_run("pynf_aaa")] == ["pynf_aaa111"]
    assert [r["run_name"] for r in find_run("last")] == ["pynf_aab222"]
    assert len(find_run("pynf_aa")) == 2
    res = CliRunner().invoke(cli, ["runs", "show", "pynf_aa"])
    assert res.exit_code == 1 and "matches 2 runs" in res.output
    res = CliRunner().invoke(cli, ["runs", "show", "nope"])
    assert res.exit_code == 1 and "no local run named 'nope'" in res.output
    res = CliRunner().invoke(cli, ["runs", "show", "pynf_aaa", "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["execution_report"] is None


def test_no_history_yet(tmp_path, monkeypatch):
    monkeypatch.setenv("PYNF_HISTORY_DIR", str(tmp_path / "none"))
    res = CliRunner().invoke(cli, ["runs"])
    assert res.exit_code == 0 and "no local runs recorded yet" in res.output
