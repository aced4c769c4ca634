"""The JVM's threads around embedded runs: wait for the dataflow actors, end the threads a run leaves parked."""

from __future__ import annotations

import logging
import time

from pynf.backends.local import helpers
from pynf.backends.local.jvm import engine as jvm_engine

__all__ = ["await_actors_idle", "launcher", "stop_lingering_threads", "thread_ids"]

_log = logging.getLogger("pynf.backends.local.engine")


def _jclass(name: str):
    from jpype import JClass  # the JVM runs by now; importing jpype stays off pynf's import path

    return JClass(name)

# How long a finished run may take to let its dataflow actors go idle before the run returns.
_QUIESCE_SECONDS = 10.0
_IDLE_SECONDS = 0.05


def await_actors_idle(timeout: float = _QUIESCE_SECONDS) -> bool:
    """Wait until no dataflow actor thread is busy with the finished run's operators.

    After an abort, Nextflow interrupts the run's operators; their error handlers run a moment
    later on the shared actor pool and set JVM-wide flags (``TaskProcessor.errorShown``). Should
    they run after the next run has reset those flags, that run's first error is swallowed and
    ``Session.await`` never returns. So a run returns only once the pool is idle.
    """
    try:
        pool = _jclass("groovyx.gpars.dataflow.Dataflow").retrieveCurrentDFPGroup().getThreadPool().getExecutorService()
        pool.getActiveCount()
    except Exception as exc:  # another pool kind: nothing to wait on
        _log.debug("actor pool not inspectable: %s", exc)
        return True
    deadline = time.monotonic() + timeout
    idle_since = None
    while True:  # idle = no busy actor and no queued message, for a short while in a row
        now = time.monotonic()
        if int(pool.getActiveCount()) > 0 or not pool.getQueue().isEmpty():
            idle_since = None
        elif idle_since is None:
            idle_since = now
        elif now - idle_since >= _IDLE_SECONDS:
            return True
        if now > deadline:
            _log.warning("dataflow actors still busy %.0f s after the run ended", timeout)
            return False
        time.sleep(0.005)


def thread_ids() -> set[int]:
    """Ids of the JVM's live threads."""
    threads = _jclass("java.lang.Thread").getAllStackTraces().keySet()
    return {int(t.getId()) for t in threads}


# Daemon threads a run leaves parked forever (the CLI's JVM exits instead): the local executor's
# submit loop and the stats observer's agent. Both end cleanly when interrupted.
_LINGERING = ("nextflow.processor.TaskPollingMonitor.submitLoop", "nextflow.util.SimpleAgent.run")


_QUIET: list = []


def _quiet_handler():
    if not _QUIET:
        _QUIET.append(helpers.load("PynfQuietHandler", jvm_engine().version)())
    return _QUIET[0]


def stop_lingering_threads(before: set[int], *, join_seconds: float = 0.0) -> int:
    """Interrupt the parked threads a run left (not in ``before``); with ``join_seconds`` wait for them to end."""
    stopped = []
    traces = _jclass("java.lang.Thread").getAllStackTraces()
    for thread in traces.keySet():
        if int(thread.getId()) in before or not thread.isAlive():
            continue
        frames = {f"{f.getClassName()}.{f.getMethodName()}" for f in traces.get(thread)}
        if any(name in frames for name in _LINGERING):
            thread.setUncaughtExceptionHandler(_quiet_handler())  # they end by an InterruptedException
            thread.interrupt()
            stopped.append(thread)
    for thread in stopped if join_seconds else ():
        thread.join(int(join_seconds * 1000))
    return len(stopped)


def launcher():
    """pynf's Java-side script launcher (``PynfLauncher``) for the running engine."""
    return helpers.load("PynfLauncher", jvm_engine().version)
