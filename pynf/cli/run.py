"""``pynf run``: compile a module and run it on a registered backend (the embedded engine, Seqera Platform ...)."""

from __future__ import annotations

import json
from typing import Any

import click

from pynf.cli.show import jsonable as _jsonable, result_rows
from pynf.errors import OptionsError, PynfError
from pynf.cli.options import (DIRECTORY, add_samplesheet, build_run_options, build_source, input_options,
                              parse_assignments, parse_inputs, run_options, sheet_options, source_options)

__all__ = ["run_command"]


def _backend_options(fn):
    """``--backend`` (every registered backend) and the options registered backends add (``cli_options``)."""
    from pynf.backends.registry import DEFAULT, backend_class, names

    known = names(lenient=True)  # a malformed PYNF_BACKENDS is reported when a run reads it, not at import
    seen: set[str] = set()
    for name in reversed(known):
        try:
            cls = backend_class(name)
        except PynfError:  # a plugin that does not load: reported when it is chosen
            continue
        for flags, keywords in reversed(cls.cli_options):
            option = click.Option(flags, **keywords)
            if option.name in seen:
                continue
            seen.add(option.name)
            _OPTION_OWNER.setdefault(option.name, name)
            fn = click.option(*flags, **keywords)(fn)
    return click.option("--backend", type=click.Choice(known), default=DEFAULT, show_default=True,
                        help="Where to run (registered backends; see PYNF_BACKENDS).")(fn)


#: backend option parameter name -> the backend that declared it
_OPTION_OWNER: dict[str, str] = {}


@click.command("run")
@click.argument("module")
@click.option("--process", help="Process to run when the file defines several.")
@input_options
@run_options
@source_options
@click.option("--stub", is_flag=True, help="Run the process's stub: block instead of its script.")
@click.option("--resume", is_flag=True, help="Reuse cached tasks of the last run of this module (same run dir).")
@click.option("--outdir", type=DIRECTORY, help="Where outputs are published.")
@click.option("--work-dir", type=DIRECTORY, help="Nextflow work directory.")
@click.option("--run-dir", type=DIRECTORY, help="Run directory (work/, outdir, logs).")
@_backend_options
@click.option("--no-wait", is_flag=True, help="Remote backends (Seqera): print the run's id and watch URL and "
                                              "return at once.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds: a local run still going then is aborted (naming what it waited for); "
                   "Seqera: stop waiting.")
@sheet_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def run_command(module: str, process: str | None, inputs: tuple[str, ...], params: tuple[str, ...], stub: bool,
                resume: bool, outdir: str | None, work_dir: str | None, run_dir: str | None, backend: str,
                no_wait: bool, timeout: float | None, as_json: bool, samplesheet: str | None, fill_empty: bool,
                **kw: Any) -> None:
    """Compile MODULE with its inputs and run it; print outputs by channel."""
    from pynf.backends.registry import backend_class
    from pynf.backends.spec import RunSpec
    from pynf.dispatch import ModuleTarget

    own = {k: kw.pop(k) for k in list(kw) if k in _OPTION_OWNER}
    given = sorted(k for k, v in own.items() if v is not None and _OPTION_OWNER[k] != backend)
    if given:
        raise OptionsError(f"--{given[0].replace('_', '-')} is an option of --backend {_OPTION_OWNER[given[0]]}")
    cls = backend_class(backend)
    chosen = cls.from_cli(**{k: v for k, v in own.items() if _OPTION_OWNER[k] == backend})
    target = ModuleTarget(module, process=process, inputs=add_samplesheet(parse_inputs(inputs), samplesheet),
                          source=build_source(kw), params=parse_assignments(params, "--param"),
                          options=build_run_options(kw), fill_empty=fill_empty)
    spec = RunSpec(stub=stub, resume=resume, outdir=outdir, work_dir=work_dir, run_dir=run_dir, wait=not no_wait,
                   timeout=timeout, command_line=click.get_current_context().meta.get("pynf.command_line"))
    result = _execute(target, spec, chosen, title=module, as_json=as_json)
    from pynf.backends.base import Result

    if not isinstance(result, Result):  # a remote run's handle (``--no-wait``)
        info = {"workflowId": getattr(result, "workflow_id", None), "url": getattr(result, "url", None)}
        click.echo(json.dumps(info) if as_json else f"launched {info['workflowId']}: {info['url']}")
        return
    _print_result(result.get_execution_report(), result.outputs, result.topics, as_json)


def _execute(target, spec, backend, *, title: str, as_json: bool):
    """Run with the progress display the backend asks for (none with ``--json``)."""
    from pynf.dispatch import execute

    if as_json or not spec.wait:
        return execute(target, spec, backend)
    if backend.cli_progress == "line":
        from pynf.cli.runs import ProgressLine

        line = ProgressLine()
        try:
            return execute(target, spec.but(progress=line), backend)
        finally:
            line.close()
    from pynf.backends.local.progress import RichProgress

    with RichProgress(title=title) as show:
        return execute(target, spec.but(progress=show), backend)


def _print_result(report: dict, outputs: dict, topics: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"report": _jsonable(report), "outputs": _jsonable(outputs),
                               "topics": _jsonable(topics)}, indent=2, sort_keys=True))
        return
    from rich.console import Console
    from rich.table import Table

    name = report.get("process") or report.get("runName") or report.get("workflowId") or "run"
    table = Table(title=f"{name} — {report.get('status')}")
    table.add_column("channel")
    table.add_column("item", overflow="fold")
    for key, text in result_rows(outputs or {}):
        table.add_row(key, text)
    for key, text in result_rows(topics or {}):
        table.add_row(f"topic:{key}", text)
    console = Console()
    console.print(table)
    if report.get("failedItems"):
        console.print(report.get("summary"), style="red", markup=False)
    where = report.get("outdir") or report.get("url")
    if where:
        console.print(f"outputs in {where}")
    shown = (report.get("reports") or {}).get("report")
    if shown:
        console.print(f"execution report: {shown}")
