"""Typed bindings under ``mypy --strict`` (issue 23 acceptance): a correct script passes; a misspelled input, a
``str`` where meta.yml says boolean, a value outside an enum and a wrong emit attribute each fail with an error
naming the parameter or attribute."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pynf.bindings import generate

from ..paths import REPO

pytest.importorskip("mypy", reason="mypy comes with the test extras (pip install -e '.[test]')")

MODULES = ["bwa_index", "bwa_mem", "samtools_index", "seqtk_seq", "fixed_name"]

CORRECT = '''
from pathlib import Path

import pynf
import nfb


def main() -> None:
    aligned = nfb.bwa_mem(meta={"id": "a"}, reads="a.fq", meta2={"id": "ref"}, index="idx", meta3={"id": "ref"},
                          fasta="ref.fa", sort_bam=True, outdir="out")
    for item in aligned.bam:
        files = item.bam if isinstance(item.bam, list) else [item.bam]
        print(item.meta["id"], [f.name for f in files], aligned.status)
    seq = nfb.seqtk_seq(fastx=pynf.Queue([{"meta": {"id": "s"}, "fastx": "s.fq"}]))
    version: str = seq.versions_seqtk[0].version
    print(version, seq.versions, nfb.fixed_name(meta={"id": "x"}, text="hi", seconds=0, mode="upper").report)

    wf = pynf.Workflow("typed")
    index = nfb.bwa_index.step(wf, meta={"id": "ref"}, fasta="ref.fa")
    align = nfb.bwa_mem.step(wf, reads=pynf.Queue([{"meta": {"id": "a"}, "reads": "a.fq"}]), index=index.out.index,
                             meta3={"id": "ref"}, fasta=Path("ref.fa"), sort_bam=False, name="align")
    bai = nfb.samtools_index.step(wf, input=align.out.bam)
    result = wf.run(outdir="results")
    for b in bai.result(result).bai:
        print(b.meta, b.bai)
'''

#: script name -> (the bad line, what the mypy error must name)
BAD = {
    "misspelled_input": ('nfb.seqtk_seq(meta={"id": "a"}, fastq="a.fq")', '"fastq"'),
    "str_for_boolean": ('nfb.bwa_mem(meta={}, reads="a", meta2={}, index="i", meta3={}, fasta="f", sort_bam="true")',
                        'Argument "sort_bam"'),
    "outside_the_enum": ('nfb.fixed_name(meta={}, text="t", seconds=1, mode="lower")', 'Argument "mode"'),
    "wrong_emit": ('print(nfb.seqtk_seq(meta={"id": "a"}, fastx="a.fq").fastq)', 'has no attribute "fastq"'),
    "wrong_step_output": ('print(nfb.seqtk_seq.step(pynf.Workflow("w"), meta={}, fastx="a").out.fastq)',
                          'has no attribute "fastq"'),
}


@pytest.fixture(scope="module")
def checked(tmp_path_factory, request):
    root = tmp_path_factory.mktemp("typed")
    cache = request.config.cache.mkdir("bindings-mypy") if request.config.cache else root / ".cache"  # warm: ~4x faster
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        generate([f"fixtures/modules/{m}" for m in MODULES], root, package="nfb")
    finally:
        os.chdir(cwd)
    (root / "correct.py").write_text(CORRECT)
    for name, (line, _) in BAD.items():
        (root / f"{name}.py").write_text(f"import pynf\nimport nfb\n\n{line}\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), str(REPO)]))
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache),
                           "correct.py", *(f"{n}.py" for n in BAD), "nfb"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=600)
    errors: dict[str, list[str]] = {}
    for line in proc.stdout.splitlines():
        if ": error:" in line:
            errors.setdefault(Path(line.split(":", 1)[0]).stem, []).append(line)
    return proc, errors


def test_a_correct_script_and_the_package_pass_strict_mypy(checked):
    proc, errors = checked
    assert proc.returncode == 1 and "source files" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "correct" not in errors and not any(k not in BAD for k in errors), proc.stdout[-3000:]


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_wrong_script_fails_naming_the_parameter_or_attribute(checked, name):
    proc, errors = checked
    assert name in errors, proc.stdout[-3000:]
    assert any(BAD[name][1] in line for line in errors[name]), errors[name]
