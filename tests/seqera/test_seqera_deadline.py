"""Issue 21 item 8: ``request_timeout`` is a deadline for a whole API call, retries and backoff included,
checked against a real loopback server that accepts connections and never answers."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from pynf.backends.seqera.client import SeqeraClient
from pynf.cli.main import cli
from pynf.errors import SeqeraUnavailable

from .fake_platform.fixtures import held_fake, seqera_env, wrapper_remote  # noqa: F401
from .silent_server import SilentServer


def test_cli_request_timeout_bounds_the_whole_call_against_a_silent_endpoint(seqera_env, monkeypatch):
    with SilentServer(lifetime=60) as server:
        monkeypatch.setenv("TOWER_ACCESS_TOKEN", "t0k3n-silent")
        monkeypatch.setenv("TOWER_API_ENDPOINT", server.url)
        monkeypatch.setenv("TOWER_WORKSPACE_ID", "acme/genomics")
        start = time.monotonic()
        out = CliRunner().invoke(cli, ["runs", "status", "abc123", "--request-timeout", "2"])
        took = time.monotonic() - start
    assert out.exit_code == 1, out.output
    assert "no answer within the request timeout of 2 s, retries included" in out.output
    # one attempt used the whole deadline: no second attempt (before: 9 attempts, 119 s for 3 s)
    assert server.accepted == 1
    assert took < 20  # a bound far from the 2 s deadline, only to catch the retry loop coming back


def test_default_client_gives_up_at_the_deadline_with_retries_and_backoff_inside(held_fake):
    """Persistent 503s: retried with backoff while time is left, then the call ends by the deadline."""
    held_fake.faults.add("status", method="GET", path="/user-info", status=503, count=1000)
    client = SeqeraClient(held_fake.token, held_fake.url, timeout=3, backoff_factor=0.3)
    start = time.monotonic()
    with pytest.raises(SeqeraUnavailable) as err:
        client.user_info()
    took = time.monotonic() - start
    sent = sum(1 for r in held_fake.requests if r["path"] == "/user-info")
    assert "HTTP 503" in str(err.value)
    assert 2 <= sent < 9  # retried, but not the 9 attempts the retry budget alone would allow
    assert took < 10


def test_retry_after_longer_than_the_deadline_is_not_waited_for(held_fake):
    held_fake.faults.add("status", method="GET", path="/user-info", status=429, retry_after=30, count=1)
    client = SeqeraClient(held_fake.token, held_fake.url, timeout=1)
    start = time.monotonic()
    with pytest.raises(SeqeraUnavailable):
        client.user_info()
    assert time.monotonic() - start < 10  # not the 30 s the platform asked for
    assert sum(1 for r in held_fake.requests if r["path"] == "/user-info") == 1
