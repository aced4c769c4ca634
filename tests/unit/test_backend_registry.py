"""Backends by name: registration in code, by ``PYNF_BACKENDS``, and what ``pynf run`` offers from them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import pynf
from pynf.backends import Backend, RunSpec, get_backend, names, register, registry
from pynf.errors import InputError

from ..backends.nfcli import NfCli
from ..paths import REPO


def test_names_include_the_builtin_backends_and_unknown_names_list_them():
    assert {"local", "seqera"} <= set(names())
    with pytest.raises(InputError, match=r"unknown backend 'nope'; choose one of: .*local.*seqera"):
        get_backend("nope")
    with pytest.raises(InputError, match="unknown backend 'nope'"):
        pynf.run("whatever", backend="nope")


def test_register_takes_a_class_or_its_import_text(monkeypatch):
    monkeypatch.setattr(registry, "_registered", dict(registry._registered))
    register("mine", NfCli)
    register("yours", "tests.backends.nfcli:NfCli")
    assert isinstance(get_backend("mine"), NfCli) and isinstance(get_backend("yours"), NfCli)
    with pytest.raises(InputError, match="expected 'module:Class'"):
        register("bad", "tests.backends.nfcli")
    register("missing", "tests.backends.nfcli:Nope")
    with pytest.raises(InputError, match="cannot load tests.backends.nfcli:Nope"):
        get_backend("missing")
    register("notone", "pynf.backends.spec:RunSpec")
    with pytest.raises(InputError, match="is not a pynf.backends.Backend subclass"):
        get_backend("notone")


def test_the_environment_registers_backends(monkeypatch):
    monkeypatch.setenv("PYNF_BACKENDS", "nfcli=tests.backends.nfcli:NfCli, other=tests.backends.nfcli:NfCli")
    assert {"nfcli", "other"} <= set(names()) and isinstance(get_backend("other"), NfCli)
    monkeypatch.setenv("PYNF_BACKENDS", "nfcli")
    with pytest.raises(InputError, match="PYNF_BACKENDS: expected name=module:Class"):
        names()


def test_an_instance_is_used_as_it_is_and_takes_no_separate_settings(tmp_path):
    backend = NfCli(tmp_path)
    assert get_backend(backend) is backend
    with pytest.raises(InputError, match="give them to its constructor"):
        get_backend(backend, config=object())
    assert isinstance(backend, Backend) and backend.name == "nfcli"


def test_seqera_settings_live_on_the_instance():
    from pynf.backends.seqera.backend import SeqeraBackend
    from pynf.backends.seqera.config import SeqeraConfig

    with pytest.raises(InputError, match="unknown setting.*'?colour'?.*known:.*config_profiles"):
        SeqeraBackend(SeqeraConfig(access_token="t", workspace_id=1, wrapper_repo="file:///x"), colour="blue")
    backend = SeqeraBackend(SeqeraConfig(access_token="t", workspace_id=1, wrapper_repo="file:///x"),
                            config_profiles=["test"], staging_dir="s3://bucket/in", stage_inputs=False)
    cfg = backend.platform.config
    assert (cfg.config_profiles, cfg.staging_dir, cfg.stage_inputs) == (("test",), "s3://bucket/in", False)


def test_run_spec_is_frozen_and_checked():
    spec = RunSpec(outdir="o")
    with pytest.raises(Exception):
        spec.outdir = "p"  # type: ignore[misc]
    with pytest.raises(InputError, match="timeout: expected seconds"):
        RunSpec(timeout=-1)
    with pytest.raises(InputError, match="unknown run option"):
        spec.but(colour=1)


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pynf", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO), **env})


def test_pynf_run_offers_registered_backends_and_their_options():
    plain = _cli("run", "--help")
    assert plain.returncode == 0 and "nfcli" not in plain.stdout and "--workspace" in plain.stdout
    done = _cli("run", "--help", PYNF_BACKENDS="nfcli=tests.backends.nfcli:NfCli")
    assert done.returncode == 0 and "nfcli" in done.stdout and "--nfcli-root" in done.stdout


def test_a_malformed_environment_is_a_clear_error_of_the_run_not_of_the_cli(tmp_path):
    done = _cli("run", str(tmp_path), PYNF_BACKENDS="nfcli")
    assert done.returncode == 1 and "PYNF_BACKENDS: expected name=module:Class" in done.stderr
    assert "Traceback" not in done.stderr
    assert _cli("--help", PYNF_BACKENDS="nfcli").returncode == 0


def test_an_option_of_another_backend_is_an_error(tmp_path):
    done = _cli("run", str(tmp_path), "--workspace", "acme/x")
    assert done.returncode == 1 and "--workspace is an option of --backend seqera" in done.stderr


def test_outdir_and_work_dir_are_resolved_in_one_step(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run_dir = tmp_path / "run"
    paths = RunSpec().local_paths(run_dir, None)
    assert (paths.outdir, paths.work_dir) == (run_dir / "results", run_dir / "work")
    paths = RunSpec().local_paths(run_dir, "mine")  # the bundle's outdir param: under the run directory
    assert paths.outdir == run_dir / "mine"
    paths = RunSpec(outdir="out", work_dir="w").local_paths(run_dir, "mine")  # the caller's: under the cwd
    assert (paths.outdir, paths.work_dir) == (tmp_path / "out", tmp_path / "w")
    assert RunSpec(outdir="o", work_dir="s3://b/w").remote_paths() == ("o", "s3://b/w")


def test_no_backend_name_tables_in_the_run_path():
    """The CLI's run command, the API, dispatch and workflows name no backend: choices come from the registry."""
    import ast

    files = [REPO / "pynf" / name for name in ("api.py", "dispatch.py", "types.py", "cli/run.py")]
    files += sorted((REPO / "pynf" / "workflow").glob("*.py"))
    found = [f"{path.relative_to(REPO)}:{node.lineno} {node.value!r}" for path in files
             for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Constant)
             and node.value in ("seqera", "local")]
    # only the seed API's documented default (ExecutionRequest.backend = "local") names one
    assert len(found) <= 1 and all(f.startswith("pynf/types.py:") and f.endswith("'local'") for f in found), found
