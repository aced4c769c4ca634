"""Render a parsed module into a runnable ``Bundle``: wrapper main.nf, paramsText, configText, sidecars.

The wrapper depends only on the module (and pynf's version): inputs and params travel as JSON in
paramsText, run options as escaped literals in configText.  Rendering is deterministic.

The manifest's topics are built from the process's own outputs that declare ``topic:`` (in a
one-process wrapper those are exactly the topic's items), so no ``channel.topic()`` is needed and
topic channels cannot leak between runs in one JVM.  The wrapper publishes outputs itself (it copies each
output file from the task's work dir into outdir, or for queue runs into a folder per item, named by its
``meta.id`` when the ids are unique and like the task's work dir otherwise, see :func:`per_task_rule`)
so the manifest names exactly the copy of each task's file; configText sets ``fair = true`` so items
come back in input order.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import Any

from pynf._version import __version__
from pynf.compiler.ir import Channel, Module, Process
from pynf.errors import RenderWarning, UnknownExtKeyWarning
from pynf.render.bundle import MANIFEST_NAME, Bundle
from pynf.render.includes import LOCAL_INCLUDE, include_target, local_include_files
from pynf.render.inputs import build_params, signature
from pynf.render.options import RenderOptions, RunOptions
from pynf.render.reports import config_context
from pynf.sources.ids import local_module_id
from pynf.templates import render_template

__all__ = ["render", "render_wrapper", "render_config", "collect_sidecars", "wrapper_blocks", "ext_warnings",
           "CONFIG_EXT_KEYS", "RESERVED_FOLDERS"]


#: ``task.ext`` keys that are configuration conventions rather than module inputs: setting them never warns
#: (``ext.when`` is how nf-core pipelines switch a process off).
CONFIG_EXT_KEYS = frozenset({"when"})

#: Names in the outdir a per-item folder (``outdir/<meta.id>/``) must not take: run reports (pipeline_info).
RESERVED_FOLDERS = frozenset({"pipeline_info"})


def per_task_rule(process: Process) -> str:
    """Groovy condition (same in wrapper and config): does each task publish into its own folder
    (``outdir/<meta.id>/``, or ``outdir/<xx>/<hash>/`` when the ids are not unique)?

    True for a queue run (an input given as a queue) and for a process with an ``each`` input: those
    can run several tasks whose outputs may share file names. A one-task run publishes into outdir.
    """
    if any(ch.kind == "each" for ch in process.inputs):
        return "true"
    return "(params.pynf_inputs ?: []).any { e -> e.mode == 'queue' }"


_META_INPUT = re.compile(r"meta\.yml: input (\d+) ")


def undocumented_inputs(module: Module, process: Process) -> set[int]:
    """Input channels whose meta.yml docs do not line up with main.nf (their types are not checked)."""
    if not any(ch.elements and ch.elements[0].doc for ch in process.inputs):
        return set()
    if any(w.startswith("meta.yml: lists ") and "input channel" in w for w in module.warnings):
        return set(range(len(process.inputs)))
    return {int(m.group(1)) - 1 for w in module.warnings if (m := _META_INPUT.match(w))}


def _channel_context(ch: Channel) -> dict[str, Any]:
    kinds = [e.kind for e in ch.elements] or [ch.kind]
    labels = [e.label for e in ch.elements] or [ch.key]
    return {"key": ch.key, "signature": signature(ch), "kinds": kinds, "tuple": ch.kind == "tuple", "labels": labels}


def _module_main(module: Module) -> Path:
    path = Path(module.path)
    return path if path.name.endswith(".nf") else path / "main.nf"


def wrapper_blocks(module: Module) -> tuple[list[str], list[str]]:
    """The module's top-level code and processes in source order, plus warnings for dropped parts.

    Includes of files inside the module directory are kept (the files travel as sidecars, see
    :mod:`pynf.render.includes`); includes of other local files cannot work in a bundle and an
    unnamed entry ``workflow`` would clash with the wrapper's: both are replaced by a comment.
    """
    items: list[tuple[int, str]] = []
    warnings: list[str] = []
    main = _module_main(module)
    for top in module.toplevel:
        if (top.kind == "include" and LOCAL_INCLUDE.search(top.text)
                and include_target(main.parent, main, top.text) is None):
            first = top.text.strip().splitlines()[0]
            warnings.append(f"dropped include of a local file (not part of the bundle): {first}")
            items.append((top.pos.start, f"// pynf: dropped include of a local file: {first}"))
        elif top.kind == "workflow" and not top.name:
            warnings.append("dropped the module's own entry workflow (the wrapper provides one)")
            items.append((top.pos.start, "// pynf: dropped the module's entry workflow"))
        else:
            items.append((top.pos.start, top.text))
    items.extend((p.pos.start, p.text) for p in module.processes)
    return [text for _, text in sorted(items, key=lambda pair: pair[0])], warnings


def _module_id(module: Module, module_id: str | None) -> str:
    if module_id:
        return module_id
    return local_module_id(module.path)


def render_wrapper(module: Module, process: Process, *, module_id: str | None = None) -> str:
    """The wrapper ``main.nf`` text for ``process`` of ``module`` (independent of inputs)."""
    blocks, _ = wrapper_blocks(module)
    outputs = [_channel_context(ch) for ch in process.outputs]
    topics: dict[str, list[str]] = {}
    for ch in process.outputs:
        if ch.topic:
            topics.setdefault(ch.topic, []).append(ch.key)
    return render_template(
        "main.nf.j2",
        version=__version__,
        module_id=_module_id(module, module_id).replace("\n", " "),
        source_hash=module.source_hash,
        process_name=process.name,
        manifest_name=MANIFEST_NAME,
        blocks=[b.rstrip("\n") for b in blocks],
        inputs=[_channel_context(ch) for ch in process.inputs],
        outputs=outputs,
        output_keys=[o["key"] for o in outputs],
        channels={o["key"]: {"kinds": o["kinds"], "tuple": o["tuple"]} for o in outputs},
        reserved=sorted(RESERVED_FOLDERS),
        topics={name: topics[name] for name in sorted(topics)},
        per_task_rule=per_task_rule(process),
    )


def render_config(process: Process, run: RunOptions | None = None) -> str:
    """configText for ``process``: publishing, task.ext values, resources, container engine, executor."""
    run = run or RunOptions()
    extra = run.extra_config
    if extra and not extra.endswith("\n"):
        extra += "\n"
    return render_template(
        "nextflow.config.j2",
        version=__version__,
        process_name=process.name,
        ext=sorted(run.ext.items()),
        cpus=run.cpus,
        memory=run.memory,
        time=run.time,
        executor=run.executor,
        queue=run.queue,
        publish_mode=run.publish_mode,
        error_strategy=run.error_strategy,
        max_retries=run.max_retries,
        cluster_options=list(run.cluster_options) if isinstance(run.cluster_options, tuple) else run.cluster_options,
        resource_limits=[(k, run.resource_limits[k]) for k in ("cpus", "memory", "time")
                         if run.resource_limits.get(k) is not None],
        container=run.container,
        container_registry=run.container_registry,
        container_options=run.container_options,
        extra_config=extra.rstrip("\n"),
        reports=config_context(run.reports),
    )


def collect_sidecars(module_dir: str | os.PathLike[str] | None) -> tuple[tuple[tuple[str, bytes], ...], frozenset[str]]:
    """Files a bundle needs so ``moduleDir`` works: templates/**, environment.yml, resources/usr/bin/* -> bin/*."""
    if module_dir is None:
        return (), frozenset()
    root = Path(module_dir)
    files: dict[str, bytes] = {}
    executables: set[str] = set()
    env = root / "environment.yml"
    if env.is_file():
        files["environment.yml"] = env.read_bytes()
    templates = root / "templates"
    if templates.is_dir():
        for path in sorted(templates.rglob("*")):
            if path.is_file():
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    bindir = root / "resources" / "usr" / "bin"
    if bindir.is_dir():
        for path in sorted(bindir.rglob("*")):
            if path.is_file():
                rel = "bin/" + path.relative_to(bindir).as_posix()
                files[rel] = path.read_bytes()
                executables.add(rel)
    return tuple(sorted(files.items())), frozenset(executables)


def _module_dir(module: Module, options: RenderOptions) -> Path | None:
    if options.module_dir is not None:
        return Path(options.module_dir)
    path = Path(module.path)
    if path.is_file():
        return path.parent
    return path if path.is_dir() else None


def ext_warnings(process: Process, run: RunOptions) -> list[str]:
    """Warnings for ``ext`` keys the process never reads (each names the keys it does read)."""
    unknown = sorted(set(run.ext) - set(process.ext_keys) - CONFIG_EXT_KEYS)
    if not unknown:
        return []
    reads = ", ".join(process.ext_keys) or "none"
    names = ", ".join(f"'{k}'" for k in unknown)
    noun = "key" if len(unknown) == 1 else "keys"
    return [f"process {process.name} does not read ext {noun} {names}; the task.ext keys it reads are: {reads}"]


def render(module: Module, options: RenderOptions | None = None) -> Bundle:
    """Render ``module`` into a ``Bundle`` (raises ProcessSelectionError / InputError / OptionsError)."""
    options = options or RenderOptions()
    process = module.process(options.process)
    module_id = _module_id(module, options.module_id)
    params = build_params(process, options.inputs, options.params, check_files=options.check_files,
                          require_inputs=options.require_inputs, template=options.params_template,
                          untyped=undocumented_inputs(module, process), fill_empty=options.fill_empty)
    sidecars, executables = collect_sidecars(_module_dir(module, options))
    includes = local_include_files(_module_main(module),
                                   [t.text for t in module.toplevel if t.kind == "include"])
    if includes:
        sidecars = tuple(sorted({**dict(sidecars), **includes}.items()))
    dropped = tuple(f"{module.path}: {text}" for text in wrapper_blocks(module)[1])
    for text in dropped:
        warnings.warn(text, RenderWarning, stacklevel=2)
    notes = tuple(ext_warnings(process, options.run))
    for note in notes:
        warnings.warn(UnknownExtKeyWarning(note), stacklevel=2)
    return Bundle(
        module_id=module_id,
        process=process.name,
        main_nf=render_wrapper(module, process, module_id=module_id),
        param_values=params,
        config_text=render_config(process, options.run),
        sidecars=sidecars,
        executables=executables,
        warnings=dropped + notes,
        input_kinds=tuple((ch.key, tuple(e.kind for e in ch.elements) or (ch.kind,)) for ch in process.inputs),
    )
