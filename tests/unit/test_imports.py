"""Import rules: ``lint-imports`` (contracts in pyproject.toml) keeps the layers and finds no cycle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from ..paths import REPO


def test_import_contracts_are_kept():
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.fail("lint-imports is missing: install the test extras (pip install -e '.[test]')")
    env = dict(os.environ, PYTHONPATH=str(REPO))  # this checkout's pynf, not an installed one
    proc = subprocess.run([exe, "--no-cache"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "3 kept, 0 broken" in proc.stdout


def test_importing_pynf_starts_no_jvm_and_loads_no_backend():
    code = ("import sys, pynf; pynf.inspect; "
            "print(sorted(m for m in sys.modules if m.startswith(('jpype', 'pynf.backends.local.jvm'))))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_pynf_inspect_works_on_every_call():
    """Before the layout change, importing pynf/inspect.py replaced ``pynf.inspect`` after the first call."""
    code = ("import pynf, pynf.interface.describe, pynf.api\n"
            "a = pynf.inspect('fixtures/modules/seqtk_seq'); b = pynf.inspect('fixtures/modules/seqtk_seq')\n"
            "assert a == b and a['process'] == 'SEQTK_SEQ' and callable(pynf.inspect), a\n"
            "print('ok')")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
