"""The Seqera client against the fake platform: resolution, typed errors, retries under injected faults,
exactly-once launches, rate limiting, waiting/cancel/interrupt, and the token never leaking.

These use a fake whose runs stay SUBMITTED until released, so no Nextflow engine is needed.
"""

from __future__ import annotations

import _thread
import json
import logging
import threading
import time

import pytest

from pynf.errors import (RemoteRunFailed, SeqeraAuthError, SeqeraNotFound, SeqeraUnavailable,
                         SeqeraValidationError, SeqeraWaitTimeout)
from pynf.seqera import SeqeraClient, SeqeraConfig, SeqeraPlatform, unique_run_name
from pynf.backends.seqera.workspaces import lookup_compute_env, lookup_workspace

from .fake_platform.bundles import upper_bundle
from .fake_platform.fixtures import held_fake, seqera_env, wrapper_remote  # noqa: F401


def client_for(fake, **kw) -> SeqeraClient:
    kw.setdefault("backoff_factor", 0.05)
    return SeqeraClient(fake.token, fake.url, **kw)


def launch_body(fake, run_name: str, ce: str = "4xLocalPrimaryCe") -> dict:
    return {"pipeline": "file:///nonexistent/repo.git", "revision": "main", "mainScript": "main.nf",
            "runName": run_name, "computeEnvId": ce, "workDir": fake.work_dir, "paramsText": "{}"}


def count(fake, method: str, path: str) -> int:
    return sum(1 for r in fake.requests if r["method"] == method and r["path"] == path)


# -- resolution -------------------------------------------------------------------------------

def test_workspace_by_name_and_id(held_fake):
    c = client_for(held_fake)
    ws = lookup_workspace(c, "acme/genomics")
    assert (ws.id, ws.org_name, ws.name) == (101, "acme", "genomics")
    assert lookup_workspace(c, 102).name == "scratch"
    with pytest.raises(SeqeraNotFound, match="acme/genomics"):
        lookup_workspace(c, "acme/nope")


def test_compute_env_by_id_name_and_primary(held_fake):
    c = client_for(held_fake)
    assert lookup_compute_env(c, 101, None).id == "4xLocalPrimaryCe"
    assert lookup_compute_env(c, 101, "primary").name == "local-primary"
    assert lookup_compute_env(c, 101, "local-other").id == "6yOtherLocalCe"
    assert lookup_compute_env(c, 101, "6yOtherLocalCe").name == "local-other"
    with pytest.raises(SeqeraNotFound, match="local-primary"):
        lookup_compute_env(c, 101, "gpu-ce")
    with pytest.raises(SeqeraNotFound, match="no primary"):
        lookup_compute_env(c, 102, None)


# -- typed errors -----------------------------------------------------------------------------

def test_bad_token_is_auth_error_without_the_token(held_fake):
    bad = "wrong-" + held_fake.token
    c = SeqeraClient(bad, held_fake.url)
    with pytest.raises(SeqeraAuthError) as info:
        c.user_info()
    assert info.value.status == 401
    assert bad not in str(info.value) and bad not in repr(info.value)


def test_launch_validation_error_carries_codes(held_fake):
    c = client_for(held_fake)
    with pytest.raises(SeqeraValidationError) as info:
        c.launch(101, launch_body(held_fake, unique_run_name("x"), ce="no-such-ce"))
    assert "COMPUTE_ENV_INVALID" in info.value.codes
    assert "not available" in str(info.value)
    assert held_fake.runs == {}


def test_unknown_run_is_not_found(held_fake):
    with pytest.raises(SeqeraNotFound):
        client_for(held_fake).describe_workflow("doesNotExist00", 101)


def test_unreachable_platform_is_unavailable():
    c = SeqeraClient("t0k3n-unreachable", "http://127.0.0.1:9/api", retries=1, backoff_factor=0.01)
    with pytest.raises(SeqeraUnavailable) as info:
        c.user_info()
    assert "t0k3n-unreachable" not in str(info.value)


# -- retries on idempotent calls ----------------------------------------------------------------

