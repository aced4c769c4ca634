"""Click commands for module sources (``pynf modules list/info/pull/update``) and ``pynf export``."""

from __future__ import annotations

import json
from typing import Any, Callable

import click

from pynf.cli.describe import print_description
from pynf.cli.options import DIRECTORY, build_run_options, input_options, parse_assignments, parse_inputs, run_options
from pynf.describe import describe_module
from pynf.sources.ids import DEFAULT_BRANCH, DEFAULT_REMOTE
from pynf.sources.load import parse_module
from pynf.sources.resolve import list_modules, resolve, update

__all__ = ["modules", "export_command"]


def _source_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--offline", is_flag=True, default=None,
                     help="Never contact the remote; use pynf.lock and the cache (env PYNF_OFFLINE).")(f)
    f = click.option("--branch", default=None,
                     help=f"Branch the IDs follow (env PYNF_MODULES_BRANCH; default {DEFAULT_BRANCH}).")(f)
    f = click.option("--git-remote", "remote", default=None,
                     help=f"Git remote of the module repository (env PYNF_MODULES_REMOTE; default {DEFAULT_REMOTE}).")(f)
    return f


@click.group("modules")
def modules() -> None:
    """Find, fetch and pin modules from a Git repository (nf-core/modules by default)."""


@modules.command("list")
@click.option("--filter", "filter_", metavar="TEXT", default=None, help="Only modules whose name contains TEXT.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--sha", default=None, help="List at this commit instead of the branch head.")
@_source_options
def list_command(filter_: str | None, as_json: bool, sha: str | None, remote: str | None, branch: str | None,
                 offline: bool | None) -> None:
    """List the modules available on the remote's branch."""
    refs = list_modules(filter_, remote=remote, branch=branch, sha=sha, offline=offline)
    if as_json:
        doc = {"modules": [{"name": r.name, "org": r.org, "id": r.id, "path": r.path} for r in refs]}
        if refs:
            doc.update(remote=refs[0].remote, sha=refs[0].sha)
        click.echo(json.dumps(doc, indent=2))
        return
    for r in refs:
        click.echo(r.name)
    click.echo(f"{len(refs)} module(s)", err=True)


@modules.command("info")
@click.argument("module_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--sha", default=None, help="Use this commit (pins it in pynf.lock).")
@_source_options
def info_command(module_id: str, as_json: bool, sha: str | None, remote: str | None, branch: str | None,
                 offline: bool | None) -> None:
    """Show a module's description, tools, inputs and outputs."""
    resolved = resolve(module_id, remote=remote, branch=branch, sha=sha, offline=offline)
    info = describe_module(parse_module(resolved.path), module_id=resolved.module_id, path=str(resolved.path),
                           remote=resolved.remote, sha=resolved.sha)
    if as_json:
        click.echo(json.dumps(info, indent=2))
    else:
        print_description(info)


@modules.command("pull")
@click.argument("module_id", metavar="ID")
@click.option("--sha", default=None, help="Pin this commit (full or abbreviated SHA).")
@_source_options
def pull_command(module_id: str, sha: str | None, remote: str | None, branch: str | None,
                 offline: bool | None) -> None:
    """Fetch a module into the cache and pin its commit in pynf.lock."""
    res = resolve(module_id, remote=remote, branch=branch, sha=sha, offline=offline)
    click.echo(f"{res.module_id} {res.sha} {res.path}")


@modules.command("update")
@click.argument("module_id", metavar="[ID]", required=False)
@click.option("--git-remote", "remote", default=None, help="Only modules from this remote.")
@click.option("--branch", default=None, help="Move to the head of this branch instead of the pinned one.")
def update_command(module_id: str | None, remote: str | None, branch: str | None) -> None:
    """Move pinned modules (all, or ID) to the head of their branch."""
    changes = update(module_id, remote=remote, branch=branch)
    if not changes:
        click.echo("pynf.lock pins no modules", err=True)
    for c in changes:
        name = c.key.split("::", 1)[1]
        if c.old_sha is None:
            click.echo(f"{name}: pinned {c.new_sha}")
        elif c.changed:
            click.echo(f"{name}: {c.old_sha[:12]} -> {c.new_sha[:12]}")
        else:
            click.echo(f"{name}: up to date ({c.new_sha[:12]})")


# -- export ---------------------------------------------------------------------------------------

@click.command("export")
@click.argument("module")
@click.option("-o", "--out", "out", required=True, type=DIRECTORY, help="Directory to write.")
@click.option("--process", default=None, help="Process to wrap when the module defines several.")
@click.option("--params-format", type=click.Choice(["json", "yaml"]), default="json", show_default=True)
@click.option("--git", "as_git", is_flag=True, help="Make DIR a Git repository with one reproducible commit.")
@click.option("--repo-url", default=None, help="Where DIR will be pushed (used in the README's tw launch line).")
@click.option("--force", is_flag=True, help="Replace DIR if it holds an earlier pynf export.")
@click.option("--sha", default=None, help="Module commit to use (module IDs only).")
@_source_options
@input_options
@run_options
def export_command(module: str, out: str, process: str | None, params_format: str, as_git: bool,
                   repo_url: str | None, force: bool, sha: str | None, remote: str | None, branch: str | None,
                   offline: bool | None, inputs: tuple[str, ...], params: tuple[str, ...], **run_kw: Any) -> None:
    """Write MODULE as a self-contained bundle in DIR, ready for `nextflow run` or `tw launch`."""
    from pynf.export import export

    input_data = parse_inputs(inputs)
    param_data = parse_assignments(params, "--param")
    result = export(module, out, process=process, inputs=input_data, params=param_data,
                    options=build_run_options(run_kw), params_format=params_format, git=as_git, force=force,
                    repo_url=repo_url, remote=remote, branch=branch, sha=sha, offline=offline, display_dir=out)
    click.echo(f"wrote {len(result.files)} files to {result.directory}", err=True)
    if result.commit:
        click.echo(f"commit {result.commit}", err=True)
    click.echo(f"nextflow run {result.directory / 'main.nf'} -params-file {result.directory / result.params_file}")
