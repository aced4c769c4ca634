"""Watching an embedded run: a deadline that aborts it, and the details of a failed ``eval`` output."""

from __future__ import annotations

import logging
import threading

from pynf.backends.local.observer import RunObserver

__all__ = ["Deadline", "eval_failure"]

_log = logging.getLogger("pynf.backends.local.engine")


def eval_failure(exc) -> dict | None:
    """The failed command of an ``eval`` output, when ``exc`` (or a cause) is Nextflow's ProcessEvalException."""
    try:
        cur, seen = (exc.__javaobject__ if hasattr(exc, "__javaobject__") else exc), 0
        while cur is not None and seen < 5:
            if str(cur.getClass().getName()) == "nextflow.exception.ProcessEvalException":
                output = cur.getOutput()
                return {"command": str(cur.getCommand()), "status": int(cur.getStatus()),
                        "output": "" if output is None else str(output)}
            cur, seen = cur.getCause(), seen + 1
    except Exception as exc2:  # not a Java throwable
        _log.debug("no eval failure in %r: %s", exc, exc2)
    return None


class Deadline:
    """Aborts ``session`` after ``timeout`` seconds, noting what the run was still waiting for."""

    def __init__(self, session, observer: RunObserver, timeout: float | None):
        self.fired = False
        self.waiting_for: tuple[str, ...] = ()
        self._session, self._observer, self._timer = session, observer, None
        if timeout is not None:
            self._timer = threading.Timer(max(0.0, float(timeout)), self._fire)
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        from jpype import JClass

        self.waiting_for = tuple(self._observer.waiting_for())
        self.fired = True
        cause = JClass("java.util.concurrent.TimeoutException")("pynf: run timeout reached")
        try:
            self._session.abort(cause)
        except Exception as exc:  # the session may be tearing down already
            _log.debug("timeout abort failed: %s", exc)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer.join()
