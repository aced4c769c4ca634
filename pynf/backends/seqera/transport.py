"""HTTP plumbing of the Seqera client: the token check, the bearer auth, rate limiting, and a deadline
that bounds one API call -- every attempt, backoff and ``Retry-After`` wait included.

``request_timeout`` is a deadline for the whole call: each attempt's connect/read timeout is capped at
the time left (:class:`DeadlineTimeout`), and :class:`DeadlineRetry` gives up instead of retrying or
sleeping past it. The deadline of the call in progress is kept per thread (:func:`deadline`), so one
session serves concurrent calls.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry
from urllib3.util.timeout import Timeout

from pynf._version import __version__
from pynf.errors import SeqeraConfigError

__all__ = ["RateLimiter", "DeadlineRetry", "DeadlineTimeout", "deadline", "time_left", "clean_token",
           "make_session"]

_local = threading.local()

_TOKEN_HOW = "TOWER_ACCESS_TOKEN / SeqeraConfig.access_token"


def clean_token(token: str) -> str:
    """The access token without surrounding whitespace; SeqeraConfigError (never quoting it) when it holds
    a character an HTTP header cannot carry (a line break, another control character, non-ASCII, a space)."""
    if not isinstance(token, str):
        raise SeqeraConfigError(f"the Seqera access token ({_TOKEN_HOW}) must be text, not {type(token).__name__}")
    text = token.strip()
    if not text:
        raise SeqeraConfigError(f"the Seqera access token ({_TOKEN_HOW}) is empty")
    for i, ch in enumerate(text, 1):
        if "\x21" <= ch <= "\x7e":
            continue
        what = ("a line break" if ch in "\r\n\x85\u2028\u2029" else "a NUL byte" if ch == "\0"
                else "whitespace" if ch.isspace() else "a control character" if ord(ch) < 0x20 or ord(ch) == 0x7f
                else "a non-ASCII character")
        raise SeqeraConfigError(
            f"the Seqera access token ({_TOKEN_HOW}) has {what} at character {i} of {len(text)}, which an "
            "HTTP header cannot carry; copy the token again from 'Your tokens' in the Platform web UI "
            "(the token itself is not shown here)")
    return text


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Within the block, API calls of this thread end by ``now + seconds`` (retries included)."""
    previous = getattr(_local, "deadline", None)
    _local.deadline = time.monotonic() + seconds
    try:
        yield _local.deadline
    finally:
        _local.deadline = previous


def time_left() -> float | None:
    """Seconds left before this thread's deadline (None outside :func:`deadline`)."""
    end = getattr(_local, "deadline", None)
    return None if end is None else end - time.monotonic()


class DeadlineTimeout(Timeout):
    """A urllib3 timeout whose every attempt is capped at the time left before the thread's deadline."""

    def clone(self) -> Timeout:
        left = time_left()
        if left is None:
            return Timeout(connect=self._connect, read=self._read, total=self.total)
        left = max(left, 0.001)
        cap = (lambda v: left if v is None or not isinstance(v, int | float) else min(v, left))
        return Timeout(connect=cap(self._connect), read=cap(self._read))


class DeadlineRetry(Retry):
    """``Retry`` that stops at the thread's deadline: no retry, and no backoff sleep, past it."""

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):  # type: ignore[override]
        new = super().increment(method, url, response, error, _pool, _stacktrace)
        left = time_left()
        if left is not None:
            wait = new.get_backoff_time()
            if response is not None and self.respect_retry_after_header:
                wait = max(wait, new.get_retry_after(response) or 0.0)
            if wait >= left:
                raise MaxRetryError(_pool, url, error or ResponseError("the request deadline was reached"))
        return new

    def sleep(self, response=None) -> None:  # type: ignore[override]
        left = time_left()
        if left is None:
            return super().sleep(response)
        wait = self.get_backoff_time()
        if response is not None and self.respect_retry_after_header:
            wait = max(wait, self.get_retry_after(response) or 0.0)
        time.sleep(max(0.0, min(wait, left)))


class RateLimiter:
    """Thread-safe limiter: at most ``rate`` calls per second (spacing calls evenly)."""

    def __init__(self, rate: float = 15.0):
        self.interval = 1.0 / rate
        self._lock = threading.Lock()
        self._next = 0.0

    def acquire(self) -> None:
        """Block until the next call is allowed."""
        with self._lock:
            now = time.monotonic()
            wait = self._next - now
            self._next = max(now, self._next) + self.interval
        if wait > 0:
            time.sleep(wait)


class _BearerAuth(requests.auth.AuthBase):
    """Adds ``Authorization: Bearer`` to requests; its repr never shows the token."""

    def __init__(self, token: str):
        self._token = token

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self._token}"
        return r

    def __repr__(self) -> str:
        return "<BearerAuth ***>"


class _LimitedAdapter(HTTPAdapter):
    """HTTPAdapter that waits for the client's rate limiter before each request."""

    def __init__(self, limiter: RateLimiter, **kwargs: Any):
        self._limiter = limiter
        super().__init__(**kwargs)

    def send(self, request, *args, **kwargs):  # type: ignore[override]
        self._limiter.acquire()
        return super().send(request, *args, **kwargs)


def make_session(retry: Retry, limiter: RateLimiter, token: str, verify: bool | str) -> requests.Session:
    """A requests session: rate-limited adapter with ``retry``, bearer auth, JSON accept header."""
    s = requests.Session()
    adapter = _LimitedAdapter(limiter, max_retries=retry, pool_maxsize=8)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    s.auth = _BearerAuth(token)
    s.verify = verify
    s.trust_env = True
    s.headers.update({"Accept": "application/json", "User-Agent": f"pynf/{__version__}"})
    return s
