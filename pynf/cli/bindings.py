"""``pynf bindings ID|PATH... --out DIR [--package NAME]``: write a package of typed Python bindings."""

from __future__ import annotations

import click

from pynf.cli.options import DIRECTORY, source_options

__all__ = ["bindings_command"]


@click.command("bindings")
@click.argument("modules", nargs=-1, metavar="ID|PATH...")
@click.option("--out", "out", required=True, type=DIRECTORY, help="Directory the package is written into.")
@click.option("--package", default="nfbindings", show_default=True, help="Name of the Python package.")
@click.option("--root", default=None, type=DIRECTORY,
              help="Name local modules by their folder below ROOT (bwa/mem -> bwa.mem); default: the folder's name.")
@source_options
def bindings_command(modules: tuple[str, ...], out: str, package: str, root: str | None, remote: str | None, branch: str | None,
                     sha: str | None, offline: bool | None) -> None:
    """Write a typed Python package with one function per module (every module pinned in pynf.lock when no
    module is given). Regenerating shows how each module's interface changed for callers."""
    from pynf.bindings import generate
    from pynf.bindings.adapter import lock_modules

    refs = list(modules) or lock_modules()
    done = generate(refs, out, package=package, root=root, remote=remote, branch=branch, sha=sha, offline=offline)
    for line in done.changes:
        click.echo(line)
    click.echo(f"wrote {len(done.bindings)} binding(s) of {len(refs)} module(s) to {done.directory}")
