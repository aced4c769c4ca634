"""Click commands for module sources (``pynf modules list/info/pull/update``) and ``pynf export``."""

from __future__ import annotations

import contextlib
import json
import sys
import warnings
from typing import Any, Callable, Iterator

import click

from pynf.cli.options import build_run_options, input_options, parse_assignments, parse_inputs, run_options
from pynf.cli.options import source_options as _source_options
from pynf.errors import PynfError
from pynf.sources.resolve import list_modules, resolve, update

__all__ = ["modules", "export_command", "module_info"]


@contextlib.contextmanager
def _reported() -> Iterator[None]:
    """Print warnings as ``warning: ...`` and typed errors as ``error: ...`` (exit 1) on stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except PynfError as exc:
            _flush(caught)
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
    _flush(caught)


def _flush(caught: list[warnings.WarningMessage]) -> None:
    for w in caught:
        click.echo(f"warning: {w.message}", err=True)
    caught.clear()


@click.group("modules")
def modules() -> None:
    """Find, fetch and pin modules from a Git repository (nf-core/modules by default)."""


@modules.command("list")
@click.option("--filter", "filter_", metavar="TEXT", default=None, help="Only modules whose name contains TEXT.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_source_options
def list_command(filter_: str | None, as_json: bool, sha: str | None, remote: str | None, branch: str | None,
                 offline: bool | None) -> None:
    """List the modules available on the remote's branch."""
    with _reported():
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


def _element_doc(element: Any) -> dict[str, Any]:
    doc = element.doc
    return {"kind": element.kind, "label": element.label,
            "type": doc.type if doc else None, "description": doc.description if doc else None,
            "pattern": doc.pattern if doc else None}


def _channel_doc(channel: Any) -> dict[str, Any]:
    out = {"key": channel.key, "kind": channel.kind, "elements": [_element_doc(e) for e in channel.elements]}
    if channel.direction == "output":
        out.update(emit=channel.emit, topic=channel.topic, optional=channel.optional)
    return out


def module_info(module: Any, resolved: Any) -> dict[str, Any]:
    """JSON-ready summary of a parsed module: source, description, tools, per-process inputs/outputs."""
    return {
        "module": resolved.module_id, "path": str(resolved.path), "remote": resolved.remote, "sha": resolved.sha,
        "description": module.description, "tools": list(module.tools), "keywords": list(module.keywords),
        "processes": [{"name": p.name, "inputs": [_channel_doc(c) for c in p.inputs],
                       "outputs": [_channel_doc(c) for c in p.outputs], "topics": list(p.topics)}
                      for p in module.processes],
        "warnings": list(module.warnings),
    }


def _print_info(info: dict[str, Any]) -> None:
    where = f"{info['remote']} @ {info['sha']}" if info["sha"] else "local"
    click.echo(f"{info['module']}  ({where})")
    click.echo(f"path: {info['path']}")
    if info["description"]:
        click.echo(f"description: {' '.join(info['description'].split())}")
    if info["tools"]:
        click.echo(f"tools: {', '.join(info['tools'])}")
    for proc in info["processes"]:
        click.echo(f"\nprocess {proc['name']}")
        for title, channels in (("inputs", proc["inputs"]), ("outputs", proc["outputs"])):
            click.echo(f"  {title}:")
            for ch in channels:
                parts = ", ".join(f"{e['kind']}({e['label']})" + (f": {e['type']}" if e["type"] else "")
                                  for e in ch["elements"])
                extra = "".join(f" [{k}: {ch[k]}]" for k in ("topic",) if ch.get(k))
                extra += " [optional]" if ch.get("optional") else ""
                click.echo(f"    {ch['key']}: {ch['kind']} {parts}{extra}")
                for e in ch["elements"]:
                    if e["description"]:
                        click.echo(f"      {e['label']}: {' '.join(e['description'].split())}")
    for w in info["warnings"]:
        click.echo(f"warning: {w}", err=True)


@modules.command("info")
@click.argument("module_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_source_options
def info_command(module_id: str, as_json: bool, sha: str | None, remote: str | None, branch: str | None,
                 offline: bool | None) -> None:
    """Show a module's description, tools, inputs and outputs."""
    from pynf.compiler import parse

    with _reported():
        resolved = resolve(module_id, remote=remote, branch=branch, sha=sha, offline=offline, pin=False)
        info = module_info(parse(resolved.path), resolved)
    if as_json:
        click.echo(json.dumps(info, indent=2))
    else:
        _print_info(info)


@modules.command("pull")
@click.argument("module_id", metavar="ID")
@_source_options
def pull_command(module_id: str, sha: str | None, remote: str | None, branch: str | None,
                 offline: bool | None) -> None:
    """Fetch a module into the cache and pin its commit in pynf.lock."""
    with _reported():
        res = resolve(module_id, remote=remote, branch=branch, sha=sha, offline=offline)
    click.echo(f"{res.module_id} {res.sha} {res.path}")


@modules.command("update")
@click.argument("module_id", metavar="[ID]", required=False)
@click.option("--git-remote", "remote", default=None, help="Only modules from this remote.")
@click.option("--branch", default=None, help="Move to the head of this branch instead of the pinned one.")
def update_command(module_id: str | None, remote: str | None, branch: str | None) -> None:
    """Move pinned modules (all, or ID) to the head of their branch."""
    with _reported():
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
@click.option("-o", "--out", "out", required=True, type=click.Path(file_okay=False), help="Directory to write.")
@click.option("--process", default=None, help="Process to wrap when the module defines several.")
@click.option("--params-format", type=click.Choice(["json", "yaml"]), default="json", show_default=True)
@click.option("--git", "as_git", is_flag=True, help="Make DIR a Git repository with one reproducible commit.")
@click.option("--repo-url", default=None, help="Where DIR will be pushed (used in the README's tw launch line).")
@click.option("--force", is_flag=True, help="Replace DIR if it holds an earlier pynf export.")
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
    with _reported():
        result = export(module, out, process=process, inputs=input_data, params=param_data,
                        options=build_run_options(run_kw), params_format=params_format, git=as_git, force=force,
                        repo_url=repo_url, remote=remote, branch=branch, sha=sha, offline=offline)
    click.echo(f"wrote {len(result.files)} files to {result.directory}", err=True)
    if result.commit:
        click.echo(f"commit {result.commit}", err=True)
    if "<FILL IN" in result.bundle.params_text:
        click.echo(f"note: no --input given: {result.directory / result.params_file} is a template; fill in its "
                   "<FILL IN ...> placeholders (see README.md) before running", err=True)
    args = f"run {result.directory / 'main.nf'} -params-file {result.directory / result.params_file}"
    click.echo(f"nextflow {args}")
    click.echo(f"pynf nextflow {args}   # the same without a Nextflow install")
