"""The engine's class-data (AppCDS) archive: keyed, checked, built apart, used by the embedded JVM."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from pynf.backends.local import cds, installer
from pynf.backends.local import engine as engine_mod
from pynf.backends.local import jvm as jvm_mod
from pynf.backends.local.installer import EngineInfo
from pynf.backends.local.launch import EMBEDDED_JVM_OPTIONS, java_cmd
from pynf.errors import JavaNotFound

from ..support import require_engine, unavailable

REPO = Path(__file__).resolve().parents[2]

# A fresh process: optionally swap in another engine record, start the JVM, report the archive state,
# optionally run a one-process module on it.
PROBE = r"""
import json, sys
from pathlib import Path
spec = json.loads(sys.argv[1])
if spec.get("classpath"):
    from pynf.backends.local import installer
    installer._CURRENT = installer.EngineInfo(version=spec["version"], source="maven",
                                              classpath=tuple(spec["classpath"]), location=spec["location"])
from pynf.backends.local.jvm import cds_status, start_jvm
start_jvm()
print("STATUS=" + json.dumps(cds_status()), flush=True)
from pynf.backends.local import cds
print("SPAWNED=" + ",".join(str(p.pid) for p in cds._SPAWNED), flush=True)
if spec.get("run"):
    from pynf.backends.local.backend import LocalBackend
    from pynf.render.compile import compile_bundle
    module = Path(spec["run"]) / "module"
    module.mkdir()
    (module / "main.nf").write_text('process UP {\n  input: val x\n  output: path "up.txt", emit: up\n'
                                    '  script: "echo ${x} | tr a-z A-Z > up.txt"\n}\n')
    res = LocalBackend().submit(compile_bundle(module, inputs={"x": "shout"}), run_dir=Path(spec["run"]) / "run")
    print("OUTPUT=" + res.outputs["up"][0].read_text().strip(), flush=True)
"""


def _probe(spec: dict, env_extra: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYNF_JVM_OPTIONS", "PYNF_CDS")}
    env.update(PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""), **(env_extra or {}))
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(spec)], env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def _value(proc: subprocess.CompletedProcess, name: str) -> str:
    lines = [line for line in proc.stdout.splitlines() if line.startswith(name + "=")]
    return lines[0].split("=", 1)[1]


def _status(proc: subprocess.CompletedProcess) -> dict:
    return json.loads(_value(proc, "STATUS"))


def _java():
    try:
        return cds.java_check()
    except JavaNotFound as exc:
        unavailable(str(exc))


def _fake_engine(tmp_path: Path, jars: int = 2) -> EngineInfo:
    """An engine record in tmp_path whose jars are tiny real zip files (no Nextflow in them)."""
    lib = tmp_path / "lib"
    lib.mkdir(exist_ok=True)
    paths = []
    for i in range(jars):
        jar = lib / f"lib{i}.jar"
        with zipfile.ZipFile(jar, "w") as zf:
            zf.writestr(f"pkg/R{i}.txt", "x")
        paths.append(str(jar))
    record = tmp_path / "engine" / "25.04.4" / "classpath.json"
    record.parent.mkdir(parents=True)
    return EngineInfo(version="25.04.4", source="maven", classpath=tuple(paths), location=str(record))


@pytest.fixture(scope="module")
def archive():
    """The real engine's archive, built if it is missing (as `pynf engine install` does)."""
    eng = require_engine()
    if not cds.enabled():
        pytest.skip("PYNF_CDS turns class-data archives off")
    path = cds.build(eng)
    if path is None:
        pytest.fail("the class-data archive could not be built (see the warning logged above)")
    return eng, path


# --- keys, records and options (no JVM) ---------------------------------------------------------------------

def test_key_follows_jars_and_java(tmp_path):
    java = _java()
    eng = _fake_engine(tmp_path)
    first = cds.archive_path(eng, java)
    assert first.parent == Path(eng.location).parent / "cds" and first.suffix == ".jsa"
    assert cds.archive_path(eng, java) == first  # stable
    os.utime(eng.classpath[1], ns=(1_000_000_000, 1_000_000_000))  # a jar replaced in place
    assert cds.archive_path(eng, java) != first
    reordered = EngineInfo(version=eng.version, source="maven", classpath=eng.classpath[::-1], location=eng.location)
    assert cds.archive_path(reordered, java) != cds.archive_path(eng, java)
    other_java = type(java)(java.executable, java.home, "17.0.99", java.major, java.libjvm)
    assert cds.archive_path(eng, other_java) != cds.archive_path(eng, java)


