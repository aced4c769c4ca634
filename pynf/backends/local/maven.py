"""Resolve Nextflow's runtime (``io.nextflow:nextflow`` + dependencies) from Maven with jgo.

Maven Central does not hold every ``io.nextflow`` artifact of every release (e.g. 25.04.4 ships
``nextflow``, ``nf-commons`` and ``nf-httpfs`` but ``nf-lang`` only exists as 25.04.0), and it never
held ``io.seqera:lib-trace``.  The resolver therefore plans each version first: a missing
``io.nextflow`` sibling is replaced by the newest available release of the same ``YY.MM`` series not
newer than the requested version, and a missing ``io.seqera`` library is excluded (only Nextflow's
Seqera/Wave HTTP client uses it, never a local run).  The plan is recorded next to the classpath.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pynf.errors import EngineError

__all__ = [
    "CENTRAL",
    "SEQERA_RELEASES",
    "DEFAULT_SERIES",
    "ResolvedEngine",
    "version_key",
    "candidate_versions",
    "resolve_engine",
]

CENTRAL = "https://repo1.maven.org/maven2"
#: Seqera's own Maven repository, where releases after 25.04.5 are published (opt-in).
SEQERA_RELEASES = "https://s3-eu-west-1.amazonaws.com/maven.seqera.io/releases"
#: The release series pynf uses by default.
DEFAULT_SERIES = "25.04"

_VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-(\w+))?$")
_NS = "{http://maven.apache.org/POM/4.0.0}"

_log = logging.getLogger(__name__)


def version_key(version: str) -> tuple[int, int, int, int]:
    """Sort key for Nextflow versions (``25.04.4`` > ``25.04.4-edge``); unknown shapes sort first."""
    m = _VERSION_RE.match(version)
    if not m:
        return (-1, -1, -1, -1)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3)), 0 if m.group(4) else 1)


def _series(version: str) -> str:
    return ".".join(version.split(".")[:2])


@dataclass
class ResolvedEngine:
    """What a resolution produced: jar paths plus how the dependency plan differed from the POM."""

    version: str
    classpath: list[str]
    coordinates: list[str]
    substitutions: dict[str, str] = field(default_factory=dict)
    excluded: list[str] = field(default_factory=list)
    repositories: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    downloaded_bytes: int = 0


def _context(repo_cache: Path, repositories: dict[str, str], progress_cb):
    from jgo.maven import MavenContext
    from jgo.maven._resolver import PythonResolver

    return MavenContext(resolver=PythonResolver(progress_callback=progress_cb), repo_cache=repo_cache,
                        local_repos=[], remote_repos=dict(repositories), timeout=60)


def _has_pom(ctx, group: str, artifact: str, version: str) -> Path | None:
    try:
        return ctx.project(group, artifact).at_version(version).artifact(packaging="pom").resolve()
    except Exception as exc:  # jgo raises RuntimeError for a missing artifact, requests errors otherwise
        if "not found" in str(exc) or "Could not resolve" in str(exc):
            return None
        raise EngineError(f"Could not reach the Maven repositories to fetch {group}:{artifact}:{version}: "
                          f"{exc}") from None


def _versions(ctx, group: str, artifact: str) -> list[str]:
    project = ctx.project(group, artifact)
    project.update()
    return sorted({c.version for c in project.versions()}, key=version_key, reverse=True)


def candidate_versions(repositories: dict[str, str], repo_cache: Path, series: str = DEFAULT_SERIES) -> list[str]:
    """Stable ``io.nextflow:nextflow`` releases of ``series`` listed by the repositories, newest first."""
    ctx = _context(repo_cache, repositories, None)
    found = [v for v in _versions(ctx, "io.nextflow", "nextflow")
             if _series(v) == series and version_key(v)[3] == 1]
    return found


def _direct_deps(pom_path: Path) -> list[tuple[str, str, str, str]]:
    deps = ET.parse(pom_path).getroot().find(f"{_NS}dependencies")
    out = []
    for dep in deps if deps is not None else []:
        g = dep.findtext(f"{_NS}groupId")
        a = dep.findtext(f"{_NS}artifactId")
        if g and a:
            out.append((g, a, dep.findtext(f"{_NS}version") or "", dep.findtext(f"{_NS}scope") or "compile"))
    return out


def _plan(ctx, version: str) -> tuple[dict[str, str], list[str]]:
    """Substitutions (``g:a`` -> version) and exclusions needed for ``version`` in these repositories."""
    pom = _has_pom(ctx, "io.nextflow", "nextflow", version)
    if pom is None:
        raise EngineError(f"io.nextflow:nextflow:{version} is not in the Maven repositories {list(ctx.remote_repos.values())}")
    substitutions: dict[str, str] = {}
    excluded: list[str] = []
    for group, artifact, dep_version, scope in _direct_deps(pom):
        if scope not in ("compile", "runtime") or dep_version.startswith("$"):
            continue
        if _has_pom(ctx, group, artifact, dep_version) is not None:
            continue
        ga = f"{group}:{artifact}"
        if group == "io.nextflow":
            same_series = [v for v in _versions(ctx, group, artifact)
                           if _series(v) == _series(dep_version) and version_key(v) <= version_key(dep_version)
                           and version_key(v)[3] == 1]
            if not same_series:
                raise EngineError(f"{ga}:{dep_version} (needed by Nextflow {version}) is not in the Maven "
                                  f"repositories and no other {_series(dep_version)} release of it is")
            substitutions[ga] = same_series[0]
        elif group == "io.seqera":
            excluded.append(ga)
        else:
            raise EngineError(f"{ga}:{dep_version} (needed by Nextflow {version}) is not in the Maven repositories")
    return substitutions, excluded


class _Downloads:
    """jgo progress callback: a rich bar on a terminal, one line per file otherwise."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bytes = 0
        self._progress = None

    def __enter__(self):
        if self.enabled and sys.stderr.isatty():
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

            self._progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                      TransferSpeedColumn(), transient=True)
            self._progress.__enter__()
        return self

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.__exit__(*exc)

    @contextlib.contextmanager
    def __call__(self, filename: str, total: int) -> Iterator[Callable[[int], None]]:
        if self._progress is not None:
            task = self._progress.add_task(filename, total=total)

            def update(n: int) -> None:
                self.bytes += n
                self._progress.update(task, advance=n)

            yield update
            self._progress.remove_task(task)
            return
        if self.enabled and filename.endswith(".jar"):
            print(f"pynf: downloading {filename} ({total / 1e6:.1f} MB)", file=sys.stderr, flush=True)

        def count(n: int) -> None:
            self.bytes += n

        yield count


