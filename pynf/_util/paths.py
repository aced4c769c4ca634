"""Where pynf keeps the engine, Nextflow's home, run directories and the Seqera wrapper-repo clones."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["cache_root", "engine_root", "maven_repo", "nxf_home", "default_runs_root", "wrapper_repos_root"]


def cache_root() -> Path:
    """The pynf cache: ``$PYNF_CACHE_DIR``, else ``$PYNF_HOME/cache``, else the platform user cache."""
    if os.environ.get("PYNF_CACHE_DIR"):
        return Path(os.environ["PYNF_CACHE_DIR"]).expanduser().absolute()
    if os.environ.get("PYNF_HOME"):
        return Path(os.environ["PYNF_HOME"]).expanduser().absolute() / "cache"
    return Path(platformdirs.user_cache_dir("pynf")).absolute()


def engine_root() -> Path:
    """Directory holding one sub-directory per installed Nextflow engine version."""
    return cache_root() / "engine"


def maven_repo() -> Path:
    """Local Maven repository cache the engine jars are downloaded into."""
    return engine_root() / "m2"


def nxf_home() -> Path:
    """``NXF_HOME`` given to the embedded engine (kept apart from a user's ``~/.nextflow``)."""
    return cache_root() / "nxf-home"


def default_runs_root() -> Path:
    """Parent of run directories when the caller does not choose one."""
    return cache_root() / "runs"


def wrapper_repos_root() -> Path:
    """Parent of the Seqera wrapper-repo clones: ``$PYNF_WRAPPER_CACHE_DIR``, else ``<cache>/wrapper-repos``."""
    env = os.environ.get("PYNF_WRAPPER_CACHE_DIR")
    return Path(env) if env else cache_root() / "wrapper-repos"
