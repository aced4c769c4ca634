"""The embedded Nextflow engine: install/locate its runtime and build commands for its CLI."""

from __future__ import annotations

from pynf.backends.local.installer import EngineInfo, classpath, info, install, installed_versions
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
