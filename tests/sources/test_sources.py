"""Module sources against real Git repositories on file:// remotes (no network)."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ..gitrepos import ModuleRepo, acme_repo, isolated_sources, nfcore_repo  # noqa: F401 (fixture)

import pynf.sources as sources
from pynf.errors import ModuleNotFound, ModuleSourceError
from pynf.sources.cache import RemoteCache

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def remote(tmp_path):
    return nfcore_repo(tmp_path / "remote")


def lock_data() -> dict:
    return json.loads(Path("pynf.lock").read_text())


def test_resolve_default_org_records_lock(remote):
    repo, shas = remote
    res = sources.resolve("seqtk/seq", remote=repo.url)
    assert res.sha == shas[-1] and res.module_id == "nf-core/seqtk/seq" and res.remote == repo.url
    assert sorted(p.name for p in res.path.iterdir()) == ["environment.yml", "main.nf", "meta.yml", "tests"]
    assert (res.path / "main.nf").read_text() == (repo.path / "modules/nf-core/seqtk/seq/main.nf").read_text()
    entry = lock_data()["modules"][f"{repo.url}::nf-core/seqtk/seq"]
    assert entry == {"sha": shas[-1], "remote": repo.url, "branch": "master", "path": "modules/nf-core/seqtk/seq",
                     "content_hash": res.content_hash}
    assert lock_data()["version"] == 1


def test_whole_module_directory_is_kept(remote):
    repo, _ = remote
    script = sources.resolve("bin_script", remote=repo.url).path / "resources/usr/bin/pynf_wordfreq.sh"
    assert script.is_file() and os.access(script, os.X_OK)
    tmpl = sources.resolve("nf-core/template_greet", remote=repo.url).path / "templates/greet.sh"
    assert tmpl.read_bytes() == (repo.path / "modules/nf-core/template_greet/templates/greet.sh").read_bytes()


def test_only_the_needed_blobs_are_fetched(remote):
    repo, shas = remote
    sources.resolve("seqtk/seq", remote=repo.url)
    cache = RemoteCache(repo.url)
    listing = subprocess.run(["git", "rev-list", "--objects", "--missing=print", shas[-1]], cwd=cache.repo,
                             capture_output=True, text=True, check=True).stdout.splitlines()
    missing = [line for line in listing if line.startswith("?")]
    present_blobs = {line.split(" ", 1)[1] for line in listing if " " in line and line.startswith(tuple("0123456789abcdef"))}
    assert missing, "blobs of other modules should not have been fetched"
    assert "modules/nf-core/seqtk/seq/main.nf" in present_blobs
    assert (subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=cache.repo, capture_output=True,
                           text=True).stdout.strip() == "true")


def test_remote_without_partial_clone_support(tmp_path):
    repo, shas = nfcore_repo(tmp_path / "plain", allow_filter=False)
    res = sources.resolve("samtools/view", remote=repo.url)
    assert res.sha == shas[-1] and (res.path / "main.nf").is_file()


def test_pin_with_full_and_short_sha(remote):
    repo, shas = remote
    old = sources.resolve("seqtk/seq", remote=repo.url, sha=shas[0])
    assert old.sha == shas[0]
    assert "// revision" not in (old.path / "main.nf").read_text()
    assert lock_data()["modules"][f"{repo.url}::nf-core/seqtk/seq"]["sha"] == shas[0]
    mid = sources.resolve("seqtk/seq", remote=repo.url, sha=shas[1][:8], lock_path=False)
    assert mid.sha == shas[1]
    assert (mid.path / "main.nf").read_text().endswith("// revision 2\n")
    with pytest.raises(ModuleSourceError, match="not a commit SHA"):
        sources.resolve("seqtk/seq", remote=repo.url, sha="not-a-sha", lock_path=False)


def test_module_absent_at_pinned_sha(remote):
    repo, shas = remote
    with pytest.raises(ModuleSourceError, match="unknown module 'echo_each'"):
        sources.resolve("echo_each", remote=repo.url, sha=shas[0])


def test_lock_reuse_makes_no_git_call_and_ignores_new_commits(remote):
    repo, shas = remote
    first = sources.resolve("seqtk/seq", remote=repo.url)
    repo.write("modules/nf-core/seqtk/seq/main.nf", "process CHANGED {\n  script:\n  'true'\n}\n")
    newest = repo.commit("upstream change")
    sources.GIT_STATS.reset()
    again = sources.resolve("seqtk/seq", remote=repo.url)
    assert again == first and again.sha == shas[-1] != newest
    assert sources.GIT_STATS.calls == 0
    # The full ID and the short ID find the same lock entry.
    assert sources.resolve("nf-core/seqtk/seq", remote=repo.url) == first
    assert sources.GIT_STATS.calls == 0


def test_update_moves_the_lock_forward(remote):
    repo, shas = remote
    sources.resolve("seqtk/seq", remote=repo.url, sha=shas[0])
    sources.resolve("samtools/view", remote=repo.url, sha=shas[0])
    repo.write("modules/nf-core/samtools/view/main.nf",
               (repo.path / "modules/nf-core/samtools/view/main.nf").read_text() + "// changed\n")
    newest = repo.commit("change samtools/view")
    changes = sources.update("seqtk/seq", remote=repo.url)
    assert [(c.old_sha, c.new_sha) for c in changes] == [(shas[0], newest)]
    data = lock_data()["modules"]
    assert data[f"{repo.url}::nf-core/seqtk/seq"]["sha"] == newest
    assert data[f"{repo.url}::nf-core/samtools/view"]["sha"] == shas[0]
    changes = sources.update()  # everything, on the entries' own remotes
    assert {c.key: c.changed for c in changes} == {f"{repo.url}::nf-core/samtools/view": True,
                                                   f"{repo.url}::nf-core/seqtk/seq": False}
    res = sources.resolve("samtools/view", remote=repo.url)
    assert res.sha == newest and (res.path / "main.nf").read_text().endswith("// changed\n")


def test_update_of_an_unpinned_id_pins_it(remote):
    repo, shas = remote
    changes = sources.update("echo_each", remote=repo.url)
    assert [(c.old_sha, c.new_sha) for c in changes] == [(None, shas[-1])]
    assert f"{repo.url}::nf-core/echo_each" in lock_data()["modules"]


def test_unknown_id_suggests_close_matches(remote):
    repo, _ = remote
    with pytest.raises(ModuleSourceError) as info:
        sources.resolve("samtools/veiw", remote=repo.url)
    message = str(info.value)
    assert "unknown module 'samtools/veiw'" in message and "did you mean: samtools/view" in message
    with pytest.raises(ModuleSourceError, match="neither an existing module path nor a module ID"):
        sources.resolve("a/b/c/d", remote=repo.url)
    assert not Path("pynf.lock").exists()


def test_unreachable_remote_without_cache_is_a_clear_error(remote):
    repo, _ = remote
    with repo.unreachable(), pytest.raises(ModuleSourceError, match="cannot fetch from module remote file://"):
        sources.resolve("seqtk/seq", remote=repo.url)


def test_unreachable_remote_with_warm_cache(remote):
    repo, shas = remote
    first = sources.resolve("seqtk/seq", remote=repo.url)
    sources.GIT_STATS.reset()
    with repo.unreachable():
        assert sources.resolve("seqtk/seq", remote=repo.url) == first
        assert sources.GIT_STATS.calls == 0
        # Not pinned, but the branch head was seen before: falls back to it with a warning.
        with pytest.warns(UserWarning, match="using the cached commit"):
            other = sources.resolve("seqtk/seq", remote=repo.url, lock_path=False)
        assert other.sha == shas[-1]


def test_offline_warm_cache_makes_no_git_call(remote, monkeypatch):
    repo, _ = remote
    first = sources.resolve("samtools/view", remote=repo.url)
    shutil.rmtree(repo.path)  # the remote is gone for good
    sources.GIT_STATS.reset()
    monkeypatch.setenv("PYNF_OFFLINE", "1")
    assert sources.resolve("samtools/view", remote=repo.url) == first
    assert sources.GIT_STATS.calls == 0
    assert [m.name for m in sources.list_modules("samtools", remote=repo.url)] == ["nf-core/samtools/sort",
                                                                                  "nf-core/samtools/view"]
    assert sources.GIT_STATS.network_calls == 0


def test_offline_without_cache_is_a_clear_error(remote):
    repo, _ = remote
    with pytest.raises(ModuleSourceError, match="offline and nothing from .* is cached"):
        sources.resolve("seqtk/seq", remote=repo.url, offline=True)
    assert sources.GIT_STATS.calls == 0
    sources.resolve("seqtk/seq", remote=repo.url, lock_path=False)
    with pytest.raises(ModuleSourceError, match="offline: cannot contact"):
        sources.resolve("samtools/view", remote=repo.url, offline=True, sha=repo.head[:7])


@pytest.mark.parametrize("damage", ["delete_main", "edit_file", "delete_stamp", "break_repo"])
def test_corrupted_cache_is_recovered(remote, damage):
    repo, _ = remote
    good = sources.resolve("bin_script", remote=repo.url)
    original = {p.relative_to(good.path): p.read_bytes() for p in good.path.rglob("*") if p.is_file()}
    cache = RemoteCache(repo.url)
    if damage == "delete_main":
        (good.path / "main.nf").unlink()
    elif damage == "edit_file":
        (good.path / "meta.yml").write_text("tampered\n")
    elif damage == "delete_stamp":
        next(good.path.parent.glob("*.pynf-stamp.json")).unlink()
    else:
        shutil.rmtree(good.path)
        shutil.rmtree(cache.repo / "objects")
    with pytest.warns(UserWarning, match="damaged"):
        again = sources.resolve("bin_script", remote=repo.url)
    assert again == good
    assert {p.relative_to(again.path): p.read_bytes() for p in again.path.rglob("*") if p.is_file()} == original


def test_corrupted_cache_offline_recovers_from_local_objects(remote):
    repo, _ = remote
    good = sources.resolve("seqtk/seq", remote=repo.url)
    (good.path / "main.nf").write_text("broken")
    with repo.unreachable(), pytest.warns(UserWarning, match="damaged"):
        again = sources.resolve("seqtk/seq", remote=repo.url, offline=True)
    assert (again.path / "main.nf").read_text() == (repo.path / "modules/nf-core/seqtk/seq/main.nf").read_text()


def _pull(args):
    cache, workdir, url = args
    os.environ["PYNF_CACHE_DIR"] = cache
    os.chdir(workdir)
    res = sources.resolve("samtools/view", remote=url)
    return str(res.path), res.sha, res.content_hash


def test_concurrent_pulls_of_the_same_module(remote, tmp_path):
    repo, shas = remote
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        results = pool.map(_pull, [(str(tmp_path / "cache"), str(Path.cwd()), repo.url)] * 8)
    assert len(set(results)) == 1
    path, sha, digest = results[0]
    assert sha == shas[-1]
    assert RemoteCache(repo.url).verified(sha, "modules/nf-core/samtools/view") == digest
    assert list(lock_data()["modules"]) == [f"{repo.url}::nf-core/samtools/view"]
    assert not list((RemoteCache(repo.url).dir / "tmp").iterdir())


def test_second_organisation_repo_and_settings_from_env(tmp_path, monkeypatch):
    repo, shas = acme_repo(tmp_path / "acme")
    monkeypatch.setenv("PYNF_MODULES_REMOTE", str(repo.path))  # a plain path becomes a file:// URL
    monkeypatch.setenv("PYNF_MODULES_BRANCH", "main")
    res = sources.resolve("seqtk/sample")  # org inferred: the repo has only 'acme'
    assert (res.module_id, res.sha, res.remote, res.branch) == ("acme/seqtk/sample", shas[0], repo.url, "main")
    assert sources.resolve("acme/echo_each").path.name == "echo_each"
    with pytest.raises(ModuleSourceError, match="branch 'master' does not exist .* branches: main"):
        sources.resolve("echo_each", branch="master", lock_path=False)


def test_org_prefix_in_a_multi_org_repo(remote):
    repo, _ = remote
    acme = sources.resolve("acme/seqtk/seq", remote=repo.url)
    nfc = sources.resolve("seqtk/seq", remote=repo.url)
    assert acme.module_id == "acme/seqtk/seq" and nfc.module_id == "nf-core/seqtk/seq"
    assert acme.path != nfc.path
    assert set(lock_data()["modules"]) == {f"{repo.url}::acme/seqtk/seq", f"{repo.url}::nf-core/seqtk/seq"}


def test_list_modules(remote):
    repo, shas = remote
    names = [m.name for m in sources.list_modules(remote=repo.url)]
    assert names == ["acme/seqtk/seq", "nf-core/bin_script", "nf-core/echo_each", "nf-core/samtools/sort",
                     "nf-core/samtools/view", "nf-core/seqtk/sample", "nf-core/seqtk/seq", "nf-core/template_greet"]
    old = sources.list_modules("SAMTOOLS", remote=repo.url, sha=shas[0])
    assert [(m.org, m.id, m.path, m.sha) for m in old] == [("nf-core", "samtools/view", "modules/nf-core/samtools/view", shas[0])]


def test_local_paths_bypass_git(tmp_path):
    fixture = Path(__file__).resolve().parents[2] / "fixtures/modules/seqtk_seq"
    assert sources.resolve(fixture).path == fixture
    assert sources.resolve(str(fixture / "main.nf")).sha is None
    with pytest.raises(ModuleNotFound):
        sources.resolve(str(tmp_path / "nope" / "main.nf"))
    assert sources.GIT_STATS.calls == 0
    assert not Path("pynf.lock").exists()


def test_bad_lock_file_is_a_clear_error(remote):
    repo, _ = remote
    Path("pynf.lock").write_text("{not json")
    with pytest.raises(ModuleSourceError, match="pynf.lock is not valid JSON"):
        sources.resolve("seqtk/seq", remote=repo.url)
    Path("pynf.lock").write_text('{"version": 7, "modules": {}}')
    with pytest.raises(ModuleSourceError, match="not a pynf lock file"):
        sources.resolve("seqtk/seq", remote=repo.url)


def test_explicit_branch_differing_from_lock_resolves_again(tmp_path, remote):
    repo, shas = remote
    sources.resolve("seqtk/seq", remote=repo.url)
    repo.git("checkout", "--quiet", "-b", "dev", shas[0])
    res = sources.resolve("seqtk/seq", remote=repo.url, branch="dev")
    assert res.sha == shas[0] and res.branch == "dev"
    assert lock_data()["modules"][f"{repo.url}::nf-core/seqtk/seq"]["branch"] == "dev"


def test_module_repo_helper_builds_history(tmp_path):
    repo = ModuleRepo(tmp_path / "r")
    repo.write("modules/x/a/main.nf", "process A {\n  script:\n  'true'\n}\n")
    first = repo.commit("one")
    repo.remove("modules/x/a")
    repo.write("modules/x/b/main.nf", "process B {\n  script:\n  'true'\n}\n")
    second = repo.commit("two")
    assert first != second and repo.git("rev-list", "--count", "HEAD") == "2"


def test_lock_entries_cannot_point_outside_the_cache(remote):
    repo, shas = remote
    sources.resolve("seqtk/seq", remote=repo.url)
    data = lock_data()
    entry = data["modules"][f"{repo.url}::nf-core/seqtk/seq"]
    entry["path"] = "modules/nf-core/../../../../etc"
    Path("pynf.lock").write_text(json.dumps(data))
    with pytest.raises(ModuleSourceError, match="not modules/<org>/<tool>"):
        sources.resolve("seqtk/seq", remote=repo.url)
    entry["path"], entry["sha"] = "modules/nf-core/seqtk/seq", "HEAD"
    Path("pynf.lock").write_text(json.dumps(data))
    with pytest.raises(ModuleSourceError, match="not 40 hex digits"):
        sources.resolve("seqtk/seq", remote=repo.url)


def test_update_keeps_a_module_removed_upstream(remote):
    repo, shas = remote
    sources.resolve("template_greet", remote=repo.url)
    sources.resolve("seqtk/seq", remote=repo.url, sha=shas[0])
    repo.remove("modules/nf-core/template_greet")
    newest = repo.commit("drop template_greet")
    with pytest.warns(UserWarning, match="template_greet no longer exists"):
        changes = {c.key.split("::")[1]: c for c in sources.update()}
    assert not changes["nf-core/template_greet"].changed
    assert changes["nf-core/seqtk/seq"].new_sha == newest
    with pytest.raises(ModuleSourceError, match="no longer exists"):
        sources.update("template_greet", remote=repo.url)
    assert lock_data()["modules"][f"{repo.url}::nf-core/template_greet"]["sha"] == shas[-1]
