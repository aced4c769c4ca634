"""Click options shared by ``pynf compile``, ``pynf run`` and ``pynf export``.

``--input NAME=VALUE`` (repeatable; a repeated NAME collects a list), ``--input @file.json``
(a JSON/YAML mapping of names to values), ``--param K=V``, and the run options that become
``configText``.  Values are JSON when they parse as JSON, else plain strings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable

import click
import yaml

from pynf.errors import InputError, OptionsError, PynfError
from pynf.render.options import CONTAINER_ENGINES, ERROR_STRATEGIES, PUBLISH_MODES, RunOptions, reports_default

__all__ = ["DIRECTORY", "input_options", "run_options", "source_options", "parse_assignments", "parse_inputs",
           "add_samplesheet", "build_run_options", "build_source", "sheet_options"]


class _Directory(click.Path):
    """``click.Path(file_okay=False)`` whose rejections (a file, a NUL in the name) are bad options (exit 1)."""

    def __init__(self) -> None:
        super().__init__(file_okay=False)

    def convert(self, value, param, ctx):
        name = param.opts[0] if param is not None and param.opts else "path"
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            raise OptionsError(f"{name}: {exc.message}") from None
        except ValueError:  # os.stat on a name with a NUL
            raise OptionsError(f"{name}: {value!r} is not a usable directory name") from None


#: The click type of every directory option.
DIRECTORY = _Directory()


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _bad(what: str, message: str) -> PynfError:
    """A bad option value: exit 1 with ``error: <option>: <message>`` (one line)."""
    message = " ".join(message.split())
    return (OptionsError if what in ("--ext", "--config") else InputError)(f"{what}: {message}")


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        raise _bad(what, f"cannot read {path}: {e.strerror or e}") from None
    except UnicodeDecodeError:  # a ValueError too: caught first
        raise _bad(what, f"{path} is not UTF-8 text") from None
    except ValueError:  # a NUL in the name
        raise _bad(what, f"{str(path)!r} is not a usable file name") from None


def _load_file(ref: str, what: str) -> Any:
    path = Path(ref[1:])
    text = _read(path, what)
    try:
        return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as e:
        raise _bad(what, f"{path} is not valid JSON/YAML: {e}") from None


def parse_assignments(items: tuple[str, ...], what: str) -> dict[str, Any]:
    """``("a=1", "b=x", "@more.json")`` -> ``{"a": 1, "b": "x", ...}``; a repeated key collects a list."""
    out: dict[str, Any] = {}
    repeated: set[str] = set()
    for item in items:
        if item.startswith("@"):
            data = _load_file(item, what)
            if not isinstance(data, dict):
                raise _bad(what, f"{item[1:]} must hold a mapping of names to values")
            out.update(data)
            continue
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise _bad(what, f"expected NAME=VALUE or @file, got {item!r}")
        name, value = name.strip(), _value(text)
        if name in out:
            if name not in repeated:
                out[name] = [out[name]]
                repeated.add(name)
            out[name].append(value)
        else:
            out[name] = value
    return out


def parse_inputs(items: tuple[str, ...]) -> dict[str, Any] | None:
    """Inputs from ``--input`` options (None when none were given)."""
    return parse_assignments(items, "--input") if items else None


def add_samplesheet(inputs: dict[str, Any] | None, sheet: str | None) -> dict[str, Any] | None:
    """``--samplesheet [ELEMENT=]PATH``: the sheet's rows as a queue under ELEMENT (default ``reads``)."""
    if not sheet:
        return inputs
    from pynf.render.inputs import Queue

    element, sep, path = sheet.partition("=")
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", element):
        element, path = "reads", sheet
    inputs = dict(inputs or {})
    if element in inputs:
        raise _bad("--samplesheet", f"input '{element}' is given by --input too")
    inputs[element] = Queue.from_csv(path, reads=element)
    return inputs


def build_run_options(kw: dict[str, Any]) -> RunOptions:
    """Pop the run-option keywords added by :func:`run_options` and build ``RunOptions``."""
    ext = parse_assignments(kw.pop("ext", ()), "--ext")
    extra = ""
    for cfg in kw.pop("config_file", ()):
        extra += _read(Path(cfg), "--config").rstrip("\n") + "\n"
    limits = {}
    for key in ("cpus", "memory", "time"):
        value = kw.pop(f"max_{key}", None)
        if value is not None:
            limits[key] = value
    return RunOptions(
        ext=ext,
        cpus=kw.pop("cpus", None),
        memory=kw.pop("memory", None),
        time=kw.pop("time", None),
        container=kw.pop("container", None) or "none",
        executor=kw.pop("executor", None),
        queue=kw.pop("queue", None),
        cluster_options=kw.pop("cluster_options", None),
        resource_limits=limits,
        extra_config=extra,
        publish_mode=kw.pop("publish_mode", None) or "copy",
        **_container_settings(kw),
        error_strategy=kw.pop("error_strategy", None),
        max_retries=kw.pop("max_retries", None),
        reports=_reports(kw.pop("reports", None)),
    )


def _reports(flag: bool | None) -> bool:
    """``--reports/--no-reports`` when given, else the default (``$PYNF_REPORTS``, else on)."""
    return reports_default() if flag is None else flag


