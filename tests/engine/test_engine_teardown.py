"""Many in-process runs, then a normal interpreter exit: the process ends with status 0 (no SIGSEGV), and
pynf's exit handler leaves no Nextflow thread running when JPype shuts the JVM down. The JVM keeps its
own fault handlers even after faulthandler (as pytest uses it) put the pre-JVM ones back, so a pytest
session that ran the engine exits with pytest's own status (conftest.py has no os._exit guard)."""

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


# HotSpot serves safepoints in JIT-compiled code through its own SIGSEGV handler. pytest's faulthandler
# plugin enables faulthandler before any test (before the JVM exists) and disables it after the summary,
# which puts the pre-JVM SIG_DFL back over the JVM's handler: the next armed safepoint — at the latest the
# JVM's own shutdown at exit — then killed the process with SIGSEGV (exit 139 after a green suite). A
# Groovy daemon thread spinning in compiled code stands in for Nextflow's threads, so that a safepoint
# reliably meets compiled code.
SPIN = """
@groovy.transform.CompileStatic
class Spin { static long spin() { long n = 0; while (true) { n += 1; if (n == Long.MIN_VALUE) return n } } }
Thread.startDaemon('spin') { Spin.spin() }
"""

FAULTHANDLER = r'''
import faulthandler, signal, sys, time
from pathlib import Path

faulthandler.enable()  # as pytest does first: it saves the pre-JVM handlers (SIG_DFL)
import pynf
from jpype import JClass
from pynf.backends.local.signals import handler_address

mode, work = sys.argv[1], Path(sys.argv[2])
module = work / "hello"
module.mkdir(parents=True, exist_ok=True)
(module / "main.nf").write_text('process HELLO {\n    input:\n    val x\n\n    output:\n    stdout\n\n'
                                '    script:\n    """\n    echo hi $x\n    """\n}\n')
SPIN = @SPIN@

def run(i):
    res = pynf.run(str(module), x=i, run_dir=work / f"run{i}")
    assert res.succeeded and list(res.outputs.values()) == [[f"hi {i}\n"]], res.outputs

def spin():
    JClass("groovy.lang.GroovyShell")().evaluate(SPIN)
    time.sleep(1)  # compiled by now


run(0)
jvm_handler = handler_address(signal.SIGSEGV)
if mode == "exit":
    spin()
faulthandler.disable()  # as pytest does after its summary: SIG_DFL is back over the JVM's handler
print("replaced", jvm_handler != 0 and handler_address(signal.SIGSEGV) == 0, flush=True)
if mode == "between-runs":
    run(1)  # the run puts the JVM's handlers back first ...
    print("restored", handler_address(signal.SIGSEGV) == jvm_handler, flush=True)
    spin()
    for _ in range(3):
        JClass("java.lang.System").gc()  # ... so these safepoints meet the JVM's handler
print("exiting", flush=True)
'''.replace("@SPIN@", repr(SPIN))


def test_exit_is_clean_after_faulthandler_put_the_pre_jvm_handler_back(engine, tmp_path):
    proc = subprocess.run([sys.executable, "-c", FAULTHANDLER, "exit", str(tmp_path)], cwd=tmp_path,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True, timeout=600)
    assert proc.stdout.split() == ["replaced", "True", "exiting"], (proc.stdout, proc.stderr[-3000:])
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-3000:])  # was -11 (SIGSEGV) at JVM shutdown


def test_a_run_puts_the_jvm_handlers_back_before_it_starts(engine, tmp_path):
    proc = subprocess.run([sys.executable, "-c", FAULTHANDLER, "between-runs", str(tmp_path)], cwd=tmp_path,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True, timeout=600)
    assert proc.stdout.split() == ["replaced", "True", "restored", "True", "exiting"], (proc.stdout,
                                                                                         proc.stderr[-3000:])
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-3000:])


PYTEST_SESSION = '''
import pytest
from pathlib import Path

import pynf
from jpype import JClass

SPIN = @SPIN@


def test_a_run(tmp_path):
    module = tmp_path / "hello"
    module.mkdir()
    (module / "main.nf").write_text('process HELLO {\\n    output:\\n    stdout\\n\\n    script:\\n'
                                    '    """\\n    echo hi\\n    """\\n}\\n')
    assert pynf.run(str(module), run_dir=tmp_path / "run").outputs
    JClass("groovy.lang.GroovyShell")().evaluate(SPIN)


@pytest.mark.parametrize("ok", [True, False])
def test_status(ok):
    assert ok
'''.replace("@SPIN@", repr(SPIN))


def test_a_pytest_session_that_used_the_engine_exits_with_pytests_status(engine, tmp_path):
    """pytest with its default plugins (faulthandler among them) and no os._exit in any conftest."""
    (tmp_path / "test_session.py").write_text(PYTEST_SESSION)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_session.py"],
                          cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True, text=True,
                          timeout=900)
    assert "1 failed, 2 passed" in proc.stdout, proc.stdout[-3000:]
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-3000:])  # pytest's own status, not 139
