"""Issue 21 item 12: every benchmark declares its quick mode (QUICK_ARGS, EXPECTED_KEYS, NEEDS), so the
test suite runs each one (tests/engine/test_benchmarks.py, tests/sources/test_benchmarks.py) and a new
benchmark without a quick mode fails here."""

from __future__ import annotations

import pytest

from ..benchmark_runner import DECLARED, benchmark_files, declarations, names
from ..paths import REPO


@pytest.mark.parametrize("path", benchmark_files(), ids=lambda p: p.name)
def test_benchmark_declares_its_quick_mode(path):
    decl = declarations(path)
    missing = [d for d in DECLARED if d not in decl]
    assert not missing, (f"{path.name} must declare {', '.join(missing)} at module level "
                         "(see tests/benchmark_runner.py and the README's Development section)")
    assert isinstance(decl["QUICK_ARGS"], list) and all(isinstance(a, str) for a in decl["QUICK_ARGS"])
    assert "--json" in decl["QUICK_ARGS"], f"{path.name}: the quick mode must print JSON"
    keys = decl["EXPECTED_KEYS"]
    assert keys and all(isinstance(k, str) for k in keys)
    for need in decl["NEEDS"]:
        assert need in ("engine", "corpus") or need.startswith("tools:"), need
    if decl.get("TESTED_BY"):  # run by another test file: it must exist and run this benchmark
        other = REPO / str(decl["TESTED_BY"])
        assert other.is_file() and path.name in other.read_text(), decl["TESTED_BY"]


def test_every_benchmark_runs_in_one_of_the_tiers():
    elsewhere = [p.name for p in benchmark_files() if declarations(p).get("TESTED_BY")]
    assert sorted(names("engine") + names("other") + elsewhere) == sorted(p.name for p in benchmark_files())
    assert "run_overhead.py" in names("engine") and "seqera_fail_fast.py" in names("other")


def test_readme_says_how_to_add_a_benchmark():
    dev = REPO.joinpath("README.md").read_text().split("## Development", 1)[1]
    assert all(word in dev for word in DECLARED) and "tests/benchmark_runner.py" in dev
