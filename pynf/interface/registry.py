"""The registry of verified modules shipped with pynf (``pynf/data/registry.json``).

Built by ``scripts/build_registry.py --corpus DIR`` from Nextflow's own parser (the oracle) and the
stub sweep.  It holds hashes and flags only, keyed by a module's *content hash*:

``module_content_hash(dir)`` is SHA-256 over the files that make a module what it runs as — ``main.nf``,
``meta.yml`` and the files a bundle carries (``environment.yml``, ``templates/**``,
``resources/usr/bin/*``; see ``render.collect_sidecars``) — each as relative path, executable bit and
bytes.  Tests, snapshots and other repository files are left out, so the same module gets the same
hash whether it comes from a Git checkout, pynf's cache or a copied directory; any change to what
runs gives a new hash, which the registry then does not know ("not verified").
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["REGISTRY_VERSION", "RegistryEntry", "module_content_hash", "load_registry", "lookup", "registry_summary"]

REGISTRY_VERSION = 1
#: Field order of one registry row (the file stores rows as lists to stay small).
FIELDS = ("module", "interface_hash", "nf_lang_agree", "wrapper_v1", "wrapper_v2", "stub")


def _module_files(root: Path) -> dict[str, tuple[bool, bytes]]:
    from ..render.renderer import collect_sidecars

    files: dict[str, tuple[bool, bytes]] = {}
    for name in ("main.nf", "meta.yml"):
        path = root / name
        if path.is_file():
            files[name] = (bool(os.stat(path).st_mode & stat.S_IXUSR), path.read_bytes())
    sidecars, executables = collect_sidecars(root)
    for rel, data in sidecars:
        files[rel] = (rel in executables, data)
    return files


def module_content_hash(directory: str | os.PathLike[str]) -> str:
    """``sha256:<hex>`` of a module directory's main.nf, meta.yml and bundle files (see module docstring)."""
    root = Path(directory)
    if root.is_file():
        root = root.parent
    h = hashlib.sha256()
    for rel, (executable, data) in sorted(_module_files(root).items()):
        h.update(rel.encode() + b"\0" + (b"x" if executable else b"f") + b"\0" + hashlib.sha256(data).digest())
    return "sha256:" + h.hexdigest()


@dataclass(frozen=True)
class RegistryEntry:
    """What the registry knows of one exact module.

    ``stub`` is None when the module has no stub block (or several processes), so it was not stub-run.
    """

    content_hash: str
    module: str
    interface_hash: str
    nf_lang_agree: bool
    wrapper_v1: bool
    wrapper_v2: bool
    stub: bool | None

    @property
    def verified(self) -> bool:
        """True when Nextflow's parser agrees, both loaders accept the wrapper and the stub run (if any) passed."""
        return self.nf_lang_agree and self.wrapper_v1 and self.wrapper_v2 and self.stub is not False

    def summary(self) -> str:
        """One line: ``verified (nf-lang ✓, v1 ✓, v2 ✓, stub ✓)``."""
        def mark(flag: bool | None) -> str:
            return "-" if flag is None else ("ok" if flag else "FAILED")
        state = "verified" if self.verified else "checked, with failures"
        return (f"{state} as {self.module} (nf-lang {mark(self.nf_lang_agree)}, wrapper v1 {mark(self.wrapper_v1)}, "
                f"v2 {mark(self.wrapper_v2)}, stub-run {mark(self.stub)})")


def _default_path() -> Any:
    return resources.files("pynf").joinpath("data", "registry.json")


@lru_cache(maxsize=4)
def _load(path: str | None, stamp: tuple[int, int] | None) -> dict[str, Any]:
    source = Path(path) if path is not None else _default_path()
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {"version": REGISTRY_VERSION, "modules": {}}
    if not isinstance(data, dict) or data.get("version") != REGISTRY_VERSION or not isinstance(data.get("modules"), dict):
        return {"version": REGISTRY_VERSION, "modules": {}}
    return data


def load_registry(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The registry document (an empty one when the file is absent or not a registry); reread when it changes."""
    try:
        st = os.stat(path if path is not None else str(_default_path()))
        stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
    except (OSError, TypeError):
        stamp = None
    return _load(None if path is None else str(path), stamp)


def registry_summary(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The figures the build measured (``modules``, ``nf_lang_agree``, ``wrapper_v1`` …)."""
    return dict(load_registry(path).get("summary") or {})


def lookup(module: str | os.PathLike[str], *, registry: str | os.PathLike[str] | None = None) -> RegistryEntry | None:
    """The registry entry for this exact module (a directory, or a ``sha256:`` content hash); None if unknown."""
    key = str(module)
    if not key.startswith("sha256:"):
        key = module_content_hash(module)
    row = load_registry(registry)["modules"].get(key)
    if not isinstance(row, list) or len(row) != len(FIELDS):
        return None
    return RegistryEntry(key, *row)
