"""Issue 21 item 12: the benchmarks that need the embedded engine run in their quick mode, JSON keys checked."""

from __future__ import annotations

import pytest

from ..benchmark_runner import names, run_quick


@pytest.mark.parametrize("name", names("engine"))
def test_benchmark_quick_mode(name, tmp_path):
    report = run_quick(name, tmp_path)
    if name == "run_overhead.py":
        assert report["runs"] == 1 and report["cli_s"] > 0
    if name == "oracle.py":
        assert report["modules"] == 4
