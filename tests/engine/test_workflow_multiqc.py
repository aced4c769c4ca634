"""Acceptance (issue 19): a whole analysis, samplesheet in, in ONE Nextflow run with the real nf-core modules of the shared corpus
(read at test time) and real tools: 4 samples (3 paired-end, 1 single-end) -> fastp -> bwa/mem (index built
once) -> samtools/index -> bcftools/mpileup -> bcftools/stats -> ONE MultiQC (PyPI) over the fastp JSON, the
bcftools stats and the merged versions.  MultiQC's data lists all 4 samples and the versions; every VCF holds its
sample's planted SNPs.  The same through the fake Seqera Platform: one launch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..paths import CORPUS
from ..seqera.fake_platform.fixtures import fake, needs_engine, seqera_env, wrapper_remote  # noqa: F401
from ..support import require_engine, require_tools, unavailable
from ..variant_chain import build_workflow, records, simulate

pytestmark = pytest.mark.engine

SAMPLES = ["s1", "s2", "s3", "s4"]


@pytest.fixture(scope="module")
def corpus() -> Path:
    if not (CORPUS / "multiqc" / "main.nf").is_file():
        unavailable(f"the nf-core modules corpus is not at {CORPUS} (set PYNF_SHARED_DIR to the shared folder)")
    require_engine()
    require_tools("fastp", "bwa", "samtools", "bcftools", "tabix", "wgsim", "multiqc")
    return CORPUS


@pytest.fixture(scope="module")
def data(corpus, tmp_path_factory):
    return simulate(tmp_path_factory.mktemp("analysis") / "data", 4, paired=3, reads=600)


@pytest.fixture(scope="module")
def analysis(corpus, data, tmp_path_factory):
    root = tmp_path_factory.mktemp("analysis-run")
    sheet = data.write_samplesheet(data.ref.parent / "samplesheet.csv")
    return build_workflow(corpus, data, "analysis", report=True, samplesheet=sheet).run(run_dir=root / "run",
                                                                                        outdir=root / "out")


def multiqc_samples(data_dir: Path) -> dict[str, set[str]]:
    """Sample names per MultiQC module, from multiqc_data/multiqc_data.json."""
    doc = json.loads((data_dir / "multiqc_data.json").read_text())
    found = {}
    for module, samples in doc["report_saved_raw_data"].items():
        found[module] = set(samples)
    return found


def check_report(data_dir: Path) -> None:
    found = multiqc_samples(data_dir)
    assert set(found["multiqc_fastp"]) == set(SAMPLES), found
    assert set(found["multiqc_bcftools_stats"]) == set(SAMPLES), found
    versions = (data_dir / "multiqc_software_versions.txt").read_text()
    for tool in ("fastp", "bwa", "samtools", "bcftools"):
        assert tool in versions, versions


def test_one_multiqc_over_every_sample(analysis, data):
    assert analysis.succeeded
    steps = analysis.get_execution_report()["steps"]
    assert {s: i["completed"] for s, i in steps.items()} == {
        "trim": 4, "bwa_index": 1, "align": 4, "bam_index": 4, "stats": 4, "call": 4, "vcf_stats": 4, "multiqc": 1}
    (meta, data_dir), = analysis["multiqc"].outputs["data"]
    (_, report), = analysis["multiqc"].outputs["report"]
    assert meta == {"id": "multiqc"} and report.name == "multiqc_report.html"
    check_report(data_dir)
    single = {m["id"]: m["single_end"] for m, _ in analysis["trim"].outputs["json"]}
    assert single == {"s1": False, "s2": False, "s3": False, "s4": True}  # from the samplesheet's empty fastq_2
    assert {"fastp", "bwa", "samtools", "bcftools", "multiqc"} <= set(analysis.versions), analysis.versions
    assert "FASTP" in (Path(analysis.run.outdir) / "software_versions.yml").read_text()


def test_every_vcf_holds_its_planted_snps(analysis, data):
    vcfs = {meta["id"]: vcf for meta, vcf in analysis["call"].outputs["vcf"]}
    assert sorted(vcfs) == SAMPLES
    for sample, vcf in vcfs.items():
        called = {int(line.split("\t")[1]): tuple(line.split("\t")[3:5]) for line in records("call", vcf)}
        assert called == data.snps[sample], sample


def test_the_analysis_through_the_fake_seqera_platform(analysis, corpus, data, tmp_path, fake, wrapper_remote,
                                                       seqera_env):
    from pynf.seqera import SeqeraConfig

    needs_engine()
    config = SeqeraConfig(workspace_id="acme/genomics", access_token=fake.token, api_endpoint=fake.url,
                          wrapper_repo=wrapper_remote, poll_interval=0.5, max_poll_interval=2.0)
    result = build_workflow(corpus, data, "analysis", report=True).run(backend="seqera", seqera=config, timeout=900,
                                                                       outdir=tmp_path / "remote-out")
    assert result.succeeded and fake.launch_posts == 1 and len(fake.runs) == 1
    (_, data_dir), = result["multiqc"].outputs["data"]
    check_report(Path(str(data_dir).removeprefix("file://")))
    assert sorted(m["id"] for m, _ in result["call"].outputs["vcf"]) == SAMPLES
