"""The README's subworkflow example runs as written (a subworkflow fixture on the embedded engine)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from ..paths import FIXTURES, REPO
from ..support import require_engine, require_tools

pytestmark = pytest.mark.engine

MARKER = "<!-- This subworkflow block is executed by tests/subworkflows/test_readme.py -->"


def test_subworkflow_example(tmp_path):
    require_engine()
    require_tools("seqtk")
    text = (REPO / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(re.escape(MARKER) + r"\s*```python\n(.*?)```", text, re.S)
    (tmp_path / "fixtures").symlink_to(FIXTURES)
    env = {"PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, capture_output=True, text=True,
                          timeout=900, env={**__import__("os").environ, **env})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout == "SUCCEEDED ['fasta', 'sampled']\n"
