"""``pynf export``: byte-identical bundles, reproducible Git commits, README commands, YAML params."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess

import pytest
import yaml

from pynf.render.bundle import Bundle
from pynf.errors import ExportError
from pynf.export import GIT_DATE, GIT_IDENTITY, README_MARKER, export_bundle

from ..builders import tree

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

TRICKY = ["quote ' and \" and `back`", "${params.outdir} $HOME \\n \\", "tab\tnew\nline", "ünïcødé ✓", "", "- dash",
          "yes", "null", "1e3", "key: value", "# hash"]


def make_bundle(**changes) -> Bundle:
    params = {"outdir": "results", "weird": TRICKY, "n": 3, "x": 1.5, "flag": True, "none": None,
              "pynf_inputs": [{"name": "0", "mode": "value", "items": [[{"id": "s1"}, "/data/s1.fq"]]}]}
    fields = dict(module_id="demo/tool", process="DEMO_TOOL",
                  main_nf="// pynf wrapper\nworkflow {\n    println 'hello'\n}\n",
                  param_values=params,
                  config_text="process {\n    cpus = 2\n}\n",
                  sidecars=(("bin/tool.sh", b"#!/bin/sh\necho tool\n"), ("templates/run.sh", b"echo ${x}\n"),
                            ("environment.yml", b"dependencies:\n  - bash\n")),
                  executables=frozenset({"bin/tool.sh"}))
    fields.update(changes)
    return Bundle(**fields)


def test_exporting_twice_gives_byte_identical_files(tmp_path):
    a = export_bundle(make_bundle(), tmp_path / "a" / "out")
    b = export_bundle(make_bundle(), tmp_path / "elsewhere" / "other-name")  # any two places (issue 11, item 6)
    assert tree(a.directory) == tree(b.directory)
    assert a.files == ("README.md", "bin/tool.sh", "environment.yml", "main.nf", "nextflow.config", "params.json",
                       "templates/run.sh")
    files = tree(a.directory)
    assert files["bin/tool.sh"][0] & stat.S_IXUSR and not files["main.nf"][0] & stat.S_IXUSR
    assert files["main.nf"][1] == make_bundle().main_nf.encode()
    assert files["params.json"][1] == make_bundle().params_text.encode()
    assert files["nextflow.config"][1] == make_bundle().config_text.encode()


def test_replacing_an_earlier_export_needs_force_and_is_identical(tmp_path):
    out = tmp_path / "out"
    first = tree(export_bundle(make_bundle(), out).directory)
    with pytest.raises(ExportError, match="not empty; .* --force"):
        export_bundle(make_bundle(), out)
    (out / "stale.txt").write_text("left over")
    export_bundle(make_bundle(), out, force=True)
    assert tree(out) == first


def test_foreign_directories_are_never_replaced(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    with pytest.raises(ExportError, match="not written by pynf export"):
        export_bundle(make_bundle(), out, force=True)
    assert (out / "precious.txt").read_text() == "keep me"
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="is a file"):
        export_bundle(make_bundle(), tmp_path / "file")


def test_readme_has_the_exact_commands(tmp_path):
    res = export_bundle(make_bundle(), tmp_path / "my out", repo_url="https://git.example.org/me/demo.git")
    text = (res.directory / "README.md").read_text()
    assert text.startswith(README_MARKER + "\n# DEMO_TOOL")
    assert "\nnextflow run main.nf -params-file params.json\n" in text
    assert "\npynf nextflow run main.nf -params-file params.json\n" in text
    assert ("tw launch https://git.example.org/me/demo.git --revision main "
            "--params-file params.json\n") in text
    assert make_bundle().content_hash in text and "`results`" in text
    assert str(tmp_path) not in text and "my out" not in text  # relative to the bundle only
    plain = export_bundle(make_bundle(), tmp_path / "plain").directory / "README.md"
    assert "\ngit remote add origin <git-url-of-this-repository>\n" in plain.read_text()


def test_yaml_params_round_trip_exactly(tmp_path):
    res = export_bundle(make_bundle(), tmp_path / "y", params_format="yaml")
    assert res.params_file == "params.yaml" and not (res.directory / "params.json").exists()
    assert yaml.safe_load((res.directory / "params.yaml").read_text()) == json.loads(make_bundle().params_text)
    assert "-params-file params.yaml" in (res.directory / "README.md").read_text()
    with pytest.raises(ExportError, match="'json' or 'yaml'"):
        export_bundle(make_bundle(), tmp_path / "z", params_format="toml")


@needs_git
def test_git_export_is_one_reproducible_commit(tmp_path, monkeypatch):
    # A hostile user configuration must not leak into the commit.
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = Someone Else\n[commit]\n\tgpgsign = true\n"
                                     "[core]\n\tautocrlf = true\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Env Person")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2030-01-01T00:00:00+0000")
    one = export_bundle(make_bundle(), tmp_path / "1" / "out", git=True)
    two = export_bundle(make_bundle(), tmp_path / "2" / "out", git=True)
    assert one.commit and one.commit == two.commit
    assert tree(one.directory) == tree(two.directory)

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=one.directory, capture_output=True, text=True,
                              check=True, env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull}).stdout

    assert git("rev-list", "--count", "HEAD").strip() == "1"
    assert git("symbolic-ref", "--short", "HEAD").strip() == "main"
    assert git("status", "--porcelain") == ""
    assert git("log", "-1", "--format=%an <%ae>|%cn|%aI").strip() == \
        f"{GIT_IDENTITY[0]} <{GIT_IDENTITY[1]}>|{GIT_IDENTITY[0]}|{GIT_DATE.replace('+0000', '+00:00')}"
    modes = {line.split("\t", 1)[1]: line.split()[0] for line in git("ls-files", "-s").splitlines()}
    assert modes["bin/tool.sh"] == "100755" and modes["main.nf"] == "100644"
    assert sorted(modes) == sorted(one.files)
    different = export_bundle(make_bundle(config_text="process {\n    cpus = 4\n}\n"), tmp_path / "3" / "out",
                              git=True)
    assert different.commit != one.commit


def test_bundle_with_its_own_readme_is_refused(tmp_path):
    with pytest.raises(ExportError, match="README.md sidecar"):
        export_bundle(make_bundle(sidecars=(("README.md", b"x"),)), tmp_path / "r")
