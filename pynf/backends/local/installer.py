"""Install and locate the Nextflow engine: a resolved Maven classpath, a fat jar, or a Nextflow install.

Which engine is used (first match wins, no network unless the last step is reached):

1. ``$PYNF_NEXTFLOW_JAR`` — a Nextflow fat jar (``nextflow-<ver>-one.jar``).
2. ``$PYNF_NEXTFLOW_VERSION`` — that version from pynf's cache (resolved on first use).
3. The newest engine already installed in pynf's cache (``pynf.backends.local.engine.install``).
4. An existing Nextflow install's ``~/.nextflow/framework/<ver>/nextflow-<ver>-one.jar`` (25.04+).
5. Otherwise the newest 25.04.x release that resolves from Maven Central is installed now.

Extra Maven repositories (e.g. Seqera's, where newer releases live) are opt-in: ``install(seqera=True)``,
``install(repositories=[url, ...])`` or ``$PYNF_MAVEN_REPOS`` (comma-separated URLs).
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pynf.errors import EngineError
from pynf._util import paths as _paths
from pynf._util.files import atomic_write_json
from pynf._util.locks import file_lock
from pynf.backends.local.java import java_check
from pynf.backends.local.maven import CENTRAL, DEFAULT_SERIES, SEQERA_RELEASES, candidate_versions, resolve_engine, version_key

__all__ = ["EngineInfo", "install", "info", "classpath", "installed_versions", "RECORD_NAME", "MIN_VERSION"]

#: File (inside ``<cache>/engine/<version>/``) that records a resolved classpath.
RECORD_NAME = "classpath.json"
#: Oldest Nextflow release the local backend drives (it needs TraceObserverV2, new in 25.04).
MIN_VERSION = "25.04.0"

# The user's own NXF_HOME, captured before the local backend points NXF_HOME at pynf's cache.
_USER_NXF_HOME = os.environ.get("NXF_HOME")
_LOCK = threading.Lock()
_CURRENT: EngineInfo | None = None


@dataclass(frozen=True)
class EngineInfo:
    """The engine in use: Nextflow version, where it came from, its jars and how they were resolved."""

    version: str
    source: str  # "maven" | "jar" | "framework"
    classpath: tuple[str, ...]
    location: str  # record file or jar path
    coordinates: tuple[str, ...] = ()
    substitutions: dict[str, str] = field(default_factory=dict)
    excluded: tuple[str, ...] = ()
    repositories: dict[str, str] = field(default_factory=dict)
    install_seconds: float | None = None

    def to_dict(self) -> dict:
        """JSON-ready view (``pynf engine info --json``)."""
        data = asdict(self)
        data["classpath"] = list(self.classpath)
        data["coordinates"] = list(self.coordinates)
        data["excluded"] = list(self.excluded)
        return data


def _repositories(repositories: list[str] | None, seqera: bool) -> dict[str, str]:
    repos = {"central": CENTRAL}
    extra = list(repositories or [])
    extra += [u.strip() for u in os.environ.get("PYNF_MAVEN_REPOS", "").split(",") if u.strip()]
    if seqera:
        extra.append(SEQERA_RELEASES)
    for i, url in enumerate(extra):
        if not re.match(r"^(https?|file)://", url):
            raise EngineError(f"Not a Maven repository URL: {url!r} (expected http(s):// or file://)")
        repos["seqera" if url == SEQERA_RELEASES else f"extra{i}"] = url.rstrip("/")
    return repos


def _record_path(version: str) -> Path:
    return _paths.engine_root() / version / RECORD_NAME


def _load_record(path: Path) -> EngineInfo | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    cp = tuple(data.get("classpath") or ())
    if not cp or not all(os.path.exists(p) for p in cp):
        return None
    return EngineInfo(version=data["version"], source="maven", classpath=cp, location=str(path),
                      coordinates=tuple(data.get("coordinates", ())), substitutions=data.get("substitutions", {}),
                      excluded=tuple(data.get("excluded", ())), repositories=data.get("repositories", {}),
                      install_seconds=data.get("seconds"))


def installed_versions() -> list[str]:
    """Versions with a complete classpath in pynf's cache, newest first."""
    root = _paths.engine_root()
    if not root.is_dir():
        return []
    found = [p.parent.name for p in root.glob(f"*/{RECORD_NAME}") if _load_record(p) is not None]
    return sorted(found, key=version_key, reverse=True)


