"""Failed items of a run: :class:`FailedItem` (who failed, how, where) and the one-line summary results show.

Shared by the local backend (which finds them) and workflow results (which name their step).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

from pynf.errors import ItemsFailedWarning

__all__ = ["FailedItem", "failed_items", "failure_summary", "warn_ignored"]


@dataclass(frozen=True)
class FailedItem:
    """An item (task) whose failure the run ended with or ignored: who, with which exit status, where."""

    process: str
    tag: str | None
    meta: dict | None
    exit_status: int | None
    workdir: Any
    error_action: str | None = None  # TERMINATE | FINISH | IGNORE (RETRY attempts are not listed)
    step: str | None = None  # the workflow step, for workflow runs

    def __str__(self) -> str:
        who = f"{self.process} ({self.tag})" if self.tag else self.process
        where = f"step '{self.step}' " if self.step else ""
        status = f"exit status {self.exit_status}" if self.exit_status is not None else "an error"
        return f"{where}{who}: {status}, work dir {self.workdir}"


def failed_items(records: list, steps: dict[str, str] | None = None) -> list[FailedItem]:
    """The final failures among task records (a task retried later is not one), in order of failure."""
    items: list[FailedItem] = []
    seen: set[str] = set()
    for rec in records:
        if rec.status != "FAILED" or (rec.error_action or "").upper() == "RETRY" or rec.name in seen:
            continue
        seen.add(rec.name)
        items.append(FailedItem(process=rec.process, tag=rec.tag, meta=getattr(rec, "meta", None),
                                exit_status=rec.exit_status, workdir=rec.workdir, error_action=rec.error_action,
                                step=(steps or {}).get(rec.process)))
    return items


def failure_summary(status: str, failed: list[FailedItem], finished: int, stopped: int = 0) -> str:
    """One line: ``PARTIAL: 1 item failed, 3 finished (CHECK_READS (c): exit status 3, work dir ...)``;
    ``stopped`` tasks were killed when the run ended (no outputs)."""
    done = f"{finished} finished" + (f", {stopped} stopped unfinished" if stopped else "")
    if not failed:
        return f"{status}: {done}, none failed"
    noun = "item" if len(failed) == 1 else "items"
    return f"{status}: {len(failed)} {noun} failed, {done} ({'; '.join(str(f) for f in failed)})"


def warn_ignored(summary: str) -> None:
    """The run succeeded, but items failed (``error_strategy="ignore"``): never silent."""
    warnings.warn(ItemsFailedWarning(summary), stacklevel=4)
