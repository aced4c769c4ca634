"""Start the one JVM of this Python process (JPype) on the engine classpath, ready for embedded runs.

Before ``startJVM`` the process environment gets ``NXF_HOME`` (pynf's cache), ``NXF_OFFLINE=true``,
``NXF_PLUGINS_DEFAULT=false`` and ``NXF_CACHE_DIR`` (a pynf-owned fallback), and loses
``TOWER_ACCESS_TOKEN`` for the JVM's view (Nextflow reads the environment once, at class init).
The JVM gets Nextflow's module-access options, pynf's own ``EMBEDDED_JVM_OPTIONS`` (C1 only) and,
when built, the engine's class-data archive (:mod:`pynf.backends.local.cds`; missing: a background build
starts). Extra JVM options (e.g. ``-Xmx2g``) come from ``$PYNF_JVM_OPTIONS``, last. After start:
logback is reset (no console output; each run attaches its own log file), and ``System.exit`` is
blocked where the Java version still allows a SecurityManager (Java 17-23).
"""

from __future__ import annotations

import atexit
import logging
import os
import shlex
import sys
import threading
from typing import Any

from pynf.errors import EngineError
from pynf._util import paths as _paths
from pynf.backends.local import cds, helpers, signals
from pynf.backends.local.installer import EngineInfo, info
from pynf.backends.local.java import java_check
from pynf.backends.local.launch import EMBEDDED_JVM_OPTIONS, JVM_OPTIONS
from pynf.backends.local.leftovers import mark_engine_environment

__all__ = ["start_jvm", "engine", "exit_blocked", "cds_status"]

_log = logging.getLogger("pynf.backends.local.engine")
_LOCK = threading.Lock()
_STATE: dict[str, Any] = {}


def engine() -> EngineInfo:
    """The engine this process's JVM runs (``start_jvm`` first)."""
    if "engine" not in _STATE:
        raise EngineError("the embedded JVM has not been started")
    return _STATE["engine"]


def exit_blocked() -> bool:
    """True when ``System.exit`` is blocked in this JVM (Java 17-23)."""
    return bool(_STATE.get("exit_blocked"))


def cds_status() -> dict[str, object]:
    """The class-data archive of this process's JVM: ``archive`` (path passed, or None) and ``used``
    (True/False: the JVM mapped it or skipped it; None: unknown or no JVM yet)."""
    return {"archive": _STATE.get("cds_archive"), "used": _STATE.get("cds_used")}


def _shared_class_count() -> int | None:
    from jpype import JClass

    bean = JClass("sun.management.ManagementFactoryHelper").getHotspotClassLoadingMBean()
    for counter in bean.getInternalClassLoadingCounters():
        if str(counter.getName()) == "java.cls.sharedLoadedClasses":
            return int(counter.getValue())
    return None


def _archive_mapped() -> bool | None:
    """Whether Nextflow classes come from the archive: loading one not loaded yet (right after start)
    raises HotSpot's count of classes loaded from CDS archives only when the app archive is mapped."""
    from jpype import JClass

    try:
        before = _shared_class_count()
        loader = JClass("java.lang.ClassLoader").getSystemClassLoader()
        JClass("java.lang.Class").forName("nextflow.NextflowMeta", False, loader)
        after = _shared_class_count()
    except Exception as exc:  # another JVM without these internals
        _log.debug("class-data archive use unknown: %s", exc)
        return None
    return None if before is None or after is None else after > before


def _user_controls_cds(extra: list[str]) -> bool:
    return any(o.startswith(("-XX:SharedArchiveFile", "-Xshare", "-XX:ArchiveClassesAtExit")) for o in extra)


def _prepare_environment() -> None:
    home = _paths.nxf_home()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["NXF_HOME"] = str(home)
    os.environ["NXF_OFFLINE"] = "true"
    os.environ["NXF_PLUGINS_DEFAULT"] = "false"
    os.environ["NXF_ANSI_LOG"] = "false"
    os.environ.setdefault("NXF_CACHE_DIR", str(home / "default-cache"))


