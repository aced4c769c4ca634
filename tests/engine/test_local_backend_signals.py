"""Ctrl-C during an embedded run aborts that run (KeyboardInterrupt) and leaves the process usable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


from ..support import require_engine

pytestmark = pytest.mark.engine

REPO = Path(__file__).resolve().parents[2]

SCRIPT = r'''
import sys, time
from pynf.render.bundle import Bundle
from pynf.backends.local.backend import LocalBackend

def bundle(main):
    return Bundle(module_id="t/sig", process="P", main_nf=main, param_values={}, config_text="")

root = sys.argv[1]
backend = LocalBackend()
backend.submit(bundle("workflow { println 'warm' }"), run_dir=root + "/warm")
print("READY", flush=True)
slow = 'process SLOW {\n  output: path "o.txt"\n  script: "touch started; sleep 120; touch o.txt"\n}\nworkflow { SLOW() }\n'
start = time.monotonic()
try:
    backend.submit(bundle(slow), run_dir=root + "/slow")
    print("NOT INTERRUPTED", flush=True)
except KeyboardInterrupt as exc:
    print("INTERRUPTED after %.0f s: %s" % (time.monotonic() - start, exc), flush=True)
res = backend.submit(bundle("workflow { println 'after' }"), run_dir=root + "/after")
print("AFTER", res.status, res.get_stdout().strip(), flush=True)
'''


def test_ctrl_c_aborts_the_run_and_the_engine_stays_usable(tmp_path):
    require_engine()
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)
    try:
        assert proc.stdout.readline().startswith("READY") or pytest.fail("child did not start")
        deadline = time.monotonic() + 300
        while not list((tmp_path / "slow" / "work").glob("*/*/started")):  # the task is running
            assert time.monotonic() < deadline and proc.poll() is None, "slow task never started"
            time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    lines = [line for line in out.splitlines() if line.startswith(("INTERRUPTED", "NOT", "AFTER"))]
    assert lines[0].startswith("INTERRUPTED"), out
    assert int(lines[0].split()[2]) < 60  # well before the task's 120 s sleep would end
    assert lines[1] == "AFTER SUCCEEDED after", out
    assert proc.returncode == 0
