"""A real S3 API on loopback for the staging tests: moto in server mode on 127.0.0.1 (port 0), reached by
s3fs through ``AWS_ENDPOINT_URL``, with every request recorded so tests can count uploads (PUTs)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

import pytest
import requests

from ..support import unavailable

__all__ = ["S3Server", "s3"]

BUCKET = "pynf-bucket"


@dataclass
class S3Server:
    """The running server: its endpoint, the request log and an s3fs filesystem on it."""

    endpoint: str
    requests: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def puts(self, prefix: str) -> list[str]:
        """Paths (``/bucket/key``) of PUT requests under ``prefix`` (``bucket/key-prefix``)."""
        with self.lock:
            return [p for m, p in self.requests if m == "PUT" and p.lstrip("/").startswith(prefix)]

    def fs(self):
        import s3fs

        return s3fs.S3FileSystem(skip_instance_cache=True)


@pytest.fixture
def s3(monkeypatch):
    """moto's S3 on 127.0.0.1 with bucket ``pynf-bucket``; AWS settings in the environment point at it."""
    try:
        from moto.server import ThreadedMotoServer
        import s3fs  # noqa: F401
    except ImportError as exc:
        unavailable(f"the S3 test server needs moto[server] and s3fs ({exc}): pip install 'moto[server]' s3fs")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    state = S3Server(f"http://{host}:{port}")
    app = server._server.app  # count requests: wrap the WSGI app the werkzeug server calls

    def recording(environ, start_response):
        with state.lock:
            # WSGI hands the path over as latin-1 text of the raw (percent-decoded) bytes: back to UTF-8
            path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
            state.requests.append((environ["REQUEST_METHOD"], path))
        return app(environ, start_response)

    server._server.app = recording
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", state.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "pynf-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "pynf-test-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    s3fs.S3FileSystem.clear_instance_cache()  # cached filesystems would still point at an earlier server
    requests.post(state.endpoint + "/moto-api/reset", timeout=30).raise_for_status()  # moto's state is global
    state.fs().mkdir(BUCKET)
    try:
        yield state
    finally:
        s3fs.S3FileSystem.clear_instance_cache()
        server.stop()
