"""Contract tests: the fake platform's spec checker really rejects what the official OpenAPI spec rejects,
every call pynf makes validates, and the two documented spec patches are still needed.
Skipped (with the reason) where ../shared/seqera/seqera-api-1.181.0.yaml is absent."""

from __future__ import annotations

import io
import json

import pytest
import requests

from pynf.seqera import SeqeraConfig, SeqeraPlatform
from pynf.cli.runs import ProgressLine
from pynf.backends.seqera.run import RunProgress

from .fake_platform.bundles import upper_bundle
from .fake_platform.fixtures import held_fake, seqera_env, wrapper_remote  # noqa: F401
from .fake_platform.spec import SPEC_PATH, SpecChecker, spec_available

needs_spec = pytest.mark.skipif(not spec_available(), reason=f"Seqera OpenAPI spec not found at {SPEC_PATH}")


@pytest.fixture(scope="module")
def checker():
    if not spec_available():
        pytest.skip(f"Seqera OpenAPI spec not found at {SPEC_PATH}")
    return SpecChecker()


AUTH = {"Authorization": "Bearer x", "Content-Type": "application/json"}


@needs_spec
@pytest.mark.parametrize("method, path, query, headers, body, expect", [
    ("POST", "/workflow/launch", {"workspaceId": ["1"]}, AUTH, {"launch": {"pipeline": 5}}, "pipeline"),
    ("POST", "/workflow/launch", {"workspaceId": ["1"]}, AUTH, {"launch": {"labelIds": ["a"]}}, "labelIds"),
    ("POST", "/workflow/launch", {"workspaceId": ["1"]}, AUTH, {"launch": {"mainscript": "x"}}, "mainscript"),
    ("POST", "/workflow/launch", {"workspaceId": ["one"]}, AUTH, {"launch": {}}, "workspaceId"),
    ("GET", "/user-info", {}, {}, None, "Security"),
    ("GET", "/workflow/abc/no-such-endpoint", {}, AUTH, None, "PathNotFound"),
    ("GET", "/workflow/abc/tasks", {"max": ["ten"]}, AUTH, None, "max"),
    ("GET", "/workflow/abc", {"workspaceid": ["1"]}, AUTH, None, "workspaceid"),
])
def test_checker_rejects_bad_requests(checker, method, path, query, headers, body, expect):
    problems = checker.check_request(method, path, query, headers, json.dumps(body).encode() if body else None)
    assert problems and expect.lower() in " ".join(problems).lower()


@needs_spec
def test_checker_rejects_bad_responses(checker):
    args = ("GET", "/workflow/abc", {"workspaceId": ["1"]}, AUTH, None)
    good = {"workflow": {"id": "abc", "status": "RUNNING", "runName": "r"}}
    assert checker.check_response(*args, 200, json.dumps(good).encode()) == []
    bad = {"workflow": {"id": "abc", "status": "SLEEPING"}}
    assert checker.check_response(*args, 200, json.dumps(bad).encode())
    assert checker.check_response(*args, 418, b'{"message": "teapot"}')


