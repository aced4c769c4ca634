"""Typed Python bindings of Nextflow modules: ``pynf bindings`` writes a package with one typed function per module
(:func:`generate`); ``pynf.nf`` makes the same functions on demand, by module ID (:data:`nf`)."""

from __future__ import annotations

from .package import Generated, generate

__all__ = ["Generated", "generate"]
