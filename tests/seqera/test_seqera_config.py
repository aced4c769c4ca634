"""Seqera settings: sources and precedence, missing settings fail before any network call, URLs, reprs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pynf.errors import SeqeraConfigError
from pynf.types import ExecutionRequest
from pynf.seqera import SeqeraConfig, SeqeraPlatform, run_module_remote
from pynf.backends.seqera.config import user_config_path, web_url_for
from pynf.backends.seqera.run import watch_url

from .fake_platform.fixtures import held_fake, seqera_env, wrapper_remote  # noqa: F401

TOKEN = "tkn-Zx81-secret-value"


def test_missing_token_fails_before_any_request(held_fake, seqera_env):
    cfg = SeqeraConfig(workspace_id="acme/genomics", api_endpoint=held_fake.url, wrapper_repo="file:///nowhere")
    with pytest.raises(SeqeraConfigError) as info:
        SeqeraPlatform(cfg)
    text = str(info.value)
    assert "access_token" in text and "TOWER_ACCESS_TOKEN" in text
    assert held_fake.requests == []


def test_missing_workspace_and_wrapper_repo_named_together(held_fake, seqera_env, monkeypatch):
    monkeypatch.setenv("TOWER_ACCESS_TOKEN", held_fake.token)
    with pytest.raises(SeqeraConfigError) as info:
        SeqeraPlatform(SeqeraConfig(api_endpoint=held_fake.url))
    text = str(info.value)
    assert "workspace_id" in text and "TOWER_WORKSPACE_ID" in text
    assert "wrapper_repo" in text and "PYNF_WRAPPER_REPO" in text
    assert held_fake.token not in text
    assert held_fake.requests == []


def test_missing_wrapper_repo_explains_what_it_is_for(seqera_env, monkeypatch):
    monkeypatch.setenv("TOWER_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("TOWER_WORKSPACE_ID", "acme/genomics")
    with pytest.raises(SeqeraConfigError) as info:
        SeqeraPlatform()
    text = str(info.value)
    assert "Git repositor" in text and "main script" in text
    assert "PYNF_WRAPPER_REPO" in text and str(user_config_path()) in text and "wrapper_repo =" in text


def test_run_module_remote_checks_settings_before_compiling(held_fake, seqera_env):
    request = ExecutionRequest(params={"outdir": "out"}, inputs=[{"meta": {"id": "a"}, "reads": "/dev/null"}],
                               seqera=SeqeraConfig(work_dir="/tmp/w", api_endpoint=held_fake.url))
    with pytest.raises(SeqeraConfigError, match="TOWER_ACCESS_TOKEN"):
        run_module_remote("nf-core/fastqc", request, compute_env_id="x", workspace_id="acme/genomics")
    assert held_fake.requests == []


def test_sources_and_precedence(seqera_env, monkeypatch):
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[seqera]\nwrapper_repo = "https://git.example.org/w.git"\nworkspace_id = "org/from-file"\n'
                    'compute_env_id = "ce-file"\n')
    cfg = SeqeraConfig().resolved()
    assert cfg.wrapper_repo == "https://git.example.org/w.git"
    assert cfg.workspace_id == "org/from-file" and cfg.compute_env_id == "ce-file"
    assert cfg.api_endpoint == "https://api.cloud.seqera.io"
    monkeypatch.setenv("TOWER_WORKSPACE_ID", "123")
    monkeypatch.setenv("PYNF_WRAPPER_REPO", "file:///env/repo.git")
    monkeypatch.setenv("TOWER_API_ENDPOINT", "https://seqera.example.org/api")
    cfg = SeqeraConfig().resolved()
    assert (cfg.workspace_id, cfg.wrapper_repo) == ("123", "file:///env/repo.git")
    assert cfg.api_endpoint == "https://seqera.example.org/api"
    cfg = SeqeraConfig(workspace_id=5, wrapper_repo="file:///explicit.git").resolved()
    assert (cfg.workspace_id, cfg.wrapper_repo, cfg.compute_env_id) == (5, "file:///explicit.git", "ce-file")


def test_broken_user_config_is_a_clear_error(seqera_env):
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[seqera\nwrapper_repo = 1\n")
    with pytest.raises(SeqeraConfigError, match="config.toml"):
        SeqeraConfig().resolved()


def test_bad_values_rejected():
    with pytest.raises(SeqeraConfigError, match="on_interrupt"):
        SeqeraConfig(on_interrupt="panic")
    with pytest.raises(SeqeraConfigError, match="poll_interval"):
        SeqeraConfig(poll_interval=0)


@pytest.mark.parametrize("api, web", [
    ("https://api.cloud.seqera.io", "https://cloud.seqera.io"),
    ("https://api.cloud.seqera.io/", "https://cloud.seqera.io"),
    ("https://seqera.example.org/api", "https://seqera.example.org"),
    ("http://127.0.0.1:8080/api", "http://127.0.0.1:8080"),
    ("https://tower.internal:8443", "https://tower.internal:8443"),
])
def test_web_url(api, web):
    assert web_url_for(api) == web


def test_watch_urls():
    assert watch_url("https://api.cloud.seqera.io", "abc", "acme", "genomics") == \
        "https://cloud.seqera.io/orgs/acme/workspaces/genomics/watch/abc"
    assert watch_url("https://seqera.example.org/api", "abc", None, None, "alice") == \
        "https://seqera.example.org/user/alice/watch/abc"


def test_reprs_hide_tokens(seqera_env):
    cfg = SeqeraConfig(workspace_id=1, access_token=TOKEN, wrapper_repo="file:///x", wrapper_repo_token="gh-" + TOKEN)
    platform = SeqeraPlatform(cfg)
    for obj in (cfg, platform, platform.client, platform.wrapper_repo(), platform.client._http.auth):
        assert TOKEN not in repr(obj) and TOKEN not in str(obj)


@given(st.text(min_size=0, max_size=120))
@settings(max_examples=300, deadline=None)
def test_run_names_follow_nextflow_rules(module_id):
    from pynf.seqera import unique_run_name

    from .fake_platform.server import RUN_NAME

    name = unique_run_name(module_id)
    assert RUN_NAME.fullmatch(name), name
    assert name != unique_run_name(module_id)
