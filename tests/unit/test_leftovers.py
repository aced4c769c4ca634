"""Task processes left running in a run's work directory are found by their working directory and ended."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from pynf.backends.local.leftovers import (ENGINE_MARK, end_leftover_tasks, leftover_tasks,
                                          mark_engine_environment)

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


def _in_work(work) -> list[int]:
    return leftover_tasks(work, parent=0)  # anyone's processes


@pytest.fixture
def marked(monkeypatch):
    """This process's engine mark in its environment (the JVM's children inherit it)."""
    monkeypatch.delenv(ENGINE_MARK, raising=False)
    mark_engine_environment()
    yield os.environ[ENGINE_MARK]


def test_a_task_whose_parent_is_gone_is_found_by_the_engine_mark(tmp_path, marked):
    work = tmp_path / "work"
    work.mkdir()
    # the wrapper exits at once: its child is handed to init (or a subreaper), no descendant of this process
    subprocess.run(["bash", "-c", "sleep 60 >/dev/null 2>&1 & exit 0"], cwd=work, check=True)
    foreign = subprocess.run(["bash", "-c", "sleep 60 >/dev/null 2>&1 & echo $!"], cwd=work, check=True, text=True,
                             capture_output=True, env={**os.environ, ENGINE_MARK: "another.1"})
    other = int(foreign.stdout)
    try:
        orphans = [p for p in _in_work(work) if p != other]
        assert len(orphans) == 1 and os.getpid() not in _ancestors(orphans[0])
        assert leftover_tasks(work) == orphans  # ours by the mark; another engine's task is not
        assert end_leftover_tasks(work, grace=5) == orphans
        assert _in_work(work) == [other]
    finally:
        for pid in _in_work(work):
            os.kill(pid, signal.SIGKILL)


def test_a_task_forking_while_it_is_ended_leaves_nothing_behind(tmp_path, marked):
    work = tmp_path / "work"
    work.mkdir()
    # like a task wrapper's memory watch: keeps starting children, some of them handed to init at once
    spawner = _start(work, "while :; do (sleep 30 &); sleep 0.01 & wait; done")
    try:
        deadline = time.monotonic() + 10
        while len(_in_work(work)) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(os.getpid() not in _ancestors(p) for p in _in_work(work))  # orphans among them
        end_leftover_tasks(work, grace=5)
        spawner.wait(timeout=10)
        assert _in_work(work) == []
    finally:
        spawner.kill()
        spawner.wait()
        for pid in _in_work(work):
            os.kill(pid, signal.SIGKILL)


def test_the_sweep_never_ends_this_process_or_its_parents(tmp_path, marked, monkeypatch):
    monkeypatch.chdir(tmp_path)  # this process runs in the work dir itself
    assert os.getpid() not in leftover_tasks(tmp_path) and os.getppid() not in leftover_tasks(tmp_path)


def _ancestors(pid: int) -> set[int]:
    found = set()
    while pid > 1:
        try:
            text = open(f"/proc/{pid}/stat").read()
        except OSError:
            break
        pid = int(text[text.rindex(")") + 2:].split()[1])
        found.add(pid)
    return found


def test_tasks_started_while_a_teardown_runs_are_ended_once_asked(tmp_path, marked):
    from pynf.backends.local.launches import tasks_ended_meanwhile

    work = tmp_path / "work"
    work.mkdir()
    asked = threading.Event()
    with tasks_ended_meanwhile(work, when=asked.is_set, every=0.05):
        early = _start(work)  # the run still going: left alone
        time.sleep(0.5)
        assert early.poll() is None
        asked.set()  # the run is aborted: this task, and one that starts later, are ended while the block runs
        late = _start(work)
        assert early.wait(timeout=20) != 0 and late.wait(timeout=20) != 0
    assert _in_work(work) == []
