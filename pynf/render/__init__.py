"""The render step: a parsed module + inputs, params and options -> a :class:`Bundle` (wrapper, params, config)."""

from pynf.render.bundle import MANIFEST_NAME, Bundle
from pynf.render.compile import compile_bundle
from pynf.render.inputs import Queue
from pynf.render.options import RenderOptions, RunOptions
from pynf.render.renderer import render

__all__ = ["MANIFEST_NAME", "Bundle", "Queue", "RenderOptions", "RunOptions", "compile_bundle", "render"]
