"""Option dataclasses for rendering and running a module: ``RunOptions`` and ``RenderOptions``.

``RunOptions`` becomes the bundle's ``nextflow.config`` text; ``RenderOptions`` carries everything
``render()`` needs besides the module IR (process choice, inputs, params, run options, identity).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from pynf.errors import GroovyLiteralError, InputError, OptionsError
from pynf.render.containers import DEFAULT_REGISTRY, check_registry
from pynf.templates.groovy import groovy_literal

__all__ = ["CONTAINER_ENGINES", "ERROR_STRATEGIES", "PUBLISH_MODES", "REPORTS_ENV", "OptionsError", "RunOptions",
           "RenderOptions", "mapping_argument", "reports_default"]

#: Accepted values for ``RunOptions.publish_mode`` (Nextflow's publishDir modes, less ``move``, which takes
#: outputs out of the work directory and so breaks ``resume``). ``copy`` is the default: the outdir then
#: outlives the run's work directory (``pynf cache prune`` may delete it) and works across filesystems.
PUBLISH_MODES = ("copy", "copyNoFollow", "link", "rellink", "symlink")

#: Accepted values for ``RunOptions.error_strategy`` (Nextflow's errorStrategy): ``terminate`` (the default:
#: the first failed task ends the run), ``finish`` (running tasks end first), ``ignore`` (the run goes on
#: without the failed items; the result's status is ``PARTIAL`` and names them), ``retry`` (``max_retries``).
ERROR_STRATEGIES = ("terminate", "finish", "ignore", "retry")

#: Accepted values for ``RunOptions.container``.
CONTAINER_ENGINES = ("none", "docker", "podman", "singularity", "apptainer", "conda")

#: Environment variable giving ``RunOptions.reports`` its default (unset: on). Many small runs in a loop or a
#: test suite can turn the reports off once (each costs the engine about a second); an explicit
#: ``RunOptions(reports=...)`` or ``--reports/--no-reports`` wins over it.
REPORTS_ENV = "PYNF_REPORTS"
_SWITCH = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}

_MEMORY = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|PB)", re.IGNORECASE)
_DURATION = re.compile(r"(\d+(\.\d+)?\s*(ms|s|m|h|d)\s*)+", re.IGNORECASE)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def reports_default() -> bool:
    """Whether runs write their reports when nothing says otherwise: ``$PYNF_REPORTS``, else True."""
    value = os.environ.get(REPORTS_ENV, "").strip().lower()
    if not value:
        return True
    if value not in _SWITCH:
        raise OptionsError(f"{REPORTS_ENV}: expected one of {', '.join(_SWITCH)}, got {value!r}")
    return _SWITCH[value]


def mapping_argument(value: Any, name: str, error: type[Exception] = InputError) -> dict[str, Any]:
    """``value`` (a mapping, or None for empty) as a new dict; ``error`` naming ``name`` for anything else."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise error(f"{name}: expected a mapping (dict) of names to values, got {type(value).__name__}")
    return dict(value)


def _frozen(mapping: Any, name: str) -> Mapping[str, Any]:
    return MappingProxyType(mapping_argument(mapping, name, OptionsError))


def _check_memory(name: str, value: str | None) -> None:
    if value is not None and not (isinstance(value, str) and _MEMORY.fullmatch(value.strip())):
        raise OptionsError(f"{name}: expected a memory amount such as '4 GB' or '512 MB', got {value!r}")


def _check_time(name: str, value: str | None) -> None:
    if value is not None and not (isinstance(value, str) and _DURATION.fullmatch(value.strip())):
        raise OptionsError(f"{name}: expected a duration such as '30m', '2h' or '1d 6h', got {value!r}")


