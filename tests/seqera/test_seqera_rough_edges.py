"""Issue 11, Seqera client: a refused push is reported at once with git's message, an empty remote's
unborn HEAD is followed, cancel of a finished run is a no-op, unreachable endpoints fail fast."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pynf.backends.seqera.wrapper_repo import WrapperRepo, WrapperRepoError

from .test_seqera_wrapper_repo import bare, bundle, git


def _hooked(tmp_path: Path) -> tuple[Path, Path]:
    remote = bare(tmp_path)
    calls = tmp_path / "hook-calls"
    hook = remote / "hooks" / "pre-receive"
    hook.write_text(f"#!/bin/sh\necho call >> {calls}\necho 'main is protected: open a merge request' >&2\nexit 1\n")
    hook.chmod(0o755)
    return remote, calls


def test_push_refused_by_pre_receive_hook_fails_at_once_with_the_hooks_message(tmp_path):
    remote, calls = _hooked(tmp_path)
    repo = WrapperRepo(remote.as_uri(), cache_dir=tmp_path / "cache")
    with pytest.raises(WrapperRepoError) as err:
        repo.publish(bundle())
    message = str(err.value)
    assert "main is protected: open a merge request" in message
    assert "kept moving" not in message and "pre-receive hook declined" in message
    assert calls.read_text().count("call") == 1  # one attempt: a refusal is not a race


def test_unborn_head_of_an_empty_remote_is_followed(tmp_path):
    remote = bare(tmp_path, branch="master")
    pub = WrapperRepo(remote.as_uri(), cache_dir=tmp_path / "cache").publish(bundle())
    assert git(remote, "rev-parse", "refs/heads/master") == pub.commit
    assert subprocess.run(["git", "--git-dir", str(remote), "rev-parse", "--verify", "--quiet", "refs/heads/main"],
                          capture_output=True).returncode != 0


# -- the platform client ------------------------------------------------------------------------

import socket  # noqa: E402

import urllib3.util.connection  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from pynf.backends.seqera.backend import SeqeraBackend  # noqa: E402
from pynf.backends.seqera.client import SeqeraClient  # noqa: E402
from pynf.backends.seqera.config import SeqeraConfig  # noqa: E402
from pynf.backends.seqera.launch import SeqeraPlatform  # noqa: E402
from pynf.errors import SeqeraUnavailable  # noqa: E402

from .fake_platform.bundles import upper_bundle  # noqa: E402
from .fake_platform.fixtures import held_fake, seqera_env, wrapper_remote  # noqa: E402,F401


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: connecting is refused


@pytest.fixture
def connects(monkeypatch):
    """Counts connection attempts (urllib3 opens every connection through this function)."""
    calls: list[tuple] = []
    real = urllib3.util.connection.create_connection

    def counting(address, *args, **kw):
        calls.append(address)
        return real(address, *args, **kw)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counting)
    return calls


@pytest.mark.parametrize("endpoint", [f"http://127.0.0.1:{_closed_port()}/api", "http://nonexistent.invalid/api"],
                         ids=["closed-port", "unresolvable-host"])
def test_unreachable_endpoint_fails_fast_with_two_attempts(endpoint, connects):
    client = SeqeraClient("t0k3n-x", endpoint)  # default retries (8) and backoff
    with pytest.raises(SeqeraUnavailable) as err:
        client.user_info()
    assert len(connects) == 2
    assert "after 2 attempts" in str(err.value) and "TOWER_API_ENDPOINT" in str(err.value)


def test_unreachable_endpoint_launch_is_not_repeated(connects, tmp_path):
    cfg = SeqeraConfig(workspace_id=101, compute_env_id="ce", access_token="t0k3n-x",
                       api_endpoint=f"http://127.0.0.1:{_closed_port()}/api", wrapper_repo="file:///nonexistent")
    client = SeqeraPlatform(cfg).client
    with pytest.raises(SeqeraUnavailable):
        client.launch(101, {"runName": "pynf-x", "pipeline": "file:///x"})
    assert len(connects) == 2  # one POST (two connect attempts), no search for a run that cannot exist


def test_5xx_keeps_the_backoff(held_fake):
    held_fake.faults.add("status", method="GET", path="/user-info", status=503, count=4)
    assert SeqeraClient(held_fake.token, held_fake.url, backoff_factor=0.05).user_info()["user"]["id"] == 7
    assert sum(1 for r in held_fake.requests if r["path"] == "/user-info") == 5


def test_request_timeout_from_env_and_cli_flag(held_fake, seqera_env, wrapper_remote, monkeypatch):
    from pynf.cli.runs import runs

    seqera_env(held_fake)
    monkeypatch.setenv("PYNF_SEQERA_REQUEST_TIMEOUT", "7.5")
    assert SeqeraPlatform(SeqeraConfig()).client.timeout == (7.5, 7.5)
    assert SeqeraPlatform(SeqeraConfig(request_timeout=3)).client.timeout == (3.0, 3.0)
    monkeypatch.delenv("PYNF_SEQERA_REQUEST_TIMEOUT")
    assert SeqeraPlatform(SeqeraConfig()).client.timeout == (10.0, 60.0)
    run = SeqeraBackend().submit(upper_bundle({"a": _reads(held_fake)}), wait=False)
    held_fake.faults.add("delay", method="GET", path=f"/workflow/{run.workflow_id}", seconds=5, count=1)
    before = sum(1 for r in held_fake.requests if r["path"] == f"/workflow/{run.workflow_id}")
    out = CliRunner().invoke(runs, ["status", run.workflow_id, "--request-timeout", "2", "--json"])
    assert out.exit_code == 1 and "no answer within the request timeout of 2 s" in str(out.exception)
    after = sum(1 for r in held_fake.requests if r["path"] == f"/workflow/{run.workflow_id}")
    assert after - before == 1  # the deadline covers the whole call: the slow answer is not asked again
    out = CliRunner().invoke(runs, ["status", run.workflow_id, "--request-timeout", "5", "--json"])
    assert out.exit_code == 0, out.output


def _reads(fake) -> Path:
    p = Path(fake.root) / "a.txt"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("acgt\n")
    return p


def test_cancel_of_a_finished_run_sends_nothing(held_fake, seqera_env, wrapper_remote):
    from pynf.cli.runs import runs

    seqera_env(held_fake)
    run = SeqeraBackend().submit(upper_bundle({"a": _reads(held_fake)}), wait=False)
    assert run.cancel() is True and run.status() == "CANCELLED"
    sent = lambda: sum(1 for r in held_fake.requests if r["path"] == f"/workflow/{run.workflow_id}/cancel")  # noqa: E731
    assert sent() == 1
    assert run.cancel() is False
    out = CliRunner().invoke(runs, ["cancel", run.workflow_id])
    assert out.exit_code == 0 and "already ended" in out.output
    assert sent() == 1


def test_cli_result_title_names_the_process(held_fake, seqera_env, wrapper_remote, capsys):
    from pynf.cli.run import _print_result

    seqera_env(held_fake)
    bundle_ = upper_bundle({"a": _reads(held_fake)})
    run = SeqeraBackend().submit(bundle_, wait=False)
    run.cancel()
    result = run.wait(timeout=30, check=False)
    assert result.get_execution_report()["process"] == bundle_.process
    _print_result(result.get_execution_report(), result.outputs, result.topics, as_json=False)
    out = capsys.readouterr().out
    assert f"{bundle_.process} — CANCELLED" in out and "None" not in out
