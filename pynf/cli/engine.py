"""``pynf engine install|info|classpath|archive``: manage the embedded Nextflow runtime."""

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
    from pynf.backends.local.engine import install

    eng = install(version, progress=not quiet, repositories=list(repo), seqera=seqera_repo, force=force)
    click.echo(f"Nextflow {eng.version} ({eng.source}): {eng.location}")


@engine.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info_command(as_json: bool) -> None:
    """Show the engine pynf uses (installing it on first use)."""
    from pynf.backends.local.engine import info

    eng = info()
    if as_json:
        click.echo(json.dumps(eng.to_dict(), indent=2))
        return
    click.echo(f"version:  {eng.version}\nsource:   {eng.source}\nlocation: {eng.location}\n"
               f"jars:     {len(eng.classpath)}\narchive:  {_archive_state(eng)}")
    for ga, v in eng.substitutions.items():
        click.echo(f"substituted: {ga} -> {v} (not published for this version)")
    for ga in eng.excluded:
        click.echo(f"excluded: {ga} (not published; unused by local runs)")


@engine.command("classpath")
def classpath_command() -> None:
    """Print the engine's Java classpath."""
    from pynf.backends.local.engine import classpath

    click.echo(os.pathsep.join(classpath()))


@engine.command("archive")
@click.option("--force", is_flag=True, help="Build again even if one exists.")
@click.option("--quiet", is_flag=True, help="No progress.")
@click.option("--background", is_flag=True, hidden=True)  # low priority, started by a JVM that found none
def archive_command(force: bool, quiet: bool, background: bool) -> None:
    """Build the engine's class-data archive (faster JVM starts)."""
    from pynf.backends.local import cds
    from pynf.errors import EngineError

    if background:
        os.nice(10)
    if not cds.enabled():
        raise EngineError("class-data archives are turned off (PYNF_CDS)")
    path = cds.build(force=force, progress=not (quiet or background), wait=not background)
    if path is None:
        if background:
            raise SystemExit(1)
        raise EngineError("no class-data archive was built (see the log above)")
    if not (quiet or background):
        click.echo(str(path))


def _archive_state(eng) -> str:
    from pynf.backends.local import cds
    from pynf.errors import PynfError

    if not cds.enabled():
        return "off (PYNF_CDS)"
    try:
        path = cds.usable_archive(eng)
    except PynfError:
        path = None
    return str(path) if path else "none yet (built by `install`, or in the background at the first JVM start)"
