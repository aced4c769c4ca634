"""Issue 21 item 11: following a launched run -- an unreachable platform says the run goes on and how to
follow it, a wait timeout carries the run's status, the report's duration is known when the API leaves it
out, and the client builds no retry policy urllib3 >= 2.8 warns about."""

from __future__ import annotations

import warnings
from collections.abc import Collection

import pytest

from pynf.backends.seqera.backend import SeqeraBackend
from pynf.backends.seqera.client import SeqeraClient
from pynf.backends.seqera.config import SeqeraConfig
from pynf.errors import SeqeraUnavailable, SeqeraWaitTimeout

from .fake_platform.bundles import upper_bundle
from .fake_platform.fixtures import held_fake, seqera_env, wrapper_remote  # noqa: F401


@pytest.fixture
def held_run(held_fake, seqera_env, tmp_path):
    seqera_env(held_fake)
    reads = tmp_path / "a.txt"
    reads.write_text("acgt\n")
    backend = SeqeraBackend(SeqeraConfig(request_timeout=2, poll_interval=0.1, max_poll_interval=0.2))
    return held_fake, backend.submit(upper_bundle({"a": reads}), wait=False)


def test_unreachable_platform_after_launch_says_the_run_goes_on_and_how_to_follow_it(held_run):
    fake, run = held_run
    fake.faults.add("status", method="GET", path=f"/workflow/{run.workflow_id}", status=503, count=10_000)
    with pytest.raises(SeqeraUnavailable) as err:
        run.wait(timeout=30)
    text = str(err.value)
    assert f"pynf runs wait {run.workflow_id}" in text and "goes on" in text
    assert "HTTP 503" in text and err.value.workflow_id == run.workflow_id


def test_wait_timeout_carries_the_runs_status(held_run):
    fake, run = held_run
    with pytest.raises(SeqeraWaitTimeout) as err:
        run.wait(timeout=0.3)
    assert err.value.status == "SUBMITTED" and "still SUBMITTED" in str(err.value)
    assert err.value.workflow_id == run.workflow_id


def test_duration_is_computed_when_the_api_leaves_it_out(held_run):
    fake, run = held_run
    record = fake.runs[run.workflow_id]
    record.start, record.complete = "2026-01-02T03:04:05.250Z", "2026-01-02T03:05:07Z"
    record.status = "SUCCEEDED"
    record.cancel_requested = True  # the held thread ends without touching the record
    record.released.set()
    fake.omit_fields = {"duration"}
    report = run.wait(timeout=30, check=False).get_execution_report()
    assert report["duration"] == 61_750
    fake.omit_fields = set()
    assert run.wait(timeout=30, check=False).get_execution_report()["duration"] == 61_750  # the API's own


def test_no_retry_policy_uses_an_empty_allowed_methods_collection():
    """urllib3 2.8 warns (FutureWarning) about ``allowed_methods=frozenset()``: printed by every command."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = SeqeraClient("t0k3n-x", "http://127.0.0.1:9/api")
    for session in (client._http, client._http_once):
        retry = session.get_adapter("http://x").max_retries
        methods = retry.allowed_methods
        assert not (isinstance(methods, Collection) and not methods), methods
