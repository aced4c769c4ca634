"""Stub-run one module process with synthesized inputs: the check ``pynf modules review`` and the
stub sweep (``benchmarks/stub_sweep.py``) both make.

Each input variant (``inputs.VARIANTS``) is tried in turn until a stub run succeeds: it must end
without error, write the manifest and give at least one item for every non-optional output.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from pynf.compiler import Module, Process
from pynf.errors import PynfError, TaskFailedError
from pynf.render.compile import compile_bundle
from pynf.render.options import RunOptions
from pynf.stubcheck.inputs import VARIANTS, Variant, synthesize_inputs
from pynf.stubcheck.shims import version_shims, with_shims

__all__ = ["STUB_RESOURCES", "attempt", "stub_check"]

#: What a pipeline's resource labels would give a task (modules may read task.cpus / task.memory); a check's
#: runs are thrown away, so they write no execution report, timeline, trace or DAG (a second each).
STUB_RESOURCES = RunOptions(cpus=1, memory="2 GB", reports=False)


def attempt(module: Module, process: Process, module_id: str, work: Path, backend: Any, variant: Variant) -> str | None:
    """One stub run with ``variant``'s inputs under ``work``; None when it passed, else why not."""
    inputs = synthesize_inputs(process, work / "inputs", variant)
    shims = version_shims(process)
    options = dataclasses.replace(STUB_RESOURCES, extra_config=shims.install_lib(work / "lib"))
    try:
        bundle = with_shims(compile_bundle(module, process=process.name, inputs=inputs, module_id=module_id,
                                           options=options), shims)
        result = backend.submit(bundle, stub=True, run_dir=work / "run")
    except TaskFailedError as e:
        return f"task failed (exit {e.exit_status}): {e.stderr_tail.strip()[-300:] or str(e)[:300]}"
    except PynfError as e:
        return f"{type(e).__name__}: {str(e)[:300]}"
    missing = [ch.key for ch in process.outputs if not ch.optional and not result.outputs.get(ch.key)]
    if result.manifest is None:
        return "no manifest written"
    if missing:
        return f"non-optional outputs without items: {', '.join(missing)}"
    return None


def stub_check(module: Module, process: Process, module_id: str, work: Path, backend: Any = None
               ) -> tuple[str | None, str | None]:
    """Stub-run ``process`` with each input variant in turn until one succeeds.

    Returns ``(None, variant)`` on success, else ``(reason, None)`` with the default variant's reason.
    ``backend`` defaults to a new local backend (the embedded engine).
    """
    if process.stub is None:
        return f"process {process.name} has no stub block", None
    if backend is None:
        from pynf.backends.local.backend import LocalBackend

        backend = LocalBackend()
    first_error = None
    for variant in VARIANTS:
        error = attempt(module, process, module_id, work / variant.name, backend, variant)
        if error is None:
            return None, variant.name
        first_error = first_error or error
    return first_error, None
