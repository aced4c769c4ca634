"""A class-data sharing (AppCDS) archive of the engine's classes, so the embedded JVM starts faster.

A cold run loads ~5,000 Nextflow/Groovy classes from ~60 jars. Java 13+ can dump the classes a JVM
loaded into a *dynamic archive* at exit (``-XX:ArchiveClassesAtExit``) and map them at the next start
(``-XX:SharedArchiveFile``), parsed and verified already.

- **Where**: ``<engine dir>/cds/<key>.jsa`` plus ``<key>.json`` (its size and how it was made). The
  key hashes what the JVM checks before it maps an archive: the JVM (``libjvm`` path, size, mtime;
  Java version) and the engine classpath (each jar's path, size, mtime). A new JDK or a changed jar
  gives a new key, so a stale archive is never picked; a new build removes the older ones.
- **Training**: a separate ``java`` runs Nextflow's CLI on a small pynf-compiled module on the
  engine classpath and dumps at exit. The embedded JVM appends pynf's helper jar and JPype's jar to
  that classpath, which the JVM accepts (the archive's classpath is a prefix of the runtime's).
- **When**: ``install()`` builds it (synchronously); a JVM start that finds none starts a detached,
  low-priority build for the next processes (:func:`build_in_background`). A failed build is
  logged, leaves ``<key>.failed`` (no background retry for a day) and never fails an install or run.
- **Safety**: the JVM silently skips a mismatched archive, but a *truncated* one crashes it
  (SIGBUS). So a build writes a temporary file, checks it in a throwaway JVM (``-Xshare:on``),
  renames it into place and records its size; an archive whose size differs from its record is not
  used. ``-Xlog:cds*=off`` keeps the JVM's "unable to use shared archive" warning off stdout.

``PYNF_CDS=0`` turns all of this off.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import ContextManager

from pynf._util import paths as _paths
from pynf._util.files import atomic_write_json
from pynf._util.locks import file_lock
from pynf.render.compile import compile_bundle
from pynf.render.options import RunOptions
from pynf.backends.local.installer import info
from pynf.backends.local.java import JavaInfo, java_check
from pynf.backends.local.launch import EMBEDDED_JVM_OPTIONS, JVM_OPTIONS, nextflow_env

__all__ = ["FORMAT", "enabled", "archive_path", "usable_archive", "jvm_options", "build", "build_in_background",
           "training_command"]

_log = logging.getLogger("pynf.backends.local.engine")

#: Bump to retire every archive built by an older pynf (training or layout changed).
FORMAT = 1
#: Seconds a failed build keeps background builds away (an explicit build always runs).
RETRY_AFTER = 24 * 3600
#: Upper bound for the training run plus the dump.
TRAINING_TIMEOUT = 900

TRAINING_MODULE = """\
process PYNF_CDS_TRAINING {
    tag "${meta.id}"
    label 'process_single'

    input:
    tuple val(meta), path(reads)
    val suffix

    output:
    tuple val(meta), path("*.txt"), emit: counts
    tuple val("${task.process}"), val('wc'), eval("wc --version | sed -n 1p"), emit: versions_wc, topic: versions
    path "versions.yml", emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    \"\"\"
    wc -l ${args} ${reads} > ${prefix}.${suffix}.txt
    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        wc: 1
    END_VERSIONS
    \"\"\"

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    \"\"\"
    touch ${prefix}.${suffix}.txt versions.yml
    \"\"\"
}
"""


def enabled() -> bool:
    """False when ``$PYNF_CDS`` is ``0``/``false``/``off``/``no``."""
    return os.environ.get("PYNF_CDS", "1").strip().lower() not in ("0", "false", "off", "no")


def _engine_dir(engine) -> Path:
    if engine.source == "maven":  # next to the engine's classpath record
        return Path(engine.location).parent
    return _paths.engine_root() / engine.version


def _stat(path: str) -> list:
    st = os.stat(path)
    return [os.path.realpath(path), st.st_size, st.st_mtime_ns]


def archive_key(engine, java: JavaInfo) -> str:
    """Hash of what decides whether the JVM can map an archive (see the module doc)."""
    if not java.libjvm:
        raise OSError("no libjvm path for this Java")
    parts = {"format": FORMAT, "java": [java.version, *_stat(java.libjvm)],
             "classpath": [_stat(p) for p in engine.classpath]}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:20]


def archive_path(engine, java: JavaInfo | None = None) -> Path:
    """Where the archive for ``engine`` on ``java`` (default: the Java in use) lives; may not exist."""
    java = java or java_check()
    return _engine_dir(engine) / "cds" / f"{archive_key(engine, java)}.jsa"


def usable_archive(engine, java: JavaInfo | None = None) -> Path | None:
    """The archive to start the JVM with: built, checked and unchanged since; else None."""
    if not enabled():
        return None
    try:
        path = archive_path(engine, java)
        record = json.loads(path.with_suffix(".json").read_text())
        if path.stat().st_size != record["size"]:
            _log.warning("class-data archive %s changed size since it was built; not used", path)
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return path


def jvm_options(archive: Path | None) -> list[str]:
    """JVM options that map ``archive`` when it fits (silently skipped otherwise); [] for None."""
    if archive is None:
        return []
    return [f"-XX:SharedArchiveFile={archive}", "-Xshare:auto", "-Xlog:cds*=off"]


def _java_base(java: JavaInfo) -> list[str]:
    return [java.executable, *JVM_OPTIONS, *EMBEDDED_JVM_OPTIONS]


def training_command(engine, java: JavaInfo, bundle_dir: Path, dump_to: Path) -> list[str]:
    """``java`` running Nextflow's CLI on ``bundle_dir`` on the engine classpath, dumping an archive at exit."""
    return [*_java_base(java), f"-XX:ArchiveClassesAtExit={dump_to}", "-cp", os.pathsep.join(engine.classpath),
            "nextflow.cli.Launcher", "run", str(bundle_dir / "main.nf"), "-params-file",
            str(bundle_dir / "params.json"), "-ansi-log", "false"]


