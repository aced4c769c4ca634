"""A task launch queued on the local executor's pool when its run is torn down never starts after the run's last
sweep (Nextflow starts each local task on the session's pool; ``Session.destroy`` only shuts it down, so a
queued launch ran as soon as a killed task freed a thread, and its task outlived the run)."""

from __future__ import annotations

import sys
import time

import pytest

from pynf.backends.local.launches import stop_launches
from pynf.backends.local.leftovers import end_leftover_tasks, leftover_tasks

from ..support import require_engine

pytestmark = [pytest.mark.engine,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]


def _launch(work, name: str):
    """A launch like the local executor's: start the task's process in its folder, wait for it."""
    from jpype import JClass, JImplements, JOverride

    @JImplements("java.lang.Runnable")
    class Launch:
        @JOverride
        def run(self):
            command = JClass("java.util.ArrayList")()
            for part in ("bash", "-c", f"touch {name}.started; exec sleep 60"):
                command.add(part)
            builder = JClass("java.lang.ProcessBuilder")(command).directory(JClass("java.io.File")(str(work)))
            builder.start().waitFor()

    return Launch()


def _wait_for(path, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return path.exists()


def test_a_queued_launch_never_starts_after_the_last_sweep(tmp_path):
    require_engine()
    from pynf.backends.local.jvm import start_jvm

    start_jvm()
    from jpype import JClass

    work = tmp_path / "work"
    work.mkdir()
    pool = JClass("java.util.concurrent.Executors").newFixedThreadPool(1)
    pool.submit(_launch(work, "running"))
    pool.submit(_launch(work, "queued"))  # waits for the pool's one thread
    try:
        assert _wait_for(work / "running.started")
        pool.shutdown()  # what Session.destroy does
        assert stop_launches(pool, work)
        end_leftover_tasks(work)
        assert bool(pool.isTerminated())
        assert not _wait_for(work / "queued.started", 2.0)  # dropped, never started
        assert leftover_tasks(work, parent=0) == []
    finally:
        pool.shutdownNow()
        end_leftover_tasks(work, grace=1.0)
