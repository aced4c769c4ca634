"""How xdist shares the suite (tests/xdist_scopes.py): unit tests one by one, other files whole, the slurm
and containers tiers together on one worker; and the default command line really runs on xdist."""

from __future__ import annotations

import os
import re
import tomllib

from ..paths import REPO
from ..xdist_scopes import SPREAD_TIERS, WHOLE_FILES, pytest_xdist_auto_num_workers, scope_of


def test_unit_tests_spread_files_stay_whole_and_cluster_tiers_share_one_worker():
    assert scope_of("tests/unit/test_cli.py::test_a") != scope_of("tests/unit/test_cli.py::test_b")
    assert scope_of("tests/engine/test_outputs.py::test_a[x]") == scope_of("tests/engine/test_outputs.py::test_b")
    assert scope_of("tests/engine/test_outputs.py::test_a") != scope_of("tests/engine/test_reports.py::test_a")
    assert scope_of("tests/sources/test_sources.py::T::test_m") == scope_of("tests/sources/test_sources.py::test_f")
    serial = {scope_of("tests/slurm/test_slurm.py::test_a"), scope_of("tests/containers/test_modules.py::test_b"),
              scope_of("tests/containers/test_slurm_podman.py::test_c")}
    assert len(serial) == 1 and serial != {scope_of("tests/engine/test_outputs.py::test_a")}


def test_spread_files_with_a_module_or_session_fixture_stay_whole():
    """Such a fixture would be made once per worker that gets one of the file's tests."""
    shared = re.compile(r"""@pytest\.fixture\(\s*scope\s*=\s*["'](module|session|package)["']""")
    found = {p.relative_to(REPO).as_posix() for tier in SPREAD_TIERS for p in (REPO / "tests" / tier).glob("*.py")
             if shared.search(p.read_text(encoding="utf-8"))}
    assert found == set(WHOLE_FILES)
    a, b = (scope_of(f"{WHOLE_FILES[0]}::test_{x}") for x in "ab")
    assert a == b


def test_the_default_options_run_the_suite_on_xdist_with_these_scopes():
    options = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    assert options[options.index("-n") + 1] == "auto" and options[options.index("--dist") + 1] == "loadgroup"


def test_auto_gives_one_worker_more_than_the_cores_unless_xdist_is_told(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    assert pytest_xdist_auto_num_workers(None) == len(os.sched_getaffinity(0)) + 1
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "2")
    assert pytest_xdist_auto_num_workers(None) is None  # xdist's own default reads the variable
