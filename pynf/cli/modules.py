"""Click commands for module sources (``pynf modules list/info/pull/update``) and ``pynf export``."""

from __future__ import annotations

import json
from typing import Any, Callable

import click

from pynf.cli.describe import print_description
from pynf.cli.review import verified_line
from pynf.cli.options import (DIRECTORY, add_samplesheet, build_run_options, input_options, parse_assignments,
                              parse_inputs, run_options, sheet_options)
from pynf.cli.options import source_options as _source_options
from pynf.interface.describe import describe_module, registry_status
from pynf.sources.load import parse_module
from pynf.sources.checkout import list_modules, resolve

__all__ = ["modules", "export_command"]


@click.group("modules")
def modules() -> None:
    """Find, fetch and pin modules from a Git repository (nf-core/modules by default)."""


@modules.command("list")
@click.option("--filter", "filter_", metavar="TEXT", default=None, help="Only modules whose name contains TEXT.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--verified", "show_verified", is_flag=True,
              help="Also say whether each exact module (by content hash) is in pynf's registry of verified modules.")
@_source_options
def list_command(filter_: str | None, as_json: bool, sha: str | None, show_verified: bool, remote: str | None,
                 branch: str | None, offline: bool | None) -> None:
    """List the modules available on the remote's branch."""
    refs = list_modules(filter_, remote=remote, branch=branch, sha=sha, offline=offline)
    status = _verified(refs) if show_verified else {}
    if as_json:
        doc = {"modules": [{"name": r.name, "org": r.org, "id": r.id, "path": r.path,
                            **({"verified": status[r.path]} if show_verified else {})} for r in refs]}
        if refs:
            doc.update(remote=refs[0].remote, sha=refs[0].sha)
        click.echo(json.dumps(doc, indent=2))
        return
    width = max((len(r.name) for r in refs), default=0)
    for r in refs:
        click.echo(f"{r.name:<{width}}  {'verified' if status[r.path] else 'not verified'}" if show_verified else r.name)
    click.echo(f"{len(refs)} module(s)", err=True)


def _verified(refs: list[Any]) -> dict[str, bool]:
    """Per module path: True when its exact content at the listed commit is a verified registry entry
    (content hashes read from the commit's trees, no file downloaded)."""
    from pynf.interface.registry import lookup, tree_content_hashes
    from pynf.sources.fetch import GitSource

    if not refs:
        return {}
    src = GitSource(refs[0].remote, offline=True)
    hashes = tree_content_hashes(src.cache.repo, refs[0].sha, [r.path for r in refs])
    out = {}
    for r in refs:
        entry = lookup(hashes[r.path]) if r.path in hashes else None
        out[r.path] = bool(entry and entry.verified)
    return out


@modules.command("info")
@click.argument("module_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_source_options
def info_command(module_id: str, as_json: bool, sha: str | None, remote: str | None, branch: str | None,
                 offline: bool | None) -> None:
    """Show a module's description, tools, inputs and outputs."""
    resolved = resolve(module_id, remote=remote, branch=branch, sha=sha, offline=offline, pin=False)
    info = describe_module(parse_module(resolved.path), module_id=resolved.module_id, path=str(resolved.path),
                           remote=resolved.remote, sha=resolved.sha)
    directory = resolved.path if resolved.path.is_dir() else resolved.path.parent
    if as_json:
        click.echo(json.dumps({**info, "verified": registry_status(directory)}, indent=2))
    else:
        print_description(info)
        click.echo(verified_line(directory))


@modules.command("pull")
@click.argument("module_id", metavar="ID")
@_source_options
def pull_command(module_id: str, sha: str | None, remote: str | None, branch: str | None,
                 offline: bool | None) -> None:
    """Fetch a module into the cache and pin its commit in pynf.lock."""
    res = resolve(module_id, remote=remote, branch=branch, sha=sha, offline=offline)
    click.echo(f"{res.module_id} {res.sha} {res.path}")


def _register_review_commands() -> None:
    from pynf.cli.review import diff_command, review_command, update_command

    for command in (review_command, diff_command, update_command):
        modules.add_command(command)


_register_review_commands()


# -- export ---------------------------------------------------------------------------------------

@click.command("export")
@click.argument("module")
@click.option("-o", "--out", "out", required=True, type=DIRECTORY, help="Directory to write.")
@click.option("--process", default=None, help="Process to wrap when the module defines several.")
@click.option("--params-format", type=click.Choice(["json", "yaml"]), default="json", show_default=True)
@click.option("--git", "as_git", is_flag=True, help="Make DIR a Git repository with one reproducible commit.")
@click.option("--repo-url", default=None, help="Where DIR will be pushed (used in the README's tw launch line).")
@click.option("--force", is_flag=True, help="Replace DIR if it holds an earlier pynf export.")
@_source_options
@input_options
@sheet_options
@run_options
def export_command(module: str, out: str, process: str | None, params_format: str, as_git: bool,
                   repo_url: str | None, force: bool, sha: str | None, remote: str | None, branch: str | None,
                   offline: bool | None, inputs: tuple[str, ...], params: tuple[str, ...], samplesheet: str | None,
                   fill_empty: bool, **run_kw: Any) -> None:
    """Write MODULE as a self-contained bundle in DIR, ready for `nextflow run` or `tw launch`."""
    from pynf.export import export

    input_data = add_samplesheet(parse_inputs(inputs), samplesheet)
    param_data = parse_assignments(params, "--param")
    result = export(module, out, process=process, inputs=input_data, params=param_data,
                    options=build_run_options(run_kw), params_format=params_format, git=as_git, force=force,
                    repo_url=repo_url, remote=remote, branch=branch, sha=sha, offline=offline, fill_empty=fill_empty)
    click.echo(f"wrote {len(result.files)} files to {result.directory}", err=True)
    if result.commit:
        click.echo(f"commit {result.commit}", err=True)
    if result.is_template:
        click.echo(f"note: no --input given: {result.directory / result.params_file} is a template; fill in its "
                   "<FILL IN ...> placeholders (see README.md) before running", err=True)
    args = f"run {result.directory / 'main.nf'} -params-file {result.directory / result.params_file}"
    click.echo(f"nextflow {args}")
    click.echo(f"pynf nextflow {args}   # the same without a Nextflow install")
