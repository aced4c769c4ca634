"""The wrapper repository: bundles committed under pynf/<id>/<hash>/ on real bare repos, content-addressed,
concurrency-safe, root main.nf kept, credentials never written anywhere."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import pytest

from pynf.render.bundle import Bundle
from pynf.backends.seqera.wrapper_repo import ROOT_MAIN, WrapperRepo, WrapperRepoError, bundle_dir


def git(repo: str | Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def bare(tmp_path: Path, name: str = "w.git", branch: str = "main") -> Path:
    path = tmp_path / name
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", branch, str(path)], check=True)
    return path


def bundle(text: str = "workflow { }\n", module_id: str = "nf-core/samtools/sort", **kw) -> Bundle:
    return Bundle(module_id=module_id, process="SAMTOOLS_SORT", main_nf=text, param_values={"a": 1},
                  config_text="process.cpus = 1\n", **kw)


def test_publish_layout_and_root_main(tmp_path):
    remote = bare(tmp_path)
    b = bundle(sidecars=(("bin/tool.sh", b"#!/bin/sh\necho hi\n"), ("templates/t.sh", b"echo t\n")),
               executables=frozenset({"bin/tool.sh"}))
    pub = WrapperRepo(remote.as_uri(), cache_dir=tmp_path / "cache").publish(b)
    assert pub.pushed and pub.repo_url == remote.as_uri()
    assert pub.main_script == f"pynf/nf-core/samtools/sort/{b.content_hash}/main.nf" == bundle_dir(b) + "/main.nf"
    assert git(remote, "rev-parse", "refs/heads/main") == pub.commit
    assert git(remote, "show", f"{pub.commit}:main.nf") + "\n" == ROOT_MAIN
    assert git(remote, "show", f"{pub.commit}:{pub.main_script}") + "\n" == b.main_nf
    tree = git(remote, "ls-tree", "-r", pub.commit)
    assert f"100755 blob" in tree.split(f"{bundle_dir(b)}/bin/tool.sh")[0].splitlines()[-1]
    assert f"{bundle_dir(b)}/templates/t.sh" in tree
    assert "params.json" not in tree and "nextflow.config" not in tree  # run-specific: sent with the launch
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", remote.as_uri(), str(clone)], check=True)
    assert (clone / "main.nf").is_file() and (clone / pub.main_script).read_text() == b.main_nf


def test_same_bundle_is_never_pushed_twice(tmp_path):
    remote = bare(tmp_path)
    first = WrapperRepo(remote.as_uri(), cache_dir=tmp_path / "c1").publish(bundle())
    other = WrapperRepo(remote.as_uri(), cache_dir=tmp_path / "c1").publish(bundle("workflow { println 1 }\n"))
    again = WrapperRepo(remote.as_uri(), cache_dir=tmp_path / "c2").publish(bundle())  # fresh cache: asks remote
    assert (again.pushed, again.commit) == (False, first.commit)
    assert other.pushed and other.commit != first.commit
    assert git(remote, "rev-list", "--count", "main") == "2"
    assert git(remote, "show", f"{other.commit}:{first.main_script}") + "\n" == bundle().main_nf


def test_existing_default_branch_and_root_main_are_kept(tmp_path):
    remote = bare(tmp_path, branch="trunk")
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "--quiet", remote.as_uri(), str(work)], check=True, capture_output=True)
    (work / "main.nf").write_text("// the user's own root script\n")
    env = {**os.environ, "GIT_AUTHOR_NAME": "u", "GIT_AUTHOR_EMAIL": "u@x", "GIT_COMMITTER_NAME": "u",
           "GIT_COMMITTER_EMAIL": "u@x"}
    subprocess.run(["git", "-C", str(work), "add", "main.nf"], check=True)
    subprocess.run(["git", "-C", str(work), "commit", "-qm", "init"], check=True, env=env)
    subprocess.run(["git", "-C", str(work), "push", "-q", "origin", "HEAD:trunk"], check=True, capture_output=True)
    pub = WrapperRepo(remote.as_uri(), cache_dir=tmp_path / "cache").publish(bundle())
    assert git(remote, "rev-parse", "trunk") == pub.commit
    assert git(remote, "show", f"{pub.commit}:main.nf") == "// the user's own root script"
    assert git(remote, "rev-list", "--count", "trunk") == "2"


def test_concurrent_publishers_all_land(tmp_path):
    remote = bare(tmp_path)
    results, errors = [], []

    def publish(i: int) -> None:
        try:  # separate caches = separate machines racing for the same branch
            repo = WrapperRepo(remote.as_uri(), cache_dir=tmp_path / f"cache{i % 3}", push_attempts=10)
            results.append(repo.publish(bundle(f"workflow {{ println {i} }}\n", module_id=f"m/{i}")))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    tip = git(remote, "rev-parse", "main")
    for pub in results:
        assert git(remote, "cat-file", "-t", f"{tip}:{pub.main_script}") == "blob"
    assert git(remote, "rev-list", "--count", "main") == "6"


def test_credentials_stay_out_of_urls_config_and_errors(tmp_path, monkeypatch):
    secret = "ghp_SuperSecretToken123"
    repo = WrapperRepo(f"https://bot:{secret}@git.invalid/org/wrappers.git", cache_dir=tmp_path / "cache")
    assert repo.url == "https://git.invalid/org/wrappers.git"
    assert secret not in repr(repo)
    with pytest.raises(WrapperRepoError) as info:
        repo.publish(bundle())
    assert secret not in str(info.value) and "git.invalid" in str(info.value)
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    # the askpass helper answers from the environment only
    env = repo._env()
    askpass = env["GIT_ASKPASS"]
    out = subprocess.run([askpass, "Password for 'https://bot@git.invalid': "], env=env, capture_output=True,
                         text=True).stdout.strip()
    user = subprocess.run([askpass, "Username for 'https://git.invalid': "], env=env, capture_output=True,
                          text=True).stdout.strip()
    assert (user, out) == ("bot", secret)
    assert secret not in Path(askpass).read_text()


def test_token_from_config_is_not_stored_after_file_push(tmp_path):
    secret = "glpat-AnotherSecret987"
    remote = bare(tmp_path)
    pub = WrapperRepo(remote.as_uri(), token=secret, cache_dir=tmp_path / "cache").publish(bundle())
    assert pub.pushed
    for root in (tmp_path / "cache", remote):
        for path in root.rglob("*"):
            if path.is_file():
                assert secret.encode() not in path.read_bytes(), path


def test_unreachable_remote_is_a_clear_error(tmp_path):
    with pytest.raises(WrapperRepoError, match="wrapper repository"):
        WrapperRepo((tmp_path / "missing.git").as_uri(), cache_dir=tmp_path / "cache").publish(bundle())


@pytest.fixture
def git_http(tmp_path):
    from .fake_platform.git_http import GitHttpServer

    root = tmp_path / "served"
    root.mkdir()
    bare(root, "wrappers.git")
    server = GitHttpServer(root, "bot", "tok-" + "Q7x9LmZp2").start()
    yield server
    server.stop()


def test_https_style_push_with_token_via_askpass(git_http, tmp_path, monkeypatch):
    url = git_http.url("wrappers.git")
    secret = git_http.password
    monkeypatch.setenv("PYNF_WRAPPER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PYNF_WRAPPER_REPO_TOKEN", secret)
    monkeypatch.setenv("PYNF_WRAPPER_REPO_USER", "bot")
    from pynf.seqera import SeqeraConfig, SeqeraPlatform

    platform = SeqeraPlatform(SeqeraConfig(workspace_id=1, access_token="t", wrapper_repo=url))
    pub = platform.publish(bundle())
    assert pub.pushed and pub.repo_url == url
    assert git(tmp_path / "served" / "wrappers.git", "rev-parse", "main") == pub.commit
    assert git_http.authorized > 0 and git_http.refused > 0  # git asked, askpass answered
    assert all(secret not in p for p in git_http.paths)
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    assert secret not in repr(platform) and secret not in repr(platform.wrapper_repo())
    again = platform.publish(bundle())
    assert (again.pushed, again.commit) == (False, pub.commit)


def test_wrong_token_is_a_clear_error_without_the_token(git_http, tmp_path):
    wrong = "not-the-right-token-123"
    repo = WrapperRepo(git_http.url("wrappers.git"), token=wrong, username="bot", cache_dir=tmp_path / "cache")
    with pytest.raises(WrapperRepoError) as info:
        repo.publish(bundle())
    assert wrong not in str(info.value) and "wrappers.git" in str(info.value)
    no_token = WrapperRepo(git_http.url("wrappers.git"), cache_dir=tmp_path / "cache2")
    with pytest.raises(WrapperRepoError):  # never hangs on a prompt
        no_token.publish(bundle())
