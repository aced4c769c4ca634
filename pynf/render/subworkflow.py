"""Render a subworkflow (:class:`~pynf.compiler.subworkflow_module.SubworkflowModule`) into a ``Bundle``.

The bundle carries the subworkflow and every module and subworkflow it includes in the nf-core layout
(``subworkflows/<org>/<name>/main.nf``, ``modules/<org>/<tool>/main.nf`` …, relative to their common root),
so the includes resolve as in nf-core/modules; the wrapper includes the workflow from there, builds
each take channel from ``params.pynf_inputs`` (the Queue rule as for modules), and publishes every
emit and every topic (``versions``) of its processes.  The subworkflow's own ``nextflow.config`` comes
first in the config (pynf's run options after it, so they win).  Each subworkflow file is staged with its
``emit: name = expr`` rewritten for Nextflow's strict parser (:mod:`pynf.compiler.subworkflow_emits`); the
wrapper's header lists the files rewritten.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pynf._version import __version__
from pynf.compiler.subworkflow_emits import strict_emits
from pynf.compiler.subworkflow_module import ANY, SubworkflowModule
from pynf.errors import UnknownExtKeyWarning
from pynf.render.bundle import MANIFEST_NAME, Bundle
from pynf.render.includes import local_include_files
from pynf.render.inputs import Queue, build_params, signature
from pynf.render.options import RenderOptions
from pynf.render.renderer import RESERVED_FOLDERS, collect_sidecars, ext_warnings, per_task_rule, render_config
from pynf.sources.ids import local_module_id
from pynf.templates import render_template

__all__ = ["JSON_FILE_KEY", "render_subworkflow", "subworkflow_step_files", "subworkflow_root", "subworkflow_files", "take_inputs",
           "rewritten_emits", "subworkflow_own_config"]

_TOPIC_PREFIX = "@topic:"

#: What a subworkflow folder holds that a run never reads.
_NOT_CARRIED = frozenset({"tests", "meta.yml", "README.md"})

#: ``params.NAME`` read in a config.
_CONFIG_PARAM = re.compile(r"\bparams\.([A-Za-z_]\w*)")
_CONFIG_PARAM_SET = re.compile(r"^\s*params\.([A-Za-z_]\w*)\s*=", re.M)

#: How a file is written in an item passed as given, from JSON or the CLI: ``{"@file": "ref.fa"}``.
JSON_FILE_KEY = "@file"


def subworkflow_root(module: SubworkflowModule) -> Path:
    """The folder the bundle's paths are relative to: the nf-core repository root when the subworkflow
    sits at ``subworkflows/<org>/<name>/main.nf``, else the common folder of every file it needs."""
    main = Path(module.path)
    if len(main.parts) >= 4 and main.parts[-4] == "subworkflows":
        root = main.parents[3]
        if all(Path(os.path.normpath(f.path)).is_relative_to(root) for f in module.files):
            return root
    return Path(os.path.commonpath([os.path.dirname(os.path.normpath(f.path)) for f in module.files]))


@functools.lru_cache(maxsize=256)
def _staged(text: str, filename: str) -> tuple[str, tuple[str, ...]]:
    return strict_emits(text, filename)


def _staged_bytes(path: Path) -> tuple[bytes, tuple[str, ...]]:
    """A subworkflow file as staged: its emits rewritten for the strict parser (which workflows were)."""
    data = path.read_bytes()
    text, names = _staged(data.decode("utf-8-sig"), str(path))
    return (text.encode() if names else data), names


def rewritten_emits(module: SubworkflowModule) -> list[str]:
    """The bundle paths of the subworkflow files whose emits were rewritten for the strict parser."""
    root = subworkflow_root(module)
    paths = [Path(os.path.normpath(inc.path)) for inc in module.files if inc.kind != "process"]
    return [p.relative_to(root).as_posix() for p in paths if _staged_bytes(p)[1]]


def subworkflow_files(module: SubworkflowModule) -> tuple[dict[str, bytes], frozenset[str]]:
    """Every file of the bundle besides the wrapper: each component's main.nf and the files its folder
    needs (environment.yml, templates/, module-local includes), resources/usr/bin as ``bin/``."""
    root = subworkflow_root(module)
    files: dict[str, bytes] = {}
    executables: set[str] = set()
    for inc in module.files:
        path = Path(os.path.normpath(inc.path))
        folder = path.parent.relative_to(root).as_posix()
        files[path.relative_to(root).as_posix()] = path.read_bytes()
        if inc.kind != "process":  # a subworkflow folder: every file but its tests (awk scripts, configs ...)
            for extra in sorted(path.parent.rglob("*")):
                rel = extra.relative_to(path.parent)
                if extra.is_file() and rel.parts[0] not in _NOT_CARRIED:
                    files[f"{folder}/{rel.as_posix()}"] = extra.read_bytes()
            files[path.relative_to(root).as_posix()] = _staged_bytes(path)[0]
            continue
        sidecars, exe = collect_sidecars(path.parent)
        for rel, data in sidecars:
            files[rel if rel.startswith("bin/") else f"{folder}/{rel}"] = data
        executables |= exe
        texts = [line for line in path.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("include")]
        for rel, data in local_include_files(path, texts).items():
            files.setdefault(f"{folder}/{rel}", data)
    return dict(sorted(files.items())), frozenset(executables)


def _as_given(value: Any) -> Any:
    """Items of a take pynf could not shape: ``{"@file": path}`` (CLI/JSON) becomes a path; paths then travel
    as file objects (:mod:`pynf.render.values`)."""
    if isinstance(value, Queue):
        return Queue([_as_given(v) for v in value.items])
    if isinstance(value, (list, tuple)):
        return [_as_given(v) for v in value]
    if isinstance(value, Mapping):
        if set(value) == {JSON_FILE_KEY}:
            return Path(os.path.abspath(os.fspath(value[JSON_FILE_KEY])))
        return {k: _as_given(v) for k, v in value.items()}
    return value


def take_inputs(module: SubworkflowModule, inputs: Any) -> Any:
    """``inputs`` with take names turned into channel positions, and as-given takes' files marked."""
    process = module.processes[0]
    anys = {str(ch.index) for ch in process.inputs if ch.elements[0].kind == ANY}
    by_name = {ch.key: str(ch.index) for ch in process.inputs}
    if isinstance(inputs, Mapping):
        renamed = {by_name.get(k, k) if isinstance(k, str) else k: v for k, v in inputs.items()}
        return {k: _as_given(v) if k in anys else v for k, v in renamed.items()}
    if isinstance(inputs, (list, tuple)) and not isinstance(inputs, Queue):
        return [_as_given(v) if str(i) in anys else v for i, v in enumerate(inputs)]
    return inputs


