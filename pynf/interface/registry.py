"""The registry of verified modules shipped with pynf (``pynf/data/registry.json``).

Built by ``scripts/build_registry.py --corpus DIR`` from Nextflow's own parser (the oracle) and the
stub sweep.  It holds hashes and flags only, keyed by a module's *content hash*:

``module_content_hash(dir)`` is SHA-256 over the files that make a module what it runs as — ``main.nf``,
``meta.yml`` and the files a bundle carries (``environment.yml``, ``templates/**``,
``resources/usr/bin/**``: what ``render.collect_sidecars`` takes) — one line per file with its path in
the module directory, its executable bit and its Git blob id (SHA-1 of ``blob <size>\\0<bytes>``, which
Git trees record).  Tests, snapshots and other repository files are left out, so the same module gets
the same hash from a Git checkout, pynf's cache or a copied directory, and the hashes of every module at
a commit can be read from the tree alone (``tree_content_hashes``), without downloading a file.  Any
change to what runs gives a new hash, which the registry then does not know ("not verified").
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

__all__ = ["REGISTRY_VERSION", "RegistryEntry", "module_content_hash", "tree_content_hashes", "load_registry", "lookup",
           "registry_summary"]

REGISTRY_VERSION = 1
#: Field order of one registry row (the file stores rows as lists to stay small).
FIELDS = ("module", "interface_hash", "nf_lang_agree", "wrapper_v1", "wrapper_v2", "stub", "nfcore_stub_tests")


def _counted(rel: str) -> bool:
    """True for the files the content hash covers (paths relative to the module directory)."""
    return rel in ("main.nf", "meta.yml", "environment.yml") or rel.startswith(("templates/", "resources/usr/bin/"))


def _blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324 - Git's object id


def _digest(files: dict[str, tuple[str, str]]) -> str:
    h = hashlib.sha256()
    for rel, (kind, blob) in sorted(files.items()):
        h.update(f"{rel}\0{kind}\0{blob}\n".encode())
    return "sha256:" + h.hexdigest()


def module_content_hash(directory: str | os.PathLike[str]) -> str:
    """``sha256:<hex>`` of a module directory (or its main.nf): see the module docstring for what it covers."""
    root = Path(directory)
    if root.is_file():
        root = root.parent
    files: dict[str, tuple[str, str]] = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if not _counted(rel):
            continue
        if path.is_symlink():
            files[rel] = ("l", _blob_id(os.readlink(path).encode()))
        elif path.is_file():
            files[rel] = ("x" if os.stat(path).st_mode & stat.S_IXUSR else "f", _blob_id(path.read_bytes()))
    return _digest(files)


def tree_content_hashes(repo: str | os.PathLike[str], sha: str, module_paths: list[str]) -> dict[str, str]:
    """Content hashes of the modules at ``module_paths`` (``modules/org/tool``) in commit ``sha`` of the
    Git repository ``repo``, from its trees only (no blob is read or fetched)."""
    from .._util.git import git

    wanted = sorted(set(module_paths), key=len, reverse=True)  # longest first: nested modules win their files
    files: dict[str, dict[str, tuple[str, str]]] = {p: {} for p in wanted}
    prefix = os.path.commonpath(wanted) if wanted else ""
    out = git("ls-tree", "-r", "--full-tree", sha, "--", prefix or ".", cwd=repo)
    for line in out.splitlines():
        meta, _, path = line.partition("\t")
        mode, kind, blob = meta.split()
        if kind != "blob":
            continue
        owner = next((p for p in wanted if path.startswith(p + "/")), None)
        if owner is None:
            continue
        rel = path[len(owner) + 1:]
        if _counted(rel):
            files[owner][rel] = ({"100755": "x", "120000": "l"}.get(mode, "f"), blob)
    return {p: _digest(f) for p, f in files.items() if "main.nf" in f}


@dataclass(frozen=True)
class RegistryEntry:
    """What the registry knows of one exact module.

    ``stub`` is None when the module was not stub-run (no stub block, several processes, or the build
    did not reach it); such a module is not counted as verified.  ``nfcore_stub_tests`` is True when
    nf-core's own stub tests of the module, run through pynf, gave their snapshots' output names and meta
    maps (``benchmarks/nfcore_stub_snapshots.py``), False when one did not, None when none was run (rows of
    registries built before the field have six fields and read as None).
    """

    content_hash: str
    module: str
    interface_hash: str
    nf_lang_agree: bool
    wrapper_v1: bool
    wrapper_v2: bool
    stub: bool | None
    nfcore_stub_tests: bool | None = None

    @property
    def verified(self) -> bool:
        """True when Nextflow's parser agrees, both loaders accept the wrapper and the stub run passed."""
        return bool(self.nf_lang_agree and self.wrapper_v1 and self.wrapper_v2 and self.stub)

    def summary(self) -> str:
        """One line: ``verified as samtools/sort (nf-lang ok, wrapper v1 ok, v2 ok, stub-run ok)``."""
        def mark(flag: bool | None) -> str:
            return "-" if flag is None else ("ok" if flag else "FAILED")
        state = "verified" if self.verified else "checked, with failures"
        line = (f"{state} as {self.module} (nf-lang {mark(self.nf_lang_agree)}, wrapper v1 {mark(self.wrapper_v1)}, "
                f"v2 {mark(self.wrapper_v2)}, stub-run {mark(self.stub)})")
        return line + (f"; {self.nfcore_line()}" if self.nfcore_stub_tests is not None else "")

    def nfcore_line(self) -> str:
        """``agrees with nf-core's stub test`` (or disagrees, or was not compared)."""
        if self.nfcore_stub_tests is None:
            return "not compared with nf-core's stub test"
        return "agrees with nf-core's stub test" if self.nfcore_stub_tests else "disagrees with nf-core's stub test"


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
    if not isinstance(row, list) or len(row) not in (len(FIELDS) - 1, len(FIELDS)):
        return None
    return RegistryEntry(key, *row)
