"""The embedded Nextflow engine: install/locate its runtime and build commands for its CLI."""

from __future__ import annotations

from pynf.backends.local import cds, installer
from pynf.backends.local.installer import EngineInfo, classpath, info, installed_versions
from pynf.backends.local.java import JavaInfo, java_check
from pynf.backends.local.launch import JVM_OPTIONS, java_cmd, java_cmd_for_cli, nextflow_env

__all__ = [
    "EngineInfo",
    "JavaInfo",
    "JVM_OPTIONS",
    "classpath",
    "info",
    "install",
    "installed_versions",
    "java_check",
    "java_cmd",
    "java_cmd_for_cli",
    "nextflow_env",
]


def install(version: str | None = None, progress: bool = True, *, repositories: list[str] | None = None,
            seqera: bool = False, force: bool = False, archive: bool = True) -> EngineInfo:
    """Resolve Nextflow ``version`` (default: newest 25.04.x on Central) into pynf's cache and return it.

    Already-installed versions return at once without network unless ``force``. ``archive``: also
    build the engine's class-data archive when missing (:mod:`pynf.backends.local.cds`; a failure is only logged).
    """
    rec = installer.install(version, progress, repositories=repositories, seqera=seqera, force=force)
    if archive and cds.enabled():
        cds.build(rec, progress=progress)
    return rec
