"""Click commands for runs: the ``pynf runs`` group (local history: list, show; Seqera: status, logs, cancel,
wait, download) and ``ProgressLine``, the live progress display for waiting on a remote run."""

from __future__ import annotations

import json
import sys

import click

from pynf.backends.seqera.config import SeqeraConfig
from pynf.backends.seqera.launch import SeqeraPlatform
from pynf.backends.seqera.run import RunProgress
from pynf.cli.history import list_cmd, print_runs, show_cmd

__all__ = ["runs", "ProgressLine"]


class ProgressLine:
    """Progress callback for ``RemoteRun.wait``: a live rich status line (or plain lines when not a TTY)."""

    def __init__(self, url: str | None = None, *, stream=None):
        from rich.console import Console

        self.console = Console(file=stream or sys.stderr)
        self.url = url
        self._live = None
        self._last = ""

    def __call__(self, progress: RunProgress) -> None:
        if self.url is None and progress.url:
            self.url = progress.url
            self.console.print(f"run {progress.workflow_id}: {progress.url}", highlight=False, soft_wrap=True)
        text = progress.summary()
        if self.console.is_terminal:
            from rich.live import Live
            from rich.text import Text

            if self._live is None:
                self._live = Live(Text(text), console=self.console, transient=False, refresh_per_second=4)
                self._live.start()
            self._live.update(Text(text))
        elif text != self._last:
            self.console.print(text, highlight=False)
        self._last = text

    def close(self) -> None:
        """Stop the live display."""
        if self._live is not None:
            self._live.stop()
            self._live = None


def _platform(workspace: str | None, request_timeout: float | None = None) -> SeqeraPlatform:
    return SeqeraPlatform(SeqeraConfig(workspace_id=workspace, request_timeout=request_timeout),
                          need_wrapper_repo=False)


#: ``--request-timeout`` (also on ``pynf run --backend seqera``).
request_timeout_option = click.option(
    "--request-timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="S",
    help="Seconds one Seqera API call may take, retries included (env PYNF_SEQERA_REQUEST_TIMEOUT; default 60).")


@click.group("runs", invoke_without_command=True)
@click.pass_context
def runs(ctx: click.Context) -> None:
    """Local runs (`pynf runs`, `pynf runs show RUN`) and runs on Seqera Platform (status, logs, wait, ...)."""
    if ctx.invoked_subcommand is None:
        print_runs(20, False)


runs.add_command(list_cmd)
runs.add_command(show_cmd)


@runs.command("status")
@click.argument("workflow_id")
@click.option("--workspace", default=None, help="Workspace id or Org/Workspace (default: $TOWER_WORKSPACE_ID).")
@request_timeout_option
@click.option("--json", "as_json", is_flag=True, help="Print the execution report as JSON.")
def status_cmd(workflow_id: str, workspace: str | None, request_timeout: float | None, as_json: bool) -> None:
    """Show a run's status, task counts and watch URL."""
    run = _platform(workspace, request_timeout).attach(workflow_id)
    st = run.status()
    wf = run.last_seen.get("workflow") or {}
    prog = run.progress()
    report = {"workflowId": workflow_id, "runName": wf.get("runName"), "status": st, "url": run.url,
              "submit": wf.get("submit"), "start": wf.get("start"), "complete": wf.get("complete"),
              "errorMessage": wf.get("errorMessage"), "tasks": prog.tasks}
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(f"{workflow_id}  {report['runName'] or ''}  {st}")
    click.echo(f"  tasks: {prog.summary().split(None, 1)[-1]}")
    if report["errorMessage"]:
        click.echo(f"  error: {report['errorMessage']}")
    click.echo(f"  {run.url}")


@runs.command("logs")
@click.argument("workflow_id")
@click.option("--workspace", default=None, help="Workspace id or Org/Workspace (default: $TOWER_WORKSPACE_ID).")
@request_timeout_option
@click.option("--follow", "-f", is_flag=True, help="Keep printing until the run ends.")
def logs_cmd(workflow_id: str, workspace: str | None, request_timeout: float | None, follow: bool) -> None:
    """Print the Nextflow log of a run (its head job's console output)."""
    for line in _platform(workspace, request_timeout).attach(workflow_id).logs(follow=follow):
        click.echo(line)


@runs.command("cancel")
@click.argument("workflow_id")
@click.option("--workspace", default=None, help="Workspace id or Org/Workspace (default: $TOWER_WORKSPACE_ID).")
@request_timeout_option
def cancel_cmd(workflow_id: str, workspace: str | None, request_timeout: float | None) -> None:
    """Cancel a run."""
    run = _platform(workspace, request_timeout).attach(workflow_id)
    sent = run.cancel()
    st = run.status()
    click.echo(f"{workflow_id}  {st}" + ("" if sent else "  (already ended; nothing to cancel)"))


@runs.command("wait")
@click.argument("workflow_id")
@click.option("--workspace", default=None, help="Workspace id or Org/Workspace (default: $TOWER_WORKSPACE_ID).")
@request_timeout_option
@click.option("--timeout", type=float, default=None, help="Give up waiting after this many seconds.")
def wait_cmd(workflow_id: str, workspace: str | None, request_timeout: float | None, timeout: float | None) -> None:
    """Follow a run to its end (Ctrl-C detaches; the run keeps going)."""
    platform = _platform(workspace, request_timeout)
    run = platform.attach(workflow_id)
    run.on_interrupt = "detach"
    line = ProgressLine()
    try:
        result = run.wait(timeout, progress=line)
    finally:
        line.close()
    click.echo(f"{workflow_id}  {result.status}  {result.url}")
    if result.outputs is not None:
        for channel, items in result.outputs.items():
            click.echo(f"  {channel}: {len(items)} item(s)")


@runs.command("download")
@click.argument("workflow_id")
@click.argument("dest", type=click.Path(file_okay=False))
@click.option("--channel", "channels", multiple=True, help="Only this output channel (repeatable).")
@click.option("--workspace", default=None, help="Workspace id or Org/Workspace (default: $TOWER_WORKSPACE_ID).")
@request_timeout_option
@click.option("--json", "as_json", is_flag=True, help="Print the downloaded outputs as JSON.")
def download_cmd(workflow_id: str, dest: str, channels: tuple[str, ...], workspace: str | None,
                 request_timeout: float | None, as_json: bool) -> None:
    """Copy a finished run's published outputs into DEST (files keep their place under the outdir)."""
    from pynf.backends.seqera.result import SeqeraResult
    from pynf.cli.show import jsonable as _jsonable, result_rows

    run = _platform(workspace, request_timeout).attach(workflow_id)
    outputs = SeqeraResult.from_run(run).download(dest, list(channels) or None)
    if as_json:
        click.echo(json.dumps(_jsonable(outputs), indent=2, sort_keys=True))
        return
    for key, text in result_rows(outputs):
        click.echo(f"{key}: {text}")
