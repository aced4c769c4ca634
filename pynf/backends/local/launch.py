"""Command lines and environment for running Nextflow's own CLI on pynf's engine classpath."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from pynf._util import paths as _paths
from pynf.backends.local.installer import classpath
from pynf.backends.local.java import java_check

__all__ = ["JVM_OPTIONS", "EMBEDDED_JVM_OPTIONS", "nextflow_env", "java_cmd_for_cli", "java_cmd"]

#: JVM options Nextflow's launcher passes on Java 17+ (module access its libraries need).
JVM_OPTIONS: tuple[str, ...] = tuple(
    f"--add-opens=java.base/{pkg}=ALL-UNNAMED"
    for pkg in ("java.lang", "java.io", "java.nio", "java.net", "java.util", "java.util.concurrent.locks",
                "java.util.concurrent.atomic", "java.nio.file.spi", "sun.nio.ch", "sun.nio.fs",
                "sun.net.www.protocol.http", "sun.net.www.protocol.https", "sun.net.www.protocol.ftp",
                "sun.net.www.protocol.file", "jdk.internal.misc", "jdk.internal.vm", "java.util.regex")
) + ("-Djava.awt.headless=true",)

#: Options of pynf's embedded JVM only (the CLI keeps Nextflow's own launch options above).
#: ``-XX:TieredStopAtLevel=1`` (C1 only): a run mostly executes fresh per-run Groovy classes and
#: Nextflow's start-up code, so C2 burns CPU on code that runs a few times. Measured on 2 cores
#: (load ~5): a cold run needs half the CPU time (wall 8.9 s vs 18.3 s), and 40 back-to-back runs in
#: one JVM are faster too (median 0.76-0.88 s vs 1.27-1.30 s). ``PYNF_JVM_OPTIONS=-XX:TieredStopAtLevel=4``
#: restores C2 (for ``exec:`` processes doing heavy work inside the JVM).
EMBEDDED_JVM_OPTIONS: tuple[str, ...] = ("-Xss4m", "-XX:TieredStopAtLevel=1")


def nextflow_env(base: Mapping[str, str] | None = None, *, offline: bool = True,
                 keep_tower_token: bool = False) -> dict[str, str]:
    """Environment for a Nextflow JVM: ``NXF_HOME`` in pynf's cache, offline, no default plugins.

    ``TOWER_ACCESS_TOKEN`` is dropped unless ``keep_tower_token`` (its presence makes Nextflow add the
    nf-tower plugin, which needs a download).
    """
    env = dict(os.environ if base is None else base)
    home = _paths.nxf_home()
    home.mkdir(parents=True, exist_ok=True)
    env["NXF_HOME"] = str(home)
    if env.get("NXF_CACHE_DIR") == str(home / "default-cache"):
        # the embedded engine's own fallback (set in this process once its JVM started): a Nextflow command keeps
        # its cache in its launch dir, as Nextflow does; shared, two commands at once fight over its history lock
        del env["NXF_CACHE_DIR"]
    env["NXF_PLUGINS_DEFAULT"] = "false"
    if offline:
        env["NXF_OFFLINE"] = "true"
    if not keep_tower_token:
        env.pop("TOWER_ACCESS_TOKEN", None)
    env.setdefault("NXF_ANSI_LOG", "false")
    return env


def java_cmd(main_class: str = "nextflow.cli.Launcher", args: Sequence[str] = ()) -> list[str]:
    """``java <opts> -cp <engine classpath> <main_class> <args>``."""
    java = java_check()
    return [java.executable, *JVM_OPTIONS, "-cp", os.pathsep.join(classpath()), main_class, *args]


def java_cmd_for_cli(bundle_dir: str | os.PathLike[str], extra_args: Sequence[str] = (), *,
                     params_file: str = "params.json") -> list[str]:
    """Command running ``<bundle_dir>/main.nf`` with Nextflow's CLI (``run main.nf -params-file ...``).

    The bundle's ``nextflow.config`` is picked up by Nextflow itself (it sits beside ``main.nf``).
    Run it with ``env=nextflow_env()`` and a ``cwd`` of your choice (``work/`` and ``.nextflow/`` go there).
    """
    bundle = Path(bundle_dir).absolute()
    args = ["run", str(bundle / "main.nf")]
    if (bundle / params_file).exists():
        args += ["-params-file", str(bundle / params_file)]
    return java_cmd("nextflow.cli.Launcher", [*args, *extra_args])
