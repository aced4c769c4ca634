"""Reviewed modules end to end: a file:// module repository whose module changes commit by commit
(an optional output, a description, a renamed input, a renamed emit), ``pynf modules review/diff/update``,
the drift check before a run, and the registry's "not verified" for content it does not know."""

from __future__ import annotations

import json
import shutil
import warnings

import pytest
from click.testing import CliRunner

import pynf
from pynf.cli.main import cli
from pynf.errors import InterfaceDriftError, InterfaceDriftWarning, NotReviewedHint
from pynf.sources.lock import LockFile

from ..gitrepos import ModuleRepo, isolated_sources  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

MAIN = """process ALIGN {
    input:
    tuple val(meta), path(reads)
    path index

    output:
    tuple val(meta), path("*.bam"), emit: bam
OUTPUTS
    script:
    "touch ${meta.id}.bam"

    stub:
    "touch ${meta.id}.bam"
}
"""
META = """name: align
description: DESCRIPTION
tools:
  - aligner:
      description: an aligner
input:
  - - meta:
        type: map
        description: Sample information
    - reads:
        type: file
        description: Reads to align
  - index:
      type: file
      description: The index
"""


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, input=input)


class AlignRepo:
    """modules/nf-core/align in a file:// repository, changed one step per commit."""

    def __init__(self, path):
        self.repo = ModuleRepo(path)
        self.outputs = ""
        self.description = "Align reads"
        self.renames: list[tuple[str, str]] = []

    def commit(self, message: str) -> str:
        main = MAIN.replace("OUTPUTS\n", self.outputs)
        for old, new in self.renames:
            main = main.replace(old, new)
        self.repo.write("modules/nf-core/align/main.nf", main)
        self.repo.write("modules/nf-core/align/meta.yml", META.replace("DESCRIPTION", self.description))
        return self.repo.commit(message)


@pytest.fixture
def align(tmp_path, monkeypatch):
    repo = AlignRepo(tmp_path / "remote")
    monkeypatch.setenv("PYNF_MODULES_REMOTE", repo.repo.url)
    return repo


def _pinned() -> str:
    (entry,) = LockFile().entries().values()
    return entry.sha


def test_update_moves_across_compatible_commits_and_stops_at_breaking_ones(align):
    base = align.commit("align")
    res = invoke("modules", "review", "align", "--yes", "--no-stub")
    assert res.exit_code == 0, res.output
    assert "process ALIGN" in res.output and "1. tuple(val(meta), path(reads))" in res.output
    reviewed_hash = LockFile().reviews()[f"{align.repo.url}::nf-core/align"]["hash"]

    align.outputs = '    tuple val(meta), path("*.log"), emit: log, optional: true\n'
    align.commit("optional log output")
    align.description = "Align short reads to a reference"
    described = align.commit("better description")
    res = invoke("modules", "update")
    assert res.exit_code == 0, res.output
    assert f"nf-core/align: {base[:12]} -> {described[:12]}" in res.output
    assert "note: 2 compatible interface change(s)" in res.output and "output 'log': added" in res.output
    assert _pinned() == described
    record = LockFile().reviews()[f"{align.repo.url}::nf-core/align"]
    assert record["hash"] != reviewed_hash and record["sha"] == described and record["accepted"] == "compatible"

    align.renames.append(("path(reads)", "path(fastq)"))
    renamed = align.commit("rename the reads input")
    res = invoke("modules", "update")
    assert res.exit_code == 3, res.output
    assert f"held at {described[:12]}" in res.output and "BREAKING" in res.output
    assert "element 'reads' renamed to 'fastq'" in res.output
    assert _pinned() == described
    res = invoke("modules", "diff", "align", "--head")
    assert res.exit_code == 3 and "'reads' renamed to 'fastq'" in res.output and "1 breaking" in res.output
    res = invoke("modules", "update", "--accept")
    assert res.exit_code == 0, res.output
    assert f"{described[:12]} -> {renamed[:12]}" in res.output and "accepted:" in res.output
    assert _pinned() == renamed

    align.renames.append(('emit: bam', 'emit: alignments'))
    emitted = align.commit("rename the bam emit")
    res = invoke("modules", "update", "align")
    assert res.exit_code == 3 and "output 'bam': emit renamed to 'alignments'" in res.output
    assert _pinned() == renamed
    res = invoke("modules", "update", "align", "--accept")
    assert res.exit_code == 0 and _pinned() == emitted
    res = invoke("modules", "update")
    assert res.exit_code == 0 and "up to date" in res.output

    res = invoke("modules", "diff", "align", "--from", base, "--json")
    doc = json.loads(res.stdout)
    kinds = {(c["kind"], c["breaking"]) for c in doc["changes"]}
    assert {("input-renamed", True), ("emit-renamed", True), ("output-added", False)} <= kinds and doc["breaking"]


def test_unreviewed_pins_are_guarded_too(align):
    first = align.commit("align")
    assert invoke("modules", "pull", "align").exit_code == 0
    align.renames.append(("path index", "path reference"))
    align.commit("rename index")
    res = invoke("modules", "update")
    assert res.exit_code == 3 and "'index' renamed to 'reference'" in res.output
    assert _pinned() == first


