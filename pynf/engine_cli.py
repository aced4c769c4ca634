"""``pynf engine install|info|classpath``: manage the embedded Nextflow runtime."""

from __future__ import annotations

import json
import os

import click

__all__ = ["engine"]


@click.group("engine")
def engine() -> None:
    """Install and inspect the embedded Nextflow engine (resolved from Maven Central)."""


@engine.command("install")
@click.option("--version", "version", help="Nextflow version (default: newest 25.04.x on Maven Central).")
@click.option("--repo", multiple=True, help="Extra Maven repository URL (repeatable).")
@click.option("--seqera-repo", is_flag=True, help="Also use Seqera's Maven repository (newer versions).")
@click.option("--force", is_flag=True, help="Resolve again even if already installed.")
@click.option("--quiet", is_flag=True, help="No download progress.")
def install_command(version: str | None, repo: tuple[str, ...], seqera_repo: bool, force: bool, quiet: bool) -> None:
    """Resolve Nextflow and its runtime dependencies into pynf's cache."""
    from .engine import install

    eng = install(version, progress=not quiet, repositories=list(repo), seqera=seqera_repo, force=force)
    click.echo(f"Nextflow {eng.version} ({eng.source}): {eng.location}")


@engine.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info_command(as_json: bool) -> None:
    """Show the engine pynf uses (installing it on first use)."""
    from .engine import info

    eng = info()
    if as_json:
        click.echo(json.dumps(eng.to_dict(), indent=2))
        return
    click.echo(f"version:  {eng.version}\nsource:   {eng.source}\nlocation: {eng.location}\njars:     {len(eng.classpath)}")
    for ga, v in eng.substitutions.items():
        click.echo(f"substituted: {ga} -> {v} (not published for this version)")
    for ga in eng.excluded:
        click.echo(f"excluded: {ga} (not published; unused by local runs)")


@engine.command("classpath")
def classpath_command() -> None:
    """Print the engine's Java classpath."""
    from .engine import classpath

    click.echo(os.pathsep.join(classpath()))
