"""Issue 24 item 3: subworkflows written with ``emit: name = expr`` (the nf-core way) run under Nextflow's strict
v2 parser too: the staged copy ends ``main:`` with the assignments and emits the names on the workflow's
closing line; the source hash, pins and review keep reading the file as written."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

import pynf
from pynf.compiler.subworkflow_emits import NOTE, strict_emits
from pynf.compiler.subworkflow_module import load_subworkflow
from pynf.render.bundle import MANIFEST_NAME
from pynf.render.compile import compile_bundle

from ..paths import FIXTURES
from ..support import require_engine, require_tools

FIXTURE = FIXTURES / "subworkflows" / "fastq_sample_fasta_emits"
STAGED = "subworkflows/fastq_sample_fasta_emits/main.nf"

TWO = """\
include { A } from './a'

workflow INNER {
    take:
    x
    main:
    A(x)
    emit:
    out = A.out.y }

workflow OUTER {
    take:
    ch
    main:
    INNER(ch)
    emit:
    ch
}

def helper() { 1 }
"""


def test_assignments_end_main_and_names_are_emitted_on_the_closing_line():
    source = FIXTURE.joinpath("main.nf").read_text()
    staged, rewritten = strict_emits(source)
    assert rewritten == ("FASTQ_SAMPLE_FASTA_EMITS",)
    assert len(staged.splitlines()) == len(source.splitlines())  # every line keeps its number
    lines = staged.splitlines()
    assert lines[18].strip() == NOTE  # the `emit:` label, now a comment
    assert lines[19:24] == source.splitlines()[19:24]  # the emit statements, unchanged, now end main:
    assert lines[25] == "emit: sampled; fasta; ids; ch_reads }"


def test_only_workflows_with_an_assigned_emit_change():
    staged, rewritten = strict_emits(TWO)
    assert rewritten == ("INNER",)
    assert "    out = A.out.y ; emit: out }" in staged  # the brace shares a line with the last emit
    assert staged.split("workflow OUTER")[1] == TWO.split("workflow OUTER")[1]
    plain = FIXTURES.joinpath("subworkflows", "fastq_sample_fasta", "main.nf").read_text()
    assert strict_emits(plain) == (plain, ())


def test_the_bundle_stages_the_rewrite_and_says_so_while_the_hash_reads_the_source():
    module = load_subworkflow(FIXTURE)
    bundle = compile_bundle(module, require_inputs=False)
    sidecars = dict(bundle.sidecars)
    assert sidecars[STAGED].decode() == strict_emits(FIXTURE.joinpath("main.nf").read_text())[0]
    assert f"written): {STAGED}." in bundle.main_nf
    digest = hashlib.sha256()
    for file in sorted(f.path for f in module.files):
        digest.update(file.encode() + b"\0" + Path(file).read_bytes())
    assert module.source_hash == digest.hexdigest()  # the files as written
    assert f"// sources sha256: {module.source_hash}" in bundle.main_nf


def _cli_run(bundle_dir: Path, cwd: Path, parser: str) -> subprocess.CompletedProcess:
    from pynf.backends.local.launch import java_cmd_for_cli, nextflow_env

    env = {**nextflow_env(), "NXF_SYNTAX_PARSER": parser}
    return subprocess.run(java_cmd_for_cli(bundle_dir), cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900)


@pytest.mark.engine
def test_nf_core_style_emits_run_alike_under_v1_and_v2(tmp_path):
    require_engine()
    require_tools("seqtk")
    reads = tmp_path / "a.fq"
    reads.write_text("".join(f"@r{i}\nACGTACGTAC\n+\nIIIIIIIIII\n" for i in range(6)))
    found = {}
    for parser in ("v1", "v2"):
        outdir = tmp_path / parser
        bundle = pynf.compile(FIXTURE, ch_reads=[{"id": "a"}, reads, 2], params={"outdir": str(outdir)})
        bundle.write(tmp_path / f"bundle-{parser}")
        (tmp_path / f"run-{parser}").mkdir()
        proc = _cli_run(tmp_path / f"bundle-{parser}", tmp_path / f"run-{parser}", parser)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        outputs = json.loads((outdir / MANIFEST_NAME).read_text())["outputs"]
        found[parser] = {key: [[e["value"] if e["kind"] == "val" else Path(e["value"]).name for e in item]
                               for item in items] for key, items in outputs.items()}
        (_, fasta), = outputs["fasta"]
        assert Path(fasta["value"]).read_text().count(">") == 2
    assert found["v1"] == found["v2"]
    assert found["v2"]["ids"] == [["sample:a"]]  # the emit's expression, not main:'s `ids`
    assert found["v2"]["sampled"] == [[{"id": "a"}, "a.sampled.fastq"]]
