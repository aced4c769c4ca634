"""Workflows on the real engine with fixture modules and Debian tools: one run, per-step results and
publishing, broadcast, aliasing, constants, resume, failures naming the step, check=False, progress,
and the generated script against Nextflow's v1 and strict v2 parsers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import pynf
from pynf.errors import TaskFailedError

from ..paths import MODULE_FIXTURES, REPO
from ..support import require_engine, require_tools

pytestmark = pytest.mark.engine

M = {name: str(MODULE_FIXTURES / name) for name in ("bwa_index", "bwa_mem", "samtools_index", "samtools_sort",
                                                     "seqtk_seq", "seqtk_sample")}
REF = {"id": "ref"}

_CHECK = """
import json, sys
sys.path.insert(0, {bench!r})
from oracle import WrapperChecker
from pynf.backends.local.jvm import start_jvm
start_jvm()
checker = WrapperChecker()
print(json.dumps({{p: checker.check(__import__('pathlib').Path(p)) for p in sys.argv[1:]}}))
"""


def parse_with_nextflow(*paths: Path) -> dict:
    """{path: {"v1": error|None, "v2": error|None}} from Nextflow's script loaders (own process)."""
    proc = subprocess.run([sys.executable, "-c", _CHECK.format(bench=str(REPO / "benchmarks")), *map(str, paths)],
                          capture_output=True, text=True, timeout=600, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    require_engine()
    require_tools("bwa", "samtools", "seqtk")
    root = tmp_path_factory.mktemp("wfdata")
    import random

    rnd = random.Random(3)
    ref = "".join(rnd.choice("ACGT") for _ in range(2000))
    (root / "ref.fa").write_text(">chr1\n" + ref + "\n")
    for n, sample in enumerate(("s1", "s2", "s3")):
        with open(root / f"{sample}.fq", "w") as fh:
            for i in range(10):
                start = rnd.randrange(0, 1900)
                fh.write(f"@{sample}_{i}\n{ref[start:start + 100]}\n+\n{'I' * 100}\n")
    return root


def chain(data: Path) -> pynf.Workflow:
    wf = pynf.Workflow("chain")
    reads = pynf.Queue([[{"id": s}, str(data / f"{s}.fq")] for s in ("s1", "s2", "s3")])
    index = wf.add(M["bwa_index"], meta=REF, fasta=str(data / "ref.fa"), name="index")
    align = wf.add(M["bwa_mem"], {"0": reads, "2": [REF, str(data / "ref.fa")]}, index=index.out.index,
                   sort_bam=True, name="align")
    wf.add(M["samtools_index"], input=align.out.bam, name="bai")
    first = wf.add(M["samtools_sort"], bam=align.out.bam, name="sort",
                   options=pynf.RunOptions(ext={"prefix": "first"}))
    wf.add(M["samtools_sort"], bam=first.out.bam, name="resort")
    seq = wf.add(M["seqtk_seq"], {"0": reads}, name="seq")
    wf.add(M["seqtk_sample"], reads=seq.out.fasta, sample_size=4, name="subsample")
    return wf


@pytest.fixture(scope="module")
def chain_run(data, tmp_path_factory):
    root = tmp_path_factory.mktemp("wfrun")
    seen = []
    result = chain(data).run(run_dir=root / "run", outdir=root / "out", progress=seen.append)
    return result, seen, root


def by_id(items):
    return {item[0]["id"]: item for item in items}


def test_the_script_passes_both_nextflow_parsers(data, tmp_path):
    bundle = chain(data).compile()
    bundle.write(tmp_path / "b")
    verdict = parse_with_nextflow(tmp_path / "b" / "main.nf")
    assert verdict == {str(tmp_path / "b" / "main.nf"): {"v1": None, "v2": None}}


def test_one_run_every_step(chain_run, data):
    result, seen, root = chain_run
    assert result.succeeded and isinstance(result.run, pynf.backends.local.result.RunResult)
    report = result.get_execution_report()
    counts = {step: info["completed"] for step, info in report["steps"].items()}
    assert counts == {"index": 1, "align": 3, "bai": 3, "sort": 3, "resort": 3, "seq": 3, "subsample": 3}
    assert report["steps"]["resort"]["process"] == "SAMTOOLS_SORT_RESORT"
    # every step's outputs published under outdir/<step>, each task of a per-sample step in its own folder
    bams = by_id(result["align"].outputs["bam"])
    assert sorted(bams) == ["s1", "s2", "s3"]
    assert all(p.is_relative_to(root / "out" / "align") and p.is_file() for _, p in bams.values())
    assert len({p.parent for _, p in bams.values()}) == 3
    bais = by_id(result["bai"].outputs["bai"])
    assert {s: p.name for s, (_, p) in bais.items()} == {s: f"{s}.bam.bai" for s in ("s1", "s2", "s3")}
    # the aliased process really ran on the first sort's output, with its own options
    first = by_id(result["sort"].outputs["bam"])
    again = by_id(result["resort"].outputs["bam"])
    assert {p.name for _, p in first.values()} == {"first.sorted.bam"}  # ext.prefix of step 'sort' only
    assert {s: p.name for s, (_, p) in again.items()} == {s: f"{s}.sorted.bam" for s in ("s1", "s2", "s3")}
    for sample, (_, path) in again.items():
        records = subprocess.run(["samtools", "view", str(path)], capture_output=True, text=True, check=True).stdout
        assert len(records.splitlines()) == 10 and all(line.startswith(f"{sample}_") for line in records.splitlines())
    # the constant element of an assembled tuple reached every task
    sub = by_id(result["subsample"].outputs["reads"])
    for sample, (_, path) in sub.items():
        assert path.read_text().count(">") == 4  # sample_size=4 records of FASTA
    # topics merged across steps, per step too
    tools = {(p, tool) for p, tool, _ in result.topics["versions"]}
    assert ("SAMTOOLS_SORT_RESORT", "samtools") in tools and ("BWA_INDEX", "bwa") in tools
    assert {p for p, _, _ in result["align"].topics["versions"]} == {"BWA_MEM"}
    # one manifest, by step then emit
    manifest = json.loads((root / "out" / "pynf-manifest.json").read_text())
    assert list(manifest["steps"]) == ["index", "align", "bai", "sort", "resort", "seq", "subsample"]
    assert manifest["steps"]["align"]["outputs"] == ["bam", "cram", "versions_bwa", "versions_samtools"]
    # per-step work dirs; progress saw every step's process
    workdirs = result["align"].get_task_workdirs()
    assert len(workdirs) == 3 and all((d / ".command.sh").is_file() for d in workdirs.values())
    assert set(seen[-1].processes) == {"BWA_INDEX", "BWA_MEM", "SAMTOOLS_INDEX", "SAMTOOLS_SORT",
                                       "SAMTOOLS_SORT_RESORT", "SEQTK_SEQ", "SEQTK_SAMPLE"}


def test_resume_reuses_every_finished_step(chain_run, data):
    result, _, root = chain_run
    again = chain(data).run(run_dir=root / "run", outdir=root / "out", resume=True)
    assert again.succeeded and again.run.resumed
    assert again.run.executed_tasks == 0 and again.run.cached_tasks == 19
    assert by_id(again["resort"].outputs["bam"]) == by_id(result["resort"].outputs["bam"])


def test_failing_task_names_its_step_and_item_and_check_false_keeps_finished_steps(data, tmp_path):
    wf = pynf.Workflow("broken")
    seq = wf.add(M["seqtk_seq"], meta={"id": "one"}, fastx=str(data / "s1.fq"), name="seq")
    wf.add(M["samtools_index"], input=seq.out.fasta, name="bai")  # a FASTA cannot be indexed: samtools fails
    with pytest.raises(TaskFailedError) as err:
        wf.run(run_dir=tmp_path / "a")
    assert str(err.value).startswith("Step 'bai' (process SAMTOOLS_INDEX, item one) failed.")
    assert err.value.step == "bai" and isinstance(err.value.result, pynf.workflow.WorkflowResult)

    result = wf.run(run_dir=tmp_path / "b", check=False)
    assert not result.succeeded and result.manifest is None
    assert result["seq"].finished and not result["bai"].finished
    (meta, fasta), = result["seq"].outputs["fasta"]
    assert meta == {"id": "one"} and fasta.read_text().startswith(">s1_0\n")
    assert result["bai"].outputs == {}
