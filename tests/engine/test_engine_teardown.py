"""Many in-process runs, then a normal interpreter exit: the process ends with status 0 (no SIGSEGV), and
pynf's exit handler leaves no Nextflow thread running when JPype shuts the JVM down."""

from __future__ import annotations

import os
import subprocess
import sys

from ..paths import REPO

SCRIPT = r'''
import sys
from pathlib import Path

import pynf

work, n = Path(sys.argv[1]), int(sys.argv[2])
module = work / "hello"
module.mkdir(parents=True, exist_ok=True)
(module / "main.nf").write_text(
    'process HELLO {\n    input:\n    val x\n\n    output:\n    stdout\n\n    script:\n    """\n    echo hi $x\n'
    '    """\n}\n')
events = []
for i in range(n):
    res = pynf.run(str(module), x=i, run_dir=work / f"run{i % 3}", progress=events.append)
    assert res.succeeded and list(res.outputs.values()) == [[f"hi {i}\n"]], res.outputs
from jpype import JClass
from pynf.backends.local import session

def nextflow_threads():
    traces = JClass("java.lang.Thread").getAllStackTraces()
    return sorted(str(t.getName()) for t in traces.keySet() if t.isAlive()
                  and any(str(f.getClassName()).startswith(("nextflow.", "groovyx.gpars.")) for f in traces.get(t)))

print("before", nextflow_threads(), flush=True)
session.shutdown()
print("after", nextflow_threads(), flush=True)
print("done", n, len(events), flush=True)
'''


def _run(tmp_path, n: int) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), str(n)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=1800)


def test_fifty_runs_then_a_clean_exit(engine, tmp_path):
    proc = _run(tmp_path, 50)
    assert proc.returncode == 0, (proc.returncode, proc.stdout[-2000:], proc.stderr[-4000:])
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines() if " " in line)
    assert lines["done"].startswith("50 ")
    assert lines["before"] != "[]"  # the last run leaves parked Nextflow threads behind ...
    assert lines["after"] == "[]"  # ... which the exit handler ends before JPype takes the JVM down


GUARDED = '''
import pytest

def test_starts_the_jvm_unmarked():
    from pynf.backends.local.jvm import start_jvm
    start_jvm()

@pytest.mark.engine
def test_marked_may_use_it():
    from pynf.backends.local.jvm import start_jvm
    start_jvm()

def test_afterwards_unmarked_is_fine():
    pass
'''


def test_jvm_guard_fails_an_unmarked_test_that_starts_the_jvm(engine, tmp_path):
    """tests/jvm_guard.py (loaded by conftest.py) is what keeps ``pytest -m "not engine"`` JVM-free."""
    (tmp_path / "test_guarded.py").write_text(GUARDED)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.jvm_guard", "-p", "no:cacheprovider",
                           "test_guarded.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert "1 failed, 2 passed" in proc.stdout
    assert "test_starts_the_jvm_unmarked started the embedded JVM without the 'engine' marker" in proc.stdout
