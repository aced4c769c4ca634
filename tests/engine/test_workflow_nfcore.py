"""Acceptance: fastp -> bwa/index + bwa/mem -> samtools/index -> samtools/stats and bcftools/mpileup on 3
simulated samples with planted SNPs, as ONE run, with the real nf-core modules of the shared corpus (read at
test time) and Debian tools.  The VCFs hold the planted SNPs; every step's outputs per sample match running
the same steps one ``pynf.run`` at a time; the exported workflow run by Nextflow's CLI and the same workflow
through the fake Seqera Platform (one launch, one wrapper commit) give the same manifest."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from pynf.render.bundle import MANIFEST_NAME

from ..paths import CORPUS
from ..seqera.fake_platform.fixtures import fake, needs_engine, seqera_env, wrapper_remote  # noqa: F401
from ..support import require_engine, require_tools, unavailable
from ..variant_chain import STEPS, build_workflow, records, run_steps, simulate

pytestmark = pytest.mark.engine

#: the per-sample output of each step that is compared (step -> emit)
COMPARED = {"trim": "reads", "align": "bam", "bam_index": "index", "stats": "stats", "call": "vcf"}


@pytest.fixture(scope="module")
def corpus() -> Path:
    if not (CORPUS / "bcftools" / "mpileup" / "main.nf").is_file():
        unavailable(f"the nf-core modules corpus is not at {CORPUS} (set PYNF_SHARED_DIR to the shared folder)")
    require_engine()
    require_tools("fastp", "bwa", "samtools", "bcftools", "tabix", "wgsim")
    return CORPUS


@pytest.fixture(scope="module")
def data(corpus, tmp_path_factory):
    return simulate(tmp_path_factory.mktemp("variants") / "data", 3)


@pytest.fixture(scope="module")
def one_run(corpus, data, tmp_path_factory):
    root = tmp_path_factory.mktemp("workflow")
    return build_workflow(corpus, data).run(run_dir=root / "run", outdir=root / "out")


def by_sample(items) -> dict:
    return {item[0]["id"]: item for item in items}


def normalized(manifest: dict, outdir: Path) -> dict:
    """The manifest with the outdir replaced by a marker, per-task folders (named like the task's work dir,
    which differs from run to run) by another, and every item list in a stable order."""
    text = json.dumps(manifest).replace(str(outdir), "<outdir>")
    text = re.sub(r"(<outdir>/[^/\"]+)/[0-9a-f]{2}/[0-9a-f]{30}/", r"\1/<task>/", text)
    text = re.sub(r"_\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d(_\d+)?\.", "_<stamp>.", text)  # the reports' time stamps
    data = json.loads(text)
    data.pop("run", None)  # run name, session and times differ from run to run
    for section in ("outputs", "topics"):
        data[section] = {k: sorted(v, key=json.dumps) for k, v in data[section].items()}
    return data


def test_one_run_calls_the_planted_snps(one_run, data):
    assert one_run.succeeded
    report = one_run.get_execution_report()
    assert {s: i["completed"] for s, i in report["steps"].items()} == \
        {"trim": 3, "bwa_index": 1, "align": 3, "bam_index": 3, "stats": 3, "call": 3}
    assert report["runName"] == one_run.run.run_name  # one Nextflow run for every step
    vcfs = by_sample(one_run["call"].outputs["vcf"])
    assert sorted(vcfs) == ["s1", "s2", "s3"]
    for sample, (_, vcf) in vcfs.items():
        called = {}
        for line in records("call", vcf):
            chrom, pos, _, ref, alt, *_ = line.split("\t")
            called[int(pos)] = (ref, alt)
        assert called == data.snps[sample], sample


def test_outputs_match_one_run_per_step(one_run, corpus, data, tmp_path_factory):
    steps = run_steps(corpus, data, tmp_path_factory.mktemp("steps"))
    for step, emit in COMPARED.items():
        whole = by_sample(one_run[step].outputs[emit])
        alone = by_sample(steps[step].outputs[emit])
        assert sorted(whole) == sorted(alone) == ["s1", "s2", "s3"], step
        for sample in whole:
            assert whole[sample][0] == alone[sample][0]  # meta
            assert records(step, whole[sample][1]) == records(step, alone[sample][1]), (step, sample)
            assert records(step, whole[sample][1]), (step, sample)
    index = one_run["bwa_index"].outputs["index"][0][1]
    assert sorted(p.name for p in index.iterdir()) == sorted(p.name for p in
                                                             steps["bwa_index"].outputs["index"][0][1].iterdir())
    # the topics hold every step's versions, as the single runs report them
    tools = {(p, t) for p, t, _ in one_run.topics["versions"]}
    alone = {(p, t) for s in STEPS for p, t, _ in steps[s].topics["versions"]}
    assert tools == alone


def test_exported_workflow_runs_with_nextflows_cli(one_run, corpus, data, tmp_path):
    from pynf.backends.local.launch import java_cmd_for_cli, nextflow_env

    exported = build_workflow(corpus, data).export(tmp_path / "export")
    assert (tmp_path / "export" / "main.nf").is_file() and exported.directory == tmp_path / "export"
    work = tmp_path / "cli"
    work.mkdir()
    proc = subprocess.run(java_cmd_for_cli(tmp_path / "export", ["--outdir", str(work / "results")]),
                          cwd=work, env=nextflow_env(), capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    manifest = json.loads((work / "results" / MANIFEST_NAME).read_text())
    assert normalized(manifest, work / "results") == normalized(one_run.manifest, one_run.run.outdir)


def test_same_workflow_on_the_fake_seqera_platform(one_run, corpus, data, tmp_path, fake, wrapper_remote,
                                                   seqera_env):
    from pynf.seqera import SeqeraConfig

    needs_engine()
    remote = wrapper_remote
    config = SeqeraConfig(workspace_id="acme/genomics", access_token=fake.token, api_endpoint=fake.url,
                          wrapper_repo=remote, poll_interval=0.5, max_poll_interval=2.0)
    result = build_workflow(corpus, data).run(backend="seqera", seqera=config, timeout=900,
                                              outdir=tmp_path / "remote-out")
    assert result.succeeded and fake.launch_posts == 1 and len(fake.runs) == 1
    commits = subprocess.run(["git", "--git-dir", remote.removeprefix("file://"), "rev-list", "--all", "--count"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert commits == "1"
    assert normalized(result.manifest, tmp_path / "remote-out") == normalized(one_run.manifest, one_run.run.outdir)
    vcfs = by_sample(result["call"].outputs["vcf"])
    assert sorted(vcfs) == ["s1", "s2", "s3"]
    assert sorted(result["call"].get_task_workdirs()) == [f"BCFTOOLS_MPILEUP ({s})" for s in ("s1", "s2", "s3")]


def test_the_nfcore_workflow_script_passes_both_parsers(corpus, data, tmp_path):
    from .test_workflow_run import parse_with_nextflow

    build_workflow(corpus, data).compile().write(tmp_path / "b")
    assert parse_with_nextflow(tmp_path / "b" / "main.nf") == {str(tmp_path / "b" / "main.nf"): {"v1": None, "v2": None}}
