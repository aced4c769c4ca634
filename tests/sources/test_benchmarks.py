"""Issue 21 item 12: the benchmarks that need no engine run in their quick mode, JSON keys checked."""

from __future__ import annotations

import pytest

from ..benchmark_runner import names, run_quick


@pytest.mark.parametrize("name", names("other"))
def test_benchmark_quick_mode(name, tmp_path):
    report = run_quick(name, tmp_path)
    if name == "compile_corpus.py":
        assert report["modules"] == 25 and report["parsed"] >= 20
    if name == "module_sources.py":
        assert report["modules_in_repo"] >= 40 and report["list_modules"] >= 40
    if name == "seqera_fail_fast.py":
        assert report["connection_refused"]["attempts"] == 2
