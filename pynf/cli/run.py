"""``pynf run``: compile a module and run it on the embedded engine (or Seqera Platform)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from pynf.cli.show import jsonable as _jsonable, result_rows
from pynf.cli.options import (DIRECTORY, add_samplesheet, build_run_options, build_source, input_options,
                              parse_assignments, parse_inputs, run_options, source_options)

__all__ = ["run_command"]


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
@click.option("--backend", type=click.Choice(["local", "seqera"]), default="local", show_default=True)
@click.option("--workspace", help="Seqera workspace (id or Org/Workspace); default TOWER_WORKSPACE_ID.")
@click.option("--compute-env", help="Seqera compute environment (id or name); default TOWER_COMPUTE_ENV_ID.")
@click.option("--wrapper-repo", help="Git repository the Seqera workspace can read (default PYNF_WRAPPER_REPO).")
@click.option("--request-timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="S",
              help="Seqera: seconds one API call may take, retries included (env PYNF_SEQERA_REQUEST_TIMEOUT; default 60).")
@click.option("--no-wait", is_flag=True, help="Seqera: print the run's id and watch URL and return at once.")
@click.option("--staging-dir", help="Seqera: where local inputs are uploaded (e.g. s3://bucket/prefix); default "
              "PYNF_SEQERA_STAGING_DIR, else the compute environment's work dir when it is a cloud URI.")
@click.option("--stage-inputs/--no-stage-inputs", default=None,
              help="Seqera: upload local inputs (default: when a staging location is known).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds: a local run still going then is aborted (naming what it waited for); "
                   "Seqera: stop waiting.")
@click.option("--samplesheet", metavar="[ELEMENT=]SHEET",
              help="An nf-core style samplesheet (CSV/TSV): one task per row; sample -> meta.id, fastq_1/fastq_2 "
                   "-> ELEMENT (default reads), other columns -> meta.")
@click.option("--fill-empty", is_flag=True,
              help="Give [] (no file) to every input not given that takes files; prints what was filled.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def run_command(module: str, process: str | None, inputs: tuple[str, ...], params: tuple[str, ...], stub: bool,
                resume: bool, outdir: str | None, work_dir: str | None, run_dir: str | None, backend: str,
                workspace: str | None, compute_env: str | None, wrapper_repo: str | None,
                request_timeout: float | None, no_wait: bool, staging_dir: str | None, stage_inputs: bool | None,
                timeout: float | None, as_json: bool, samplesheet: str | None, fill_empty: bool,
                **kw: Any) -> None:
    """Compile MODULE with its inputs and run it; print outputs by channel."""
    from pynf.backends.base import RunRequest
    from pynf.dispatch import execute

    source = build_source(kw)
    request = RunRequest(module=module, process=process, inputs=add_samplesheet(parse_inputs(inputs), samplesheet),
                         source=source, params=parse_assignments(params, "--param"), options=build_run_options(kw),
                         backend=backend, stub=stub, resume=resume, outdir=outdir, work_dir=work_dir, run_dir=run_dir,
                         wait=not no_wait, timeout=timeout, fill_empty=fill_empty,
                         command_line=click.get_current_context().meta.get("pynf.command_line"))
    if backend == "seqera":
        request = request.but(seqera=_seqera_config(workspace=workspace, compute_env=compute_env,
                                                    wrapper_repo=wrapper_repo, staging_dir=staging_dir,
                                                    stage_inputs=stage_inputs, request_timeout=request_timeout))
        _run_remote(request, as_json=as_json)
        return
    if as_json:
        result = execute(request)
    else:
        from pynf.backends.local.progress import RichProgress

        with RichProgress(title=module) as show:
            result = execute(request.but(progress=show))
    _print_result(result.get_execution_report(), result.outputs, result.topics, as_json)


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


def _seqera_config(*, workspace, compute_env, wrapper_repo, staging_dir=None, stage_inputs=None,
                   request_timeout=None):
    import dataclasses

    from pynf.backends.seqera.config import SeqeraConfig

    overrides = {k: v for k, v in {"workspace_id": workspace, "compute_env_id": compute_env,
                                   "wrapper_repo": wrapper_repo, "staging_dir": staging_dir,
                                   "stage_inputs": stage_inputs, "request_timeout": request_timeout}.items()
                 if v is not None}
    return dataclasses.replace(SeqeraConfig(), **overrides)


def _run_remote(request, *, as_json) -> None:
    """Launch on Seqera Platform: ``--work-dir`` is a remote path; a relative ``--outdir`` goes under
    ``<work dir>/pynf-out/<run name>/``."""
    from pynf.cli.runs import ProgressLine
    from pynf.dispatch import execute

    line = None if (as_json or not request.wait) else ProgressLine()
    try:
        result = execute(request.but(progress=line))
    finally:
        if line is not None:
            line.close()
    if not request.wait:
        info = {"workflowId": result.workflow_id, "url": result.url}
        click.echo(json.dumps(info) if as_json else f"launched {result.workflow_id}: {result.url}")
        return
    _print_result(result.get_execution_report(), result.outputs, result.topics, as_json)
