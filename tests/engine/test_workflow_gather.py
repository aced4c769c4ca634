"""Gathers on the real engine: every item of upstream outputs (and the merged versions topic) handed to ONE task,
locally, in an export run by Nextflow's CLI, and through the fake Seqera Platform (one launch)."""

from __future__ import annotations

import json
import subprocess

import pytest

import pynf
from pynf.render.bundle import MANIFEST_NAME

from ..paths import FIXTURES, MODULE_FIXTURES
from ..seqera.fake_platform.fixtures import fake, needs_engine, seqera_env, wrapper_remote  # noqa: F401
from ..support import require_engine, require_tools

pytestmark = pytest.mark.engine

SAMPLES = ("s1", "s2", "s3")


def gather_workflow(root) -> pynf.Workflow:
    reads = []
    for n, sample in enumerate(SAMPLES):
        fq = root / f"{sample}.fq"
        fq.write_text(f"@{sample}\n{'ACGT' * (n + 1)}\n+\n{'I' * 4 * (n + 1)}\n")
        reads.append([{"id": sample}, str(fq)])
    wf = pynf.Workflow("gathered")
    seq = wf.add(str(MODULE_FIXTURES / "seqtk_seq"), {"0": pynf.Queue(reads)}, name="seq")
    wf.add(str(FIXTURES / "workflow_modules" / "concat_files"), meta={"id": "all"},
           files=pynf.collect(seq.out.fasta, wf.versions), name="all")
    return wf


def check(result_all, concat_text: str) -> None:
    sections = concat_text.split("== ")[1:]
    names = [s.splitlines()[0] for s in sections]
    assert names == ["s1.seqtk-seq.fasta", "s2.seqtk-seq.fasta", "s3.seqtk-seq.fasta",
                     "all_software_mqc_versions.yml"]
    for n, sample in enumerate(SAMPLES):
        assert sections[n].splitlines()[1:] == [f">{sample}", "ACGT" * (n + 1)]
    versions = json.loads(sections[3].split("\n", 1)[1])
    assert list(versions) == ["SEQTK_SEQ"] and list(versions["SEQTK_SEQ"]) == ["seqtk"]
    assert versions["SEQTK_SEQ"]["seqtk"]


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    require_engine()
    require_tools("seqtk")
    root = tmp_path_factory.mktemp("gather")
    return root, gather_workflow(root).run(run_dir=root / "run", outdir=root / "out")


def test_the_gather_runs_once_over_every_item(local_run):
    _, result = local_run
    assert result.succeeded
    assert result.get_execution_report()["steps"]["all"]["completed"] == 1
    (meta, concat), = result["all"].outputs["concat"]
    assert meta == {"id": "all"}
    check(result["all"], concat.read_text())
    assert len(result["seq"].outputs["fasta"]) == 3


def test_an_exported_gather_runs_with_nextflows_cli(local_run, tmp_path):
    from pynf.backends.local.launch import java_cmd_for_cli, nextflow_env

    root, _ = local_run
    gather_workflow(root).export(tmp_path / "export")
    work = tmp_path / "cli"
    work.mkdir()
    proc = subprocess.run(java_cmd_for_cli(tmp_path / "export", ["--outdir", str(work / "results")]),
                          cwd=work, env=nextflow_env(), capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    manifest = json.loads((work / "results" / MANIFEST_NAME).read_text())
    assert len(manifest["outputs"]["all.concat"]) == 1
    (concat,) = (work / "results" / "all").glob("*.concat.txt")
    check(None, concat.read_text())


def test_the_gather_through_the_fake_seqera_platform(local_run, tmp_path, fake, wrapper_remote, seqera_env):
    from pynf.seqera import SeqeraConfig

    needs_engine()
    root, _ = local_run
    config = SeqeraConfig(workspace_id="acme/genomics", access_token=fake.token, api_endpoint=fake.url,
                          wrapper_repo=wrapper_remote, poll_interval=0.5, max_poll_interval=2.0)
    result = gather_workflow(root).run(backend="seqera", seqera=config, timeout=600, outdir=tmp_path / "remote-out")
    assert result.succeeded and fake.launch_posts == 1
    (_, concat), = result["all"].outputs["concat"]
    check(None, open(str(concat).removeprefix("file://")).read())
    # the wrapper commit carries each module in its own folder, with its own environment.yml
    git = ["git", "--git-dir", wrapper_remote.removeprefix("file://")]
    (commit,) = subprocess.run([*git, "rev-list", "--all"], capture_output=True, text=True,
                               check=True).stdout.split()
    files = subprocess.run([*git, "ls-tree", "-r", "--name-only", commit], capture_output=True, text=True,
                           check=True).stdout.split()
    (bundle,) = {f.rsplit("/", 1)[0] for f in files
                 if f.startswith("pynf/") and f.endswith("/main.nf") and "/modules/" not in f}
    mine = {f.removeprefix(bundle + "/") for f in files if f.startswith(bundle + "/")}
    assert {"modules/seqtk_seq/environment.yml", "modules/seqtk_seq/main.nf", "modules/concat_files/environment.yml",
            "modules/concat_files/main.nf", "main.nf"} <= mine
    assert "environment.yml" not in mine
