"""Backends run a compiled bundle: ``local`` (embedded Nextflow), ``seqera`` (Seqera Platform), or any registered one."""

from pynf.backends.base import Backend, Result, RunRequest
from pynf.backends.registry import backend_class, get_backend, names, register
from pynf.backends.spec import RunSpec, Target

__all__ = ["Backend", "Result", "RunRequest", "RunSpec", "Target", "backend_class", "get_backend", "names",
           "register"]
