"""Issue 24 items 3-4: real runs of nf-core subworkflows by ID on the embedded engine, with Debian tools on
simulated data (the remote is a file:// Git repository built from the shared corpus), and the wrapper
under Nextflow's strict v2 parser.
"""

from __future__ import annotations

import gzip
import json
import random
import subprocess
from pathlib import Path

import pytest

import pynf
from pynf.render.bundle import MANIFEST_NAME

from ..paths import FIXTURES
from ..support import require_engine, require_tools
from .corpus import subworkflow_repo

pytestmark = pytest.mark.engine

GENOME_LENGTH = 2000
STARTS = range(1, 1800, 100)  # 18 reads of 50 bases, each mapped where it was cut from


@pytest.fixture(autouse=True)
def own_sources(tmp_path, monkeypatch):
    """Own module cache and working dir (pynf.lock); the engine stays where it is."""
    for var in ("PYNF_MODULES_REMOTE", "PYNF_MODULES_BRANCH", "PYNF_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PYNF_MODULES_CACHE_DIR", str(tmp_path / "module-cache"))
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")


@pytest.fixture
def remote(tmp_path, monkeypatch):
    require_engine()
    require_tools("samtools", "bgzip")
    repo = subworkflow_repo(tmp_path / "remote", ["bam_stats_samtools", "fasta_bgzip_index_dict_samtools"])
    monkeypatch.setenv("PYNF_MODULES_REMOTE", repo.url)
    return repo


def _genome(path: Path) -> str:
    rng = random.Random(24)
    seq = "".join(rng.choice("ACGT") for _ in range(GENOME_LENGTH))
    path.write_text(">chr1\n" + "\n".join(seq[i:i + 60] for i in range(0, len(seq), 60)) + "\n")
    return seq


def _bam(folder: Path, name: str, genome: str) -> tuple[Path, Path]:
    """A sorted, indexed BAM of reads cut from ``genome`` and placed where they came from."""
    lines = ["@HD\tVN:1.6\tSO:coordinate", f"@SQ\tSN:chr1\tLN:{GENOME_LENGTH}"]
    for i, pos in enumerate(STARTS):
        lines.append(f"{name}{i}\t0\tchr1\t{pos}\t60\t50M\t*\t0\t0\t{genome[pos - 1:pos + 49]}\t{'I' * 50}")
    sam = folder / f"{name}.sam"
    sam.write_text("\n".join(lines) + "\n")
    bam = folder / f"{name}.bam"
    subprocess.run(["samtools", "view", "-b", "-o", str(bam), str(sam)], check=True)
    subprocess.run(["samtools", "index", str(bam)], check=True)
    return bam, Path(f"{bam}.bai")


def _samtools_version() -> str:
    out = subprocess.run(["samtools", "version"], capture_output=True, check=True).stdout.decode("latin-1")
    return out.splitlines()[0].split()[-1]