def test_only_a_complete_recorded_archive_is_usable(tmp_path, monkeypatch):
    java = _java()
    eng = _fake_engine(tmp_path)
    path = cds.archive_path(eng, java)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\0" * 4096)
    assert cds.usable_archive(eng, java) is None  # no record: a build in progress, or one that died
    path.with_suffix(".json").write_text(json.dumps({"size": 8192}))
    assert cds.usable_archive(eng, java) is None  # truncated (such a file would crash the JVM)
    path.with_suffix(".json").write_text(json.dumps({"size": 4096}))
    assert cds.usable_archive(eng, java) == path
    monkeypatch.setenv("PYNF_CDS", "0")
    assert cds.usable_archive(eng, java) is None


def test_jvm_options_map_quietly_and_the_cli_keeps_nextflows_launch(tmp_path):
    opts = cds.jvm_options(tmp_path / "a.jsa")
    assert opts == [f"-XX:SharedArchiveFile={tmp_path / 'a.jsa'}", "-Xshare:auto", "-Xlog:cds*=off"]
    assert cds.jvm_options(None) == []
    require_engine()
    cli = java_cmd("nextflow.cli.Launcher", ["-version"])  # the baseline: no pynf-only options
    assert not any(o.startswith(("-XX:SharedArchiveFile", "-Xshare", "-XX:TieredStopAtLevel")) for o in cli)
    assert "-XX:TieredStopAtLevel=1" in EMBEDDED_JVM_OPTIONS


def test_user_jvm_options_take_over_sharing():
    assert jvm_mod._user_controls_cds(["-Xshare:off"])
    assert jvm_mod._user_controls_cds(["-Xmx2g", "-XX:SharedArchiveFile=/x.jsa"])
    assert not jvm_mod._user_controls_cds(["-Xmx2g", "-Xlog:class+load=info"])


# --- builds -------------------------------------------------------------------------------------------------

def test_failed_build_is_recorded_and_not_retried_in_background(tmp_path, monkeypatch):
    java = _java()
    eng = _fake_engine(tmp_path)  # no Nextflow on this classpath: the training run fails
    assert cds.build(eng) is None
    path = cds.archive_path(eng, java)
    assert "training run exited" in path.with_suffix(".failed").read_text()
    assert not path.exists() and not path.with_suffix(".json").exists()
    assert not list(path.parent.glob(".train-*"))  # the training directory is removed

    def no_spawn(*a, **k):
        raise AssertionError("a background build was started")

    monkeypatch.setattr(cds, "_SPAWNED", [])
    monkeypatch.setattr(cds.subprocess, "Popen", no_spawn)
    assert cds.build_in_background(eng) is False


def test_background_build_is_detached_and_single(tmp_path, monkeypatch):
    _java()
    eng = _fake_engine(tmp_path)
    calls = []

    class FakePopen:
        pid = 4242

        def __init__(self, cmd, **kwargs):
            calls.append((cmd, kwargs))

    monkeypatch.setattr(cds, "_SPAWNED", [])
    monkeypatch.setattr(cds.subprocess, "Popen", FakePopen)
    monkeypatch.setenv("PYNF_CDS", "0")
    assert cds.build_in_background(eng) is False
    monkeypatch.delenv("PYNF_CDS")
    lock_dir = cds.archive_path(eng).parent
    lock_dir.mkdir(parents=True)
    with open(lock_dir / "build.lock", "w") as held:  # another process is building
        fcntl.flock(held, fcntl.LOCK_EX)
        assert cds.build_in_background(eng) is False
    assert cds.build_in_background(eng) is True
    assert cds.build_in_background(eng) is False  # once per process
    (cmd, kwargs), = calls
    assert cmd == [sys.executable, "-m", "pynf", "engine", "archive", "--background"]
    assert kwargs["start_new_session"] and kwargs["stdin"] == subprocess.DEVNULL
    assert kwargs["env"]["PYTHONPATH"].split(os.pathsep)[0] == str(Path(cds.__file__).resolve().parents[3])


def test_install_survives_a_failing_archive_build(tmp_path, monkeypatch):
    eng = require_engine()
    if eng.source != "maven":
        pytest.skip("engine comes from a jar, not pynf's Maven cache")
    target = tmp_path / "cds" / "x.jsa"

    def broken(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cds, "archive_path", lambda engine, java=None: target)
    monkeypatch.setattr(cds, "_build", broken)
    again = engine_mod.install(eng.version, progress=False)
    assert again.classpath == eng.classpath
    assert "disk on fire" in target.with_suffix(".failed").read_text()