def test_run_of_a_reviewed_local_module_that_lost_an_input(tmp_path, align):
    module = tmp_path / "align"
    module.mkdir()
    (module / "main.nf").write_text(MAIN.replace("OUTPUTS\n", ""))
    (module / "meta.yml").write_text(META.replace("DESCRIPTION", "Align reads"))
    review = pynf.review(module, stub=False)
    assert review.stub_passed is None and review.registry is None
    (module / "main.nf").write_text(MAIN.replace("OUTPUTS\n", "").replace("    path index\n", ""))
    with pytest.raises(InterfaceDriftError) as err:
        pynf.run(module, meta={"id": "s"}, reads=str(module / "meta.yml"))
    assert "removed path(index)" in str(err.value) and err.value.diff.is_breaking
    res = invoke("run", str(module), "--input", "meta={\"id\": \"s\"}", "--input", f"reads={module / 'meta.yml'}")
    assert res.exit_code == 1 and "removed path(index)" in res.output and "Traceback" not in res.output


def test_compatible_drift_warns_and_unreviewed_modules_hint_once(tmp_path, align):
    from pynf.dispatch import ModuleTarget
    from pynf.interface import review as review_mod

    module = tmp_path / "align"
    module.mkdir()
    (module / "main.nf").write_text(MAIN.replace("OUTPUTS\n", ""))
    (module / "meta.yml").write_text(META.replace("DESCRIPTION", "Align reads"))
    request = ModuleTarget(str(module), inputs={"meta": {"id": "s"}, "reads": str(module / "meta.yml"),
                                                     "index": str(module / "meta.yml")})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        request.to_bundle()
        request.to_bundle()
        review_mod._hinted.clear()  # as a new process would start: the marker in the cache still counts
        request.to_bundle()
    hints = [w for w in caught if issubclass(w.category, NotReviewedHint)]
    assert len(hints) == 1 and "pynf modules review" in str(hints[0].message)

    pynf.review(module, stub=False)
    (module / "main.nf").write_text(MAIN.replace("OUTPUTS\n", '    path "*.log", emit: log, optional: true\n'))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bundle = request.to_bundle()
    drift = [w for w in caught if issubclass(w.category, InterfaceDriftWarning)]
    assert len(drift) == 1 and "output 'log': added" in str(drift[0].message)
    assert "emit: log" in bundle.main_nf or "log" in bundle.main_nf


def test_hand_edited_review_record_is_drift(align):
    align.commit("align")
    assert invoke("modules", "review", "align", "--yes", "--no-stub").exit_code == 0
    lock = LockFile()
    key = f"{align.repo.url}::nf-core/align"
    record = lock.reviews()[key]
    record["interface"]["processes"][0]["outputs"].append(
        {"kind": "path", "elements": [{"kind": "path", "pattern": "*.txt"}], "emit": "report", "optional": False,
         "topic": None})
    lock.put_review(key, record)
    from pynf.dispatch import ModuleTarget

    with pytest.raises(InterfaceDriftError, match="output 'report': removed"):
        ModuleTarget("align", inputs={}).to_bundle()


def test_content_unknown_to_the_registry_is_not_verified(align, tmp_path):
    align.commit("align")
    res = invoke("modules", "list", "--verified")
    assert res.exit_code == 0 and res.stdout.split() == ["nf-core/align", "not", "verified"]
    res = invoke("inspect", "align", "--json")
    info = json.loads(res.stdout)
    assert info["verified"]["verified"] is False and info["verified"]["registry"] is None
    assert info["verified"]["content_hash"].startswith("sha256:")
    assert "Verified: no" in invoke("inspect", "align").output
    assert "verified: no" in invoke("modules", "info", "align").stdout
    assert json.loads(invoke("modules", "info", "align", "--json").stdout)["verified"]["verified"] is False
    res = invoke("modules", "review", "align", "--no-stub", input="n\n")
    assert res.exit_code == 4 and "not in pynf's registry" in res.output and "not recorded" in res.output
    assert LockFile().reviews() == {}


def test_content_hash_from_git_trees_matches_the_extracted_module(align, tmp_path):
    from pynf.interface.registry import module_content_hash, tree_content_hashes
    from pynf.sources import resolve

    align.repo.add_fixture("bin_script", "nf-core/bin_script")
    align.repo.add_fixture("template_greet", "nf-core/template_greet")
    align.repo.write("modules/nf-core/align/tests/main.nf.test", "nextflow_process {}\n")
    sha = align.commit("modules with templates and bin scripts")
    paths = ["modules/nf-core/align", "modules/nf-core/bin_script", "modules/nf-core/template_greet"]
    hashes = tree_content_hashes(align.repo.path, sha, paths)
    for path in paths:
        resolved = resolve(path.split("/", 2)[2])
        assert hashes[path] == module_content_hash(resolved.path), path
    assert (resolved.path / "templates").is_dir()