def _container_settings(kw: dict[str, Any]) -> dict[str, Any]:
    """``--container-registry`` (empty: none) and ``--container-options`` as RunOptions keywords."""
    out: dict[str, Any] = {}
    registry = kw.pop("container_registry", None)
    if registry is not None:
        out["container_registry"] = registry.strip() or None
    options = kw.pop("container_options", None)
    if options is not None:
        out["container_options"] = options
    return out


def input_options(fn: Callable) -> Callable:
    """``--input`` and ``--param``."""
    fn = click.option("--param", "params", multiple=True, metavar="K=V|@file",
                      help="A workflow param (JSON or text value), or @file.json/.yml with several.")(fn)
    fn = click.option("--input", "inputs", multiple=True, metavar="NAME=VALUE|@file",
                      help="An input by element or channel name (JSON or text value; repeat a NAME for a "
                           "list), or @file.json/.yml mapping names to values.")(fn)
    return fn


def sheet_options(fn: Callable) -> Callable:
    """``--samplesheet`` and ``--fill-empty`` (``pynf run``, ``compile`` and ``export``: the same inputs)."""
    fn = click.option("--fill-empty", is_flag=True,
                      help="Give [] (no file) to every input not given that takes files; prints what was filled.")(fn)
    fn = click.option("--samplesheet", metavar="[ELEMENT=]SHEET",
                      help="An nf-core style samplesheet (CSV/TSV): one task per row; sample -> meta.id, "
                           "fastq_1/fastq_2 -> ELEMENT (default reads), other columns -> meta.")(fn)
    return fn


def run_options(fn: Callable) -> Callable:
    """The options that become the bundle's configText."""
    decorators = [
        click.option("--ext", multiple=True, metavar="KEY=VALUE", help="task.ext.KEY for the process (e.g. args='-q 20')."),
        click.option("--cpus", type=int, help="CPUs per task."),
        click.option("--memory", help="Memory per task, e.g. '4 GB'."),
        click.option("--time", help="Time limit per task, e.g. '2h'."),
        click.option("--container", type=click.Choice(CONTAINER_ENGINES), help="Container engine (default: none)."),
        click.option("--container-registry", metavar="HOST",
                     help="Registry for images named without a host (default quay.io, as nf-core; '' for the "
                          "engine's default)."),
        click.option("--container-options", metavar="OPTIONS",
                     help="The container engine's run options, as written (e.g. '--pull=never')."),
        click.option("--executor", help="Nextflow executor, e.g. slurm (default: local)."),
        click.option("--queue", help="Executor queue (Slurm: the partition)."),
        click.option("--cluster-options", help="Extra options for the scheduler's submit command, as written "
                                               "(e.g. '--account=lab --qos=short')."),
        click.option("--max-cpus", type=int, help="resourceLimits.cpus"),
        click.option("--max-memory", help="resourceLimits.memory"),
        click.option("--max-time", help="resourceLimits.time"),
        click.option("--publish-mode", type=click.Choice(PUBLISH_MODES), default=None,
                     help="How outputs reach the outdir (default copy: the outdir outlives work dirs; "
                          "link/symlink store outputs once)."),
        click.option("--error-strategy", type=click.Choice(ERROR_STRATEGIES), default=None,
                     help="What a failed task does to the run (default terminate; ignore: the others go on, "
                          "the status is PARTIAL and names the failed items)."),
        click.option("--max-retries", type=int, default=None, help="With --error-strategy retry: retries per task."),
        click.option("--reports/--no-reports", default=None,
                     help="Write Nextflow's execution report, timeline, trace and DAG into outdir/pipeline_info "
                          "(default: on, or $PYNF_REPORTS)."),
        click.option("--config", "config_file", multiple=True, metavar="FILE",
                     help="Extra Nextflow config file appended to configText."),
    ]
    for d in reversed(decorators):
        fn = d(fn)
    return fn


def source_options(fn: Callable) -> Callable:
    """Where module IDs are looked up: ``--git-remote``, ``--branch``, ``--sha``, ``--offline`` (the same on
    ``pynf compile|inspect|run|export`` and ``pynf modules list|info|pull``)."""
    from pynf.sources.ids import DEFAULT_BRANCH, DEFAULT_REMOTE

    decorators = [
        click.option("--git-remote", "remote", default=None, metavar="URL",
                     help=f"Git remote of the module repository (env PYNF_MODULES_REMOTE; default {DEFAULT_REMOTE})."),
        click.option("--branch", default=None,
                     help=f"Branch module IDs follow (env PYNF_MODULES_BRANCH; default {DEFAULT_BRANCH})."),
        click.option("--sha", default=None, help="Use this commit of the module repository (full or abbreviated)."),
        click.option("--offline", is_flag=True, default=None,
                     help="Never contact the remote; use pynf.lock and the cache (env PYNF_OFFLINE=1)."),
    ]
    for d in reversed(decorators):
        fn = d(fn)
    return fn


def build_source(kw: dict[str, Any]):
    """Pop the keywords added by :func:`source_options` and build a ``ModuleSource``."""
    from pynf.sources.load import ModuleSource

    return ModuleSource(remote=kw.pop("remote", None), branch=kw.pop("branch", None), sha=kw.pop("sha", None),
                        offline=kw.pop("offline", None))
