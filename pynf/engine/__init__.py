"""The embedded Nextflow engine: install/locate its runtime and build commands for its CLI."""

from __future__ import annotations

from .installer import EngineInfo, classpath, info, install, installed_versions
from .java import JavaInfo, java_check
from .launch import JVM_OPTIONS, java_cmd, java_cmd_for_cli, nextflow_env

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
