"""A sampled stub sweep: 30 corpus modules stub-run on the embedded engine, through benchmarks/stub_sweep.py's
quick mode (its one run in the suite, ``TESTED_BY``; the full run is the benchmark without ``--limit``)."""

from __future__ import annotations

import sys

from pynf.stubcheck.shims import command_words

from ..benchmark_runner import run_quick


def test_command_words():
    assert command_words("FOO=1 samtools version | sed 's/a|b/;x/' && python -c 'import x'; Rscript -e 'y'") == [
        "samtools", "sed", "python", "Rscript"]
    assert command_words("tool --version |& sed -n '1p'") == ["tool", "sed"]


def test_sampled_stub_sweep(corpus_dir, engine, tmp_path):
    report = run_quick("stub_sweep.py", tmp_path)  # --limit 30 --seed 2026
    print(f"stub sweep sample: {report['succeeded']}/{report['modules']} in {report['seconds']} s", file=sys.stderr)
    for failure in report["failed"]:
        print(f"  {failure['module']}: {failure['error']}", file=sys.stderr)
    assert report["modules"] == 30
    # about 4% of corpus stubs fail whatever the inputs (deprecated modules that `assert false`, stubs
    # that call the real tool or do not create their declared outputs): see benchmarks/stub_sweep.py
    assert report["succeeded"] >= 27, report["failed"]
