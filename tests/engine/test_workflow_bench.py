"""benchmarks/workflow_vs_steps.py in its quick mode (2 samples, the MultiQC gather included): clean JSON with
one launch for the workflow, one per step for the other way, and a time breakdown of both (never timed here).
This is the benchmark's one quick-mode run in the suite (its ``TESTED_BY``): the runner checks its keys too."""

from __future__ import annotations

import pytest

from ..benchmark_runner import run_quick
from ..paths import CORPUS
from ..support import unavailable

pytestmark = pytest.mark.engine


def test_quick_mode_reports_both_ways(tmp_path):
    if not (CORPUS / "multiqc" / "main.nf").is_file():
        unavailable(f"the nf-core modules corpus is not at {CORPUS}")
    report = run_quick("workflow_vs_steps.py", tmp_path)  # needs the engine and the tools it declares
    assert (report["samples"], report["steps"], report["report"]) == (2, 8, True)
    assert (report["launches_workflow"], report["launches_steps"]) == (1, 8)
    # 2 samples: trim, align, bam_index, stats, call, vcf_stats per sample, one bwa index, one MultiQC
    assert report["tasks"] == report["workflow_time"]["tasks"] == report["steps_time"]["tasks"] == 14
    for way in ("workflow_time", "steps_time"):
        assert set(report[way]) == {"tasks", "start_s", "busy_s", "gaps_s", "tail_s", "launch_ms", "task_sum_s"}
    assert report["ratio"] > 0
