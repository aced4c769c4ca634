"""Backends run a compiled bundle: ``local`` (embedded Nextflow) and ``seqera`` (Seqera Platform)."""

from pynf.backends.base import BACKENDS, Backend, Result, RunRequest, get_backend

__all__ = ["BACKENDS", "Backend", "Result", "RunRequest", "get_backend"]
