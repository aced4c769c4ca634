"""Task processes a stopped run left behind, and ending them.

When a run is aborted (Ctrl-C, a timeout), Nextflow kills the tasks it knows to be running. A task the
executor was launching at that moment starts after that sweep and keeps running: seen as a
``sleep 120`` task outliving a Ctrl-C by two minutes, during which the interpreter could not exit.

A task is found by its working directory (each starts in its own folder under the run's work dir) and by
being this process's: a descendant of it, or, once its parent is gone (a task wrapper killed while its
children run on, which the system hands to init), a process of this user whose environment carries this
engine's mark (:func:`mark_engine_environment` puts it into the environment before the JVM starts, and
every process the engine starts inherits it). Ending them freezes the whole tree first (SIGSTOP, so no
process forks a child the sweep would miss), then SIGTERM (a task wrapper's trap stops its own children)
and SIGKILL for what is left after a grace. Linux only (``/proc``); elsewhere nothing is found.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

__all__ = ["ENGINE_MARK", "end_leftover_tasks", "end_leftovers_at_exit", "leftover_tasks",
           "mark_engine_environment"]

_log = logging.getLogger("pynf.backends.local.engine")
_PROC = Path("/proc")
#: the environment variable that marks the processes this process's engine started (its value names it)
ENGINE_MARK = "PYNF_ENGINE_MARK"
#: the work dirs of this process's runs, swept again at exit (a launch may finish after its run ended)
_WORK_DIRS: set[Path] = set()


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time in clock ticks since boot) of ``pid``; None once it is gone."""
    try:
        with open(f"{_PROC}/{pid}/stat", "rb") as handle:
            text = handle.read()
    except OSError:
        return None
    fields = text[text.rindex(b")") + 2:].split()  # the command name may hold spaces and parentheses
    return int(fields[1]), fields[0].decode(), int(fields[19])


def _pids() -> list[int]:
    try:
        return [int(name) for name in os.listdir(_PROC) if name.isdigit()]
    except OSError:
        return []


def _mark() -> str:
    """This process's mark: its pid and start time (a pid alone may be reused)."""
    stat = _stat(os.getpid())
    return f"{os.getpid()}.{stat[2] if stat else 0}"


def mark_engine_environment() -> None:
    """Put this process's mark into its environment (call before the JVM starts: the JVM's children
    inherit the environment it started with)."""
    os.environ[ENGINE_MARK] = _mark()


def _children_by_parent() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for pid in _pids():
        stat = _stat(pid)
        if stat is not None and stat[1] != "Z":
            children.setdefault(stat[0], []).append(pid)
    return children


def _descendants(root: int, children: dict[int, list[int]]) -> list[int]:
    found, todo = [], list(children.get(root, ()))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _in(pid: int, work: str) -> bool:
    """``pid`` runs in ``work`` (a real path) or below it."""
    try:
        cwd = os.readlink(f"{_PROC}/{pid}/cwd")
    except OSError:
        return False
    return cwd == work or cwd.startswith(work + "/")


def _marked(pid: int, mark: bytes) -> bool:
    """``pid`` is this user's and was started (through any number of processes) by this process's engine."""
    try:
        if os.stat(f"{_PROC}/{pid}").st_uid != os.getuid():
            return False
        with open(f"{_PROC}/{pid}/environ", "rb") as handle:
            return mark in handle.read().split(b"\0")
    except OSError:
        return False


def leftover_tasks(work_dir: Path, parent: int | None = None) -> list[int]:
    """Processes running in ``work_dir``, with their own children: this process's (descendants, or marked
    by its engine), or with ``parent`` the descendants of that pid (0: anyone's)."""
    if not _PROC.is_dir():
        return []
    work, mine = os.path.realpath(work_dir), _ancestry()
    candidates = [pid for pid in _pids() if pid not in mine and _in(pid, work)]
    if not candidates:  # the usual case, cheap: no process's state read
        return []
    root = os.getpid() if parent is None else parent
    mark = f"{ENGINE_MARK}={os.environ[ENGINE_MARK]}".encode() if parent is None and ENGINE_MARK in os.environ \
        else None
    children = _children_by_parent()
    found: dict[int, None] = {}  # in order, once each
    for pid in candidates:
        if pid not in found and (_descends(pid, root) or (mark is not None and _marked(pid, mark))):
            found.update(dict.fromkeys([pid, *_descendants(pid, children)]))
    return list(found)


def _descends(pid: int, root: int) -> bool:
    """``pid`` is a descendant of ``root`` (every process is of 0)."""
    seen: set[int] = set()
    while pid not in seen:
        seen.add(pid)
        stat = _stat(pid)
        if stat is None:
            return False
        pid = stat[0]
        if pid == root:
            return True
        if pid == 0:
            return False
    return False


def _ancestry() -> set[int]:
    """This process and its ancestors (never a task of its own, wherever their working directory is)."""
    found, pid = set(), os.getpid()
    while pid > 0 and pid not in found:
        found.add(pid)
        stat = _stat(pid)
        pid = stat[0] if stat else 0
    return found


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[1] != "Z"


def _signal(pids: list[int], sig: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def _await_stopped(pids: list[int], timeout: float = 1.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = [_stat(p) for p in pids]
        if all(stat is None or stat[1] in "TtZX" for stat in states):
            return
        time.sleep(0.005)


def _freeze(pids: list[int]) -> list[int]:
    """Stop ``pids`` and every child they forked until they were stopped; all of them."""
    frozen: list[int] = []
    todo = list(pids)
    while todo:
        _signal(todo, signal.SIGSTOP)
        frozen.extend(todo)
        _await_stopped(todo)  # a stop takes effect a moment after kill() returns: a fork may finish meanwhile
        children = _children_by_parent()
        todo = [c for p in frozen for c in _descendants(p, children) if c not in frozen]
    return frozen


def end_leftover_tasks(work_dir: Path, grace: float = 5.0, *, quiet_sweeps: int = 2, interval: float = 0.02,
                       limit: float = 60.0) -> list[int]:
    """End the tasks still running in ``work_dir`` (see :func:`leftover_tasks`): frozen, SIGTERM, SIGKILL for
    what is left after ``grace`` seconds. Sweeps until ``quiet_sweeps`` sweeps in a row find nothing (a task
    being launched when the run stopped may start a moment later), for at most ``limit`` seconds. Returns the
    pids found."""
    _WORK_DIRS.add(Path(work_dir))
    ended: list[int] = []
    quiet, deadline = 0, time.monotonic() + limit
    while quiet < quiet_sweeps and time.monotonic() < deadline:
        pids = leftover_tasks(work_dir)
        if pids:
            quiet = 0
            pids = _end(pids, work_dir, grace)
            ended.extend(p for p in pids if p not in ended)
        else:
            quiet += 1
        if quiet < quiet_sweeps:
            time.sleep(interval)
    return ended


def end_leftovers_at_exit(grace: float = 2.0) -> None:
    """The last sweep, when the interpreter exits, over every work dir a run of this process used."""
    for work_dir in sorted(_WORK_DIRS):
        end_leftover_tasks(work_dir, grace)


def _end(pids: list[int], work_dir: Path, grace: float) -> list[int]:
    pids = _freeze(pids)
    _log.info("ending %d task process(es) left running in %s", len(pids), work_dir)
    _signal(pids, signal.SIGTERM)
    _signal(pids, signal.SIGCONT)
    deadline = time.monotonic() + grace
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    _signal([p for p in pids if _alive(p)], signal.SIGKILL)
    return pids