def test_bam_stats_samtools_by_id_once_per_sample(remote, tmp_path):
    genome = _genome(tmp_path / "ref.fa")
    subprocess.run(["samtools", "faidx", str(tmp_path / "ref.fa")], check=True)
    samples = {name: _bam(tmp_path, name, genome) for name in ("a", "b")}
    result = pynf.run("bam_stats_samtools", outdir=tmp_path / "out",
                      ch_bam_bai=pynf.Queue([[{"id": n}, bam, bai] for n, (bam, bai) in samples.items()]),
                      ch_fasta_fai=[{"id": "ref"}, tmp_path / "ref.fa", tmp_path / "ref.fa.fai"])
    assert result.status == "SUCCEEDED"
    assert sorted(result.outputs) == ["flagstat", "idxstats", "stats"]
    stats = {meta["id"]: path for meta, path in result.outputs["stats"]}
    assert stats["b"] == (tmp_path / "out" / "b" / "b.stats")  # one folder per sample
    summary = dict(line.split("\t")[1:3] for line in stats["a"].read_text().splitlines() if line.startswith("SN\t"))
    assert (summary["raw total sequences:"], summary["reads mapped:"], summary["is sorted:"]) == ("18", "18", "1")
    for meta, path in result.outputs["flagstat"]:
        assert path.read_text().startswith("18 + 0 in total"), meta
    for meta, path in result.outputs["idxstats"]:
        assert path.read_text().splitlines()[0] == f"chr1\t{GENOME_LENGTH}\t18\t0"
    assert result.versions == {"samtools": _samtools_version()}
    processes = {p.split(":")[-1] for p, _, _ in result.topics["versions"]}
    assert processes == {"SAMTOOLS_STATS", "SAMTOOLS_FLAGSTAT", "SAMTOOLS_IDXSTATS"}
    assert json.loads((tmp_path / "out" / MANIFEST_NAME).read_text())["process"] == "BAM_STATS_SAMTOOLS"
    lock = json.loads(Path("pynf.lock").read_text())["modules"]
    assert [e["path"] for e in lock.values()] == ["subworkflows/nf-core/bam_stats_samtools"]


def test_fasta_bgzip_index_dict_samtools_items_as_given(remote, tmp_path):
    genome = _genome(tmp_path / "ref.fa")
    result = pynf.run("fasta_bgzip_index_dict_samtools", outdir=tmp_path / "out",
                      ch_fasta=[{"id": "ref"}, tmp_path / "ref.fa"])  # a Path is a file
    (item,) = result.outputs["fasta_fai_gzi_dict"]
    meta, fasta_gz, fai, gzi, sizes, dictionary = item
    assert meta == {"id": "ref"}
    with gzip.open(fasta_gz, "rt") as fh:
        assert "".join(fh.read().splitlines()[1:]) == genome
    assert fai.read_text().split("\t")[:2] == ["chr1", str(GENOME_LENGTH)]
    assert gzi.stat().st_size > 0 and sizes.read_text() == f"chr1\t{GENOME_LENGTH}\n"
    assert f"@SQ\tSN:chr1\tLN:{GENOME_LENGTH}" in dictionary.read_text()
    assert set(result.versions) == {"htslib", "samtools", "xz"}
    # only this run's processes (topic channels of earlier runs in this JVM do not leak in)
    assert sorted((p.split(":")[-1], tool) for p, tool, _ in result.topics["versions"]) == [
        ("HTSLIB_BGZIPTABIX", "htslib"), ("HTSLIB_BGZIPTABIX", "xz"), ("SAMTOOLS_DICT", "samtools"),
        ("SAMTOOLS_FAIDX", "samtools")]


def test_cli_run_by_id_with_a_file_written_as_json(remote, tmp_path):
    _genome(tmp_path / "ref.fa")
    item = json.dumps([{"id": "ref"}, {"@file": str(tmp_path / "ref.fa")}])
    proc = subprocess.run(["python3", "-m", "pynf", "run", "subworkflows/fasta_bgzip_index_dict_samtools",
                           "--input", f"ch_fasta={item}", "--outdir", str(tmp_path / "cli")],
                          capture_output=True, text=True, timeout=900,
                          env={**__import__("os").environ, "PYTHONPATH": str(Path(pynf.__file__).parents[1])})
    assert proc.returncode == 0, proc.stderr[-2000:]
    manifest = json.loads((tmp_path / "cli" / MANIFEST_NAME).read_text())
    (item,) = manifest["outputs"]["fasta_fai_gzi_dict"]
    assert [e["kind"] for e in item] == ["val", "path", "path", "path", "path", "path"]


