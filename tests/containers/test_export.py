"""A bundle exported with `--container docker` runs with `pynf nextflow run` (Nextflow's own CLI): the
task runs in the module's image."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from pynf.render.bundle import MANIFEST_NAME

from ..paths import REPO
from .cases import records
from .engines import image_version
from .images import SEQTK, module_images

pytestmark = pytest.mark.engine


def _pynf(*args: str, cwd) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "pynf", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


def test_exported_bundle_runs_in_the_image_with_pynf_nextflow_run(images, data, tmp_path):
    bundle = tmp_path / "bundle"
    done = _pynf("export", str(SEQTK), "-o", str(bundle), "--input", 'meta={"id": "e1"}',
                 "--input", f"fastx={data.reads['s1']}", "--container", "docker", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "docker.registry = 'quay.io'" in (bundle / "nextflow.config").read_text()
    work = tmp_path / "cli"
    work.mkdir()
    done = _pynf("nextflow", "run", str(bundle / "main.nf"), "-params-file", str(bundle / "params.json"),
                 "--outdir", str(work / "results"), cwd=work)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    manifest = json.loads((work / "results" / MANIFEST_NAME).read_text())
    [image] = module_images(SEQTK)
    [command_run] = list((work / "work").glob("*/*/.command.run"))
    assert "docker run" in command_run.read_text() and image in command_run.read_text()
    [[_, _, version]] = manifest["topics"]["versions"]
    assert version["value"] == image_version("docker", image, "seqtk")
    [[meta, fasta]] = manifest["outputs"]["fasta"]
    assert meta["value"] == {"id": "e1"}
    lines = records(fasta["value"])
    assert lines and lines[0].startswith(">")