@pytest.mark.parametrize("kind, extra", [
    ("status", {"status": 500, "count": 3}),
    ("status", {"status": 503, "count": 3}),
    ("drop", {"count": 2}),
    ("delay", {"seconds": 1.0, "count": 1}),
])
def test_get_survives_faults(held_fake, kind, extra):
    fault = held_fake.faults.add(kind, method="GET", path="/user-info", **extra)
    user = client_for(held_fake).user_info()
    assert user["user"]["userName"] == "pynf-tester"
    assert fault.hits == extra["count"]
    expected = 1 if kind == "delay" else extra["count"] + 1  # a slow answer within the timeout is just slow
    assert count(held_fake, "GET", "/user-info") == expected


def test_answer_slower_than_the_request_timeout_ends_the_call(held_fake):
    """The timeout is a deadline for the whole call (issue 21 item 8): a slow answer is not waited for
    again and again; a transient 503 inside the deadline is still retried."""
    held_fake.faults.add("delay", method="GET", path="/user-info", seconds=3, count=1)
    with pytest.raises(SeqeraUnavailable) as err:
        client_for(held_fake, timeout=1).user_info()
    assert "no answer within the request timeout of 1 s" in str(err.value)
    assert count(held_fake, "GET", "/user-info") == 1
    held_fake.faults.add("status", method="GET", path="/user-info", status=503, count=1)
    assert client_for(held_fake, timeout=5).user_info()["user"]["id"] == 7


def test_429_honours_retry_after(held_fake):
    held_fake.faults.add("status", method="GET", path="/user-info", status=429, retry_after=1, count=1)
    start = time.monotonic()
    client_for(held_fake).user_info()
    assert time.monotonic() - start >= 0.95
    assert count(held_fake, "GET", "/user-info") == 2


def test_persistent_5xx_gives_up_as_unavailable(held_fake):
    held_fake.faults.add("status", method="GET", path="/user-info", status=502, count=100)
    with pytest.raises(SeqeraUnavailable) as info:
        client_for(held_fake, retries=3).user_info()
    assert info.value.status == 502
    assert count(held_fake, "GET", "/user-info") == 4


# -- launch: never blindly retried, exactly one run --------------------------------------------

@pytest.mark.parametrize("kind, extra", [
    ("drop_after", {}),                        # run created, answer lost
    ("drop", {}),                              # connection dropped before the platform acted
    ("status", {"status": 500}),               # 5xx: ambiguous
    ("status", {"status": 503, "count": 2}),
    ("status", {"status": 429, "retry_after": 1}),
    ("delay", {"seconds": 1.5}),               # answer slower than the client's timeout
])
def test_launch_creates_exactly_one_run(held_fake, kind, extra):
    name = unique_run_name("fault")
    fault = held_fake.faults.add(kind, method="POST", path="/workflow/launch", **extra)
    wid = client_for(held_fake, timeout=0.6).launch(101, launch_body(held_fake, name))
    assert fault.hits == extra.get("count", 1)
    runs = held_fake.runs_named(name)
    assert [r.id for r in runs] == [wid]
    if kind in ("drop_after", "delay"):  # found by run name; never POSTed again
        assert held_fake.launch_posts == 1
    assert any(r["path"] == "/workflow" and r["query"].get("search") == [name] for r in held_fake.requests) \
        or kind == "status" and extra["status"] == 429


def test_launch_gives_up_without_creating_a_run(held_fake):
    name = unique_run_name("down")
    held_fake.faults.add("status", method="POST", path="/workflow/launch", status=503, count=100)
    with pytest.raises(SeqeraUnavailable, match="no run with that name was created"):
        client_for(held_fake).launch(101, launch_body(held_fake, name))
    assert held_fake.runs_named(name) == []


