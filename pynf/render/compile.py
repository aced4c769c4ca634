"""``compile_bundle``: module (path or parsed ``Module``) + inputs/params/options -> ``Bundle``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pynf.render.bundle import Bundle
from pynf.compiler.ir import Module
from pynf.render.options import RenderOptions, RunOptions, mapping_argument
from pynf.render.renderer import render
from pynf.sources.load import LoadedModule, load_module

__all__ = ["compile_bundle"]


def compile_bundle(module: str | os.PathLike[str] | Module | LoadedModule, *, process: str | None = None, inputs: Any = None,
                   params: Mapping[str, Any] | None = None, options: RunOptions | None = None,
                   module_id: str | None = None, check_files: bool = True, require_inputs: bool = True,
                   source: Any = None, pin: bool = False, params_template: bool = False,
                   fill_empty: bool = False) -> Bundle:
    """Parse ``module`` unless already parsed, and render its bundle.

    ``module`` is a parsed ``Module``, a loaded one (:class:`~pynf.sources.load.LoadedModule`, which carries
    its module ID), a main.nf path or its directory, or an nf-core-style module ID (``fastqc``,
    ``samtools/view``), which is resolved through :mod:`pynf.sources` from ``source`` (a
    :class:`~pynf.sources.load.ModuleSource`) and pinned in ``pynf.lock`` only with ``pin=True``. The module
    ID is derived where the module is loaded (:func:`~pynf.sources.load.load_module`); ``module_id`` overrides it.
    """
    if isinstance(module, Module):
        parsed = module
    else:
        loaded = module if isinstance(module, LoadedModule) else load_module(module, process=process, source=source,
                                                                               pin=pin)
        parsed, module_id = loaded.module, module_id or loaded.module_id
    return render(parsed, RenderOptions(process=process, inputs=inputs, params=mapping_argument(params, "params"),
                                        run=options or RunOptions(), module_id=module_id,
                                        check_files=check_files, require_inputs=require_inputs,
                                        params_template=params_template, fill_empty=fill_empty))