def test_wrapper_runs_under_v1_and_the_strict_v2_parser(tmp_path):
    from pynf.backends.local.launch import java_cmd_for_cli, nextflow_env

    require_engine()
    require_tools("seqtk")
    reads = tmp_path / "a.fq"
    reads.write_text("".join(f"@r{i}\nACGTACGTAC\n+\nIIIIIIIIII\n" for i in range(6)))
    folder = FIXTURES / "subworkflows" / "fastq_sample_fasta"
    result = pynf.run(folder, meta={"id": "a"}, reads=reads, sample_size=2, outdir=tmp_path / "v1")
    (meta, fasta), = result.outputs["fasta"]
    assert meta == {"id": "a"} and fasta.read_text().count(">") == 2
    bundle = pynf.compile(folder, ch_reads=[{"id": "a"}, reads, 2], params={"outdir": str(tmp_path / "v2")})
    bundle.write(tmp_path / "bundle")
    env = {**nextflow_env(), "NXF_SYNTAX_PARSER": "v2"}
    proc = subprocess.run(java_cmd_for_cli(tmp_path / "bundle"), cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    manifest = json.loads((tmp_path / "v2" / MANIFEST_NAME).read_text())
    assert [item[0]["value"] for item in manifest["outputs"]["fasta"]] == [{"id": "a"}]
    assert [i[1]["value"] for i in manifest["topics"]["versions"]] == ["seqtk", "seqtk"]


def test_bam_stats_samtools_as_a_workflow_step_fed_by_channel_references(remote, tmp_path):
    genome = _genome(tmp_path / "ref.fa")
    subprocess.run(["samtools", "faidx", str(tmp_path / "ref.fa")], check=True)
    bam, _ = _bam(tmp_path, "a", genome)
    modules = FIXTURES / "modules"
    wf = pynf.Workflow("stats")
    sort = wf.add(modules / "samtools_sort", {"0": pynf.Queue([[{"id": "a"}, bam]])}, name="sort")
    bai = wf.add(modules / "samtools_index", input=sort.out.bam, name="bai")
    wf.add("bam_stats_samtools", input=sort.out.bam, input_index=bai.out.bai, name="stats",
           ch_fasta_fai=[{"id": "ref"}, tmp_path / "ref.fa", tmp_path / "ref.fa.fai"])
    bundle = wf.compile()
    assert ("include { BAM_STATS_SAMTOOLS } from "
            "'./modules/subworkflows/nf-core/bam_stats_samtools/subworkflows/nf-core/bam_stats_samtools/main'"
            in bundle.main_nf)
    result = wf.run(outdir=tmp_path / "out")
    assert result.status == "SUCCEEDED"
    (meta, flagstat), = result["stats"].outputs["flagstat"]
    assert meta == {"id": "a"} and flagstat.read_text().startswith("18 + 0 in total")
    (_, idxstats), = result["stats"].outputs["idxstats"]
    assert idxstats.read_text().splitlines()[0] == f"chr1\t{GENOME_LENGTH}\t18\t0"


COMBINE = """
include { SEQTK_SAMPLE } from '{module}'

workflow COMBINE_SAMPLE {
    take:
    ch_reads   // [ meta, reads ]
    val_size   // number of reads

    main:
    SEQTK_SAMPLE ( ch_reads.combine(val_size) )

    emit:
    reads = SEQTK_SAMPLE.out.reads
}
"""


def test_single_items_through_combine_end(tmp_path):
    """Two takes given one item each (value channels) meet in `combine`: an empty channel.value() bound
    afterwards made the combine wait for ever; the wrapper now creates channel.value(item)."""
    require_engine()
    require_tools("seqtk")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "main.nf").write_text(COMBINE.replace("{module}", str(FIXTURES / "modules/seqtk_sample/main")))
    reads = tmp_path / "a.fq"
    reads.write_text("".join(f"@r{i}\nACGTACGTAC\n+\nIIIIIIIIII\n" for i in range(4)))
    result = pynf.run(tmp_path / "sub", ch_reads=[{"id": "a"}, reads], val_size=3, outdir=tmp_path / "out",
                      timeout=300)
    (meta, sampled), = result.outputs["reads"]
    assert meta == {"id": "a"} and sampled.read_text().count("@r") == 3
