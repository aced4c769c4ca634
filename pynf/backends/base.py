"""The backend interface: something that runs a :class:`~pynf.bundle.Bundle` and returns a result."""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from typing import Any

from ..bundle import Bundle
from ..errors import PynfError

__all__ = ["Backend", "BACKENDS", "get_backend"]

#: Known backends by name -> "module:Class" (imported on demand).
BACKENDS: dict[str, str] = {
    "local": "pynf.backends.local:LocalBackend",
    "seqera": "pynf.backends.seqera:SeqeraBackend",
}


class Backend(ABC):
    """Runs bundles; ``name`` identifies it (``"local"``, ``"seqera"``)."""

    name: str = ""

    @abstractmethod
    def submit(self, bundle: Bundle, **options: Any) -> Any:
        """Run ``bundle`` with backend-specific ``options`` and return its result."""


def get_backend(name: str, **kwargs: Any) -> Backend:
    """Instantiate the backend called ``name`` (``local`` or ``seqera``)."""
    target = BACKENDS.get(name)
    if target is None:
        raise PynfError(f"unknown backend {name!r}; choose one of: {', '.join(sorted(BACKENDS))}")
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)(**kwargs)