def test_build_reuses_an_existing_archive(archive):
    eng, path = archive
    before = path.stat().st_mtime_ns
    assert cds.build(eng) == path and path.stat().st_mtime_ns == before
    record = json.loads(path.with_suffix(".json").read_text())
    assert record["size"] == path.stat().st_size and record["engine"] == eng.version


def test_new_archive_passes_a_strict_jvm_check(archive):
    eng, path = archive
    assert cds._check(cds.java_check(), eng, path) is None

def test_truncated_archive_fails_the_check(archive, tmp_path):
    eng, path = archive
    truncated = tmp_path / "truncated.jsa"
    with open(path, "rb") as src:
        truncated.write_bytes(src.read(200_000))
    assert cds._check(cds.java_check(), eng, truncated) is not None  # the JVM crashes or refuses: never used
    assert not list(Path.cwd().glob("hs_err_pid*.log"))


# --- the embedded JVM ---------------------------------------------------------------------------------------

def test_embedded_jvm_maps_the_archive(archive, tmp_path):
    eng, path = archive
    log = tmp_path / "classes.txt"
    proc = _probe({}, {"PYNF_JVM_OPTIONS": f"-Xlog:class+load=info:file={log}"})
    assert _status(proc) == {"archive": str(path), "used": True}
    loaded = log.read_text()
    for name in ("nextflow.NextflowMeta", "nextflow.plugin.LocalPluginManager", "groovy.lang.GroovyObject"):
        assert f"{name} source: shared objects file (top)" in loaded, name


def test_mismatched_archive_is_skipped_silently_and_runs_work(archive, tmp_path):
    eng, path = archive
    empty = tmp_path / "first.jar"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("pynf-test/empty.txt", "")
    record = tmp_path / "engine" / eng.version / "classpath.json"
    record.parent.mkdir(parents=True)
    other = EngineInfo(version=eng.version, source="maven", classpath=(str(empty), *eng.classpath),
                       location=str(record))
    # the real archive under the other classpath's key: its recorded classpath is no prefix of this one
    target = cds.archive_path(other)
    target.parent.mkdir(parents=True)
    shutil.copyfile(path, target)
    target.with_suffix(".json").write_text(json.dumps({"size": target.stat().st_size}))
    spec = {"version": other.version, "classpath": list(other.classpath), "location": other.location,
            "run": str(tmp_path)}
    proc = _probe(spec)
    assert _status(proc) == {"archive": str(target), "used": False}
    assert "OUTPUT=SHOUT" in proc.stdout.splitlines()
    assert "shared archive" not in (proc.stdout + proc.stderr).lower()


def test_sharing_turned_off_uses_no_archive(archive):
    proc = _probe({}, {"PYNF_CDS": "0"})
    assert _status(proc) == {"archive": None, "used": False}
    proc = _probe({}, {"PYNF_JVM_OPTIONS": "-Xshare:off"})
    assert _status(proc) == {"archive": None, "used": False}


def test_module_cli_reports_the_archive(archive):
    eng, path = archive
    proc = subprocess.run([sys.executable, "-m", "pynf", "engine", "info"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert f"archive:  {path}" in proc.stdout.splitlines()
    proc = subprocess.run([sys.executable, "-m", "pynf", "engine", "archive"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == str(path), proc.stderr


def test_missing_archive_is_built_in_background_for_the_next_process(archive, tmp_path):
    eng, _ = archive
    if eng.source != "maven":
        pytest.skip("engine comes from a jar, not pynf's Maven cache")
    cache = tmp_path / "cache"  # a cache holding the same engine record (same jars) but no archive
    record = cache / "engine" / eng.version / installer.RECORD_NAME
    record.parent.mkdir(parents=True)
    shutil.copyfile(eng.location, record)
    env = {"PYNF_CACHE_DIR": str(cache)}
    first = _probe({}, env)
    assert _status(first) == {"archive": None, "used": False}
    pid = int(_value(first, "SPAWNED"))
    cds_dir = record.parent / "cds"
    try:
        deadline = time.monotonic() + 900
        while not list(cds_dir.glob("*.json")) and time.monotonic() < deadline:
            time.sleep(1)
            if not list(cds_dir.glob("*.json")) and not Path(f"/proc/{pid}").exists():
                break  # the build process ended without an archive
    finally:
        if Path(f"/proc/{pid}").exists() and not list(cds_dir.glob("*.json")):
            os.killpg(pid, signal.SIGTERM)  # its own session: the build and its java
    built = list(cds_dir.glob("*.jsa"))
    assert len(built) == 1, sorted(p.name for p in cds_dir.iterdir())
    second = _probe({}, env)
    assert _status(second) == {"archive": str(built[0]), "used": True}
    assert _value(second, "SPAWNED") == ""
