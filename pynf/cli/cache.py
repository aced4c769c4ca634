"""``pynf cache info|prune``: what pynf keeps on disk, and removing old run directories."""

from __future__ import annotations

import json

import click

__all__ = ["cache"]


@click.group("cache")
def cache() -> None:
    """Show and prune pynf's cache (engine, module sources, run directories)."""


@cache.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info_command(as_json: bool) -> None:
    """Sizes of the engine, module sources, runs and other cached data."""
    from pynf.housekeeping import cache_areas, human_size, list_runs

    areas = cache_areas()
    runs = list_runs()
    if as_json:
        click.echo(json.dumps({"areas": {a.name: {"path": str(a.path), "bytes": a.size} for a in areas},
                               "runs": len(runs)}, indent=2))
        return
    for a in areas:
        extra = f"  ({len(runs)} run directories)" if a.name == "runs" else ""
        click.echo(f"{a.name:<14} {human_size(a.size):>10}  {a.path}{extra}")
    click.echo(f"{'total':<14} {human_size(sum(a.size for a in areas)):>10}")


@cache.command("prune")
@click.option("--runs-older-than", "older_than", metavar="AGE", default=None,
              help="Delete run directories not touched for AGE (e.g. 7d, 12h, 30m, 2w).")
@click.option("--keep", type=int, default=None, metavar="N", help="Keep the N newest run directories.")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
def prune_command(older_than: str | None, keep: int | None, dry_run: bool) -> None:
    """Delete old run directories under the cache (runs given --run-dir are never touched).

    Without options, runs older than 7 days go."""
    from pynf.housekeeping import human_size, parse_age, prune_runs

    if older_than is None and keep is None:
        older_than = "7d"
    doomed = prune_runs(older_than=parse_age(older_than) if older_than else None, keep=keep, dry_run=dry_run)
    for run in doomed:
        click.echo(f"{'would delete' if dry_run else 'deleted'} {run.path} ({human_size(run.size)})")
    verb = "would free" if dry_run else "freed"
    click.echo(f"{len(doomed)} run director{'y' if len(doomed) == 1 else 'ies'}; {verb} "
               f"{human_size(sum(r.size for r in doomed))}", err=True)