def resolve_engine(version: str, repositories: dict[str, str], repo_cache: Path, *,
                   progress: bool = True) -> ResolvedEngine:
    """Resolve and download ``io.nextflow:nextflow:<version>`` and its runtime jars into ``repo_cache``."""
    start = time.monotonic()
    with _Downloads(progress) as downloads:
        ctx = _context(repo_cache, repositories, downloads)
        substitutions, excluded = _plan(ctx, version)
        exclusions = [ctx.project(*ga.split(":")) for ga in [*excluded, *substitutions]]
        top = ctx.create_dependency(f"io.nextflow:nextflow:{version}", exclusions=exclusions)
        top.scope = "compile"
        deps = [top]
        for ga, sub_version in substitutions.items():
            dep = ctx.create_dependency(f"{ga}:{sub_version}")
            dep.scope = "compile"
            deps.append(dep)
        try:
            inputs, transitive = ctx.resolver.resolve(deps)
            chosen = list(inputs) + [d for d in transitive if d.scope in ("compile", "runtime") and not d.optional]
            paths = [str(d.artifact.resolve()) for d in chosen]
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"Resolving Nextflow {version} from {list(repositories.values())} failed: {exc}") from None
    coords = [f"{d.groupId}:{d.artifactId}:{d.version}" for d in chosen]
    return ResolvedEngine(version=version, classpath=paths, coordinates=coords, substitutions=substitutions,
                          excluded=excluded, repositories=dict(repositories),
                          seconds=round(time.monotonic() - start, 2), downloaded_bytes=downloads.bytes)
