"""The README's typed-bindings example runs as written: `pynf bindings`, then the Python block using the package."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from ..paths import FIXTURES, REPO

MARKER = "<!-- This bindings block is executed by tests/engine/test_bindings_readme.py -->"


def _blocks() -> list[tuple[str, str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(re.escape(MARKER) + r"\s*```(sh|python)\n(.*?)```", text, re.S)


def test_the_bindings_example(engine, tmp_path):
    (tmp_path / "fixtures").symlink_to(FIXTURES)
    blocks = _blocks()
    assert [lang for lang, _ in blocks] == ["sh", "python"]
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
               PYTHONPATH=os.pathsep.join(p for p in (str(tmp_path), os.environ.get("PYTHONPATH")) if p))
    sh = subprocess.run(["bash", "-euo", "pipefail", "-c", blocks[0][1]], cwd=tmp_path, env=env,
                        capture_output=True, text=True, timeout=600)
    assert sh.returncode == 0, sh.stderr[-3000:]
    assert (tmp_path / "nfb" / "py.typed").is_file()
    py = subprocess.run([sys.executable, "-c", blocks[1][1]], cwd=tmp_path, env=env, capture_output=True, text=True,
                        timeout=600)
    assert py.returncode == 0, py.stderr[-3000:]
    assert py.stdout == "a seqtk SUCCEEDED\n['a.bam.bai', 'b.bam.bai']\n"
