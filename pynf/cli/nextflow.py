"""``pynf nextflow ARGS...``: Nextflow's own command line on pynf's embedded engine (no Nextflow install needed)."""

from __future__ import annotations

import os
import shlex
import subprocess

import click

__all__ = ["nextflow_command", "nextflow_cli_cmd"]


def nextflow_cli_cmd(args: tuple[str, ...] | list[str]) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that run Nextflow's CLI with ``args`` on the engine pynf uses:
    the same classpath, JVM options (plus ``PYNF_JVM_OPTIONS``) and ``NXF_HOME`` as pynf's runs.
    Offline like pynf's own runs unless ``NXF_OFFLINE=false`` is set."""
    from pynf.backends.local.launch import java_cmd, nextflow_env

    cmd = java_cmd("nextflow.cli.Launcher", list(args))
    extra = shlex.split(os.environ.get("PYNF_JVM_OPTIONS", ""))
    if extra:
        cmd[1:1] = extra
    offline = os.environ.get("NXF_OFFLINE", "true").strip().lower() != "false"
    return cmd, nextflow_env(offline=offline)


@click.command("nextflow", add_help_option=False,
               context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def nextflow_command(ctx: click.Context, args: tuple[str, ...]) -> None:
    """Run Nextflow's own CLI on the embedded engine, e.g. `pynf nextflow run DIR/main.nf -params-file
    DIR/params.json` for an exported bundle (all ARGS go to Nextflow; `pynf nextflow -h` is its help)."""
    cmd, env = nextflow_cli_cmd(args)
    try:
        code = subprocess.run(cmd, env=env).returncode
    except KeyboardInterrupt:  # Nextflow got the same SIGINT and stops on its own
        code = 130
    ctx.exit(code)
