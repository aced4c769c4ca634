"""The README's worked examples run as written (Python API and `pynf run`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from ..paths import FIXTURES, REPO

MARKER = "<!-- This block is executed by tests/engine/test_readme.py -->"


def _blocks(lang: str) -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    pattern = re.escape(MARKER) + r"\s*```" + lang + r"\n(.*?)```"
    return re.findall(pattern, text, re.S)


@pytest.fixture
def workdir(tmp_path, monkeypatch, engine):
    (tmp_path / "fixtures").symlink_to(FIXTURES)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_readme_has_examples():
    assert len(_blocks("python")) == 1 and len(_blocks("sh")) == 2


@pytest.mark.reports
def test_python_example(workdir):
    code = _blocks("python")[0]
    proc = subprocess.run([sys.executable, "-c", code], cwd=workdir, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "SUCCEEDED" in proc.stdout


WORKFLOW_MARKER = "<!-- This workflow block is executed by tests/engine/test_readme.py -->"


def test_workflow_example(workdir):
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(re.escape(WORKFLOW_MARKER) + r"\s*```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1
    proc = subprocess.run([sys.executable, "-c", blocks[0]], cwd=workdir, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout == "SUCCEEDED 2\n"


SHEET_MARKER = "<!-- This samplesheet block is executed by tests/engine/test_readme.py -->"


def test_samplesheet_example(workdir):
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(re.escape(SHEET_MARKER) + r"\s*```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1
    proc = subprocess.run([sys.executable, "-c", blocks[0]], cwd=workdir, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout == "PARTIAL: 1 item failed, 3 finished\n"
    assert "ItemsFailedWarning" in proc.stderr and "FilledEmptyWarning" in proc.stderr
    assert "input 1 (meta2, fasta)" in proc.stderr


def test_cli_example(workdir):
    script = _blocks("sh")[0]
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=workdir, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout == ">r1\nACGTACGTAC\n"


def test_reviewed_modules_example(workdir):
    script = _blocks("sh")[1]
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=workdir, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("stub run: passed")
    assert lines[1].startswith("reviewed: my_seqtk (local) interface sha256:")
    assert lines[2].split() == ["BREAKING", "SEQTK_SEQ", "input", "1:", "element", "'fastx'", "renamed", "to", "'reads'"]
    assert lines[3] == "1" and len(lines) == 4
    assert "reviewed" in (workdir / "pynf.lock").read_text()


def test_main_job_demo_script(engine, tmp_path):
    """The README's main-job command (after setup): scripts/demo.sh compiles and runs a module for real."""
    env = dict(os.environ, TMPDIR=str(tmp_path),
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    proc = subprocess.run(["bash", str(REPO / "scripts" / "demo.sh")], env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.endswith(">read1\nACGTACGTAC\n>read2\nTTGGCCAATT\n"), proc.stdout[-500:]
    bundle = next(tmp_path.glob("pynf-demo.*/bundle"))
    assert sorted(p.name for p in bundle.iterdir()) == ["environment.yml", "main.nf", "nextflow.config", "params.json"]


def _marked(marker: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(re.escape(marker) + r"\s*```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1
    return blocks[0]


def test_gather_example(workdir):
    code = _marked("<!-- This gather block is executed by tests/engine/test_readme.py -->")
    proc = subprocess.run([sys.executable, "-c", code], cwd=workdir, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout == "['== a.seqtk-seq.fasta', '== b.seqtk-seq.fasta', '== report_software_mqc_versions.yml']\n"


def test_workflow_pins_example(workdir):
    code = _marked("<!-- This pins block is executed by tests/engine/test_readme.py -->")
    proc = subprocess.run([sys.executable, "-c", code], cwd=workdir, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout == "BREAKING SEQTK_SEQ input 1: element 'fastx' renamed to 'reads'\n"
