"""Issue 21 item 7: an access token with whitespace around it works; one with a character an HTTP header
cannot carry is refused before any request, and no output of any platform command (stdout, stderr, logs)
ever holds the token or a piece of it."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pynf.backends.seqera.backend import SeqeraBackend
from pynf.backends.seqera.client import SeqeraClient
from pynf.cli.main import cli
from pynf.errors import SeqeraConfigError, SeqeraError

from .fake_platform.bundles import upper_bundle
from .fake_platform.fixtures import held_fake, seqera_env, wrapper_remote  # noqa: F401
from ..paths import MODULE_FIXTURES, REPO as ROOT

#: tokens that are the fake's token once surrounding whitespace is dropped (they must work)
PADDED = {"trailing LF": "{t}\n", "trailing CRLF": "{t}\r\n", "spaces and tab around": " \t{t}  "}
#: tokens holding a character no HTTP header can carry (refused before any request)
BROKEN = {"LF inside": "{a}\n{b}", "CR LF inside": "{a}\r\n{b}", "header injection": "{a}\r\nX-Evil: {b}",
          "non-latin-1": "{a}\u20ac{b}", "latin-1 accent": "{a}\u00e9{b}", "NUL": "{a}\x00{b}",
          "tab inside": "{a}\t{b}", "space inside": "{a} {b}", "DEL": "{a}\x7f{b}",
          "line separator": "{a}\u2028{b}"}


def _pieces(token: str) -> list[str]:
    """The token and every run of 6+ characters of it, as text and as Python would escape it."""
    pieces = {token.strip(), repr(token)[1:-1], repr(token.encode("utf-8", "replace"))[2:-1]}
    core = token.strip()
    pieces.update(core[i:i + 6] for i in range(0, max(1, len(core) - 5)))
    return sorted(p for p in pieces if len(p) >= 6 and "Bearer" not in p)


def _leaks(text: str, secret: str) -> list[str]:
    return [p for p in _pieces(secret) if p in text]


@pytest.fixture
def platform_run(held_fake, seqera_env, tmp_path):
    """The fake (runs held SUBMITTED), pynf pointed at it, and one launched run."""
    seqera_env(held_fake)
    reads = tmp_path / "a.txt"
    reads.write_text("acgt\n")
    run = SeqeraBackend().submit(upper_bundle({"a": reads}), wait=False)
    return held_fake, run.workflow_id, reads


def _commands(workflow_id: str, reads: Path, tmp_path: Path) -> dict[str, list[str]]:
    return {
        "run": ["run", str(MODULE_FIXTURES / "seqtk_seq"), "--input", 'meta={"id":"s1"}', "--input",
                f"fastx={reads}", "--backend", "seqera", "--no-wait"],
        "runs status": ["runs", "status", workflow_id, "--json"],
        "runs logs": ["runs", "logs", workflow_id],
        "runs wait": ["runs", "wait", workflow_id, "--timeout", "0.5"],
        "runs download": ["runs", "download", workflow_id, str(tmp_path / "dl")],
        "runs cancel": ["runs", "cancel", workflow_id],
    }


def _give(token: str, monkeypatch) -> None:
    """The token in TOWER_ACCESS_TOKEN, or (a NUL cannot be in the environment) in the user config file."""
    if "\0" not in token:
        monkeypatch.setenv("TOWER_ACCESS_TOKEN", token)
        return
    import json
    import os

    monkeypatch.delenv("TOWER_ACCESS_TOKEN", raising=False)
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "pynf" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"[seqera]\naccess_token = {json.dumps(token)}\n")


def _invoke(args: list[str], token: str, monkeypatch, caplog) -> tuple[int, str]:
    _give(token, monkeypatch)
    monkeypatch.delenv("PYNF_DEBUG", raising=False)
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        out = CliRunner().invoke(cli, args)
    text = out.output + (out.stderr if out.stderr_bytes is not None else "") + caplog.text
    if out.exception is not None and not isinstance(out.exception, SystemExit):
        text += f"{type(out.exception).__name__}: {out.exception!r}"
    return out.exit_code, text


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_token_no_header_can_carry_is_refused_by_every_command_without_showing_it(
        name, platform_run, monkeypatch, caplog, tmp_path):
    fake, workflow_id, reads = platform_run
    t = fake.token
    token = BROKEN[name].format(a=t[:14], b=t[14:])
    for command, args in _commands(workflow_id, reads, tmp_path).items():
        before = len(fake.requests)
        code, text = _invoke(args, token, monkeypatch, caplog)
        assert code == 1, (command, text)
        assert "access token" in text and "internal error" not in text, (command, text)
        assert not _leaks(text, token), (command, _leaks(text, token))
        assert len(fake.requests) == before, command  # refused before any request


@pytest.mark.parametrize("name", sorted(PADDED))
def test_a_token_with_whitespace_around_works_in_every_command_and_never_shows(
        name, platform_run, monkeypatch, caplog, tmp_path):
    fake, workflow_id, reads = platform_run
    token = PADDED[name].format(t=fake.token)
    for command, args in _commands(workflow_id, reads, tmp_path).items():
        code, text = _invoke(args, token, monkeypatch, caplog)
        assert not _leaks(text, token), (command, _leaks(text, token))
        assert "internal error" not in text, (command, text)
        if command in ("run", "runs status", "runs logs", "runs cancel"):
            assert code == 0, (command, text)
        else:  # the run is held SUBMITTED: waiting times out, there is nothing to download yet
            assert code == 1 and "access token" not in text, (command, text)


def test_the_reported_case_in_a_real_process(platform_run, tmp_path):
    """``TOWER_ACCESS_TOKEN`` read from a file with its newline, in a separate pynf process: stdout and
    stderr hold no piece of it (it printed ``Invalid header value b'Bearer <token>\\n'`` before)."""
    fake, workflow_id, _ = platform_run
    import os

    env = {**os.environ, "TOWER_ACCESS_TOKEN": fake.token[:10] + "\u00e9" + fake.token[10:] + "\n",
           "PYTHONPATH": str(ROOT)}
    env.pop("PYNF_DEBUG", None)
    out = subprocess.run([sys.executable, "-m", "pynf", "runs", "status", workflow_id], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "access token" in out.stderr and "non-ASCII" in out.stderr
    assert not _leaks(out.stdout + out.stderr, env["TOWER_ACCESS_TOKEN"])
    env["TOWER_ACCESS_TOKEN"] = fake.token + "\n"
    out = subprocess.run([sys.executable, "-m", "pynf", "runs", "status", workflow_id], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and workflow_id in out.stdout, out.stderr
    assert not _leaks(out.stdout + out.stderr, fake.token)


def test_errors_and_reprs_of_the_client_hold_no_token():
    secret = "tok-" + "x7Qz" * 8
    for bad in (secret + "\u20ac", secret[:9] + "\n" + secret[9:], secret[:9] + "\0" + secret[9:]):
        with pytest.raises(SeqeraConfigError) as err:
            SeqeraClient(bad, "http://127.0.0.1:9/api")
        text = f"{err.value} {err.value!r} {err.value.args!r} {err.value.__context__!r} {err.value.__cause__!r}"
        assert not _leaks(text, bad)
    client = SeqeraClient(f"  {secret}\n", "http://127.0.0.1:9/api")
    assert client._token == secret and not _leaks(repr(client) + repr(client._http.auth), secret)


@pytest.mark.parametrize("kind", ["ValueError", "InvalidHeader"])
def test_no_exception_raised_while_sending_carries_a_header_value(kind, monkeypatch):
    """Whatever goes wrong inside the HTTP stack (http.client refusing a header, requests' InvalidHeader),
    the error pynf raises names the call, not the header, and holds no reference to the original."""
    import requests

    secret = "tok-" + "Ab9\\" * 10  # a backslash: repr() doubles it, so a plain text search would miss it
    # requests' InvalidHeader is an OSError, which urllib3 takes for a dropped connection and retries: no
    # retries here, the error's text is what is tested (retries: test_seqera_client.py)
    client = SeqeraClient(secret, "http://127.0.0.1:9/api", retries=0)
    error = {"ValueError": ValueError, "InvalidHeader": requests.exceptions.InvalidHeader}[kind]

    def refuse(self, header, *values):
        raise error(f"Invalid header value {values[0]!r}")

    import http.client

    monkeypatch.setattr(http.client.HTTPConnection, "putheader", refuse)
    with pytest.raises(SeqeraError) as err:
        client.user_info()
    chain = [err.value, err.value.__context__, err.value.__cause__]
    assert err.value.__context__ is None and err.value.__cause__ is None
    assert "GET /user-info" in str(err.value) and kind in str(err.value)
    assert not _leaks(" ".join(f"{e!s} {e!r}" for e in chain if e is not None), secret)


#: ``pynf runs`` subcommands that never talk to the platform (local run history)
LOCAL_ONLY: set[str] = {"list", "show"}  # local run history: never talks to the platform


def test_every_platform_command_is_covered(tmp_path):
    """A new ``pynf runs`` subcommand must be added to ``_commands`` (or to LOCAL_ONLY when it is local)."""
    from pynf.cli.runs import runs

    covered = {name.split()[-1] for name in _commands("x", tmp_path / "r", tmp_path) if name.startswith("runs ")}
    assert set(runs.commands) - LOCAL_ONLY == covered
