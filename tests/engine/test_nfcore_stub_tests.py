"""nf-core's stub tests as a peer suite (issue 26): the reader's check on fixture tests (a match, and a
snapshot that disagrees), and the benchmark's quick mode over a handful of corpus modules."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from pynf.backends.local.backend import LocalBackend
from pynf.nftest import check_test, read_tests

from ..paths import MODULE_FIXTURES, REPO

pytestmark = pytest.mark.engine

SEQTK = MODULE_FIXTURES / "seqtk_seq"


@pytest.fixture(scope="module")
def backend(engine):
    return LocalBackend()


def test_fixture_stub_tests_agree_with_their_snapshots(tmp_path, backend):
    outcomes = {t.name: check_test(t, tmp_path / str(i), backend, "seqtk_seq")
                for i, t in enumerate(read_tests(SEQTK)) if t.stub}
    assert {name: o.status for name, o in outcomes.items()} == {
        "one reads file - stub": "matched",            # ext.prefix closure from the test config, meta map
        "two samples, named snapshot - stub": "matched",  # a queue of two, two channels snapshotted
        "reads from an operator - stub": "skipped"}
    assert outcomes["reads from an operator - stub"].cause == "channel operator"


def test_a_snapshot_that_disagrees_is_a_mismatch_naming_the_channel(tmp_path, backend):
    module = tmp_path / "seqtk_seq"
    shutil.copytree(SEQTK, module)
    snap = module / "tests" / "main.nf.test.snap"
    snap.write_text(snap.read_text().replace("s1.renamed.seqtk-seq.fasta", "s1.seqtk-seq.fasta"))
    test = next(t for t in read_tests(module) if t.name == "one reads file - stub")
    outcome = check_test(test, tmp_path / "work", backend, "seqtk_seq")
    assert outcome.status == "mismatched"
    assert len(outcome.diffs) == 1 and outcome.diffs[0].startswith("fasta: snapshot")
    assert "s1.renamed.seqtk-seq.fasta" in outcome.diffs[0]


def test_benchmark_quick_mode(corpus_dir, engine, tmp_path):
    raw = tmp_path / "raw.jsonl"
    cmd = [sys.executable, str(REPO / "benchmarks" / "nfcore_stub_snapshots.py"), "--corpus", str(corpus_dir),
           "--limit", "3", "--json", "--details", "--raw", str(raw)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1200, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert set(report) >= {"tests", "translated", "matched", "mismatched", "errors_by_cause", "skipped_by_reason"}
    assert report["tests"] == len(raw.read_text().splitlines()) > 0
    assert report["translated"] == report["matched"] + report["mismatched"] + sum(report["errors_by_cause"].values())
    assert report["mismatched"] == 0, report["mismatches"]
    assert report["matched"] >= 1
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=REPO)  # resumes: nothing new
    assert json.loads(again.stdout)["matched"] == report["matched"]
    assert len(raw.read_text().splitlines()) == report["tests"]
