"""Render a :class:`~pynf.workflow.Workflow` into ONE bundle: every module once, in a folder of its own
(:mod:`pynf.workflow.modules`), and one wrapper workflow that includes their processes.

A module used by several steps is carried once; each further use of its process is included again under
an alias (``SAMTOOLS_INDEX`` -> ``SAMTOOLS_INDEX_<STEP>``).  Every step's outputs are published to ``outdir/<step>`` and listed in one manifest:
``{"workflow", "steps": {step: {process, module, outputs: [keys], topics: [names]}},
"outputs": {"<step>.<key>": [item, ...]}, "topics": {name: items of every step}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pynf._version import __version__
from pynf.compiler.ir import Process
from pynf.compiler.subworkflow_module import SubworkflowModule
from pynf.errors import OptionsError, WiringError
from pynf.render.bundle import MANIFEST_NAME, Bundle
from pynf.render.inputs import build_params
from pynf.render.options import RunOptions
from pynf.render.renderer import _channel_context
from pynf.render.reports import config_context
from pynf.render.subworkflow import subworkflow_own_config
from pynf.templates import render_template
from pynf.workflow.modules import module_layout
from pynf.workflow.ops import Chain, Topic
from pynf.workflow.step import Step, StepGraph
from pynf.workflow.wiring import StepPlan, plan_step

__all__ = ["render_workflow", "STEP_MANIFEST_DIR", "TOPIC_KEY"]

#: Key under which a subworkflow step publishes a topic its processes send to (not one of its outputs).
TOPIC_KEY = "@topic:{topic}"

#: Folder of the outdir where each finished step's part of the manifest is written as soon as it ends.
STEP_MANIFEST_DIR = ".pynf-steps"


def _common(steps: list[Step], options: dict[str, RunOptions], attr: str) -> Any:
    values = {}
    for step in steps:
        value = getattr(options[step.name], attr)
        if isinstance(value, Mapping):
            value = tuple(sorted(value.items()))
        values.setdefault(value, step.name)
    if len(values) > 1:
        shown = "; ".join(f"step '{s}': {v!r}" for v, s in values.items())
        raise OptionsError(f"the steps of one run must agree on {attr} ({shown}); set it the same for every step "
                           "(Workflow(options=...) gives the default)")
    return next(iter(values)) if values else None


def _cluster(run: RunOptions) -> Any:
    value = getattr(run, "cluster_options", None)
    return list(value) if isinstance(value, tuple) else value


def _step_context(step: Step, plan: StepPlan, process: str) -> dict[str, Any]:
    """What ``workflow.nf.j2`` writes for one step: its input channels (plan), process call and outputs."""
    outputs = [_channel_context(ch) | {"index": i} for i, ch in enumerate(step.process.outputs)]
    topics: dict[str, list[str]] = {}
    for ch in step.process.outputs:
        if ch.topic:
            topics.setdefault(ch.topic, []).append(ch.key)
    channels = {o["key"]: {"kinds": o["kinds"], "tuple": o["tuple"]} for o in outputs}
    inner = []  # a subworkflow step: each topic its processes send to, read from the topic channel
    for i, (topic, kinds) in enumerate(sorted(step.inner_topics().items())):
        key = TOPIC_KEY.format(topic=topic)
        inner.append({"var": f"pynf_topic_{step.name}_{i}", "key": key, "source": Chain(Topic(topic, process))})
        channels[key] = {"kinds": list(kinds), "tuple": len(kinds) > 1}
        topics.setdefault(topic, []).append(key)
    return {
        "name": step.name, "process": process, "module_id": step.module_id.replace("\n", " "),
        "source_hash": step.module.source_hash, "many": plan.many,
        "literals": [(var, key, _channel_context(ch)) for var, key, ch in plan.literals],
        "consts": plan.consts, "lines": plan.lines, "args": plan.args, "outputs": outputs,
        "channels": channels, "inner_topics": inner,
        "publish_keys": [o["key"] for o in outputs] + [t["key"] for t in inner],
        "info": {"name": step.name, "process": process, "module": step.module_id,
                 "keys": [o["key"] for o in outputs], "topics": {t: topics[t] for t in sorted(topics)}},
    }


def _selector(step: Step, name: str) -> str:
    """The ``withName`` selector of a step's settings: its process, or every process a subworkflow step runs
    (their fully qualified names start with the subworkflow's name in the wrapper, alias included)."""
    return f"{name}:.*" if isinstance(step.module, SubworkflowModule) else name


def _config_text(wf: StepGraph, steps: list[Step], procs: Mapping[str, str], options: dict[str, RunOptions]) -> str:
    """The run's nextflow.config: the own nextflow.config of each subworkflow step (first, so pynf's settings
    win), every step's process settings, and the settings the steps share."""
    limits = dict(_common(steps, options, "resource_limits") or ())
    extra: list[str] = []
    for step in steps:
        text = options[step.name].extra_config.rstrip("\n")
        if text and text not in extra:
            extra.append(text)
    own = subworkflow_own_config([s.module for s in steps if isinstance(s.module, SubworkflowModule)])
    return (f"{own}\n" if own else "") + render_template(
        "workflow.config.j2", version=__version__, workflow_name=wf.name,
        steps=[{"name": s.name, "process": _selector(s, procs[s.name]), "run": options[s.name],
                "ext": sorted(options[s.name].ext.items()), "cluster_options": _cluster(options[s.name])}
               for s in steps],
        resource_limits=[(k, limits[k]) for k in ("cpus", "memory", "time") if limits.get(k) is not None],
        container=_common(steps, options, "container"), publish_mode=_common(steps, options, "publish_mode"),
        container_registry=_common(steps, options, "container_registry"),
        container_options=_common(steps, options, "container_options"),
        extra_config="\n\n".join(extra),
        reports=config_context(all(options[s.name].reports for s in steps) and wf.options.reports))


def _plans(steps: list[Step], procs: Mapping[str, str], check_files: bool) -> dict[str, StepPlan]:
    """Each step's wiring plan, in step order (a step's plan needs to know which upstream steps run per item)."""
    many: dict[str, bool] = {}
    plans = {}
    for step in steps:
        plans[step.name] = plan_step(step, procs, many, check_files=check_files)
        many[step.name] = plans[step.name].many
    return plans


def render_workflow(wf: StepGraph, *, params: Mapping[str, Any] | None = None, check_files: bool = True) -> Bundle:
    """The bundle of ``wf`` (raises WiringError / InputError / OptionsError before anything runs)."""
    steps = wf.order()
    if not steps:
        raise WiringError(f"workflow '{wf.name}' has no steps; add some with wf.add(module, ...)")
    layout = module_layout(steps)
    procs = layout.names
    plans = _plans(steps, procs, check_files)
    options = {s.name: s.options or wf.options for s in steps}
    step_ctx = [_step_context(step, plans[step.name], procs[step.name]) for step in steps]
    main_nf = render_template("workflow.nf.j2", version=__version__, workflow_name=wf.name, manifest_name=MANIFEST_NAME,
                              step_dir=STEP_MANIFEST_DIR, blocks=["\n".join(layout.includes)], steps=step_ctx,
                              gathers=any(line.var.startswith("pynf_gather_") for p in plans.values()
                                          for line in p.lines))
    config = _config_text(wf, steps, procs, options)
    data = build_params(Process(name="", directives=(), inputs=(), outputs=(), when=None, body=None, stub=None,
                                text="", pos=steps[0].process.pos), [], params)
    data["pynf_inputs"] = [e.to_json() for s in steps for e in plans[s.name].entries]
    # which params entries hold paths (remote backends stage those): literal channels and constants
    kinds = tuple([(key, tuple(ctx["kinds"])) for s in step_ctx for _, key, ctx in s["literals"]]
                  + [(key, (kind,)) for s in step_ctx for _, key, kind in s["consts"]])
    return Bundle(module_id=wf.name, process=",".join(procs[s.name] for s in steps), main_nf=main_nf,
                  param_values=data, config_text=config, sidecars=tuple(sorted(layout.files.items())),
                  executables=frozenset(layout.executables), steps=tuple(s.name for s in steps),
                  input_kinds=kinds)
