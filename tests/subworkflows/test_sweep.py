"""Issue 24 acceptance: the subworkflow sweep (benchmarks/subworkflow_sweep.py) in its quick mode, checked:
two nf-core subworkflows (both written with `emit: name = expr`) stub-run under Nextflow's v1 and strict v2
parsers."""

from __future__ import annotations

import pytest

from ..benchmark_runner import run_quick
from .corpus import require_corpus

pytestmark = pytest.mark.engine


def test_subworkflow_sweep_quick_mode(tmp_path):
    require_corpus()
    report = run_quick("subworkflow_sweep.py", tmp_path)
    assert (report["subworkflows"], report["loaded"], report["compiled"]) == (2, 2, 2)
    assert (report["stub_eligible"], report["stub_passed"]) == (2, 2), report["failed"]
    assert report["parsers"] == {parser: {"stub_passed": 2, "nextflow_compiled": 2, "previewed": 0}
                                 for parser in ("v1", "v2")}, report["failed"]
    assert report["failed"] == []
