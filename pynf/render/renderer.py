"""Render a parsed module into a runnable ``Bundle``: wrapper main.nf, paramsText, configText, sidecars.

The wrapper depends only on the module (and pynf's version): inputs and params travel as JSON in
paramsText, run options as escaped literals in configText.  Rendering is deterministic.

The manifest's topics are built from the process's own outputs that declare ``topic:`` (in a
one-process wrapper those are exactly the topic's items), so no ``channel.topic()`` is needed and
topic channels cannot leak between runs in one JVM.  Outputs are published with a ``withName``
``publishDir`` (mode copy) in configText; extra config that overrides it breaks manifest paths.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

from pynf import __version__
from pynf.render.bundle import MANIFEST_NAME, Bundle
from pynf.compiler.ir import Channel, Module, Process
from pynf.render.inputs import build_params, params_text, signature
from pynf.render.options import RenderOptions, RunOptions
from pynf.templates import render_template

__all__ = ["render", "render_wrapper", "render_config", "collect_sidecars", "wrapper_blocks"]

log = logging.getLogger(__name__)

_LOCAL_INCLUDE = re.compile(r"""\bfrom\s+['"](\.{1,2}/|/)""")


def _channel_context(ch: Channel) -> dict[str, Any]:
    kinds = [e.kind for e in ch.elements] or [ch.kind]
    return {"key": ch.key, "signature": signature(ch), "kinds": kinds, "tuple": ch.kind == "tuple"}


def wrapper_blocks(module: Module) -> tuple[list[str], list[str]]:
    """The module's top-level code and processes in source order, plus warnings for dropped parts.

    Includes of local files (``from './x'``) cannot work in a single-file bundle and an unnamed
    entry ``workflow`` would clash with the wrapper's: both are replaced by a comment.
    """
    items: list[tuple[int, str]] = []
    warnings: list[str] = []
    for top in module.toplevel:
        if top.kind == "include" and _LOCAL_INCLUDE.search(top.text):
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
    path = Path(module.path)
    return (path.parent.name if path.name == "main.nf" else path.stem) or "module"


def render_wrapper(module: Module, process: Process, *, module_id: str | None = None) -> str:
    """The wrapper ``main.nf`` text for ``process`` of ``module`` (independent of inputs)."""
    blocks, warnings = wrapper_blocks(module)
    for warning in warnings:
        log.warning("%s: %s", module.path, warning)
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
        topics={name: topics[name] for name in sorted(topics)},
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
        cluster_options=list(run.cluster_options) if isinstance(run.cluster_options, tuple) else run.cluster_options,
        resource_limits=[(k, run.resource_limits[k]) for k in ("cpus", "memory", "time")
                         if run.resource_limits.get(k) is not None],
        container=run.container,
        extra_config=extra.rstrip("\n"),
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


def render(module: Module, options: RenderOptions | None = None) -> Bundle:
    """Render ``module`` into a ``Bundle`` (raises ProcessSelectionError / InputError / OptionsError)."""
    options = options or RenderOptions()
    process = module.process(options.process)
    module_id = _module_id(module, options.module_id)
    params = build_params(process, options.inputs, options.params, check_files=options.check_files,
                          require_inputs=options.require_inputs)
    sidecars, executables = collect_sidecars(_module_dir(module, options))
    return Bundle(
        module_id=module_id,
        process=process.name,
        main_nf=render_wrapper(module, process, module_id=module_id),
        params_text=params_text(params),
        config_text=render_config(process, options.run),
        sidecars=sidecars,
        executables=executables,
    )
