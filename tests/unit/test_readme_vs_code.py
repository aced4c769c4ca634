"""Issue 21 item 13: what the README promises exists -- ``pynf.describe(module)`` works as documented
(also after importing ``pynf.interface.describe``, which implements it), and every test file a README
marker names is there."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from ..paths import REPO


def test_pynf_describe_is_the_documented_function():
    code = ("import pynf, pynf.interface.describe\n"
            "from pynf.interface.describe import describe_module\n"
            "a = pynf.describe('fixtures/modules/seqtk_seq'); b = pynf.describe('fixtures/modules/seqtk_seq')\n"
            "assert a == b == pynf.inspect('fixtures/modules/seqtk_seq'), a\n"
            "assert a['process'] == 'SEQTK_SEQ' and [c['elements'][1]['name'] for c in a['inputs']] == ['fastx']\n"
            "assert 'describe' in pynf.__all__ and callable(pynf.describe)\n"
            "print('ok')")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


def test_every_readme_marker_names_an_existing_test_file():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    comments = re.findall(r"<!--(.*?)-->", text, re.S)
    named = [path for c in comments for path in re.findall(r"\b(?:tests|scripts|benchmarks)/[\w./-]+\.\w+", c)]
    assert named, "the README has no markers naming tests"
    missing = sorted({p for p in named if not (REPO / p).is_file()})
    assert not missing, f"README markers name files that do not exist: {missing}"
