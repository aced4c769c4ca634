"""Module sources: resolve nf-core-style module IDs from Git (pinned in ``pynf.lock``, cached) or local paths."""

from __future__ import annotations

from pynf.sources.cache import modules_root as cache_root
from pynf._util.git import STATS as GIT_STATS
from pynf.sources.ids import DEFAULT_BRANCH, DEFAULT_REMOTE, ModuleId, is_local_module, parse_module_id
from pynf.sources.lock import LOCK_NAME, LockEntry, LockFile
from pynf.sources.checkout import LockUpdate, ModuleRef, ResolvedModule, list_modules, resolve, update

__all__ = [
    "DEFAULT_BRANCH",
    "DEFAULT_REMOTE",
    "GIT_STATS",
    "LOCK_NAME",
    "LockEntry",
    "LockFile",
    "LockUpdate",
    "ModuleId",
    "ModuleRef",
    "ResolvedModule",
    "cache_root",
    "is_local_module",
    "list_modules",
    "parse_module_id",
    "resolve",
    "update",
]
