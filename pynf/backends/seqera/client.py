"""A small, careful HTTP client for the Seqera Platform API (the calls pynf needs, typed errors, retries).

Idempotent calls are retried on dropped connections, 429 and 5xx with exponential backoff and jitter
(urllib3 ``Retry``, honouring ``Retry-After``). A connection that cannot be opened at all (refused, or
a host name that does not resolve) is tried twice at most, then reported at once. A launch POST is never blindly retried: after an
ambiguous failure the client first looks for the run by its unique ``runName``.
``timeout`` (``request_timeout``) is a deadline for one whole call: every attempt, backoff and
``Retry-After`` wait included (see :mod:`pynf.backends.seqera.transport`).
The access token lives only in the ``Authorization`` header; it is stripped of surrounding whitespace and
refused (without being quoted) when it holds a character no header can carry, and an error raised inside
the HTTP stack is reported by its type only. It is kept out of reprs, logs and errors.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Mapping
from typing import Any

import requests

from pynf.backends.seqera.transport import (DeadlineRetry, DeadlineTimeout, RateLimiter, clean_token, deadline,
                                            make_session)
from pynf.errors import (SeqeraAuthError, SeqeraError, SeqeraNotFound, SeqeraUnavailable,
                         SeqeraValidationError)

__all__ = ["SeqeraClient", "RateLimiter"]

log = logging.getLogger("pynf.seqera")

#: Status codes retried for idempotent calls.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Attempts to open a connection (refused / unresolvable host) before giving up: such an endpoint
#: rarely comes back within a backoff, so fail fast instead of retrying for a minute and a half.
CONNECT_ATTEMPTS = 2


class SeqeraClient:
    """Seqera Platform API client: ``get``/``post`` plus the specific calls pynf uses."""

    def __init__(self, token: str, api_endpoint: str, *, verify: bool | str = True, timeout: float = 60.0,
                 retries: int = 8, backoff_factor: float = 0.35, backoff_max: float = 90.0,
                 rate: float = 15.0, launch_attempts: int = 4, launch_settle: float | None = None):
        if not token:
            raise SeqeraAuthError("no Seqera access token given")
        token = clean_token(token)  # surrounding whitespace dropped; a header-breaking character refused
        self.api_endpoint = api_endpoint.rstrip("/")
        #: seconds one API call may take in all: every attempt, backoff and Retry-After wait included
        self.request_timeout = float(timeout)
        self.timeout = (min(10.0, timeout), timeout)
        self.backoff_factor = backoff_factor
        self.backoff_max = backoff_max
        self.launch_attempts = launch_attempts
        #: after a launch got no answer, how long to keep looking for the run before sending again: the
        #: platform may still be working on a request the client gave up on, so three request timeouts
        self.launch_settle = 3 * timeout if launch_settle is None else launch_settle
        self.limiter = RateLimiter(rate)
        self._token = token
        # only idempotent calls go through this session, so POST (e.g. cancel) may be repeated here
        idempotent = DeadlineRetry(
            total=retries, connect=CONNECT_ATTEMPTS - 1, read=retries, status=retries, other=0,
            allowed_methods=frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "PUT", "POST"}),
            status_forcelist=RETRY_STATUSES, backoff_factor=backoff_factor, backoff_max=backoff_max,
            backoff_jitter=backoff_factor, respect_retry_after_header=True, raise_on_status=False, redirect=3,
            retry_after_max=300)
        # a POST may only be retried when the connection could not be opened (nothing was sent):
        # read errors are raised at once (read=False) and no status is retried
        once = DeadlineRetry(total=retries, connect=CONNECT_ATTEMPTS - 1, read=False, status=0, other=0, redirect=0,
                             backoff_factor=backoff_factor, backoff_max=backoff_max,
                             backoff_jitter=backoff_factor, raise_on_status=False)
        self._http = make_session(idempotent, self.limiter, token, verify)
        self._http_once = make_session(once, self.limiter, token, verify)

    def __repr__(self) -> str:
        return f"SeqeraClient(api_endpoint={self.api_endpoint!r})"

    def close(self) -> None:
        """Close the underlying HTTP connections."""
        self._http.close()
        self._http_once.close()

    # -- plumbing -----------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return self.api_endpoint + path

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text

    def _send(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
              body: Any = None, once: bool = False) -> requests.Response:
        """One API call, retries included, ending by ``request_timeout``; errors never carry header values."""
        session = self._http_once if once else self._http
        params = {k: v for k, v in (params or {}).items() if v is not None}
        data = None if body is None else json.dumps(body)
        headers = {"Content-Type": "application/json"} if data is not None else None
        connect, read = self.timeout
        error: SeqeraError
        start = time.monotonic()
        try:
            with deadline(self.request_timeout):
                resp = session.request(method, self._url(path), params=params, data=data, headers=headers,
                                       timeout=DeadlineTimeout(connect=connect, read=read))
        except requests.RequestException as exc:
            error = self._unavailable(method, path, exc, time.monotonic() - start)
        except Exception as exc:  # noqa: BLE001 - e.g. http.client refusing a header: its text may quote it
            log.debug("%s %s failed: %s", method, path, type(exc).__name__)
            error = SeqeraError(f"{method} {path}: the request could not be sent ({type(exc).__name__}; "
                                "details withheld because they may quote request headers)")
        else:
            log.debug("%s %s -> %s", method, path, resp.status_code)
            return resp
        raise error  # raised outside the except blocks: no __context__ holding the original exception

    def _unavailable(self, method: str, path: str, exc: requests.RequestException,
                     took: float) -> SeqeraUnavailable:
        log.debug("%s %s failed: %s", method, path, type(exc).__name__)
        unreachable = _unreachable(exc)
        if unreachable:
            hint = (f" after {CONNECT_ATTEMPTS} attempts; check the API endpoint (TOWER_API_ENDPOINT / "
                    "SeqeraConfig.api_endpoint) and your network")
        elif isinstance(exc, requests.Timeout) or took >= self.request_timeout - 0.05:
            hint = (f": no answer within the request timeout of {self.request_timeout:g} s, retries included "
                    "(PYNF_SEQERA_REQUEST_TIMEOUT / --request-timeout)")
        else:
            hint = ""
        # only network errors' texts are shown (they name hosts, not headers); any other may quote a header
        detail = f": {exc}" if isinstance(exc, requests.ConnectionError | requests.Timeout) else ""
        error = SeqeraUnavailable(self._scrub(
            f"Seqera Platform at {self.api_endpoint} could not be reached ({method} {path}){hint}: "
            f"{type(exc).__name__}{detail}"))
        error.unreachable = unreachable  # nothing was sent: no request can be in flight
        return error

    def _check(self, resp: requests.Response, what: str) -> Any:
        code = resp.status_code
        if 200 <= code < 300:
            if code == 204 or not resp.content:
                return None
            try:
                return resp.json()
            except ValueError:
                raise SeqeraError(f"{what}: the platform answered HTTP {code} with a body that is not JSON",
                                  status=code) from None
        message, codes = _error_details(resp)
        message = self._scrub(message)
        if code in (401, 403):
            hint = ("the access token was refused (check TOWER_ACCESS_TOKEN / SeqeraConfig.access_token)"
                    if code == 401 else "operation not allowed for this token (wrong workspace, "
                    "insufficient role, or an invalid token)")
            raise SeqeraAuthError(f"{what}: HTTP {code}: {hint}" + (f": {message}" if message else ""),
                                  status=code)
        if code == 400:
            raise SeqeraValidationError(f"{what}: the platform rejected the request: {message or 'HTTP 400'}",
                                        codes=codes)
        if code == 404:
            raise SeqeraNotFound(f"{what}: not found" + (f": {message}" if message else ""), status=code)
        if code == 429 or code >= 500:
            raise SeqeraUnavailable(f"{what}: the platform kept answering HTTP {code} after retries"
                                    + (f": {message}" if message else ""), status=code)
        raise SeqeraError(f"{what}: HTTP {code}" + (f": {message}" if message else ""), status=code)

    def get(self, path: str, params: Mapping[str, Any] | None = None, *, what: str | None = None) -> Any:
        """GET ``path`` (retried) and return the decoded JSON body."""
        return self._check(self._send("GET", path, params=params), what or f"GET {path}")

    def post(self, path: str, params: Mapping[str, Any] | None = None, body: Any = None, *,
             what: str | None = None, idempotent: bool = False) -> Any:
        """POST ``path``; retried on transient errors only when ``idempotent`` is true."""
        resp = self._send("POST", path, params=params, body=body, once=not idempotent)
        return self._check(resp, what or f"POST {path}")

    # -- resolution ---------------------------------------------------------------------------

    def user_info(self) -> dict:
        """``GET /user-info``: the token's user (``user.id``, ``user.userName``)."""
        return self.get("/user-info", what="reading the current user") or {}

    def workspaces(self, user_id: int) -> list[dict]:
        """``GET /user/{id}/workspaces``: organizations and workspaces the user belongs to."""
        data = self.get(f"/user/{int(user_id)}/workspaces", what="listing workspaces") or {}
        return list(data.get("orgsAndWorkspaces") or [])

    def compute_envs(self, workspace_id: int | None, status: str | None = "AVAILABLE") -> list[dict]:
        """``GET /compute-envs``: compute environments of a workspace (available ones by default)."""
        data = self.get("/compute-envs", {"status": status, "workspaceId": workspace_id},
                        what="listing compute environments") or {}
        return list(data.get("computeEnvs") or [])

    # -- workflows ----------------------------------------------------------------------------

    def describe_workflow(self, workflow_id: str, workspace_id: int | None) -> dict:
        """``GET /workflow/{id}``: the run record (``workflow``, ``progress``, ``orgName`` ...)."""
        return self.get(f"/workflow/{workflow_id}", {"workspaceId": workspace_id},
                        what=f"reading run {workflow_id}") or {}

    def progress(self, workflow_id: str, workspace_id: int | None) -> dict:
        """``GET /workflow/{id}/progress``: task counts by state, overall and per process."""
        data = self.get(f"/workflow/{workflow_id}/progress", {"workspaceId": workspace_id},
                        what=f"reading progress of run {workflow_id}") or {}
        return data.get("progress") or {}

    def log_page(self, workflow_id: str, workspace_id: int | None, next: str | None = None,
                 max_length: int | None = None) -> dict:
        """``GET /workflow/{id}/log``: one page of the head job's log (``entries``, ``forwardToken``, ``pending``)."""
        data = self.get(f"/workflow/{workflow_id}/log",
                        {"workspaceId": workspace_id, "next": next, "maxLength": max_length},
                        what=f"reading the log of run {workflow_id}") or {}
        return data.get("log") or {}

    def tasks(self, workflow_id: str, workspace_id: int | None, *, page_size: int = 100) -> list[dict]:
        """``GET /workflow/{id}/tasks`` (all pages): the run's task records."""
        out: list[dict] = []
        offset = 0
        while True:
            data = self.get(f"/workflow/{workflow_id}/tasks",
                            {"workspaceId": workspace_id, "max": page_size, "offset": offset},
                            what=f"listing tasks of run {workflow_id}") or {}
            page = [t.get("task") or {} for t in data.get("tasks") or []]
            out.extend(page)
            offset += len(page)
            total = data.get("total")
            if not page or len(page) < page_size or (total is not None and offset >= total):
                return out

    def describe_launch(self, workflow_id: str, workspace_id: int | None) -> dict:
        """``GET /workflow/{id}/launch``: the launch record (``resumeDir``, ``sessionId`` ...)."""
        data = self.get(f"/workflow/{workflow_id}/launch", {"workspaceId": workspace_id},
                        what=f"reading the launch of run {workflow_id}") or {}
        return data.get("launch") or {}

    def cancel(self, workflow_id: str, workspace_id: int | None) -> None:
        """``POST /workflow/{id}/cancel`` (safe to repeat, so retried)."""
        self.post(f"/workflow/{workflow_id}/cancel", {"workspaceId": workspace_id}, body={},
                  what=f"cancelling run {workflow_id}", idempotent=True)

    def find_workflow(self, workspace_id: int | None, run_name: str) -> dict | None:
        """The run whose ``runName`` is exactly ``run_name`` (``GET /workflow?search=``), or None."""
        data = self.get("/workflow", {"workspaceId": workspace_id, "search": run_name, "max": 50},
                        what=f"searching for run {run_name}") or {}
        for entry in data.get("workflows") or []:
            wf = entry.get("workflow") or {}
            if wf.get("runName") == run_name and wf.get("id"):
                return wf
        return None

    def launch(self, workspace_id: int | None, launch: dict) -> str:
        """``POST /workflow/launch`` exactly once per run name; returns the ``workflowId``.

        Before any repeat after an ambiguous failure (connection lost after sending, 5xx) the run is
        looked up by its unique ``runName``, so a run whose response was lost is not created twice. When
        no answer came at all (dropped connection, timeout) the platform may still be working on it, so
        the lookup keeps trying for ``launch_settle`` seconds (default: three request timeouts) first.
        """
        run_name = launch.get("runName")
        if not run_name:
            raise SeqeraValidationError("launch requires a unique runName", status=None)
        last = ""
        settle = 0.0  # how long the platform may still be working on a request we gave up on
        for attempt in range(self.launch_attempts):
            if attempt:
                self._sleep_backoff(attempt)
                found = self._find_settled(workspace_id, run_name, settle)
                if found:
                    log.info("launch of %s had been accepted: workflow %s", run_name, found["id"])
                    return str(found["id"])
            try:
                resp = self._send("POST", "/workflow/launch", params={"workspaceId": workspace_id},
                                  body={"launch": launch}, once=True)
            except SeqeraUnavailable as exc:
                if getattr(exc, "unreachable", False):
                    raise  # the connection never opened: nothing was sent, nothing to look for
                last = str(exc)
                settle = self.launch_settle
                log.warning("launch of %s: no answer (%s); checking whether the run exists", run_name,
                            type(exc).__name__)
                continue
            settle = 0.0
            if resp.status_code == 429:
                last = "HTTP 429 (rate limited)"
                self._sleep_retry_after(resp)
                continue
            if resp.status_code >= 500:
                last = f"HTTP {resp.status_code}"
                log.warning("launch of %s: HTTP %s; checking whether the run exists", run_name,
                            resp.status_code)
                continue
            data = self._check(resp, f"launching {run_name}") or {}
            wid = data.get("workflowId")
            if not wid:
                raise SeqeraError("the platform accepted the launch but returned no workflowId")
            return str(wid)
        found = self._find_settled(workspace_id, run_name, settle)
        if found:
            return str(found["id"])
        raise SeqeraUnavailable(f"launching {run_name} failed after {self.launch_attempts} attempts "
                                f"(last: {self._scrub(last)}); no run with that name was created")

    def _find_settled(self, workspace_id: int | None, run_name: str, settle: float) -> dict | None:
        """Search for the run; when a request may still be in flight, keep looking for ``settle`` seconds."""
        deadline = time.monotonic() + settle
        delay = 0.25
        while True:
            found = self.find_workflow(workspace_id, run_name)
            if found or time.monotonic() >= deadline:
                return found
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 5.0)

    def _sleep_backoff(self, attempt: int) -> None:
        delay = min(self.backoff_max, self.backoff_factor * 2 ** attempt)
        time.sleep(delay + random.uniform(0, self.backoff_factor))

    def _sleep_retry_after(self, resp: requests.Response) -> None:
        value = resp.headers.get("Retry-After", "")
        try:
            delay = float(value)
        except ValueError:
            delay = self.backoff_factor
        time.sleep(min(max(delay, 0.0), 300.0))


def _unreachable(exc: requests.RequestException) -> bool:
    """True when the connection could not be opened (refused, host unknown): nothing reached the server."""
    import urllib3.exceptions as u3

    if isinstance(exc, requests.ConnectTimeout) or not isinstance(exc, requests.ConnectionError):
        return False
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # MaxRetryError -> the last underlying error
    return isinstance(reason, u3.NewConnectionError)  # includes NameResolutionError


def _error_details(resp: requests.Response) -> tuple[str, tuple[str, ...]]:
    """Message and error codes from an error response body (``{message, errors: [{code, message}]}``)."""
    try:
        body = resp.json()
    except ValueError:
        return (resp.text or "").strip()[:500], ()
    if not isinstance(body, dict):
        return str(body)[:500], ()
    message = str(body.get("message") or "")
    codes = tuple(str(e.get("code")) for e in body.get("errors") or [] if isinstance(e, dict) and e.get("code"))
    if not message and body.get("errors"):
        message = "; ".join(str(e.get("message")) for e in body["errors"] if isinstance(e, dict))
    return message, codes
