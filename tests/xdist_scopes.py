"""A pytest plugin (loaded by tests/conftest.py): how xdist shares the suite among its workers.

Each worker is one process with at most one embedded JVM (JPype starts one per process and cannot restart
it). Unit tests go out one by one (but files listed in ``WHOLE_FILES``, whose module fixture is costly); every other test file goes to one worker as a whole, so its
module-scoped fixtures (an engine run several tests read, a Git remote) are made once; the ``slurm`` and
``containers`` tiers go to one worker together and run one after the other (one Slurm cluster per
machine, which both tiers use; Docker's and Podman's image stores).

The groups are computed from test IDs on the controller (xdist's public ``pytest_xdist_make_scheduler``
hook), not from ``xdist_group`` marks: with pytest 9, xdist 3.8 no longer applies those marks."""

from __future__ import annotations

import os

import pytest

#: tiers (folders under tests/) that run serially, together, on one worker
SERIAL_TIERS = ("slurm", "containers")
#: tiers whose tests are spread one by one
SPREAD_TIERS = ("unit",)
#: files of a spread tier that go to one worker whole: their module-scoped fixture is costly (made once, not
#: once per worker); tests/unit/test_xdist_scopes.py fails for a spread file with such a fixture not listed
WHOLE_FILES = ("tests/unit/test_bindings_mypy.py",)  # one `mypy --strict` over generated bindings


def scope_of(nodeid: str) -> str:
    """The group a test goes to a worker with: itself (unit), the serial group, or its file."""
    path = nodeid.split("::", 1)[0]
    parts = path.split("/")
    tier = parts[1] if len(parts) > 2 and parts[0] == "tests" else ""
    if tier in SERIAL_TIERS:
        return "serial:" + "+".join(SERIAL_TIERS)
    if tier in SPREAD_TIERS and path not in WHOLE_FILES:
        return nodeid
    return path


@pytest.hookimpl(optionalhook=True)  # an xdist hook: unknown without xdist
def pytest_xdist_make_scheduler(config, log):
    """Under ``--dist loadgroup`` (the default in pyproject.toml), schedule by :func:`scope_of`."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class TierScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid)

    return TierScheduling(config, log)


@pytest.hookimpl(optionalhook=True)  # an xdist hook
def pytest_xdist_auto_num_workers(config):
    """``-n auto``: one worker more than the usable cores. Workers spend part of their time waiting (Slurm's
    time limits, subprocess JVMs starting, the fake platform's polls), and a spare worker keeps the cores busy
    then: on 2 cores, 3 workers took the suite from 1,213 s to 830 s along with quieter runs (see README,
    "Tests"). ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still decides when set (xdist's own default reads it)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    return len(os.sched_getaffinity(0)) + 1