def _channel(ch, plain: tuple[str, ...]) -> dict[str, Any]:
    kinds = [e.kind for e in ch.elements]
    return {"key": ch.key, "signature": signature(ch), "kinds": kinds, "tuple": ch.kind == "tuple",
            "labels": [e.label for e in ch.elements], "any": kinds == [ANY], "plain": ch.key in plain}


def render_subworkflow_wrapper(module: SubworkflowModule, module_id: str) -> str:
    """The wrapper ``main.nf`` for ``module`` (independent of inputs)."""
    process = module.processes[0]
    outputs = [_channel(ch, ()) for ch in process.outputs]
    topics = [name for name, _ in module.topics]
    channels: dict[str, Any] = {o["key"]: None if o["any"] else {"kinds": o["kinds"], "tuple": o["tuple"]}
                                for o in outputs}
    for name, kinds in module.topics:
        channels[_TOPIC_PREFIX + name] = {"kinds": list(kinds), "tuple": len(kinds) > 1}
    include = Path(os.path.normpath(module.path)).relative_to(subworkflow_root(module)).as_posix()
    return render_template(
        "subworkflow.nf.j2", version=__version__, module_id=module_id.replace("\n", " "),
        source_hash=module.source_hash, workflow_name=process.name, rewritten=rewritten_emits(module), process_names=list(module.process_names),
        manifest_name=MANIFEST_NAME, include_path="./" + include.removesuffix(".nf"),
        inputs=[_channel(ch, module.plain_takes) for ch in process.inputs], outputs=outputs,
        topic_keys=[(t, _TOPIC_PREFIX + t) for t in topics], topic_map={_TOPIC_PREFIX + t: t for t in topics},
        channels=channels, output_keys=[o["key"] for o in outputs] + [_TOPIC_PREFIX + t for t in topics],
        reserved=sorted(RESERVED_FOLDERS), per_task_rule=per_task_rule(process))