@needs_spec
def test_documented_spec_patches_are_still_needed():
    import yaml

    raw = yaml.load(SPEC_PATH.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert raw["components"]["schemas"]["Iterator_String_"] == {"type": "object"}
    launch_400 = raw["paths"]["/workflow/launch"]["post"]["responses"]["400"]["content"]["application/json"]
    assert "oneOf" in launch_400["schema"]


@needs_spec
def test_every_call_pynf_makes_validates(held_fake, seqera_env, wrapper_remote, tmp_path):
    """Drive every client call once; the fixture fails the test on any spec problem."""
    reads = tmp_path / "r.txt"
    reads.write_text("x\n")
    platform = SeqeraPlatform(SeqeraConfig(workspace_id="101", compute_env_id="local-other",
                                           access_token=held_fake.token, api_endpoint=held_fake.url,
                                           wrapper_repo=wrapper_remote, poll_interval=0.1,
                                           label_ids=(1,), config_profiles=("a", "b")))
    first = platform.launch(upper_bundle({"r": reads}), stub=True, pre_run_script="true")
    second = platform.launch(upper_bundle({"r": reads}), resume=first.workflow_id)
    c = platform.client
    c.progress(first.workflow_id, 101)
    c.tasks(first.workflow_id, 101)
    list(first.logs(page_bytes=100))
    c.find_workflow(101, first.run_name)
    c.describe_launch(first.workflow_id, 101)
    second.cancel()
    first.cancel()
    assert first.wait(timeout=10, check=False).status == "CANCELLED"
    assert held_fake.checker.checked >= 15
    ops = {(r["method"], r["path"].split("/")[1]) for r in held_fake.requests}
    assert ("POST", "workflow") in ops and ("GET", "compute-envs") in ops and ("GET", "user-info") in ops


def test_resume_reuses_session_and_work_dir(held_fake, seqera_env, wrapper_remote, tmp_path):
    reads = tmp_path / "r.txt"
    reads.write_text("x\n")
    platform = SeqeraPlatform(SeqeraConfig(workspace_id="acme/genomics", access_token=held_fake.token,
                                           api_endpoint=held_fake.url, wrapper_repo=wrapper_remote,
                                           work_dir="/scratch/work"))
    first = platform.launch(upper_bundle({"r": reads}))
    second = platform.launch(upper_bundle({"r": reads}), resume=first.workflow_id)
    launches = [r["body"]["launch"] for r in held_fake.requests if r["path"] == "/workflow/launch"]
    assert "resume" not in launches[0] and launches[1]["resume"] is True
    assert launches[1]["sessionId"] == held_fake.runs[first.workflow_id].session_id
    assert launches[1]["workDir"] == "/scratch/work" and launches[1]["revision"] == launches[0]["revision"]
    assert second.run_name != first.run_name


def test_progress_line_plain_output():
    stream = io.StringIO()
    line = ProgressLine(stream=stream)
    line(RunProgress("SUBMITTED", {"running": 0}, workflow_id="w1", url="https://x/watch/w1"))
    line(RunProgress("RUNNING", {"running": 2, "succeeded": 1}, workflow_id="w1", url="https://x/watch/w1"))
    line(RunProgress("RUNNING", {"running": 2, "succeeded": 1}, workflow_id="w1", url="https://x/watch/w1"))
    line.close()
    assert stream.getvalue().splitlines() == ["run w1: https://x/watch/w1", "SUBMITTED no tasks yet",
                                              "RUNNING   running 2 · succeeded 1"]


def test_fake_requires_the_token(held_fake):
    r = requests.get(held_fake.url + "/user-info", headers={"Authorization": "Bearer wrong"}, timeout=5)
    assert r.status_code == 401 and r.json() == {"message": "Unauthorized"}
    r = requests.get(held_fake.url + "/user-info", headers={"Authorization": f"Bearer {held_fake.token}"}, timeout=5)
    assert r.status_code == 200 and r.json()["user"]["id"] == 7


def test_resume_true_picks_the_latest_run_of_the_same_wrapper(held_fake, seqera_env, wrapper_remote, tmp_path):
    reads = tmp_path / "r.txt"
    reads.write_text("x\n")
    platform = SeqeraPlatform(SeqeraConfig(workspace_id="acme/genomics", access_token=held_fake.token,
                                           api_endpoint=held_fake.url, wrapper_repo=wrapper_remote))
    fresh = platform.launch(upper_bundle({"r": reads}), resume=True)  # nothing to resume yet
    older = platform.launch(upper_bundle({"r": reads}))
    other = platform.launch(upper_bundle({"r": reads}, module_id="test/upper-x"))  # another module
    again = platform.launch(upper_bundle({"r": reads}), resume=True)
    launches = {r["body"]["launch"]["runName"]: r["body"]["launch"] for r in held_fake.requests
                if r["path"] == "/workflow/launch"}
    assert "resume" not in launches[fresh.run_name]
    resumed = launches[again.run_name]
    assert resumed["resume"] is True and resumed["sessionId"] == held_fake.runs[older.workflow_id].session_id
    assert resumed["sessionId"] != held_fake.runs[other.workflow_id].session_id
