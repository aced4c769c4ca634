"""Task processes a stopped run left behind, and ending them.

When a run is aborted (Ctrl-C, a timeout), Nextflow kills the tasks it knows to be running. A task the
executor was launching at that moment starts after that sweep and keeps running: seen as a
``sleep 120`` task outliving a Ctrl-C by two minutes, during which the interpreter could not exit. The
engine runs in this process, so its tasks are this process's descendants, each started in its task's
work directory: those still running in the run's work directory after the run ends are leftovers.
Linux only (``/proc``); elsewhere nothing is found.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from pathlib import Path

__all__ = ["end_leftover_tasks", "end_leftovers_at_exit", "leftover_tasks"]

_log = logging.getLogger("pynf.backends.local.engine")
_PROC = Path("/proc")
#: the work dirs of this process's runs, swept again at exit (a launch may finish after its run ended)
_WORK_DIRS: set[Path] = set()


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state) of ``pid``; None once it is gone."""
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # the command name may hold spaces and parentheses
    return int(fields[1]), fields[0]


def _children_by_parent() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in _PROC.glob("[0-9]*"):
        stat = _stat(int(entry.name))
        if stat is not None and stat[1] != "Z":
            children.setdefault(stat[0], []).append(int(entry.name))
    return children


def _descendants(root: int, children: dict[int, list[int]]) -> list[int]:
    found, todo = [], list(children.get(root, ()))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _cwd(pid: int) -> Path | None:
    try:
        return Path(os.readlink(_PROC / str(pid) / "cwd"))
    except OSError:
        return None


def leftover_tasks(work_dir: Path, parent: int | None = None) -> list[int]:
    """Processes descending from ``parent`` (this process) that run in ``work_dir``, with their own children."""
    if not _PROC.is_dir():
        return []
    work = Path(os.path.realpath(work_dir))
    children = _children_by_parent()
    found: list[int] = []
    for pid in _descendants(os.getpid() if parent is None else parent, children):
        cwd = _cwd(pid)
        if pid not in found and cwd is not None and cwd.is_relative_to(work):
            found.extend([pid, *(p for p in _descendants(pid, children) if p not in found)])
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


def end_leftover_tasks(work_dir: Path, grace: float = 5.0) -> list[int]:
    """End the tasks still running in ``work_dir``: SIGTERM (a task wrapper's trap stops its own children),
    SIGKILL for what is left after ``grace`` seconds. Sweeps again while a sweep finds any (a task being
    launched when the run stopped may start a moment later). Returns the pids found."""
    _WORK_DIRS.add(Path(work_dir))
    ended: list[int] = []
    for _ in range(5):
        pids = [p for p in leftover_tasks(work_dir) if p not in ended]
        if not pids:
            break
        _end(pids, work_dir, grace)
        ended.extend(pids)
        time.sleep(0.2)
    return ended


def end_leftovers_at_exit(grace: float = 2.0) -> None:
    """The last sweep, when the interpreter exits, over every work dir a run of this process used."""
    for work_dir in sorted(_WORK_DIRS):
        end_leftover_tasks(work_dir, grace)


def _end(pids: list[int], work_dir: Path, grace: float) -> None:
    _log.info("ending %d task process(es) left running in %s", len(pids), work_dir)
    _signal(pids, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    _signal([p for p in pids if _alive(p)], signal.SIGKILL)
