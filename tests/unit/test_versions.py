"""Software versions: ``result.versions`` / ``software_versions`` from topic tuples and versions.yml files."""

from __future__ import annotations

from pathlib import Path

import yaml

from pynf.render.manifest import ManifestOutputs
from pynf.render.versions import flat_versions, software_versions, write_software_versions


class _Result(ManifestOutputs):
    def __init__(self, manifest):
        self.manifest = manifest


def _val(v):
    return {"kind": "val", "value": v}


def _triple(process, tool, version):
    return [_val(process), _val(tool), {"kind": "eval", "value": version}]


def test_versions_dedup_across_items_steps_and_yml_files(tmp_path: Path):
    legacy = tmp_path / "versions.yml"
    legacy.write_text('"NFCORE:ALIGN:SAMTOOLS_SORT":\n    samtools: 1.10\n')
    manifest = {
        "outputs": {
            "align.versions_bwa": [_triple("BWA_MEM", "bwa", "0.7.18-r1243"), _triple("BWA_MEM", "bwa", "0.7.18-r1243")],
            "align.versions_samtools": [_triple("BWA_MEM", "samtools", "1.21")],
            "sort.versions": [[{"kind": "path", "value": str(legacy)}]],
            "mpileup.versions_bcftools": [_triple("BCFTOOLS_MPILEUP", "bcftools", "1.17")],
            "stats.versions_bcftools": [_triple("BCFTOOLS_STATS", "bcftools", "1.21")],
            "align.bam": [[_val({"id": "a"}), {"kind": "path", "value": str(tmp_path / "a.bam")}]],
        },
        "topics": {"versions": [_triple("BWA_MEM", "bwa", "0.7.18-r1243")]},
    }
    result = _Result(manifest)
    assert result.software_versions == {
        "BCFTOOLS_MPILEUP": {"bcftools": "1.17"},
        "BCFTOOLS_STATS": {"bcftools": "1.21"},
        "BWA_MEM": {"bwa": "0.7.18-r1243", "samtools": "1.21"},
        "SAMTOOLS_SORT": {"samtools": "1.10"},
    }
    # one tool, two versions: both shown, sorted
    assert result.versions == {"bcftools": "1.17, 1.21", "bwa": "0.7.18-r1243", "samtools": "1.10, 1.21"}


def test_software_versions_yml_is_process_to_tools(tmp_path: Path):
    per_process = software_versions({"versions": [("SEQTK_SEQ", "seqtk", "1.4-r122")]}, {})
    path = write_software_versions(tmp_path / "out", per_process, {"pynf": "0.1"})
    assert path.name == "software_versions.yml"
    assert yaml.safe_load(path.read_text()) == {"SEQTK_SEQ": {"seqtk": "1.4-r122"}, "Workflow": {"pynf": "0.1"}}
    assert flat_versions(per_process) == {"seqtk": "1.4-r122"}
