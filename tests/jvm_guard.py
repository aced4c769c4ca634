"""A pytest plugin (loaded by tests/conftest.py): a test that starts the embedded JVM must carry the
``engine`` marker, so that ``pytest -m "not engine"`` never starts one. Such a test fails, named."""

from __future__ import annotations

import sys

import pytest


def _jvm_started() -> bool:
    jpype = sys.modules.get("jpype")
    return jpype is not None and bool(jpype.isJVMStarted())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    before = _jvm_started() if call.when == "setup" else item.stash.get(_BEFORE, False)
    if call.when == "setup":
        item.stash[_BEFORE] = before
    outcome = yield
    report = outcome.get_result()
    if call.when == "teardown" or report.failed:
        return
    if not before and _jvm_started() and item.get_closest_marker("engine") is None:
        report.outcome = "failed"
        report.longrepr = (f"{item.nodeid} started the embedded JVM without the 'engine' marker "
                           "(move it to tests/engine/, or use the engine fixture)")


_BEFORE = pytest.StashKey[bool]()