def _training_bundle(root: Path) -> Path:
    module = root / "module"
    module.mkdir()
    (module / "main.nf").write_text(TRAINING_MODULE)
    reads = root / "reads.txt"
    reads.write_text("one\ntwo\nthree\n")
    bundle = compile_bundle(module, inputs={"meta": {"id": "cds"}, "reads": reads, "suffix": "lines"},
                            options=RunOptions(ext={"args": "", "prefix": "cds"}))
    return bundle.write(root / "bundle")


def _check(java: JavaInfo, engine, archive: Path) -> str | None:
    """None when a fresh JVM maps ``archive`` (``-Xshare:on`` fails otherwise), else why not."""
    cmd = [*_java_base(java), "-Xshare:on", f"-XX:SharedArchiveFile={archive}", "-XX:-CreateCoredumpOnCrash",
           "-cp", os.pathsep.join(engine.classpath), "-version"]
    with tempfile.TemporaryDirectory(prefix="pynf-cds-check-") as cwd:  # where a crash report would go
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=cwd)
    if proc.returncode == 0:
        return None
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    return f"exit status {proc.returncode}: " + " | ".join(lines[:4])


def _lock(directory: Path, wait: bool) -> ContextManager[bool]:
    return file_lock(directory / "build.lock", wait=wait)


def _failed_recently(path: Path) -> bool:
    try:
        return time.time() - path.with_suffix(".failed").stat().st_mtime < RETRY_AFTER
    except OSError:
        return False


def _remove_others(directory: Path, key: str) -> None:
    for old in directory.iterdir():
        if old.suffix in (".jsa", ".json", ".failed", ".log") and old.stem != key:
            old.unlink(missing_ok=True)  # a JVM that mapped it keeps its pages


def build(engine=None, *, force: bool = False, progress: bool = False, wait: bool = True) -> Path | None:
    """Build the archive for ``engine`` (default: the engine in use) unless it exists; return it, or None.

    Never raises for a failed build: the reason is logged and written to ``<key>.failed``. With
    ``wait=False`` a build already running elsewhere makes this return None at once.
    """
    try:
        engine = engine or info()
        java = java_check()
        return _build_locked(engine, java, archive_path(engine, java), force=force, progress=progress, wait=wait)
    except Exception as exc:  # noqa: BLE001 - no archive is a slower start, never an error
        _log.warning("no class-data archive: %s", exc)
        return None