def subworkflow_own_config(modules: list[SubworkflowModule]) -> str:
    """The own nextflow.config of each subworkflow in ``modules`` and of those they include (each once, verbatim),
    after ``params.NAME = null`` for each param they read and none sets; empty when none has one."""
    seen: dict[str, str] = {}
    for module in modules:
        for f in module.files:
            if f.config and f.path not in seen:
                seen[f.path] = (f"// ---- {Path(f.path).parent.name}/nextflow.config (the subworkflow's own, verbatim) "
                                f"----\n{f.config.rstrip()}\n")
    own = list(seen.values())
    text = "\n".join(own)
    unset = sorted(set(_CONFIG_PARAM.findall(text)) - set(_CONFIG_PARAM_SET.findall(text)))
    if unset:  # a pipeline defines them; here they default to null (params= sets them)
        own.insert(0, "// params the subworkflow's config reads (a pipeline defines them; set them with params=)\n"
                   + "".join(f"params.{name} = null\n" for name in unset))
    return "\n".join(own)


def render_subworkflow_config(module: SubworkflowModule, options: RenderOptions) -> str:
    """configText: the subworkflow's own nextflow.config (each one it includes, verbatim), then pynf's
    run options for every process it runs."""
    names = "|".join(module.process_names) or module.processes[0].name
    ours = render_config(dataclasses.replace(module.processes[0], name=names), options.run)
    own = subworkflow_own_config([module])
    return f"{own}\n{ours}" if own else ours


def render_subworkflow(module: SubworkflowModule, options: RenderOptions) -> Bundle:
    """Render ``module`` into a ``Bundle`` (raises InputError / OptionsError like modules)."""
    process = module.processes[0]
    module_id = options.module_id or local_module_id(module.path)
    params = build_params(process, take_inputs(module, options.inputs), options.params,
                          check_files=options.check_files, require_inputs=options.require_inputs,
                          template=options.params_template, fill_empty=options.fill_empty)
    sidecars, executables = subworkflow_files(module)
    notes = tuple(ext_warnings(process, options.run))
    for note in notes:
        warnings.warn(UnknownExtKeyWarning(note), stacklevel=3)
    return Bundle(
        module_id=module_id, process=process.name, main_nf=render_subworkflow_wrapper(module, module_id),
        param_values=params, config_text=render_subworkflow_config(module, options),
        sidecars=tuple(sidecars.items()), executables=executables, warnings=notes,
        input_kinds=tuple((ch.key, tuple(e.kind for e in ch.elements)) for ch in process.inputs))


def subworkflow_step_files(module: SubworkflowModule, folder: str, name: str) -> tuple[str, dict[str, bytes], set[str]]:
    """A subworkflow as a step of a :class:`pynf.Workflow`: the include line (``NAME as ALIAS`` when the name
    is taken), its files under ``folder`` (executables in the bundle's ``bin/``), and the executables."""
    files, executables = subworkflow_files(module)
    placed = {rel if rel.startswith("bin/") else f"{folder}/{rel}": data for rel, data in files.items()}
    main = Path(os.path.normpath(module.path)).relative_to(subworkflow_root(module)).as_posix().removesuffix(".nf")
    original = module.processes[0].name
    alias = original if name == original else f"{original} as {name}"
    return f"include {{ {alias} }} from './{folder}/{main}'", placed, set(executables)
