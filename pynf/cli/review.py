"""Click commands for reviewed modules: ``pynf modules review``, ``diff`` and the guarded ``update``.

Exit codes: 0 ok, 1 errors, 2 usage, 3 ``update`` held at least one pin at a breaking change
(rerun with ``--accept`` after reading the diff) or ``diff`` shows a breaking change, 4 ``review`` not
confirmed.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from pynf.errors import ModuleSourceError

__all__ = ["review_command", "diff_command", "update_command", "verified_line", "EXIT_HELD", "EXIT_BREAKING",
           "EXIT_DECLINED"]

EXIT_HELD = 3
EXIT_BREAKING = 3
EXIT_DECLINED = 4


def verified_line(directory: Any) -> str:
    """``verified: …`` for the exact module in ``directory`` (by content hash, from pynf's registry)."""
    from pynf.interface.registry import lookup, module_content_hash

    digest = module_content_hash(directory)
    entry = lookup(digest)
    if entry is None:
        return f"verified: no — content {digest[:19]}… is not in pynf's registry of verified modules"
    return f"verified: {'yes' if entry.verified else 'no'} — {entry.summary()}"


@click.command("review")
@click.argument("module_id", metavar="ID")
@click.option("--yes", is_flag=True, help="Record without asking (for scripts).")
@click.option("--process", default=None, help="Only stub-run this process.")
@click.option("--no-stub", is_flag=True, help="Do not stub-run the module.")
@click.option("--sha", default=None, help="Review this commit (pins it in pynf.lock).")
@click.option("--json", "as_json", is_flag=True, help="Print the recorded review as JSON.")
def review_command(module_id: str, yes: bool, process: str | None, no_stub: bool, sha: str | None,
                   as_json: bool) -> None:
    """Show ID's interface card, stub-run it once, and record the interface in pynf.lock as reviewed."""
    from pynf.interface.model import render_card
    from pynf.interface.review import prepare_review, record_review

    prepared = prepare_review(module_id, process=process, stub=not no_stub, sha=sha)
    where = f" @ {prepared.sha[:12]}" if prepared.sha else " (local)"
    if not as_json:
        click.echo(render_card(prepared.interface, title=prepared.module_id + where))
        click.echo(verified_line(prepared.directory))
        mark = {True: "passed", False: "FAILED", None: "not run"}[prepared.stub_passed]
        click.echo(f"stub run: {mark}" + (f" — {prepared.stub_detail}" if prepared.stub_detail else ""))
    if not yes and not click.confirm("Record this interface as reviewed in pynf.lock?", default=False, err=True):
        click.echo("not recorded", err=True)
        sys.exit(EXIT_DECLINED)
    record = record_review(prepared)
    if as_json:
        click.echo(json.dumps({"key": prepared.key, **record}, indent=2, sort_keys=True))
    else:
        click.echo(f"reviewed: {prepared.module_id}{where} interface {record['hash'][:19]}… recorded in pynf.lock")


@click.command("diff")
@click.argument("module_id", metavar="ID")
@click.option("--from", "from_sha", default=None, help="Old side: this commit (default: the reviewed snapshot, "
                                                       "else the pinned commit).")
@click.option("--to", "to_sha", default=None, help="New side: this commit (default: the pinned commit).")
@click.option("--head", is_flag=True, help="New side: the head of the branch.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
def diff_command(module_id: str, from_sha: str | None, to_sha: str | None, head: bool, as_json: bool) -> None:
    """Show how ID's interface changed, each change marked breaking or compatible (exit code 3 if breaking)."""
    from pynf.interface.diff import diff_interfaces
    from pynf.interface.model import load_interface
    from pynf.interface.review import interface_at, review_key
    from pynf.sources.lock import LockFile

    if head and to_sha:
        raise click.UsageError("give --to SHA or --head, not both")
    current, resolved = interface_at(module_id)
    lock = LockFile()
    directory = resolved.path if resolved.path.is_dir() else resolved.path.parent
    key = review_key(directory, module_id=resolved.module_id, sha=resolved.sha, remote=resolved.remote,
                     lock=lock)
    if from_sha:
        old, old_res = interface_at(module_id, from_sha)
        old_label = old_res.sha[:12]
    elif key in lock.reviews():
        old, old_label = load_interface(lock.reviews()[key]), "reviewed"
    else:
        old, old_label = current, (resolved.sha or "local")[:12]
    if head or to_sha:
        if resolved.sha is None:
            raise ModuleSourceError(f"{module_id} is a local module: --to/--head need a module ID")
        new_sha = to_sha or _branch_head(resolved)
        new, new_res = interface_at(module_id, new_sha)
        new_label = new_res.sha[:12] + (" (head)" if head else "")
    else:
        new, new_label = current, (resolved.sha[:12] + " (pinned)") if resolved.sha else "local"
    d = diff_interfaces(old, new)
    if as_json:
        click.echo(json.dumps({"from": old_label, "to": new_label, "from_hash": d.old_hash, "to_hash": d.new_hash,
                               "breaking": d.is_breaking,
                               "changes": [{"kind": c.kind, "where": c.where, "message": c.message,
                                            "breaking": c.breaking} for c in d.changes]}, indent=2))
    else:
        click.echo(f"{resolved.module_id}: {old_label} -> {new_label}")
        click.echo(d.render())
    if d.is_breaking:
        sys.exit(EXIT_BREAKING)


def _branch_head(resolved: Any) -> str:
    from pynf.sources.fetch import GitSource
    from pynf.sources.checkout import branch_head

    src = GitSource(resolved.remote)
    with src.cache.lock():
        src.ensure_repo()
        return branch_head(src, resolved.branch or "master")


@click.command("update")
@click.argument("module_id", metavar="[ID]", required=False)
@click.option("--git-remote", "remote", default=None, help="Only modules from this remote.")
@click.option("--branch", default=None, help="Move to the head of this branch instead of the pinned one.")
@click.option("--accept", is_flag=True, help="Move pins across breaking interface changes too (read the diff first).")
def update_command(module_id: str | None, remote: str | None, branch: str | None, accept: bool) -> None:
    """Move pinned modules (all, or ID) to the head of their branch, showing each interface diff.

    A pin whose interface change is breaking stays where it is unless --accept is given; the exit
    code is then 3.
    """
    from pynf.interface.review import update_pins

    moves = update_pins(module_id, accept=accept, remote=remote, branch=branch)
    if not moves:
        click.echo("pynf.lock pins no modules", err=True)
    held = 0
    for m in moves:
        if m.old_sha is None:
            click.echo(f"{m.name}: pinned {m.new_sha}")
        elif m.held:
            held += 1
            click.echo(f"{m.name}: held at {m.old_sha[:12]}; {m.held[:12]} changes the interface in a breaking way "
                       f"(move with --accept):")
            click.echo("\n".join("  " + line for line in m.diff.render().splitlines()))
        elif m.moved:
            click.echo(f"{m.name}: {m.old_sha[:12]} -> {m.new_sha[:12]}")
            if m.diff is not None and m.diff.is_breaking:
                click.echo("  accepted: " + "\n  ".join(m.diff.render().splitlines()))
            elif m.diff:
                click.echo(f"  note: {len(m.diff.changes)} compatible interface change(s): "
                           + "; ".join(f"{c.where}: {c.message}" for c in m.diff.changes))
        else:
            click.echo(f"{m.name}: up to date ({m.new_sha[:12]})")
    if held:
        sys.exit(EXIT_HELD)
