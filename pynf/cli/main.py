"""The ``pynf`` command line: compile, inspect, run, export modules; manage engine and sources.

Exit codes: 0 ok, 1 module/input/run errors (message on stderr), 2 usage errors.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from pynf._version import __version__
from pynf.cli.options import (DIRECTORY, add_samplesheet, build_run_options, build_source, input_options,
                              parse_assignments, parse_inputs, run_options, sheet_options, source_options)
from pynf.errors import BundleError, PynfError, PynfWarning

__all__ = ["main", "cli"]

_EMITS = ("wrapper", "params", "config", "ir", "all")


#: Subcommands that live with their subsystems, imported only when used (keeps startup fast).
_LAZY = {
    "run": "pynf.cli.run:run_command",
    "modules": "pynf.cli.modules:modules",
    "export": "pynf.cli.modules:export_command",
    "engine": "pynf.cli.engine:engine",
    "runs": "pynf.cli.runs:runs",
    "nextflow": "pynf.cli.nextflow:nextflow_command",
    "cache": "pynf.cli.cache:cache",
    "bindings": "pynf.cli.bindings:bindings_command",
}


class _Group(click.Group):
    """Loads subsystem commands lazily; turns pynf's own errors into a message and exit code 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(_LAZY))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _LAZY:
            import importlib

            module, attr = _LAZY[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        argv = list(args)
        ctx = super().make_context(info_name, args, parent=parent, **extra)
        if parent is None:  # what was typed, for the execution report's "Nextflow command"
            import shlex

            ctx.meta["pynf.command_line"] = shlex.join(["pynf", *argv])
        return ctx

    def invoke(self, ctx: click.Context) -> Any:
        with _boundary(ctx):
            return super().invoke(ctx)


@contextlib.contextmanager
def _boundary(ctx: click.Context) -> Iterator[None]:
    """The CLI's one error boundary: pynf warnings -> ``warning: ...`` (each once), pynf errors ->
    ``error: ...`` and exit 1, Ctrl-C -> exit 130. Anything else is a bug in pynf: one ``error:`` line
    (the traceback only with ``PYNF_DEBUG=1``) and exit 1. Usage errors stay click's (exit 2)."""
    shown: set[str] = set()
    others = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if not issubclass(category, PynfWarning):
            others(message, category, filename, lineno, file, line)
        elif str(message) not in shown:
            shown.add(str(message))
            click.echo(f"warning: {message}", err=True)

    with warnings.catch_warnings():
        warnings.simplefilter("always", PynfWarning)
        warnings.showwarning = show
        try:
            yield
        except PynfError as e:
            click.echo(f"error: {e}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as e:  # noqa: BLE001 - the last line of defence against a traceback
            if os.environ.get("PYNF_DEBUG"):
                raise
            click.echo(f"error: internal error ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}); "
                       "run with PYNF_DEBUG=1 for the traceback and please report it", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pynf")
def cli() -> None:
    """Compile nf-core or local Nextflow modules into standalone wrappers and run them."""


def _load(module: str, process: str | None, source: Any):
    """Resolve and parse MODULE for a read-only command (pynf.lock is read, never written)."""
    from pynf.sources.load import load_module

    return load_module(module, process=process, source=source, pin=False)


@cli.command("compile")
@click.argument("module")
@click.option("--process", help="Process to wrap when the file defines several.")
@click.option("--emit", type=click.Choice(_EMITS), default="wrapper", show_default=True, help="What to produce.")
@click.option("--out", "out", type=DIRECTORY, help="Write the bundle (or the emitted file) here.")
@input_options
@sheet_options
@run_options
@source_options
def compile_command(module: str, process: str | None, emit: str, out: str | None, inputs: tuple[str, ...],
                    params: tuple[str, ...], samplesheet: str | None, fill_empty: bool, **kw: Any) -> None:
    """Compile MODULE (a directory, a main.nf, or a module ID) into a wrapper bundle."""
    from pynf.compiler import to_json_dict
    from pynf.render.compile import compile_bundle

    loaded = _load(module, process, build_source(kw))
    if emit == "ir":
        text = json.dumps(to_json_dict(loaded.module), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        _emit_text(text, out, "ir.json")
        return
    given = add_samplesheet(parse_inputs(inputs), samplesheet)
    bundle = compile_bundle(loaded.module, process=loaded.process.name, inputs=given,
                            params=parse_assignments(params, "--param"), options=build_run_options(kw),
                            module_id=loaded.module_id, require_inputs=False, fill_empty=fill_empty)
    if given is None and loaded.process.inputs and emit in ("params", "all"):
        click.echo("note: no --input given: params.json has no inputs yet (pynf_inputs is empty); "
                   "add them with --input NAME=VALUE", err=True)
    if emit == "all":
        if out is None:
            raise click.UsageError("--emit all writes a bundle directory: give --out DIR")
        bundle.write(out)
        click.echo(f"wrote {len(bundle.file_names())} files to {out}", err=True)
        return
    text, name = {"wrapper": (bundle.main_nf, "main.nf"), "params": (bundle.params_text, "params.json"),
                  "config": (bundle.config_text, "nextflow.config")}[emit]
    _emit_text(text, out, name)


def _emit_text(text: str, out: str | None, name: str) -> None:
    if out is None:
        click.echo(text, nl=False)
    else:
        try:
            Path(out).mkdir(parents=True, exist_ok=True)
            (Path(out) / name).write_text(text, encoding="utf-8")
        except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
            raise BundleError(f"cannot write {name} into {out!r}: {exc}") from None
        click.echo(f"wrote {Path(out) / name}", err=True)


@cli.command("inspect")
@click.argument("module")
@click.option("--process", help="Process to show when the file defines several.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@source_options
def inspect_command(module: str, process: str | None, as_json: bool, **kw: Any) -> None:
    """Show MODULE's inputs and outputs with meta.yml types and descriptions."""
    from pynf.cli.describe import print_description
    from pynf.interface.describe import describe, registry_status

    loaded = _load(module, process, build_source(kw))
    info = {**describe(loaded.module, loaded.process, module_id=loaded.module_id),
            "verified": registry_status(loaded.directory)}
    if as_json:
        click.echo(json.dumps(info, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        print_description(info)



def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``pynf`` console script."""
    cli.main(args=argv, prog_name="pynf")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
