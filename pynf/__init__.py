"""pynf: compile a Nextflow module into a standalone wrapper and run it from Python.

    import pynf
    result = pynf.run("fixtures/modules/seqtk_seq", meta={"id": "s1"}, fastx="reads.fq")
    result.outputs["fastx"]
"""

from __future__ import annotations

from pynf._version import __version__
from pynf.api import compile, describe, inspect, review, run, run_module  # noqa: E402
from pynf.render.bundle import Bundle  # noqa: E402
from pynf.render.inputs import Queue  # noqa: E402
from pynf.render.options import RunOptions  # noqa: E402
from pynf.render.values import file  # noqa: E402
from pynf.types import ExecutionRequest  # noqa: E402
from pynf.workflow import Workflow, collect  # noqa: E402
from pynf.reload import load  # noqa: E402
from pynf.bindings.interactive import nf  # noqa: E402

__all__ = [
    "__version__",
    "run",
    "run_module",
    "compile",
    "inspect",
    "describe",
    "review",
    "Queue",
    "file",
    "RunOptions",
    "ExecutionRequest",
    "Bundle",
    "Workflow",
    "collect",
    "load",
    "nf",
]
