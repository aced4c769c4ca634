"""The README's Containers example, run as written (Docker; Podman runs the same modules elsewhere in the tier)."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys

import pytest

from ..paths import FIXTURES, REPO
from .engines import image_version
from .images import SEQTK, module_images

pytestmark = pytest.mark.engine

MARKER = "<!-- containers-example: tests/containers/test_readme.py runs this block -->"


def test_readme_container_example(images, data, tmp_path):
    engine = "docker"
    text = (REPO / "README.md").read_text()
    [code] = re.findall(re.escape(MARKER) + r"\s*```python\n(.*?)```", text, re.S)
    (tmp_path / "fixtures").symlink_to(FIXTURES)
    subprocess.run(f"gzip -dc {data.reads['s1']} > reads.fastq", shell=True, cwd=tmp_path, check=True)
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    first, second = proc.stdout.splitlines()
    [image] = module_images(SEQTK)
    assert first == f"{engine} {image}"
    assert ast.literal_eval(second) == [("SEQTK_SEQ", "seqtk", image_version(engine, image, "seqtk"))]