def test_rate_limit_stays_under_20_per_second(held_fake):
    c = client_for(held_fake)
    n = 45
    start = time.monotonic()
    threads = [threading.Thread(target=c.user_info) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    assert count(held_fake, "GET", "/user-info") == n
    assert elapsed >= (n - 1) / 20


# -- runs: wait, UNKNOWN, cancel, Ctrl-C --------------------------------------------------------

def platform_for(fake, remote, **kw) -> SeqeraPlatform:
    cfg = SeqeraConfig(workspace_id="acme/genomics", access_token=fake.token, api_endpoint=fake.url,
                       wrapper_repo=remote, poll_interval=0.1, max_poll_interval=0.3, **kw)
    return SeqeraPlatform(cfg)


@pytest.fixture
def reads(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("acgt\n")
    return {"a": p}


def test_launch_payload_and_watch_url(held_fake, seqera_env, wrapper_remote, reads):
    platform = platform_for(held_fake, wrapper_remote, label_ids=(5, 6), config_profiles=("test",),
                            pre_run_script="export X=1")
    run = platform.launch(upper_bundle(reads), stub=True)
    body = [r for r in held_fake.requests if r["path"] == "/workflow/launch"][0]
    launch = body["body"]["launch"]
    assert body["query"] == {"workspaceId": ["101"]}
    assert launch["pipeline"] == wrapper_remote and len(launch["revision"]) == 40
    assert launch["mainScript"].startswith("pynf/test/upper/") and launch["mainScript"].endswith("/main.nf")
    assert launch["computeEnvId"] == "4xLocalPrimaryCe" and launch["workDir"] == held_fake.work_dir
    assert launch["labelIds"] == [5, 6] and launch["configProfiles"] == ["test"]
    assert launch["preRunScript"] == "export X=1" and launch["stubRun"] is True
    assert launch["runName"] == run.run_name
    assert '"outdir": "' + held_fake.work_dir + "/pynf-out/" + run.run_name in launch["paramsText"]
    web = held_fake.url.removesuffix("/api")
    assert run.url == f"{web}/orgs/acme/workspaces/genomics/watch/{run.workflow_id}"
    assert run.status() == "SUBMITTED"


def test_wait_tolerates_unknown_then_reports_cancel(held_fake, seqera_env, wrapper_remote, reads):
    platform = platform_for(held_fake, wrapper_remote)
    run = platform.launch(upper_bundle(reads))
    unknown = held_fake.faults.add("unknown_status", method="GET", path=f"/workflow/{run.workflow_id}", count=4)
    threading.Timer(1.5, run.cancel).start()
    with pytest.raises(RemoteRunFailed, match="CANCELLED") as info:
        run.wait(timeout=30)
    assert unknown.hits == 4
    assert info.value.report["status"] == "CANCELLED"
    result = run.wait(timeout=5, check=False)
    assert result.status == "CANCELLED" and result.outputs == {}


def test_unknown_for_too_long_is_unavailable(held_fake, seqera_env, wrapper_remote, reads):
    platform = platform_for(held_fake, wrapper_remote, unknown_status_timeout=1.0)
    run = platform.launch(upper_bundle(reads))
    held_fake.faults.add("unknown_status", method="GET", path=f"/workflow/{run.workflow_id}", count=10_000)
    with pytest.raises(SeqeraUnavailable, match="UNKNOWN"):
        run.wait(timeout=30)


def test_wait_timeout_leaves_run_going(held_fake, seqera_env, wrapper_remote, reads):
    run = platform_for(held_fake, wrapper_remote).launch(upper_bundle(reads))
    start = time.monotonic()
    with pytest.raises(SeqeraWaitTimeout) as info:
        run.wait(timeout=1.0)
    assert 0.9 <= time.monotonic() - start < 5
    assert isinstance(info.value, TimeoutError)
    assert held_fake.runs[run.workflow_id].status == "SUBMITTED"


@pytest.mark.parametrize("mode, final", [("cancel", "CANCELLED"), ("detach", "SUBMITTED")])
def test_ctrl_c_cancels_or_detaches(held_fake, seqera_env, wrapper_remote, reads, mode, final):
    run = platform_for(held_fake, wrapper_remote, on_interrupt=mode).launch(upper_bundle(reads))
    timer = threading.Timer(0.8, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        run.wait(timeout=30)
    assert held_fake.runs[run.workflow_id].status == final


def test_token_never_logged_or_shown(held_fake, seqera_env, wrapper_remote, reads, caplog, monkeypatch):
    monkeypatch.setenv("TOWER_ACCESS_TOKEN", held_fake.token)
    caplog.set_level(logging.DEBUG)
    cfg = SeqeraConfig(workspace_id="acme/genomics", api_endpoint=held_fake.url, wrapper_repo=wrapper_remote,
                       poll_interval=0.1)
    platform = SeqeraPlatform(cfg)
    held_fake.faults.add("status", method="GET", path="/user-info", status=503, count=1)
    held_fake.faults.add("drop_after", method="POST", path="/workflow/launch")
    run = platform.launch(upper_bundle(reads))
    errors = []
    for call in (lambda: platform.client.describe_workflow("nope0000000000", 101),
                 lambda: platform.client.launch(101, launch_body(held_fake, "x-1", ce="bad")),
                 lambda: SeqeraClient(held_fake.token, "http://127.0.0.1:9", retries=0).user_info()):
        with pytest.raises(Exception) as info:
            call()
        errors.append(info.value)
    run.cancel()
    with pytest.raises(RemoteRunFailed) as failed:
        run.wait(timeout=20)
    errors.append(failed.value)
    token = held_fake.token
    assert caplog.records, "expected debug logging to have happened"
    assert token not in caplog.text
    for obj in [*errors, run, platform, platform.client, cfg, failed.value.report]:
        assert token not in str(obj) and token not in repr(obj)
    for exc in errors:
        cause = exc.__cause__ or exc.__context__
        assert cause is None or token not in str(cause)


def test_remote_outdir_without_manifest_access_gives_the_location():
    from pynf.backends.seqera.result import SeqeraResult, read_manifest

    outdir = "s3://pynf-test-bucket/outputs/run1"
    result = SeqeraResult(workflow_id="w", url="u", status="SUCCEEDED", report={}, outdir=outdir,
                          manifest=read_manifest(outdir))
    assert result.outputs == {} and result.get_output_files() == []
    assert result.get_workflow_outputs() == outdir


def test_bad_token_fails_before_pushing(held_fake, seqera_env, wrapper_remote, reads):
    import subprocess

    cfg = SeqeraConfig(workspace_id="acme/genomics", access_token="not-the-token", api_endpoint=held_fake.url,
                       wrapper_repo=wrapper_remote)
    with pytest.raises(SeqeraAuthError):
        SeqeraPlatform(cfg).launch(upper_bundle(reads))
    refs = subprocess.run(["git", "ls-remote", wrapper_remote], capture_output=True, text=True, check=True)
    assert refs.stdout == ""


def test_cancel_is_retried_but_launch_is_not_blindly(held_fake, seqera_env, wrapper_remote, reads):
    run = platform_for(held_fake, wrapper_remote).launch(upper_bundle(reads))
    fault = held_fake.faults.add("status", method="POST", path=f"/workflow/{run.workflow_id}/cancel",
                                 status=503, count=2)
    run.cancel()
    assert fault.hits == 2 and held_fake.runs[run.workflow_id].status == "CANCELLED"
    assert count(held_fake, "POST", f"/workflow/{run.workflow_id}/cancel") == 3


def test_cloud_outdir_manifest_through_fsspec():
    fsspec = pytest.importorskip("fsspec", reason="the optional fsspec extra is not installed")
    from pynf.backends.seqera.result import SeqeraResult, read_manifest

    outdir = "memory://pynf-test/outputs/run7"
    manifest = {"pynf": 1, "process": "UPPER",
                "outputs": {"upper": [[{"kind": "val", "value": {"id": "a"}},
                                       {"kind": "path", "value": outdir + "/a.upper.txt"}]]},
                "topics": {"versions": [[{"kind": "val", "value": "UPPER"}, {"kind": "eval", "value": "1.0"}]]}}
    with fsspec.open(outdir + "/pynf-manifest.json", "w") as fh:
        json.dump(manifest, fh)
    result = SeqeraResult(workflow_id="w", url="u", status="SUCCEEDED", report={}, outdir=outdir,
                          manifest=read_manifest(outdir))
    assert result.outputs == {"upper": [({"id": "a"}, outdir + "/a.upper.txt")]}  # URIs stay strings
    assert result.get_output_files() == [outdir + "/a.upper.txt"]
    assert result.topics == {"versions": [("UPPER", "1.0")]}
    assert read_manifest("memory://pynf-test/elsewhere") is None