def _install_lock():
    return file_lock(_paths.engine_root() / "install.lock")


def _write_record(resolved) -> Path:
    return atomic_write_json(_record_path(resolved.version), asdict(resolved))


def install(version: str | None = None, progress: bool = True, *, repositories: list[str] | None = None,
            seqera: bool = False, force: bool = False) -> EngineInfo:
    """Resolve Nextflow ``version`` (default: newest 25.04.x on Central) into pynf's cache and return it.

    Already-installed versions return at once without network unless ``force``. (The class-data archive
    is built by :func:`pynf.backends.local.engine.install`, which calls this.)
    """
    return _install(version, progress, repositories=repositories, seqera=seqera, force=force)


def _install(version: str | None, progress: bool, *, repositories: list[str] | None, seqera: bool,
             force: bool) -> EngineInfo:
    global _CURRENT
    with _LOCK, _install_lock():
        if not force:
            wanted = [version] if version else installed_versions()
            for v in wanted:
                rec = _load_record(_record_path(v))
                if rec is not None:
                    return rec
        repos = _repositories(repositories, seqera)
        repo_cache = _paths.maven_repo()
        if version:
            candidates = [version]
        else:
            candidates = candidate_versions(repos, repo_cache, DEFAULT_SERIES)
            if not candidates:
                raise EngineError(f"No Nextflow {DEFAULT_SERIES}.x release is listed by {list(repos.values())}")
        errors = []
        for v in candidates:
            if version_key(v) < version_key(MIN_VERSION):
                errors.append(f"{v}: older than {MIN_VERSION}")
                continue
            if progress:
                print(f"pynf: installing Nextflow {v} from {', '.join(repos.values())} ...", file=sys.stderr, flush=True)
            try:
                resolved = resolve_engine(v, repos, repo_cache, progress=progress)
            except EngineError as exc:
                errors.append(f"{v}: {exc}")
                continue
            path = _write_record(resolved)
            if progress:
                print(f"pynf: Nextflow {v} installed ({len(resolved.classpath)} jars, "
                      f"{resolved.downloaded_bytes / 1e6:.1f} MB downloaded, {resolved.seconds:.1f} s)",
                      file=sys.stderr, flush=True)
            rec = _load_record(path)
            assert rec is not None
            _CURRENT = None
            return rec
        raise EngineError("Could not install Nextflow: " + "; ".join(errors))


def _framework_jar() -> EngineInfo | None:
    homes = [Path.home() / ".nextflow"]
    if _USER_NXF_HOME:
        homes.insert(0, Path(_USER_NXF_HOME))
    best: tuple[str, Path] | None = None
    for home in homes:
        for jar in (home / "framework").glob("*/nextflow-*-one.jar"):
            ver = jar.parent.name
            if version_key(ver) >= version_key(MIN_VERSION) and (best is None or version_key(ver) > version_key(best[0])):
                best = (ver, jar)
    if best is None:
        return None
    return EngineInfo(version=best[0], source="framework", classpath=(str(best[1]),), location=str(best[1]))


def _jar_version(jar: Path) -> str:
    m = re.search(r"nextflow-(\d+\.\d+\.\d+(?:-edge)?)", jar.name)
    return m.group(1) if m else "unknown"


def _select() -> EngineInfo:
    jar = os.environ.get("PYNF_NEXTFLOW_JAR")
    if jar:
        path = Path(jar).expanduser()
        if not path.is_file():
            raise EngineError(f"PYNF_NEXTFLOW_JAR points to {path}, which is not a file")
        return EngineInfo(version=_jar_version(path), source="jar", classpath=(str(path.absolute()),),
                          location=str(path.absolute()))
    pinned = os.environ.get("PYNF_NEXTFLOW_VERSION")
    if pinned:
        return install(pinned)  # no archive here: the first JVM start builds it in the background
    for v in installed_versions():
        rec = _load_record(_record_path(v))
        if rec is not None:
            return rec
    fw = _framework_jar()
    if fw is not None:
        return fw
    return install()


def info() -> EngineInfo:
    """The engine pynf will use, resolving (and installing on first use) as described in the module doc."""
    global _CURRENT
    if _CURRENT is None:
        java_check()
        _CURRENT = _select()
    return _CURRENT


def classpath() -> list[str]:
    """Jar paths of the engine in use (see :func:`info`)."""
    return list(info().classpath)
