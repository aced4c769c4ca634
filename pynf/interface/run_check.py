"""The one way a module is made ready to run: resolve it (pinned in ``pynf.lock``), then check its review.

:func:`pynf.run` (through :class:`pynf.dispatch.ModuleTarget`) and every step of a
:class:`pynf.Workflow` run or export go through :func:`load_for_run`, so a workflow step sees the
same lock pins, source settings (``remote``/``branch``/``sha``/``offline``), drift check and
"not reviewed" hint as a single-module run.
"""

from __future__ import annotations

import os

from pynf.sources.load import LoadedModule, ModuleSource, load_module

from .review import check_reviewed

__all__ = ["load_for_run"]


def load_for_run(module: str | os.PathLike[str], *, process: str | None = None, source: ModuleSource | None = None,
                 pin: bool = True) -> LoadedModule:
    """Resolve and parse ``module`` for a run: a module ID is pinned in ``pynf.lock`` (``pin=True``), and
    the module is compared with its reviewed interface (:func:`check_reviewed`: breaking drift raises
    :class:`~pynf.errors.InterfaceDriftError`, compatible drift warns, never reviewed hints once)."""
    loaded = load_module(module, process=process, source=source, pin=pin)
    check_reviewed(loaded.module, loaded.directory, module_id=loaded.module_id, sha=loaded.sha,
                   remote=loaded.remote)
    return loaded
