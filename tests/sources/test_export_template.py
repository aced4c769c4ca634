"""Issue 11, items 5-7: `pynf export` without inputs writes a params template; the README uses paths
relative to the bundle; `pynf nextflow` runs an exported bundle on the embedded engine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pynf.cli.main import cli
from pynf.render.bundle import MANIFEST_NAME

from ..gitrepos import FIXTURE_MODULES
from ..support import require_engine
from .test_export import tree

ROOT = Path(__file__).resolve().parents[2]
SEQTK = str(FIXTURE_MODULES / "seqtk_seq")
ECHO = str(FIXTURE_MODULES / "echo_each")


def pynf(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_export_without_inputs_writes_a_template_of_the_right_shape(tmp_path):
    res = pynf("export", SEQTK, "-o", str(tmp_path / "b"))
    assert res.exit_code == 0, res.stderr
    assert "is a template" in res.stderr
    params = json.loads((tmp_path / "b" / "params.json").read_text())
    (entry,) = params["pynf_inputs"]
    assert entry["name"] == "0" and entry["mode"] == "value"
    (item,) = entry["items"]
    meta, fastx = item  # the tuple's two elements, a map and a path
    assert set(meta) == {"id"} and meta["id"].startswith("<FILL IN")
    assert fastx.startswith("<FILL IN: a file path for 'fastx' matching *.{fastq,fq,fasta,fa}")
    readme = (tmp_path / "b" / "README.md").read_text()
    assert "## Fill in the inputs first" in readme and "`0`" in readme
    echo = pynf("export", ECHO, "-o", str(tmp_path / "e"))
    assert echo.exit_code == 0, echo.stderr
    entries = {e["name"]: e["items"][0] for e in json.loads((tmp_path / "e" / "params.json").read_text())["pynf_inputs"]}
    assert len(entries) == 3 and all(str(v[0] if not isinstance(v[0], list) else v[0][0]).startswith("<FILL IN")
                                     for v in entries.values())
    assert any(isinstance(v[0], list) for v in entries.values())  # the `each` input wants a list


def test_two_exports_to_two_directories_are_byte_identical(tmp_path):
    a = pynf("export", SEQTK, "-o", str(tmp_path / "one"))
    b = pynf("export", SEQTK, "-o", str(tmp_path / "deeper" / "two"))
    assert a.exit_code == b.exit_code == 0
    assert tree(tmp_path / "one") == tree(tmp_path / "deeper" / "two")
    assert str(tmp_path) not in (tmp_path / "one" / "README.md").read_text()


def _pynf_nextflow(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("NXF_HOME", None)
    return subprocess.run([sys.executable, "-m", "pynf", "nextflow", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)


@pytest.mark.engine
def test_exported_template_runs_with_pynf_nextflow_once_filled(tmp_path):
    require_engine()
    if shutil.which("seqtk") is None:
        pytest.skip("seqtk is not installed")
    bundle = tmp_path / "bundle"
    assert pynf("export", SEQTK, "-o", str(bundle)).exit_code == 0
    launch = tmp_path / "launch"
    launch.mkdir()
    unfilled = _pynf_nextflow("run", str(bundle / "main.nf"), "-params-file", str(bundle / "params.json"),
                              cwd=launch)
    assert unfilled.returncode != 0
    out = unfilled.stdout + unfilled.stderr
    assert "pynf: input '0' still holds a <FILL IN ...> placeholder" in out and "Exception" not in out
    reads = tmp_path / "r.fq"
    reads.write_text("@r1\nACGTACGTAC\n+\nIIIIIIIIII\n")
    params = json.loads((bundle / "params.json").read_text())
    params["pynf_inputs"][0]["items"] = [[{"id": "filled"}, str(reads)]]
    (bundle / "params.json").write_text(json.dumps(params))
    filled = _pynf_nextflow("run", str(bundle / "main.nf"), "-params-file", str(bundle / "params.json"),
                            cwd=launch)
    assert filled.returncode == 0, filled.stdout[-2000:] + filled.stderr[-2000:]
    manifest = json.loads((launch / "results" / MANIFEST_NAME).read_text())
    ((meta, fasta),) = manifest["outputs"]["fasta"]
    assert meta["value"] == {"id": "filled"}
    assert Path(fasta["value"]).read_text() == ">r1\nACGTACGTAC\n"
