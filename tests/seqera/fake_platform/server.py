"""A fake Seqera Platform: a real HTTP server on 127.0.0.1 serving the endpoints pynf uses.

Every request is checked against the official OpenAPI spec, and so is every response the fake sends
(injected faults and the statuses the spec leaves out -- 401, 404, 429, 5xx -- are checked to be
ErrorResponse-shaped instead). Problems are collected in ``problems``; test fixtures fail on any.
"""

from __future__ import annotations

import json
import re
import secrets
import string
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .faults import Faults
from .runner import Run, Runner
from .spec import SpecChecker, spec_available

__all__ = ["FakePlatform"]

_ALNUM = string.ascii_letters + string.digits
#: Nextflow's rule for run names (the platform enforces the same).
RUN_NAME = re.compile(r"[a-z](?:[a-z\d]|[-_](?=[a-z\d])){0,79}")


class _Reply(Exception):
    def __init__(self, status: int, body: dict | None = None, headers: dict[str, str] | None = None):
        self.status, self.body, self.headers = status, body, headers or {}


class FakePlatform:
    """Seqera Platform stand-in: workspaces, compute envs, launches that really run, faults, spec checks."""

    def __init__(self, root: Path, *, token: str | None = None, hold: bool = False, check_spec: bool = True):
        self.root = Path(root)
        self.token = token or "fake-" + secrets.token_urlsafe(24)
        #: None when the shared spec is absent (then nothing is checked; contract tests skip)
        self.checker: SpecChecker | None = SpecChecker() if check_spec and spec_available() else None
        self.faults = Faults()
        self.runner = Runner(self.root / "runs", hold=hold)
        self.problems: list[str] = []
        self.requests: list[dict] = []
        self.runs: dict[str, Run] = {}
        self.sessions: dict[str, Path] = {}
        self.launch_posts = 0
        #: workflow record fields to leave out of answers (the spec makes them optional)
        self.omit_fields: set[str] = set()
        self.lock = threading.RLock()
        self.user = {"id": 7, "userName": "pynf-tester", "email": "tester@example.org"}
        self.work_dir = str(self.root / "work")
        self.workspaces = [
            {"orgId": 1, "orgName": "acme", "workspaceId": 101, "workspaceName": "genomics",
             "workspaceFullName": "Genomics", "visibility": "PRIVATE", "roles": ["owner"]},
            {"orgId": 1, "orgName": "acme", "workspaceId": 102, "workspaceName": "scratch",
             "workspaceFullName": "Scratch", "visibility": "PRIVATE", "roles": ["launch"]},
        ]
        self.compute_envs = {
            101: [{"id": "4xLocalPrimaryCe", "name": "local-primary", "platform": "local-platform",
                   "status": "AVAILABLE", "primary": True, "workDir": self.work_dir},
                  {"id": "6yOtherLocalCe", "name": "local-other", "platform": "local-platform",
                   "status": "AVAILABLE", "primary": False, "workDir": str(self.root / "work-other")}],
            102: [{"id": "9zScratchCe", "name": "scratch-ce", "platform": "local-platform",
                   "status": "AVAILABLE", "primary": False, "workDir": str(self.root / "work-scratch")}],
        }
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL of the API (http://127.0.0.1:PORT/api, like an Enterprise install)."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/api"

    def start(self) -> FakePlatform:
        """Start serving on an ephemeral loopback port."""
        platform = self

        class Handler(_Handler):
            fake = platform

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-seqera", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Cancel running runs, stop the server."""
        for run in list(self.runs.values()):
            if run.status in ("SUBMITTED", "RUNNING"):
                self.runner.cancel(run)
        self.runner.shutdown()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def release(self, workflow_id: str | None = None) -> None:
        """Let held runs start (one, or all)."""
        self.runner.hold = False
        for run in self.runs.values():
            if workflow_id in (None, run.id):
                run.released.set()

    def runs_named(self, run_name: str) -> list[Run]:
        """All runs with this runName (to assert 'exactly one run created')."""
        return [r for r in self.runs.values() if r.launch.get("runName") == run_name]

    # -- request handling ---------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str],
               body: bytes) -> tuple[int, dict | None, dict[str, str]]:
        """Route one request (path without the /api prefix) to a status, JSON body and headers."""
        auth = headers.get("Authorization", "")
        if auth != f"Bearer {self.token}":
            raise _Reply(401, {"message": "Unauthorized"})
        ws = _int(query.get("workspaceId", [None])[0])
        data = json.loads(body) if body else None
        if method == "GET" and path == "/user-info":
            return 200, {"user": self.user, "needConsent": False}, {}
        m = re.fullmatch(r"/user/(\d+)/workspaces", path)
        if method == "GET" and m:
            if int(m.group(1)) != self.user["id"]:
                raise _Reply(403)
            return 200, {"orgsAndWorkspaces": self.workspaces}, {}
        if method == "GET" and path == "/compute-envs":
            self._workspace(ws)
            envs = [c for c in self.compute_envs.get(ws, [])
                    if query.get("status", [None])[0] in (None, c["status"])]
            return 200, {"computeEnvs": envs}, {}
        if method == "POST" and path == "/workflow/launch":
            return 200, self._launch(ws, data), {}
        if method == "GET" and path == "/workflow":
            return 200, self._list(ws, query), {}
        m = re.fullmatch(r"/workflow/([^/]+)(/[a-z]+)?", path)
        if m:
            run = self._run(m.group(1), ws)
            sub = m.group(2) or ""
            if method == "GET" and sub == "":
                return 200, self._describe(run, path), {}
            if method == "GET" and sub == "/progress":
                return 200, {"progress": _progress(run)}, {}
            if method == "GET" and sub == "/log":
                return 200, {"log": _log_page(run, query)}, {}
            if method == "GET" and sub == "/tasks":
                return 200, _tasks(run, query), {}
            if method == "GET" and sub == "/launch":
                return 200, {"launch": _launch_record(run)}, {}
            if method == "POST" and sub == "/cancel":
                if run.status in ("SUBMITTED", "RUNNING"):
                    threading.Thread(target=self.runner.cancel, args=(run,), daemon=True).start()
                    deadline = time.monotonic() + 25
                    while run.status in ("SUBMITTED", "RUNNING") and time.monotonic() < deadline:
                        time.sleep(0.05)
                return 204, None, {}
        raise _Reply(404, {"message": f"no such endpoint in the fake platform: {method} {path}"})

    def _workspace(self, ws: int | None) -> dict:
        for w in self.workspaces:
            if w["workspaceId"] == ws:
                return w
        raise _Reply(403)

    def _run(self, workflow_id: str, ws: int | None) -> Run:
        run = self.runs.get(workflow_id)
        if run is None or run.workspace_id != ws:
            raise _Reply(404, {"message": f"Workflow {workflow_id} not found"})
        return run

    def _launch(self, ws: int | None, data: dict | None) -> dict:
        self._workspace(ws)
        launch = dict((data or {}).get("launch") or {})
        errors = []
        envs = {c["id"]: c for c in self.compute_envs.get(ws, [])}
        ce = envs.get(launch.get("computeEnvId") or "")
        if ce is None or ce["status"] != "AVAILABLE":
            errors.append({"code": "COMPUTE_ENV_INVALID",
                           "message": f"Compute environment {launch.get('computeEnvId')!r} is not available"})
        if not launch.get("pipeline"):
            errors.append({"code": "PIPELINE_MISSING", "message": "Missing pipeline repository"})
        if launch.get("runName") is not None and not RUN_NAME.fullmatch(launch["runName"]):
            errors.append({"code": "INVALID_RUN_NAME", "message": f"Invalid run name {launch['runName']!r}"})
        if errors:
            raise _Reply(400, {"message": "; ".join(e["message"] for e in errors), "errors": errors})
        launch.setdefault("workDir", ce["workDir"])
        launch.setdefault("runName", "fake-" + secrets.token_hex(4))
        with self.lock:
            self.launch_posts += 1
            wid = "".join(secrets.choice(_ALNUM) for _ in range(14))
            run = Run(wid, ws, launch, self.runner.root / wid)
            if launch.get("sessionId"):
                run.session_id = launch["sessionId"]
            self.runs[wid] = run
        self.runner.start(run, self.sessions)
        return {"workflowId": wid}

    def _list(self, ws: int | None, query: dict[str, list[str]]) -> dict:
        self._workspace(ws)
        search = (query.get("search") or [""])[0]
        items = [r for r in self.runs.values() if r.workspace_id == ws and search in r.launch.get("runName", "")]
        items.sort(key=lambda r: r.submit, reverse=True)
        offset = _int((query.get("offset") or ["0"])[0]) or 0
        limit = _int((query.get("max") or ["50"])[0]) or 50
        page = items[offset:offset + limit]
        w = self._workspace(ws)
        return {"workflows": [{"workflow": self._record(r), "orgId": w["orgId"], "orgName": w["orgName"],
                               "workspaceId": ws, "workspaceName": w["workspaceName"], "starred": False}
                              for r in page], "hasMore": offset + limit < len(items)}

    def _record(self, run: Run, *, unknown: bool = False) -> dict:
        launch = run.launch
        rec = {"id": run.id, "status": "UNKNOWN" if unknown else run.status, "runName": launch["runName"],
               "submit": run.submit, "workDir": launch["workDir"], "sessionId": run.session_id,
               "userName": self.user["userName"], "projectName": launch.get("pipeline", ""),
               "repository": launch.get("pipeline", ""), "revision": launch.get("revision", ""),
               "commitId": launch.get("revision", ""), "scriptName": launch.get("mainScript") or "main.nf",
               "commandLine": f"nextflow run {launch.get('pipeline')} -name {launch['runName']}",
               "configText": launch.get("configText", ""),
               "resume": bool(launch.get("resume"))}
        for key in ("start", "complete"):
            if getattr(run, key):
                rec[key] = getattr(run, key)
        if run.complete:
            rec["success"] = run.status == "SUCCEEDED"
            rec["duration"] = int((_epoch(run.complete) - _epoch(run.start or run.submit)) * 1000)
        if run.exit_status is not None:
            rec["exitStatus"] = run.exit_status
        if run.error_message:
            rec["errorMessage"] = run.error_message
        if run.error_report:
            rec["errorReport"] = run.error_report
        return {k: v for k, v in rec.items() if k not in self.omit_fields}

    def _describe(self, run: Run, path: str) -> dict:
        unknown = self.faults.take("GET", path, ("unknown_status",)) is not None
        w = self._workspace(run.workspace_id)
        return {"workflow": self._record(run, unknown=unknown), "progress": _progress(run),
                "orgId": w["orgId"], "orgName": w["orgName"], "workspaceId": run.workspace_id,
                "workspaceName": w["workspaceName"]}


