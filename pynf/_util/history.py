"""Local run history: one small JSON record per local run in pynf's cache (``<cache>/history/``,
or ``$PYNF_HISTORY_DIR``).

A record is written (atomically) when the run starts, with status ``RUNNING``, and again when it ends
(``SUCCEEDED``, ``FAILED`` or ``INTERRUPTED``).  A ``RUNNING`` record whose process is gone (killed, power
cut) reads back as ``DIED``.  ``pynf runs`` lists the records, ``pynf runs show RUN`` shows one.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from typing import Any

from pynf._util.files import atomic_write_json
from pynf._util.paths import cache_root

__all__ = ["history_dir", "RunRecord", "list_runs", "find_run"]


def history_dir() -> Path:
    """Where the records live: ``$PYNF_HISTORY_DIR``, else ``<pynf cache>/history``."""
    if os.environ.get("PYNF_HISTORY_DIR"):
        return Path(os.environ["PYNF_HISTORY_DIR"]).expanduser().absolute()
    return cache_root() / "history"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class RunRecord:
    """The record of one local run; ``start()`` writes it as RUNNING, ``end(status)`` completes it."""

    def __init__(self, *, run_name: str, kind: str, name: str, process: str, outdir: Path, run_dir: Path,
                 work_dir: Path):
        now = time.time()
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(now)) + f"{now % 1:.3f}"[1:]  # sorts by start
        self.path = history_dir() / f"{stamp}-{run_name}.json"
        self.data: dict[str, Any] = {
            "run_name": run_name, "kind": kind, "name": name, "process": process, "status": "RUNNING",
            "start": _now(), "end": None, "duration": None, "outdir": str(outdir), "run_dir": str(run_dir),
            "work_dir": str(work_dir), "pid": os.getpid(), "host": socket.gethostname(), "error": None}
        self._t0 = time.monotonic()

    def start(self) -> None:
        """Write the record as RUNNING (errors writing history never stop a run)."""
        self._write()

    def end(self, status: str, error: str | None = None) -> None:
        """Complete the record with the run's final status and duration."""
        self.data.update(status=status, end=_now(), duration=round(time.monotonic() - self._t0, 3),
                         error=(error or "").splitlines()[0][:300] if error else None)
        self._write()

    def _write(self) -> None:
        try:
            atomic_write_json(self.path, self.data)
        except OSError:
            pass


def _alive(record: dict) -> bool:
    if record.get("host") != socket.gethostname():
        return True  # another machine sharing the cache: cannot tell
    try:
        os.kill(int(record.get("pid") or 0), 0)
    except (OSError, ValueError):
        return False
    return True


def _read(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not data.get("run_name"):
        return None
    if data.get("status") == "RUNNING" and not _alive(data):
        data["status"] = "DIED"
    data["record"] = str(path)
    return data


def list_runs(limit: int | None = None) -> list[dict]:
    """Records of local runs, newest first (at most ``limit``)."""
    root = history_dir()
    paths = sorted(root.glob("*.json"), reverse=True) if root.is_dir() else []
    out = []
    for path in paths:
        data = _read(path)
        if data is not None:
            out.append(data)
            if limit is not None and len(out) >= limit:
                break
    return out


def find_run(key: str) -> list[dict]:
    """Records whose run name is ``key`` (or starts with it); ``last`` is the newest run."""
    runs = list_runs()
    if key == "last":
        return runs[:1]
    exact = [r for r in runs if r["run_name"] == key]
    return exact or [r for r in runs if r["run_name"].startswith(key)]
