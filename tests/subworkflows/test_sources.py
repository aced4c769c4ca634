"""Issue 24 item 2: subworkflow IDs from a real Git remote over file:// in the nf-core layout (no JVM).

The remote is built at test time from the shared corpus (``corpus.subworkflow_repo``).
"""

from __future__ import annotations

import json

import pytest

import pynf
import pynf.sources as sources
from pynf.errors import InterfaceDriftError, ModuleSourceError

from ..gitrepos import isolated_sources  # noqa: F401 (autouse fixture: own cache and working dir)
from .corpus import subworkflow_repo


@pytest.fixture
def repo(tmp_path, monkeypatch):
    repo = subworkflow_repo(tmp_path / "remote", ["bam_dedup_stats_samtools_umitools", "deepvariant"],
                            modules=("samtools/faidx", "deepvariant"))
    monkeypatch.setenv("PYNF_MODULES_REMOTE", repo.url)
    return repo


def _lock() -> dict:
    return json.loads(open("pynf.lock").read())["modules"]


def test_id_resolves_to_the_subworkflow_with_its_transitive_includes_at_one_commit(repo):
    resolved = sources.resolve("bam_dedup_stats_samtools_umitools")
    assert resolved.module_id == "subworkflows/nf-core/bam_dedup_stats_samtools_umitools"
    assert resolved.sha == repo.head
    root = resolved.path.parents[2]
    for folder in ("subworkflows/nf-core/bam_stats_samtools", "modules/nf-core/umitools/dedup",
                   "modules/nf-core/samtools/index", "modules/nf-core/samtools/stats"):
        assert (root / folder / "main.nf").read_bytes() == (repo.path / folder / "main.nf").read_bytes(), folder
    assert not (root / "modules/nf-core/samtools/faidx").exists()  # only what it includes
    (entry,) = _lock().values()
    assert entry["path"] == "subworkflows/nf-core/bam_dedup_stats_samtools_umitools" and entry["sha"] == repo.head
    info = pynf.inspect("bam_dedup_stats_samtools_umitools")
    assert info["process"] == "BAM_DEDUP_STATS_SAMTOOLS_UMITOOLS"
    assert [t["name"] for t in info["subworkflow"]["takes"]] == ["ch_bam_bai", "val_get_dedup_stats",
                                                               "val_primary_only"]
    assert "BAM_STATS_SAMTOOLS" in [n for i in info["subworkflow"]["includes"] for n in i["names"]]


def test_a_module_of_the_same_name_wins_and_the_prefix_chooses_the_subworkflow(repo):
    assert sources.resolve("deepvariant", pin=False).module_id == "nf-core/deepvariant"
    chosen = sources.resolve("subworkflows/deepvariant", pin=False)
    assert chosen.module_id == "subworkflows/nf-core/deepvariant"
    assert pynf.inspect("subworkflows/nf-core/deepvariant")["process"] == "DEEPVARIANT"
    with pytest.raises(ModuleSourceError, match="no subworkflow 'subworkflows/absent'"):
        sources.resolve("subworkflows/absent", pin=False)
    with pytest.raises(ModuleSourceError, match="unknown module 'absent_thing'"):
        sources.resolve("absent_thing", pin=False)


def test_the_pin_holds_when_the_remote_moves_drift_is_checked_and_update_moves_it(repo):
    from pynf.interface.run_check import load_for_run
    from pynf.sources.load import ModuleSource

    first = sources.resolve("bam_stats_samtools")
    pynf.review("bam_stats_samtools", stub=False)
    main = repo.path / "subworkflows/nf-core/bam_stats_samtools/main.nf"
    main.write_text(main.read_text().replace("ch_fasta_fai // channel", "ch_fasta_fai\n    ch_extra // channel"))
    moved = repo.commit("a third take")
    assert sources.resolve("bam_stats_samtools").sha == first.sha != moved  # pinned
    assert [c["key"] for c in pynf.inspect("bam_stats_samtools")["inputs"]] == ["ch_bam_bai", "ch_fasta_fai"]
    with pytest.raises(InterfaceDriftError, match="ch_extra"):
        load_for_run("bam_stats_samtools", source=ModuleSource(sha=moved), pin=False)
    (change,) = sources.update()
    assert (change.old_sha, change.new_sha) == (first.sha, moved)
    assert [c["key"] for c in pynf.inspect("bam_stats_samtools")["inputs"]][-1] == "ch_extra"
