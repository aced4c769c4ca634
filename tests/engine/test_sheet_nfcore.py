"""Real nf-core modules from the shared corpus with a samplesheet and ``fill_empty``: fastp over a sheet with a
paired-end and a single-end sample, bcftools/stats with its ten optional inputs left to ``fill_empty``."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
from pathlib import Path

import pytest
import yaml

import pynf
from pynf.errors import FilledEmptyWarning

from ..paths import CORPUS
from ..support import require_engine, require_tools, unavailable

pytestmark = pytest.mark.engine

FLAGS = {"discard_trimmed_pass": False, "save_trimmed_fail": False, "save_merged": False}


@pytest.fixture(scope="module")
def corpus() -> Path:
    if not (CORPUS / "fastp" / "main.nf").is_file():
        unavailable(f"the nf-core modules corpus is not at {CORPUS} (set PYNF_SHARED_DIR to the shared folder)")
    require_engine()
    require_tools("fastp", "bcftools")
    return CORPUS


def fastq(path: Path, rng: random.Random, n: int = 200) -> None:
    with gzip.open(path, "wt") as out:
        for i in range(n):
            seq = "".join(rng.choice("ACGT") for _ in range(80))
            out.write(f"@r{i}\n{seq}\n+\n{'I' * 80}\n")


def test_fastp_over_a_samplesheet_with_paired_and_single_end_samples(corpus, tmp_path):
    rng = random.Random(3)
    (tmp_path / "fq").mkdir()
    for name in ("pe_1", "pe_2", "se"):
        fastq(tmp_path / "fq" / f"{name}.fq.gz", rng)
    sheet = tmp_path / "samples.csv"
    sheet.write_text("sample,fastq_1,fastq_2,batch\npe,fq/pe_1.fq.gz,fq/pe_2.fq.gz,b1\nse,fq/se.fq.gz,,b2\n")
    with pytest.warns(FilledEmptyWarning, match="adapter_fasta"):
        result = pynf.run(corpus / "fastp", reads=pynf.Queue.from_csv(sheet), fill_empty=True, **FLAGS,
                          outdir=tmp_path / "out", run_dir=tmp_path / "run")
    assert result.status == "SUCCEEDED"
    reports = {meta["id"]: (meta, json.loads(path.read_text())) for meta, path in result.outputs["json"]}
    assert reports["pe"][0] == {"id": "pe", "single_end": False, "batch": "b1"}
    assert reports["se"][0] == {"id": "se", "single_end": True, "batch": "b2"}
    assert reports["pe"][1]["summary"]["sequencing"].startswith("paired end")
    assert reports["se"][1]["summary"]["sequencing"].startswith("single end")
    assert reports["se"][1]["summary"]["before_filtering"]["total_reads"] == 200
    version = result.versions["fastp"]
    assert list(result.versions) == ["fastp"] and version[0].isdigit()
    written = yaml.safe_load((tmp_path / "out" / "software_versions.yml").read_text())
    assert written["FASTP"] == {"fastp": version}


def test_bcftools_stats_with_fill_empty(corpus, tmp_path):
    vcf = tmp_path / "s1.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n##contig=<ID=chr1,length=1000>\n"
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                   "chr1\t100\t.\tA\tG\t50\tPASS\t.\nchr1\t200\t.\tC\tT\t50\tPASS\t.\nchr1\t300\t.\tG\tGA\t50\tPASS\t.\n")
    gz = tmp_path / "s1.vcf.gz"
    subprocess.run(["bcftools", "view", "-Oz", "-o", str(gz), str(vcf)], check=True)
    with pytest.warns(FilledEmptyWarning) as caught:
        result = pynf.run(corpus / "bcftools" / "stats", meta={"id": "s1"}, vcf=gz, fill_empty=True,
                          outdir=tmp_path / "out", run_dir=tmp_path / "run")
    text = " ".join(str(w.message) for w in caught if issubclass(w.category, FilledEmptyWarning))
    assert "'tbi' of input 0" in text and "input 5 (meta6, fasta)" in text
    (meta, stats), = result.outputs["stats"]
    summary = stats.read_text()
    assert meta == {"id": "s1"} and "number of SNPs:\t2" in summary and "number of indels:\t1" in summary
    assert set(result.versions) == {"bcftools"}
