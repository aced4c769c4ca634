"""Shared pytest fixtures."""

from __future__ import annotations

import os

from pathlib import Path

import pytest

from .paths import CORPUS


pytest_plugins = [
    "tests.jvm_guard",  # a test that starts the JVM must be marked ``engine``
    "tests.xdist_scopes",  # which tests share an xdist worker
]

#: Test folders are tiers; each tier's tests carry its marker (``pytest -m "not engine"`` etc.).
TIERS = ("unit", "engine", "seqera", "sources", "slurm", "containers")


def pytest_collection_modifyitems(config, items):
    """Mark every test with its tier (its folder), and as ``engine``/``corpus`` when it uses those fixtures.
    (How xdist shares the tiers among its workers: tests/xdist_scopes.py.)"""
    for item in items:
        tier = Path(str(item.fspath)).parent.name
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))
        names = getattr(item, "fixturenames", ())
        if "engine" in names:
            item.add_marker(pytest.mark.engine)
        if "corpus_dir" in names:
            item.add_marker(pytest.mark.corpus)


@pytest.fixture(scope="session", autouse=True)
def private_module_cache(tmp_path_factory):
    """Module sources fetched by tests go to a temporary cache, never the user's (``PYNF_MODULES_CACHE_DIR``
    moves module sources only: the installed engine is still found in the real cache)."""
    import os

    old = os.environ.get("PYNF_MODULES_CACHE_DIR")
    path = tmp_path_factory.mktemp("pynf-modules-cache")
    os.environ["PYNF_MODULES_CACHE_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("PYNF_MODULES_CACHE_DIR", None)
    else:
        os.environ["PYNF_MODULES_CACHE_DIR"] = old


#: Tiers whose runs leave no execution report, timeline, trace or DAG (``PYNF_REPORTS=off``): each costs the
#: engine about a second, and only the tests marked ``reports`` read them (tests/engine/test_reports.py and
#: every test of the manifest's or result's ``reports``). The unit tier renders with the default (on).
QUIET_TIERS = ("engine", "seqera", "sources", "slurm", "containers", "subworkflows")


def _wants_reports(node) -> bool:
    return node.get_closest_marker("reports") is not None


@pytest.fixture(scope="module", autouse=True)
def reports_off_by_default(request):
    """``PYNF_REPORTS=off`` for a file of a run tier (its module fixtures and subprocesses included), unless
    the file is marked ``reports`` (``pytestmark``)."""
    tier = Path(str(request.node.fspath)).parent.name
    with pytest.MonkeyPatch.context() as patch:
        if tier in QUIET_TIERS and not _wants_reports(request.node):
            patch.setenv("PYNF_REPORTS", "off")
        yield


@pytest.fixture(autouse=True)
def reports_for_marked_tests(request, monkeypatch):
    """A test marked ``reports`` runs with the default: every run writes its reports."""
    if _wants_reports(request.node):
        monkeypatch.delenv("PYNF_REPORTS", raising=False)


@pytest.fixture
def corpus_dir() -> Path:
    """The shared nf-core corpus; the test is skipped (with the reason) where it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (set PYNF_SHARED_DIR to the shared/ folder)")
    return CORPUS


@pytest.fixture(scope="session")
def engine():
    """The embedded Nextflow engine (EngineInfo); skipped without it, except under CI=true."""
    from .support import require_engine

    return require_engine()


@pytest.fixture(scope="session")
def slurm_cluster():
    """A single-node Slurm cluster brought up by ``scripts/slurm-cluster.sh``; skipped where it cannot
    come up (not root, no Debian packages), except under CI=true. Stopped afterwards if it was not
    running before."""
    from .slurm.cluster import start_cluster

    cluster = start_cluster()
    yield cluster
    cluster.stop_if_started()
