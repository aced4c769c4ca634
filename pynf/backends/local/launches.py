"""The local executor's task launches, stopped before a run's last sweep for leftover tasks.

Nextflow's local executor starts each task's process on the session's thread pool (``submit`` hands the
pool a job that starts the process and waits for it). Killing a run's tasks finds only the processes
already started: a launch queued on the pool, or under way in a pool thread, starts its process after
that. ``Session.destroy`` only shuts the pool down (queued launches still run), and an abort's
``shutdownNow`` is skipped when ``destroy`` got there first. So when a run ends, its pool is shut down
now (queued launches dropped, the threads waiting for their process interrupted) and, while a launch is
still under way, the tasks it started are ended, until the pool has stopped: no launch comes after the
run's last sweep. A pool that would not stop in time is tried again at exit.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from pynf.backends.local.leftovers import end_leftover_tasks

__all__ = ["launch_pool", "stop_launches", "stop_launches_at_exit", "tasks_ended_meanwhile"]

_log = logging.getLogger("pynf.backends.local.engine")
#: (pool, work dir) of runs whose pool had not stopped when the run ended
_UNSTOPPED: list[tuple[object, Path]] = []


@contextmanager
def tasks_ended_meanwhile(work_dir: Path, when: Callable[[], bool] = lambda: True, every: float = 0.1):
    """While the block runs, a background thread ends the task processes in ``work_dir`` whenever ``when()``
    holds (checked every ``every`` seconds).

    For a run being torn down: a launch under way when Nextflow killed the run's tasks starts its task
    later and holds a pool thread while it runs, and Nextflow renders the execution report on that same
    pool when the run ends, so it waited for such a task to end (a ``sleep 120`` task kept an interrupted
    run from returning for two minutes).
    """
    stop = threading.Event()

    def sweep() -> None:
        _java_thread("attachAsDaemon")  # ``when`` may ask the engine: never a thread the JVM waits for
        try:
            while not stop.wait(every):
                try:
                    if when():
                        end_leftover_tasks(work_dir, grace=1.0, quiet_sweeps=1)
                except Exception as exc:  # noqa: BLE001 - the sweeps after the teardown still run
                    _log.debug("sweep during teardown failed: %s", exc)
        finally:
            _java_thread("detach")

    thread = threading.Thread(target=sweep, name="pynf-task-sweep", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _java_thread(action: str) -> None:
    """Attach this thread to the JVM as a daemon, or detach it (JPype's ``java.lang.Thread`` helpers)."""
    try:
        import jpype

        if jpype.isJVMStarted():
            getattr(jpype.java.lang.Thread, action)()
    except Exception as exc:  # noqa: BLE001 - an older JPype: attached on first use as before
        _log.debug("thread %s failed: %s", action, exc)


def launch_pool(session):
    """The session's task launch pool (None before the session started); take it before ``destroy``,
    which drops the session's reference."""
    try:
        return None if session is None else session.getExecService()
    except Exception as exc:  # noqa: BLE001 - an engine without it: the sweeps alone
        _log.debug("no task launch pool: %s", exc)
        return None


def _stopped(pool, seconds: float) -> bool:
    from jpype import JClass  # the JVM runs by now

    return bool(pool.awaitTermination(int(seconds * 1000), JClass("java.util.concurrent.TimeUnit").MILLISECONDS))


def stop_launches(pool, work_dir: Path, timeout: float = 15.0) -> bool:
    """Stop ``pool`` (see the module doc), ending what its launches start in ``work_dir`` meanwhile; False
    if it is still running after ``timeout`` seconds (it is stopped again at exit)."""
    if pool is None:
        return True
    pool.shutdownNow()
    deadline = time.monotonic() + timeout
    while not _stopped(pool, 0.1):
        end_leftover_tasks(work_dir, grace=1.0, quiet_sweeps=1)  # a started process lets its waiting thread end
        if time.monotonic() > deadline:
            _log.warning("the task launches of the run in %s had not stopped after %.0f s", work_dir, timeout)
            _UNSTOPPED.append((pool, Path(work_dir)))
            return False
    return True


def stop_launches_at_exit(timeout: float = 5.0) -> None:
    """Stop the pools that had not stopped when their run ended (before the exit sweep)."""
    pending = list(_UNSTOPPED)
    _UNSTOPPED.clear()
    for pool, work_dir in pending:
        stop_launches(pool, work_dir, timeout)
