"""Find a Java runtime (>= 17) for the engine and report clearly when there is none."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pynf.errors import JavaNotFound

__all__ = ["JavaInfo", "MIN_JAVA", "java_check", "find_java"]

#: Oldest Java major version Nextflow 24.10+/25.04 runs on.
MIN_JAVA = 17

_VERSION_RE = re.compile(r'version "([^"]+)"')


@dataclass(frozen=True)
class JavaInfo:
    """A Java installation: its ``java`` binary, home, major version and ``libjvm`` path."""

    executable: str
    home: str
    version: str
    major: int
    libjvm: str | None


def _candidate() -> tuple[str | None, str]:
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        exe = Path(java_home) / "bin" / "java"
        if exe.exists():
            return str(exe), f"JAVA_HOME={java_home}"
        return None, f"JAVA_HOME={java_home} (no bin/java there)"
    exe = shutil.which("java")
    return exe, "java on PATH" if exe else "no JAVA_HOME and no java on PATH"


def _major(version: str) -> int:
    parts = version.split(".")
    if parts[0] == "1" and len(parts) > 1:  # 1.8.0_292 style
        return int(parts[1])
    return int(re.match(r"\d+", parts[0]).group(0))  # type: ignore[union-attr]


def _libjvm(home: Path) -> str | None:
    for rel in ("lib/server/libjvm.so", "lib/server/libjvm.dylib", "jre/lib/amd64/server/libjvm.so",
                "bin/server/jvm.dll", "lib/libjli.dylib"):
        cand = home / rel
        if cand.exists():
            return str(cand)
    return None


_RELEASE_RE = re.compile(r'^JAVA_VERSION="([^"]+)"', re.MULTILINE)


def _release_version(home: Path) -> str | None:
    """The version a JDK (9+) records in ``<home>/release``; reading it spares starting a JVM."""
    try:
        match = _RELEASE_RE.search((home / "release").read_text(errors="replace"))
    except OSError:
        return None
    return match.group(1) if match else None


_CACHE: JavaInfo | None = None


def find_java() -> JavaInfo:
    """Locate ``java`` (``$JAVA_HOME`` first, then ``PATH``) and read its version (from the JDK's
    ``release`` file, else from ``java -version``); no minimum check."""
    global _CACHE
    if _CACHE is not None:
        return _CACHE
    exe, where = _candidate()
    if exe is None:
        raise JavaNotFound(f"Java {MIN_JAVA} or newer is required but none was found ({where}). "
                           "Install a JDK (e.g. `apt-get install openjdk-17-jre-headless`) or set JAVA_HOME.")
    home = Path(os.path.realpath(exe)).parent.parent
    version = _release_version(home) or _version_from_running(exe, where)
    _CACHE = JavaInfo(executable=exe, home=str(home), version=version, major=_major(version),
                      libjvm=_libjvm(home))
    return _CACHE


def _version_from_running(exe: str, where: str) -> str:
    try:
        proc = subprocess.run([exe, "-version"], capture_output=True, text=True, timeout=60)
    except OSError as exc:
        raise JavaNotFound(f"Could not run {exe} ({where}): {exc}") from None
    match = _VERSION_RE.search(proc.stderr + proc.stdout)
    if not match:
        raise JavaNotFound(f"Could not read the version of {exe} ({where}); it printed: "
                           f"{(proc.stderr or proc.stdout).strip()[:200]!r}")
    return match.group(1)


def java_check() -> JavaInfo:
    """Return the Java to use, raising :class:`JavaNotFound` (naming what was found) when older than 17."""
    info = find_java()
    if info.major < MIN_JAVA:
        raise JavaNotFound(f"Java {MIN_JAVA} or newer is required, but {info.executable} is Java {info.version}. "
                           "Install a newer JDK or point JAVA_HOME at one.")
    return info