def _check_cpus(name: str, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise OptionsError(f"{name}: expected a positive whole number, got {value!r}")


def _check_error_strategy(run: RunOptions) -> None:
    strategy, retries = run.error_strategy, run.max_retries
    if strategy is not None and strategy not in ERROR_STRATEGIES:
        raise OptionsError(f"error_strategy: expected one of {', '.join(ERROR_STRATEGIES)}, got {strategy!r}")
    if retries is not None:
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise OptionsError(f"max_retries: expected a whole number >= 0, got {retries!r}")
        if strategy != "retry":
            raise OptionsError(f"max_retries: only used with error_strategy='retry', got error_strategy={strategy!r}")


@dataclass(frozen=True)
class RunOptions:
    """How to run the process: task.ext values, resources, container engine, executor, extra config.

    ``ext`` sets ``task.ext.<key>`` for the process (``{"args": "-q 20", "prefix": "s1"}``);
    values may be strings, numbers, booleans, lists or maps.  ``memory`` is like ``"4 GB"``,
    ``time`` like ``"2h"``.  ``resource_limits`` takes ``cpus``/``memory``/``time``.
    ``executor`` is a Nextflow executor name (``"slurm"``, ``"sge"``, ...; default local), ``queue`` its
    queue/partition, ``cluster_options`` extra submit options (``"--account=lab --qos=short"`` or a list
    of options) passed to the scheduler as written.
    ``extra_config`` is raw Nextflow config text appended as written (your own code, not data).
    ``publish_mode`` is how outputs reach the outdir (one of ``PUBLISH_MODES``; default ``copy``, so the
    outdir stays valid when work directories are deleted; ``link`` (hard links, same filesystem) or
    ``symlink`` avoid storing every output twice).
    ``container_registry`` is where Docker, Podman, Singularity, Apptainer and Charliecloud look up images
    named without a registry host (default ``quay.io``, as nf-core pipelines set it; a mirror's host, or
    None for the engine's own default); ``container_options`` are the engine's ``runOptions`` as written
    (default for Docker: ``-u $(id -u):$(id -g)``, so outputs belong to the user running pynf).
    ``error_strategy`` (one of ``ERROR_STRATEGIES``) and ``max_retries`` (with ``"retry"``) become the
    process's ``errorStrategy``/``maxRetries``.
    ``reports`` (default True, or ``$PYNF_REPORTS``: ``REPORTS_ENV``) has the run write Nextflow's execution
    report, timeline, trace and DAG into ``outdir/pipeline_info/`` (see :mod:`pynf.render.reports`).
    """

    ext: Mapping[str, Any] = field(default_factory=dict)
    cpus: int | None = None
    memory: str | None = None
    time: str | None = None
    container: str = "none"
    executor: str | None = None
    queue: str | None = None
    cluster_options: str | Sequence[str] | None = None
    resource_limits: Mapping[str, Any] = field(default_factory=dict)
    extra_config: str = ""
    publish_mode: str = "copy"
    container_registry: str | None = DEFAULT_REGISTRY
    container_options: str | None = None
    error_strategy: str | None = None
    max_retries: int | None = None
    reports: bool = field(default_factory=reports_default)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ext", _frozen(self.ext, "ext"))
        object.__setattr__(self, "resource_limits", _frozen(self.resource_limits, "resource_limits"))
        for key, value in self.ext.items():
            if not isinstance(key, str) or not _NAME.fullmatch(key):
                raise OptionsError(f"ext: {key!r} is not a valid task.ext name (letters, digits, _)")
            try:
                groovy_literal(value)
            except GroovyLiteralError as exc:
                raise OptionsError(f"ext.{key}: {exc}") from None
        _check_cpus("cpus", self.cpus)
        _check_memory("memory", self.memory)
        _check_time("time", self.time)
        if not isinstance(self.publish_mode, str) or self.publish_mode not in PUBLISH_MODES:
            raise OptionsError(f"publish_mode: expected one of {', '.join(PUBLISH_MODES)}, got {self.publish_mode!r}")
        if not isinstance(self.container, str) or self.container not in CONTAINER_ENGINES:
            raise OptionsError(f"container: expected one of {', '.join(CONTAINER_ENGINES)}, got {self.container!r}")
        check_registry(self.container_registry)
        self._check_container_options()
        for key in self.resource_limits:
            if key not in ("cpus", "memory", "time"):
                raise OptionsError(f"resource_limits: unknown key {key!r} (expected cpus, memory, time)")
        _check_cpus("resource_limits.cpus", self.resource_limits.get("cpus"))
        _check_memory("resource_limits.memory", self.resource_limits.get("memory"))
        _check_time("resource_limits.time", self.resource_limits.get("time"))
        for name in ("executor", "queue"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise OptionsError(f"{name}: expected a non-empty string, got {value!r}")
        opts = self.cluster_options
        if isinstance(opts, (list, tuple)):
            if not opts or not all(isinstance(o, str) and o.strip() for o in opts):
                raise OptionsError(f"cluster_options: expected a string or a list of non-empty strings, got {opts!r}")
            object.__setattr__(self, "cluster_options", tuple(opts))
        elif opts is not None and (not isinstance(opts, str) or not opts.strip()):
            raise OptionsError(f"cluster_options: expected a string or a list of non-empty strings, got {opts!r}")
        _check_error_strategy(self)
        if not isinstance(self.reports, bool):
            raise OptionsError(f"reports: expected True or False, got {self.reports!r}")
        if not isinstance(self.extra_config, str):
            raise OptionsError(f"extra_config: expected config text (a string), got {type(self.extra_config).__name__}")


    def _check_container_options(self) -> None:
        value = self.container_options
        if value is None:
            return
        if not isinstance(value, str):
            raise OptionsError(f"container_options: expected the engine's run options as a string, got {value!r}")
        if self.container in ("none", "conda"):
            raise OptionsError(f"container_options: only used with a container engine (docker, podman, singularity, "
                               f"apptainer), but container is {self.container!r}")


@dataclass(frozen=True)
class RenderOptions:
    """What ``render()`` needs besides the module: process, inputs, params, run options, identity.

    ``inputs`` is Python data as described in ``pynf.render.inputs``; ``params`` are extra top-level
    params (``outdir`` defaults to ``"results"``).  ``module_id`` names the module in the wrapper
    header (default: the module directory's name); ``module_dir`` is where sidecars
    (templates/, environment.yml, resources/usr/bin) are read from (default: beside main.nf).
    ``require_inputs=False`` with ``inputs=None`` renders a bundle whose paramsText has no inputs
    yet (``pynf_inputs: []``), for inspecting or hand-editing the wrapper; ``params_template=True`` with
    ``inputs=None`` puts a ``<FILL IN ...>`` placeholder of the right shape for every input instead.
    ``fill_empty=True`` gives ``[]`` to every input not given that takes files (see :mod:`pynf.render.fill`).
    """

    process: str | None = None
    inputs: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    run: RunOptions = field(default_factory=RunOptions)
    module_id: str | None = None
    module_dir: str | os.PathLike[str] | None = None
    check_files: bool = True
    require_inputs: bool = True
    params_template: bool = False
    fill_empty: bool = False