def _epoch(stamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        raise _Reply(400, {"message": f"not a number: {value!r}"}) from None


_LOAD_KEYS = ("aborted", "cached", "cpuLoad", "cpuTime", "cpus", "failed", "ignored", "invCtxSwitch", "loadCpus",
              "loadMemory", "loadTasks", "memoryReq", "memoryRss", "peakCpus", "peakMemory", "peakTasks", "pending",
              "readBytes", "retries", "running", "submitted", "succeeded", "volCtxSwitch", "writeBytes")
_STATE_KEY = {"RUNNING": "running", "SUBMITTED": "submitted", "NEW": "pending", "COMPLETED": "succeeded",
              "FAILED": "failed", "CACHED": "cached", "ABORTED": "aborted"}


def _progress(run: Run) -> dict:
    total = dict.fromkeys(_LOAD_KEYS, 0)
    procs: dict[str, dict] = {}
    for t in run.tasks():
        key = _STATE_KEY.get(t["status"], "succeeded")
        total[key] += 1
        p = procs.setdefault(t["process"], {**dict.fromkeys(_LOAD_KEYS, 0), "process": t["process"]})
        p[key] += 1
    return {"workflowProgress": total, "processesProgress": list(procs.values()), "totalProcesses": len(procs)}


def _log_page(run: Run, query: dict[str, list[str]]) -> dict:
    lines = run.log_lines()
    start = _int((query.get("next") or ["0"])[0]) or 0
    limit = _int((query.get("maxLength") or [None])[0])
    out, size = [], 0
    for line in lines[start:]:
        if limit is not None and out and size + len(line) + 1 > limit:
            break
        out.append(line)
        size += len(line) + 1
    pending = run.status in ("SUBMITTED", "RUNNING")
    return {"entries": out, "forwardToken": str(start + len(out)), "rewindToken": str(start),
            "pending": pending, "truncated": start + len(out) < len(lines)}


def _tasks(run: Run, query: dict[str, list[str]]) -> dict:
    tasks = run.tasks()
    offset = _int((query.get("offset") or ["0"])[0]) or 0
    limit = min(_int((query.get("max") or ["100"])[0]) or 100, 100)
    return {"tasks": [{"task": t} for t in tasks[offset:offset + limit]], "total": len(tasks)}


def _launch_record(run: Run) -> dict:
    launch = run.launch
    rec = {k: launch[k] for k in ("pipeline", "revision", "mainScript", "paramsText", "configText", "workDir",
                                  "configProfiles", "preRunScript", "resume", "stubRun") if k in launch}
    rec.update({"id": run.id, "sessionId": run.session_id, "resumeDir": launch["workDir"],
                "resumeCommitId": launch.get("revision", ""), "dateCreated": run.submit})
    return rec


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakePlatform

    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass

    def _dispatch(self, method: str) -> None:
        fake = self.fake
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        path = parts.path.removeprefix("/api")
        query = parse_qs(parts.query, keep_blank_values=True)
        headers = {k: v for k, v in self.headers.items()}
        with fake.lock:
            fake.requests.append({"method": method, "path": path, "query": query,
                                  "body": json.loads(body) if body else None})
        for problem in fake.checker.check_request(method, path, query, headers, body) if fake.checker else ():
            fake.problems.append(f"request {method} {self.path}: {problem}")
        fault = fake.faults.take(method, path, ("status", "drop", "drop_after", "delay"))
        if fault is not None and fault.kind == "drop":
            self.close_connection = True
            return
        if fault is not None and fault.kind == "status":
            hdrs = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            return self._send(method, path, query, headers, body, fault.status,
                              {"message": f"injected HTTP {fault.status}"}, hdrs)
        if fault is not None and fault.kind == "delay":
            time.sleep(fault.seconds)
        try:
            status, out, hdrs = fake.handle(method, path, query, headers, body)
        except _Reply as reply:
            status, out, hdrs = reply.status, reply.body, reply.headers
        if fault is not None and fault.kind == "drop_after":
            self.close_connection = True  # the work is done, but the answer is lost
            return
        self._send(method, path, query, headers, body, status, out, hdrs)

    def _send(self, method, path, query, headers, body, status, out, hdrs) -> None:
        data = json.dumps(out).encode() if out is not None else b""
        self._check_response(method, path, query, headers, body, status, data)
        try:
            self.send_response(status)
            if data:
                self.send_header("Content-Type", "application/json")
            for k, v in hdrs.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if data:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (slow-answer faults)
            self.close_connection = True

    def _check_response(self, method, path, query, headers, body, status, data) -> None:
        fake = self.fake
        if status in (401, 404, 429) or status >= 500:
            try:
                ok = isinstance(json.loads(data).get("message"), str)
            except ValueError:
                ok = False
            if not ok:
                fake.problems.append(f"response {status} to {method} {path} is not an ErrorResponse")
            return
        if fake.checker is None:
            return
        fake.checker.checked += 1
        for problem in fake.checker.check_response(method, path, query, headers, body, status, data):
            fake.problems.append(f"response {status} to {method} {path}: {problem}")

    def do_GET(self):  # noqa: N802
        self._dispatch("GET")

    def do_POST(self):  # noqa: N802
        self._dispatch("POST")

    def do_DELETE(self):  # noqa: N802
        self._dispatch("DELETE")

    def do_PUT(self):  # noqa: N802
        self._dispatch("PUT")
