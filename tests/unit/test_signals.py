"""pynf.backends.local.signals without a JVM: what faulthandler installs stands in for the JVM's handlers
(in a subprocess, so this test process's own handlers stay as they are)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ..paths import REPO

SCRIPT = r'''
import faulthandler, signal
from pynf.backends.local import signals

assert signals.handler_address(signal.SIGSEGV) == 0            # SIG_DFL before anything
faulthandler.enable()                                           # a C handler: stands in for the JVM's
installed = {n: signals.handler_address(getattr(signal, n)) for n in signals.JVM_SIGNALS}
signals.remember_jvm_handlers()
print("nothing to restore", signals.restore_jvm_handlers())
faulthandler.disable()                                          # puts SIG_DFL back, as after a pytest session
print("after disable", [signals.handler_address(getattr(signal, n)) for n in signals.JVM_SIGNALS])
print("restored", signals.restore_jvm_handlers())
print("back", {n: signals.handler_address(getattr(signal, n)) for n in signals.JVM_SIGNALS} == installed,
      all(installed.values()))
'''


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signal handlers")
def test_replaced_handlers_are_put_back_and_only_those():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], env=dict(os.environ, PYTHONPATH=str(REPO)),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "nothing to restore []",
        "after disable [0, 0, 0, 0]",
        "restored ['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE']",
        "back True True",
    ]
