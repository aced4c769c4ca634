"""Finished tasks as result items, so a failed run still hands back what finished, and failed items are named.

The wrapper lists outputs in its manifest only when the whole run succeeds, and Nextflow's ``fair``
ordering holds back every item after a failed one. So the observer asks each finished task (Java-side,
:mod:`pynf.backends.local.helpers` ``PynfTaskItems``) for its index (= input order), the ``meta`` map of
its inputs and its output values by channel; :func:`partial_outputs` turns those into manifest-shaped
items per process (paths in the task's work directory: a failed run's manifest is never written).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

__all__ = ["TaskItems", "describe_task", "partial_outputs", "partial_manifest", "in_input_order"]

_log = logging.getLogger("pynf.backends.local.engine")


@dataclass(frozen=True)
class TaskItems:
    """One finished task: process, index (input order), the meta of its inputs, output items by key."""

    process: str
    index: int
    meta: dict | None = None
    outputs: dict[str, list] = field(default_factory=dict)  # key -> one manifest item (a list of elements)
    topics: dict[str, list[str]] = field(default_factory=dict)  # topic -> output keys


def describe_task(task: Any) -> TaskItems | None:
    """A Nextflow ``TaskRun`` as :class:`TaskItems` (None when it cannot be read; never raises)."""
    try:
        from pynf.backends.local import helpers
        from pynf.backends.local.jvm import engine as jvm_engine

        data = json.loads(str(helpers.load("PynfTaskItems", jvm_engine().version).describe(task)))
        process = str(task.getProcessor().getName())
    except Exception:  # noqa: BLE001 - reading a task must never break the run
        _log.debug("could not read task outputs", exc_info=True)
        return None
    keys = {c["index"]: c["emit"] or str(c["index"]) for c in data.get("channels") or ()}
    topics: dict[str, list[str]] = {}
    for c in data.get("channels") or ():
        if c.get("topic"):
            topics.setdefault(c["topic"], []).append(keys[c["index"]])
    outputs: dict[str, list] = {}
    for out in data.get("outputs") or ():
        outputs.setdefault(keys.get(out["index"], str(out["index"])), []).append(
            {"kind": out["kind"], "value": out["value"]})
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else None
    return TaskItems(process=process, index=int(data.get("index") or 0), meta=meta, outputs=outputs, topics=topics)


def _complete(item: list) -> bool:
    """An optional output a task did not make is no item (Nextflow emits nothing for it)."""
    return all(e["value"] not in (None, []) or e["kind"] not in ("path", "file") for e in item)


def partial_outputs(tasks: list[TaskItems]) -> dict[str, dict[str, dict[str, list]]]:
    """``{process: {"outputs": {key: [items in input order]}, "topics": {topic: [items]}}}`` of finished tasks."""
    out: dict[str, dict[str, dict[str, list]]] = {}
    for task in sorted(tasks, key=lambda t: (t.process, t.index)):
        part = out.setdefault(task.process, {"outputs": {}, "topics": {}})
        for key, item in task.outputs.items():
            bucket = part["outputs"].setdefault(key, [])
            if _complete(item):
                bucket.append(item)
        for topic, keys in task.topics.items():
            part["topics"].setdefault(topic, []).extend(
                item for key in keys for item in [task.outputs.get(key)] if item and _complete(item))
    return out


def partial_manifest(bundle: Any, partial: dict) -> dict | None:
    """A failed one-module run's outputs, shaped like the manifest it never wrote (None for workflows: their
    result reads ``partial`` per step)."""
    if getattr(bundle, "steps", ()):
        return None
    part = partial.get(bundle.process) or {"outputs": {}, "topics": {}}
    return {"pynf": 1, "partial": True, "process": bundle.process, **part}



def _signature(item: list) -> str:
    """What identifies one task's item whatever folder it was published to: values, and file names."""
    def name(v: Any) -> Any:
        if isinstance(v, list):
            return [name(x) for x in v]
        return v.rsplit("/", 1)[-1] if isinstance(v, str) else v

    return json.dumps([[e.get("kind"), name(e.get("value")) if e.get("kind") in ("path", "file") else e.get("value")]
                       for e in item], sort_keys=True, default=str)


def in_input_order(manifest: dict | None, partial: dict) -> dict | None:
    """``manifest`` with every output's items in input order, as the finished tasks had them.

    With ``error_strategy="ignore"`` the wrapper cannot use Nextflow's ``fair`` ordering (an ignored task
    would hold back every later item), so items arrive in the order tasks ended; each is matched to its
    task's own item (same values, same file names) and put back in the order of the inputs.
    """
    if not manifest or not partial:
        return manifest
    steps = manifest.get("steps") or {}
    outputs = {}
    for key, items in (manifest.get("outputs") or {}).items():
        step, _, emit = key.rpartition(".")
        process = (steps.get(step) or {}).get("process") if step else manifest.get("process")
        ranked: dict[str, list[int]] = {}
        for rank, item in enumerate(((partial.get(process) or {}).get("outputs") or {}).get(emit or key, [])):
            ranked.setdefault(_signature(item), []).append(rank)

        def rank_of(item: list) -> int:
            ranks = ranked.get(_signature(item))
            return ranks.pop(0) if ranks else len(items) + 10**6

        order = [rank_of(item) for item in items]
        outputs[key] = [item for _, item in sorted(zip(order, items), key=lambda pair: pair[0])]
    return {**manifest, "outputs": outputs}
