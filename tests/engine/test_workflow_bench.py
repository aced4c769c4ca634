"""benchmarks/workflow_vs_steps.py in its quick mode (2 samples, the MultiQC gather included): clean JSON with
one launch for the workflow, one per step for the other way, and a time breakdown of both (never timed here)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ..paths import CORPUS, REPO
from ..support import require_engine, require_tools, unavailable

pytestmark = pytest.mark.engine


def test_quick_mode_reports_both_ways():
    if not (CORPUS / "multiqc" / "main.nf").is_file():
        unavailable(f"the nf-core modules corpus is not at {CORPUS}")
    require_engine()
    require_tools("fastp", "bwa", "samtools", "bcftools", "tabix", "wgsim", "multiqc")
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "workflow_vs_steps.py"), "--quick", "--json"],
                          capture_output=True, text=True, timeout=1800, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert (report["samples"], report["steps"], report["report"]) == (2, 8, True)
    assert (report["launches_workflow"], report["launches_steps"]) == (1, 8)
    # 2 samples: trim, align, bam_index, stats, call, vcf_stats per sample, one bwa index, one MultiQC
    assert report["tasks"] == report["workflow_time"]["tasks"] == report["steps_time"]["tasks"] == 14
    for way in ("workflow_time", "steps_time"):
        assert set(report[way]) == {"tasks", "start_s", "busy_s", "gaps_s", "tail_s", "launch_ms", "task_sum_s"}
    assert report["ratio"] > 0
