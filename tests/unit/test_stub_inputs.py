"""Stub-run input synthesis and version shims (pynf/stubcheck/inputs.py, pynf/stubcheck/shims.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from pynf.compiler import parse_source


from pynf.stubcheck.inputs import VARIANTS, synthesize_inputs
from pynf.stubcheck.shims import version_shims

BY_NAME = {v.name: v for v in VARIANTS}

MODULE = '''
process P {
    input:
    tuple val(meta), path(reads), path(index, arity: '3')
    path optional_db
    val mode
    val suffix

    output:
    tuple val(meta), path("*.out"), emit: out
    tuple val("${task.process}"), val('x'), eval("python -c \\"import pynf_absent_pkg.sub; print(pynf_absent_pkg.sub.__version__)\\""), topic: versions
    tuple val("${task.process}"), val('y'), eval("python -c \\"from importlib.metadata import version; print(version('pynf-absent-dist'))\\""), topic: versions
    tuple val("${task.process}"), val('z'), eval("pynf_absent_tool --version | sed 's/.* //'"), topic: versions
    tuple val("${task.process}"), val('w'), eval("perl -MPynf::Absent::Mod -e 'print 1'"), topic: versions

    script:
    """
    touch out.out
    """
}
'''


@pytest.fixture()
def process(tmp_path):
    module_dir = tmp_path / "mod"
    module_dir.mkdir()
    (module_dir / "main.nf").write_text(MODULE)
    (module_dir / "meta.yml").write_text(
        "name: p\ninput:\n  - - meta:\n        type: map\n    - reads:\n        type: file\n"
        "        pattern: \"*.{fastq.gz,fq.gz}\"\n    - index:\n        type: file\n        pattern: \"*.{bai,csi}\"\n"
        "  - optional_db:\n      type: file\n      pattern: \"*.gz\"\n"
        "  - mode:\n      type: string\n      enum: [\"fast\", \"slow\"]\n"
        "  - suffix:\n      type: string\n      description: output suffix such as 'vcf.gz'\n")
    from pynf.compiler import parse

    return parse(module_dir).process()


def test_default_variant_fills_every_input(process, tmp_path):
    meta_reads_index, db, mode, suffix = synthesize_inputs(process, tmp_path / "in", BY_NAME["default"])
    meta, reads, index = meta_reads_index
    assert meta == {"id": "test", "single_end": False}
    assert reads.endswith(".fastq.gz") and os.path.isfile(reads)
    assert len(index) == 3 and all(p.endswith(".bai") and os.path.isfile(p) for p in index)  # arity: '3'
    assert db.endswith(".gz") and mode == "fast" and suffix == "suffix"


def test_other_variants(process, tmp_path):
    _, db, mode, suffix = synthesize_inputs(process, tmp_path / "blank", BY_NAME["blank"])
    assert db.endswith("_optional_db.dat.gz") and suffix == ""
    first, db, _, _ = synthesize_inputs(process, tmp_path / "sparse", BY_NAME["sparse"])
    assert db == [] and os.path.isfile(first[1])  # only the first channel keeps its files
    (meta, reads, index), _, mode, suffix = synthesize_inputs(process, tmp_path / "alt", BY_NAME["alternate"])
    assert meta["single_end"] is True and reads.endswith(".fq.gz") and index[0].endswith(".csi")
    assert mode == "slow" and suffix == "vcf.gz"


def test_version_shims_answer(process, tmp_path):
    shims = version_shims(process)
    assert "bin/pynf_absent_tool" in shims.bin
    assert "bin/python" not in shims.bin and "bin/perl" not in shims.bin  # present interpreters are not shadowed
    config = shims.install_lib(tmp_path / "lib")
    assert "env.PYTHONPATH" in config
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "lib" / "python"), PERL5LIB=str(tmp_path / "lib" / "perl"))
    imported = subprocess.run([sys.executable, "-c", "import pynf_absent_pkg.sub; print(pynf_absent_pkg.sub.__version__)"],
                              env=env, capture_output=True, text=True)
    assert imported.returncode == 0 and imported.stdout.strip() == "1.0.0"
    dist = subprocess.run([sys.executable, "-c", "from importlib.metadata import version; print(version('pynf-absent-dist'))"],
                          env=env, capture_output=True, text=True)
    assert dist.returncode == 0 and dist.stdout.strip() == "1.0.0"
    tool = tmp_path / "tool"
    tool.write_bytes(shims.bin["bin/pynf_absent_tool"])
    tool.chmod(0o755)
    assert "1.0.0" in subprocess.run([str(tool), "--version"], capture_output=True, text=True).stdout
    if shutil.which("perl"):
        assert "env.PERL5LIB" in config
        perl = subprocess.run(["perl", "-MPynf::Absent::Mod", "-e", "print $Pynf::Absent::Mod::VERSION"],
                              env=env, capture_output=True, text=True)
        assert perl.returncode == 0 and perl.stdout == "1.0.0"


def test_installed_packages_are_not_shadowed():
    p = parse_source('process P {\n  output:\n  eval("python -c \\"import json, yaml; print(1)\\"")\n'
                     '  script:\n  """\n  true\n  """\n}\n', filename="t.nf").process()
    assert version_shims(p).lib == {}