def _build_locked(engine, java: JavaInfo, path: Path, *, force: bool, progress: bool, wait: bool) -> Path | None:
    with _lock(path.parent, wait) as locked:
        if not locked:
            return None
        if not force and usable_archive(engine, java) is not None:
            return path
        if progress:
            print("pynf: building a class-data archive of the engine for faster starts ...", file=sys.stderr,
                  flush=True)
        start = time.monotonic()
        try:
            reason = _build(engine, java, path)
        except Exception as exc:  # noqa: BLE001
            reason = f"{type(exc).__name__}: {exc}"
        seconds = round(time.monotonic() - start, 1)
        if reason is not None:
            path.with_suffix(".failed").write_text(reason + "\n")
            _log.warning("could not build the class-data archive (%s s): %s", seconds, reason)
            if progress:
                print(f"pynf: no class-data archive ({reason.splitlines()[0]}); JVM starts stay slower",
                      file=sys.stderr, flush=True)
            return None
        atomic_write_json(path.with_suffix(".json"), {
            "size": path.stat().st_size, "format": FORMAT, "engine": engine.version, "java": java.version,
            "jars": len(engine.classpath), "seconds": seconds, "built": time.strftime("%Y-%m-%dT%H:%M:%S")})
        _remove_others(path.parent, path.stem)
        if progress:
            print(f"pynf: class-data archive ready ({path.stat().st_size / 1e6:.0f} MB, {seconds} s)", file=sys.stderr,
                  flush=True)
        return path


def _build(engine, java: JavaInfo, path: Path) -> str | None:
    """Train, dump, check, move into place; None on success, else why it failed."""
    path.with_suffix(".json").unlink(missing_ok=True)
    root = Path(tempfile.mkdtemp(prefix=".train-", dir=path.parent))
    try:
        bundle = _training_bundle(root)
        dump = root / "archive.jsa"
        log = path.with_suffix(".log")
        with open(log, "w") as out:
            proc = subprocess.run(training_command(engine, java, bundle, dump), cwd=root, env=nextflow_env(),
                                  stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                  timeout=TRAINING_TIMEOUT)
        if proc.returncode != 0:
            return f"the training run exited with status {proc.returncode} (see {log})"
        if not dump.is_file() or dump.stat().st_size == 0:
            return f"the training run wrote no archive (see {log})"
        problem = _check(java, engine, dump)
        if problem:
            return f"the JVM does not accept the new archive: {problem}"
        os.replace(dump, path)
        log.unlink(missing_ok=True)
        path.with_suffix(".failed").unlink(missing_ok=True)
        return None
    finally:
        shutil.rmtree(root, ignore_errors=True)


_SPAWNED: list[subprocess.Popen] = []


def build_in_background(engine) -> bool:
    """Start a detached, low-priority ``pynf engine archive`` unless pointless; True if started.

    Skipped when sharing is off, one was started by this process already, the archive exists, a build
    runs elsewhere, or one failed within :data:`RETRY_AFTER`. Never raises.
    """
    if not enabled() or _SPAWNED:
        return False
    try:
        return _spawn(engine)
    except Exception as exc:  # noqa: BLE001 - e.g. a read-only cache: no archive, same run
        _log.debug("no background class-data archive build: %s", exc)
        return False


def _spawn(engine) -> bool:
    path = archive_path(engine)
    if _failed_recently(path) or usable_archive(engine) is not None:
        return False
    with _lock(path.parent, wait=False) as free:
        if not free:  # another process is building it
            return False
    pkg_parent = str(Path(__file__).resolve().parents[3])
    env = dict(os.environ)
    env["PYTHONPATH"] = pkg_parent + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    _SPAWNED.append(subprocess.Popen([sys.executable, "-m", "pynf", "engine", "archive", "--background"], env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True, close_fds=True))
    _log.info("building a class-data archive in the background (pid %s): %s", _SPAWNED[-1].pid, path)
    return True
