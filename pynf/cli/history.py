"""``pynf runs`` (local history): ``pynf runs [list]`` lists local runs, ``pynf runs show RUN [--open]`` one run."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pynf._util.history import find_run, history_dir, list_runs
from pynf.errors import InputError

__all__ = ["list_cmd", "show_cmd", "print_runs", "execution_report"]

_COLUMNS = ("run_name", "kind", "name", "status", "start", "duration", "outdir", "run_dir")


def _duration(seconds) -> str:
    if not isinstance(seconds, (int, float)):
        return "-"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{seconds:.1f}s"


def print_runs(limit: int | None, as_json: bool) -> None:
    """List local runs, newest first (a table, or JSON records)."""
    runs = list_runs(limit)
    if as_json:
        click.echo(json.dumps(runs, indent=2))
        return
    if not runs:
        click.echo(f"no local runs recorded yet (records are kept in {history_dir()})")
        return
    for r in runs:
        click.echo(f"{r['run_name']}  {r['kind']:<8}  {r['status']:<11}  {r['start']}  {_duration(r['duration']):>7}  "
                   f"{r['name']}")
        click.echo(f"    outdir {r['outdir']}  run dir {r['run_dir']}")


def execution_report(record: dict) -> Path | None:
    """The run's HTML execution report in ``outdir/pipeline_info/``: the one named by the run's stamp, else the
    newest ``execution_report*.html`` there; None when there is none."""
    folder = Path(record["outdir"]) / "pipeline_info"
    stamp = record.get("report_stamp")
    if stamp:
        mine = folder / f"execution_report_{stamp}.html"
        return mine if mine.is_file() else None
    found = sorted(folder.glob("execution_report*.html"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


@click.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Show at most N runs.")
@click.option("--json", "as_json", is_flag=True, help="Print the run records as JSON.")
def list_cmd(limit: int, as_json: bool) -> None:
    """List local runs (module or workflow, status, start, duration, outdir, run dir), newest first."""
    print_runs(limit, as_json)


@click.command("show")
@click.argument("run")
@click.option("--json", "as_json", is_flag=True, help="Print the run's record as JSON.")
@click.option("--open", "open_report", is_flag=True, help="Open the run's execution report in a browser.")
def show_cmd(run: str, as_json: bool, open_report: bool) -> None:
    """Show one local run (its name, a prefix of it, or `last`); `--open` opens its execution report."""
    hits = find_run(run)
    if not hits:
        raise InputError(f"no local run named {run!r}; `pynf runs` lists them", input="RUN")
    if len(hits) > 1:
        names = ", ".join(r["run_name"] for r in hits[:5])
        raise InputError(f"{run!r} matches {len(hits)} runs ({names}); give more of the name", input="RUN")
    record = hits[0]
    report = execution_report(record)
    if open_report:
        if report is None:
            raise InputError(f"run {record['run_name']} has no execution report: no "
                             f"{Path(record['outdir']) / 'pipeline_info' / 'execution_report*.html'}", input="RUN")
        click.launch(str(report))
    if as_json:
        click.echo(json.dumps({**record, "execution_report": str(report) if report else None}, indent=2))
        return
    for key in _COLUMNS[1:] + ("work_dir", "error"):
        value = _duration(record.get(key)) if key == "duration" else record.get(key)
        if value is not None:
            click.echo(f"{key:<9} {value}")
    click.echo(f"{'report':<9} {report or '(none)'}")
