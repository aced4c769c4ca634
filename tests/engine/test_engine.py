"""The Nextflow engine: resolution from Maven, selection rules, Java check, CLI command on its classpath."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import pynf.backends.local.engine as engine
from pynf.backends.local import installer as install_mod
from pynf.backends.local import java as java_mod
from pynf.errors import EngineError, JavaNotFound

from ..support import require_engine, unavailable


_need_engine = require_engine


@pytest.fixture(scope="module")
def eng():
    return _need_engine()


@pytest.fixture
def fresh_selection(monkeypatch):
    """Forget the memoized engine/java so selection rules run again; restore afterwards."""
    monkeypatch.setattr(install_mod, "_CURRENT", None)
    monkeypatch.setattr(java_mod, "_CACHE", None)
    yield


def test_engine_is_a_resolved_25_04_classpath(eng):
    assert eng.version.startswith(("25.04.", "24.10.")) or eng.source != "maven"
    cp = engine.classpath()
    assert cp and all(Path(p).is_file() for p in cp)
    if eng.source == "maven":
        names = [Path(p).name for p in cp]
        assert any(n.startswith("nextflow-") for n in names)
        assert any(n.startswith("groovy-4") for n in names)
        assert not any(n.startswith("lib-trace") for n in names)  # excluded: not on Central
        record = json.loads(Path(eng.location).read_text())
        assert record["classpath"] == cp
        assert "io.seqera:lib-trace" in record["excluded"]


def test_install_is_offline_once_installed(eng, monkeypatch):
    if eng.source != "maven":
        pytest.skip("engine comes from a jar, not pynf's Maven cache")
    # any network access would need jgo's HTTP layer: make it explode
    import jgo.maven._resolver as res

    def boom(*a, **k):
        raise AssertionError("network used for an installed engine")

    monkeypatch.setattr(res, "http", type("X", (), {"get": staticmethod(boom)}))
    again = engine.install(eng.version, progress=False)
    assert again.classpath == eng.classpath


def test_resolution_plan_substitutes_and_excludes(eng):
    if eng.source != "maven" or eng.version != "25.04.4":
        pytest.skip("plan facts are specific to 25.04.4 from Central")
    from pynf._util import paths as _paths
    from pynf.backends.local.maven import CENTRAL, _context, _plan

    subs, excluded = _plan(_context(_paths.maven_repo(), {"central": CENTRAL}, None), "25.04.4")
    assert subs == {"io.nextflow:nf-lang": "25.04.0"}
    assert excluded == ["io.seqera:lib-trace"]


def test_java_check_reports_missing_java(monkeypatch, tmp_path, fresh_selection):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "nojdk"))
    with pytest.raises(JavaNotFound) as err:
        engine.java_check()
    assert "JAVA_HOME=" in str(err.value) and "nojdk" in str(err.value)


def test_java_check_names_too_old_java(monkeypatch, tmp_path, fresh_selection):
    # Java 11 cannot be installed here; a stand-in binary prints exactly what Java 11 prints.
    bindir = tmp_path / "jdk11" / "bin"
    bindir.mkdir(parents=True)
    fake = bindir / "java"
    fake.write_text('#!/bin/sh\necho \'openjdk version "11.0.22" 2024-01-16\' >&2\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk11"))
    with pytest.raises(JavaNotFound) as err:
        engine.java_check()
    assert "11.0.22" in str(err.value) and str(fake) in str(err.value)


def test_java_version_comes_from_the_release_file_without_running_java(monkeypatch, tmp_path, fresh_selection):
    home = tmp_path / "jdk11r"
    (home / "bin").mkdir(parents=True)
    fake = home / "bin" / "java"
    fake.write_text("#!/bin/sh\nexit 1\n")  # would make a version probe fail
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    (home / "release").write_text('IMPLEMENTOR="Test"\nJAVA_VERSION="11.0.22"\n')
    monkeypatch.setenv("JAVA_HOME", str(home))
    with pytest.raises(JavaNotFound, match=r"11\.0\.22"):
        engine.java_check()


def test_java_check_finds_real_java(fresh_selection):
    try:
        info = engine.java_check()
    except JavaNotFound as exc:
        unavailable(str(exc))
    assert info.major >= 17 and Path(info.executable).exists()


def test_nextflow_jar_env_must_exist(monkeypatch, tmp_path, fresh_selection):
    monkeypatch.setenv("PYNF_NEXTFLOW_JAR", str(tmp_path / "missing.jar"))
    with pytest.raises(EngineError, match="PYNF_NEXTFLOW_JAR"):
        engine.info()


def test_nextflow_jar_env_is_used(monkeypatch, tmp_path, fresh_selection):
    jar = tmp_path / "nextflow-25.04.4-one.jar"
    jar.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    monkeypatch.setenv("PYNF_NEXTFLOW_JAR", str(jar))
    got = engine.info()
    assert (got.source, got.version, got.classpath) == ("jar", "25.04.4", (str(jar),))


def test_existing_nextflow_framework_jar_is_found(monkeypatch, tmp_path, fresh_selection):
    monkeypatch.delenv("PYNF_NEXTFLOW_JAR", raising=False)
    monkeypatch.delenv("PYNF_NEXTFLOW_VERSION", raising=False)
    monkeypatch.setenv("PYNF_CACHE_DIR", str(tmp_path / "empty-cache"))
    monkeypatch.setattr(install_mod, "_USER_NXF_HOME", None)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for ver in ("23.10.1", "24.10.5", "25.04.2"):
        d = tmp_path / "home" / ".nextflow" / "framework" / ver
        d.mkdir(parents=True)
        (d / f"nextflow-{ver}-one.jar").write_bytes(b"jar")
    got = engine.info()
    assert got.source == "framework" and got.version == "25.04.2"
    assert got.classpath[0].endswith("framework/25.04.2/nextflow-25.04.2-one.jar")


def test_bad_extra_repository_is_rejected(monkeypatch, tmp_path):
    monkeypatch.setenv("PYNF_CACHE_DIR", str(tmp_path))
    with pytest.raises(EngineError, match="Not a Maven repository URL"):
        engine.install("25.04.4", progress=False, repositories=["ftp.example.org/maven"])


def test_cli_command_runs_a_script_on_the_engine_classpath(eng, tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "main.nf").write_text(
        "process UP {\n  input: val x\n  output: stdout\n  script: \"echo ${x} | tr a-z A-Z\"\n}\n"
        "workflow { UP(channel.of(params.word)).view { it.trim() } }\n")
    (bundle / "params.json").write_text(json.dumps({"word": "shout"}))
    (bundle / "nextflow.config").write_text("process.executor = 'local'\n")
    cmd = engine.java_cmd_for_cli(bundle, ["-ansi-log", "false"])
    assert cmd[cmd.index("-cp") + 1].split(os.pathsep) == engine.classpath()
    assert cmd[-6:] == ["run", str(bundle / "main.nf"), "-params-file", str(bundle / "params.json"),
                        "-ansi-log", "false"]
    proc = subprocess.run(cmd, env=engine.nextflow_env(), cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SHOUT" in proc.stdout.splitlines()


def test_nextflow_env_is_offline_and_tokenless(monkeypatch):
    monkeypatch.setenv("TOWER_ACCESS_TOKEN", "secret-token")
    env = engine.nextflow_env()
    assert env["NXF_OFFLINE"] == "true" and env["NXF_PLUGINS_DEFAULT"] == "false"
    assert "TOWER_ACCESS_TOKEN" not in env
    assert engine.nextflow_env(keep_tower_token=True)["TOWER_ACCESS_TOKEN"] == "secret-token"


def test_module_cli_info_json(eng):
    proc = subprocess.run([sys.executable, "-m", "pynf", "engine", "info", "--json"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["version"] == eng.version and data["classpath"] == list(eng.classpath)
