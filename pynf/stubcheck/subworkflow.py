"""Stub-run a subworkflow with synthesized inputs: the check ``pynf modules review`` makes for a subworkflow
whose processes all have a ``stub:`` block, and the subworkflow sweep (``benchmarks/subworkflow_sweep.py``).

Take channels pynf could shape get the inputs a module input of that shape gets (:mod:`pynf.stubcheck.inputs`);
a take passed as given gets a queue of one ``[meta, file, ...]`` sized by the first closure over it, a
plain-value take ``false``. The run passes when it ends without error and writes the manifest (an emit may
stay empty: a subworkflow's branches depend on its inputs).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from pynf.compiler.subworkflow_module import ANY, SubworkflowModule
from pynf.errors import PynfError, TaskFailedError
from pynf.render.compile import compile_bundle
from pynf.render.inputs import Queue
from pynf.stubcheck.inputs import synthesize_inputs
from pynf.stubcheck.run import STUB_RESOURCES
from pynf.stubcheck.shims import version_shims, with_shims

__all__ = ["missing_stubs", "subworkflow_inputs", "subworkflow_stub_check"]


def _arity(source: str, take: str) -> int:
    """How many elements the first closure applied to ``take`` destructures (``ch.map { meta, reads -> }``: 2)."""
    m = re.search(r"\b" + re.escape(take) + r"\s*\.\s*\w+\s*\{\s*([A-Za-z_][\w\s,]*?)->", source)
    return max(2, len(m.group(1).split(","))) if m else 2


def missing_stubs(module: SubworkflowModule) -> list[str]:
    """The processes the subworkflow runs that have no ``stub:`` block."""
    return [p.name for p in module.inner if p.stub is None]


def subworkflow_inputs(module: SubworkflowModule, work: Path) -> list:
    """Synthesized inputs for every take channel (see the module docstring); files are written under ``work``."""
    process = module.processes[0]
    inputs = synthesize_inputs(process, work / "inputs")
    source = Path(module.path).read_text(encoding="utf-8")
    for i, ch in enumerate(process.inputs):
        if ch.elements[0].kind == ANY:
            files = []
            for k in range(_arity(source, ch.key) - 1):
                files.append(work / "inputs" / f"take{i}_{k}.txt")
                files[-1].write_text("placeholder\n")
            # a queue of one sample: operators such as join wait for a queue's end (a value channel has none)
            inputs[i] = False if ch.key in module.plain_takes else Queue([[{"id": "test"}, *files]])
    return inputs


def subworkflow_stub_check(module: SubworkflowModule, module_id: str, work: Path, backend: Any = None,
                           bundle: Any = None, run_dir: Path | None = None, timeout: float | None = None) -> str | None:
    """One stub run of ``module`` (its wrapper compiled with synthesized inputs unless ``bundle`` is given) with
    version shims for the ``eval`` version commands; None when it passed, else why not."""
    missing = missing_stubs(module)
    if missing:
        return f"not stub-run: no stub block in {', '.join(missing)}"
    if backend is None:
        from pynf.backends.local.backend import LocalBackend

        backend = LocalBackend()
    merged = dataclasses.replace(module.processes[0], outputs=tuple(o for p in module.inner for o in p.outputs))
    shims = version_shims(merged)
    extra = shims.install_lib(work / "lib")
    try:
        if bundle is None:
            bundle = compile_bundle(module, inputs=subworkflow_inputs(module, work), module_id=module_id,
                                    options=STUB_RESOURCES)
        bundle = dataclasses.replace(bundle, config_text=bundle.config_text + "\n" + extra + "\n")
        result = backend.submit(with_shims(bundle, shims), stub=True, run_dir=run_dir or work / "run",
                                timeout=timeout)
    except TaskFailedError as e:
        return f"task failed (exit {e.exit_status}): {e.stderr_tail.strip()[-300:] or str(e)[:300]}"
    except PynfError as e:
        return f"{type(e).__name__}: {str(e)[:300]}"
    return None if result.manifest is not None else "no manifest written"
