"""A new backend is one module plus one registration: the tiny ``nfcli`` backend in ``tests/backends/nfcli.py``
(bundle written, run by ``pynf nextflow run`` in a subprocess) runs a module through ``pynf.run`` and
``pynf run --backend nfcli`` with no edit anywhere in pynf."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import pynf
from pynf.backends import Result, registry

from ..backends.nfcli import NfCli
from ..paths import MODULE_FIXTURES, REPO

GREET = MODULE_FIXTURES / "template_greet"
PLUGIN = "nfcli=tests.backends.nfcli:NfCli"


@pytest.fixture
def names(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Ada\nGrace\n")
    return path


def _greetings(outputs: dict) -> str:
    [[meta, path]] = outputs["greetings"]
    assert meta == {"id": "s1"}
    return open(path).read()


def test_an_instance_runs_a_module_through_pynf_run(engine, names, tmp_path):
    result = pynf.run(GREET, meta={"id": "s1"}, names=str(names), backend=NfCli(tmp_path / "runs"),
                      outdir=tmp_path / "out")
    assert isinstance(result, Result) and result.succeeded and result.status == "SUCCEEDED"
    assert _greetings(result.outputs) == "Hello, Ada!\nHello, Grace!\n"
    assert result.outdir == tmp_path / "out" and list((tmp_path / "runs").iterdir())  # it ran in its own root


def test_one_registration_makes_it_a_backend_name(engine, names, tmp_path, monkeypatch):
    monkeypatch.setitem(registry._registered, "nfcli", "tests.backends.nfcli:NfCli")
    assert "nfcli" in registry.names()
    result = pynf.run(GREET, meta={"id": "s1"}, names=str(names), backend="nfcli", outdir=tmp_path / "out",
                      options=pynf.RunOptions(ext={"args": "Hi"}))
    assert _greetings(result.outputs) == "Hi, Ada!\nHi, Grace!\n"


def test_the_cli_runs_it_when_registered_in_the_environment(engine, names, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYNF_BACKENDS": PLUGIN}
    done = subprocess.run([sys.executable, "-m", "pynf", "run", str(GREET), "--input", 'meta={"id": "s1"}',
                           "--input", f"names={names}", "--backend", "nfcli", "--nfcli-root", str(tmp_path / "r"),
                           "--outdir", str(tmp_path / "out"), "--json"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    data = json.loads(done.stdout)
    assert data["report"]["status"] == "SUCCEEDED"
    assert _greetings(data["outputs"]) == "Hello, Ada!\nHello, Grace!\n"
    assert list((tmp_path / "r").iterdir())  # the backend's own option reached its constructor