def _configure_logging() -> None:
    from jpype import JClass

    factory = JClass("org.slf4j.LoggerFactory").getILoggerFactory()
    level = JClass("ch.qos.logback.classic.Level")
    factory.reset()
    root = factory.getLogger("ROOT")
    root.setLevel(level.WARN)
    factory.getLogger("nextflow").setLevel(level.DEBUG)
    _STATE["logger_context"] = factory


def _block_exit() -> None:
    from jpype import JClass

    guard = helpers.load("PynfExitGuard", _STATE["engine"].version)
    # Java 17-23 print a deprecation banner on the process's stderr for setSecurityManager: keep it
    # off the console by pointing fd 2 at /dev/null for the duration of the call.
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        guard.install()
        _STATE["exit_blocked"] = True
    except Exception as exc:  # Java 24+: SecurityManager is gone
        _STATE["exit_blocked"] = False
        _STATE["exit_guard_error"] = str(exc)
    finally:
        JClass("java.lang.System").err.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def start_jvm() -> None:
    """Start the JVM once per process (thread-safe); later calls return at once."""
    import jpype

    with _LOCK:
        if jpype.isJVMStarted():
            if "engine" not in _STATE:
                raise EngineError("A JVM was already started in this process by someone else; pynf needs to start it "
                                  "itself with the Nextflow classpath (call pynf before other JPype users).")
            return
        java = java_check()
        engine = info()
        _prepare_environment()
        mark_engine_environment()  # every process the engine starts carries it: found again after a stopped run
        token = os.environ.pop("TOWER_ACCESS_TOKEN", None)
        try:
            extra = shlex.split(os.environ.get("PYNF_JVM_OPTIONS", ""))
            archive = None if _user_controls_cds(extra) or not java.libjvm else cds.usable_archive(engine, java)
            cp = list(engine.classpath)  # the archive's classpath; the JVM accepts entries appended to it
            compiled = helpers.classpath_entry(engine.version)
            if compiled:
                cp.append(compiled)
            jpype.startJVM(*JVM_OPTIONS, *EMBEDDED_JVM_OPTIONS, *cds.jvm_options(archive), *extra,
                           jvmpath=java.libjvm or None, classpath=cp, convertStrings=False, interrupt=False)
        except Exception as exc:
            raise EngineError(f"Could not start the JVM ({java.executable}, Java {java.version}): {exc}") from None
        finally:
            if token is not None:
                os.environ["TOWER_ACCESS_TOKEN"] = token
        # HotSpot's fault handlers serve its safepoints: note them, and put them back before JPype's own exit
        # handler shuts the JVM down (registered after ``import jpype``, so it runs before JPype's).
        signals.remember_jvm_handlers()
        atexit.register(signals.restore_jvm_handlers)
        _STATE["engine"] = engine
        _STATE["cds_archive"] = str(archive) if archive else None
        _STATE["cds_used"] = _archive_mapped() if archive else False
        if archive and _STATE["cds_used"] is False:
            _log.info("the JVM did not use the class-data archive %s (it does not match this JVM or classpath)",
                      archive)
        import jpype.imports  # noqa: F401  (enables `import nextflow...` style access for debugging)

        _configure_logging()
        # Classes that capture NXF_CACHE_DIR in statics must see pynf's fallback, not a run's directory.
        for name in ("nextflow.plugin.LocalPluginManager", "nextflow.util.HistoryFile"):
            try:
                JClass = jpype.JClass
                JClass("java.lang.Class").forName(name, True, JClass("java.lang.ClassLoader").getSystemClassLoader())
            except Exception as exc:
                _log.debug("could not pre-load %s: %s", name, exc)
        if os.environ.get("PYNF_EXIT_GUARD", "1") != "0":
            _block_exit()
        if archive is None and java.libjvm and not _user_controls_cds(extra):
            cds.build_in_background(engine)  # for the next processes; this one is up already
