"""pytest fixtures for the Seqera tests: a running fake platform, a bare wrapper repo, env pointing at both."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .runner import engine_available
from ...support import unavailable
from .server import FakePlatform

__all__ = ["fake", "held_fake", "wrapper_remote", "seqera_env", "needs_engine", "start_fake"]


def needs_engine() -> None:
    """Skip the test when the Nextflow engine cannot run here (never when CI=true: then it fails)."""
    reason = engine_available()
    if reason is not None:
        unavailable(reason)


def start_fake(root: Path, **kw):
    """Start a FakePlatform; use as a context manager-like pair with ``finish_fake``."""
    return FakePlatform(root, **kw).start()


def _finish(platform: FakePlatform) -> None:
    platform.stop()
    if platform.problems:
        pytest.fail("the fake platform saw requests/responses that violate the Seqera OpenAPI spec:\n"
                    + "\n".join(platform.problems[:20]))


@pytest.fixture
def fake(tmp_path):
    """A running fake platform whose launches run at once (spec violations fail the test)."""
    platform = start_fake(tmp_path / "platform")
    yield platform
    _finish(platform)


@pytest.fixture
def held_fake(tmp_path):
    """A running fake platform whose launches stay SUBMITTED until ``release()`` (no Nextflow needed)."""
    platform = start_fake(tmp_path / "platform", hold=True)
    yield platform
    _finish(platform)


@pytest.fixture
def wrapper_remote(tmp_path) -> str:
    """``file://`` URL of an empty bare Git repository with default branch ``main``."""
    path = tmp_path / "wrappers.git"
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(path)], check=True)
    return path.as_uri()


@pytest.fixture
def seqera_env(monkeypatch, tmp_path, wrapper_remote):
    """Isolated user config/cache dirs and no Seqera settings in the environment; returns a setter."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("PYNF_WRAPPER_CACHE_DIR", str(tmp_path / "wrapper-cache"))
    for var in ("TOWER_ACCESS_TOKEN", "TOWER_API_ENDPOINT", "TOWER_WORKSPACE_ID", "TOWER_COMPUTE_ENV_ID",
                "PYNF_WRAPPER_REPO", "PYNF_WRAPPER_REPO_TOKEN", "PYNF_WRAPPER_REPO_USER", "PYNF_SEQERA_WORK_DIR",
                "PYNF_SEQERA_STAGING_DIR", "PYNF_SEQERA_SHARED_PATHS"):
        monkeypatch.delenv(var, raising=False)

    # the fake's local compute environments run on this machine, so they read the test's files where they
    # are: declared as a shared filesystem (point_at(..., shared=False) takes that back)
    monkeypatch.setenv("PYNF_SEQERA_SHARED_PATHS", str(tmp_path))

    def point_at(platform: FakePlatform, workspace: str = "acme/genomics", *, shared: bool = True) -> None:
        """Point pynf at ``platform``; ``shared=False``: no path is known to be mounted by its compute envs."""
        if not shared:
            monkeypatch.delenv("PYNF_SEQERA_SHARED_PATHS", raising=False)
        monkeypatch.setenv("TOWER_ACCESS_TOKEN", platform.token)
        monkeypatch.setenv("TOWER_API_ENDPOINT", platform.url)
        monkeypatch.setenv("TOWER_WORKSPACE_ID", workspace)
        monkeypatch.setenv("PYNF_WRAPPER_REPO", wrapper_remote)

    return point_at
