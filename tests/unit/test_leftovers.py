"""Task processes left running in a run's work directory are found by their working directory and ended."""

import subprocess
import sys
import time

import pytest

from pynf.backends.local.leftovers import end_leftover_tasks, leftover_tasks

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _start(cwd, script="sleep 60"):
    return subprocess.Popen(["bash", "-c", f"{script}; true"], cwd=cwd)


def test_only_processes_in_the_work_dir_and_their_children_are_ended(tmp_path):
    task = tmp_path / "work" / "ab" / "cdef"
    task.mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    inside = _start(task, "sleep 60 & wait")  # a wrapper with a child, like .command.run
    outside = _start(tmp_path / "elsewhere")
    try:
        deadline = time.monotonic() + 10
        while len(leftover_tasks(tmp_path / "work")) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        found = leftover_tasks(tmp_path / "work")
        assert inside.pid in found and outside.pid not in found and len(found) == 2
        assert sorted(end_leftover_tasks(tmp_path / "work", grace=5)) == sorted(found)
        assert inside.wait(timeout=10) != 0
        assert outside.poll() is None  # not the run's: left alone
        assert leftover_tasks(tmp_path / "work") == []
    finally:
        for proc in (inside, outside):
            proc.kill()
            proc.wait()


def test_a_process_ignoring_sigterm_is_killed_after_the_grace(tmp_path):
    (tmp_path / "work").mkdir()
    stubborn = _start(tmp_path / "work", "trap '' TERM; sleep 60")
    try:
        deadline = time.monotonic() + 10
        while not leftover_tasks(tmp_path / "work") and time.monotonic() < deadline:
            time.sleep(0.05)
        started = time.monotonic()
        assert end_leftover_tasks(tmp_path / "work", grace=0.5)
        stubborn.wait(timeout=10)
        assert time.monotonic() - started < 8
    finally:
        stubborn.kill()
        stubborn.wait()


def test_nothing_running_means_nothing_found(tmp_path):
    assert end_leftover_tasks(tmp_path / "missing") == []
