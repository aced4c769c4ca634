"""Backends by name: ``register(name, "module:Class")``, the ``pynf.backends`` entry points, ``PYNF_BACKENDS``.

A new backend is one package plus one registration, by any of:

- ``pynf.backends.register("mine", "my_pkg.backend:MyBackend")`` (or the class itself) in Python;
- an entry point in the ``pynf.backends`` group of the package's metadata (``mine = "my_pkg.backend:MyBackend"``);
- the environment: ``PYNF_BACKENDS="mine=my_pkg.backend:MyBackend,other=..."`` (what ``pynf run --backend``
  offers in a shell where the package is not installed with an entry point).

Classes are imported only when a backend is used (or ``pynf run`` lists their options), so ``import pynf``
stays light. ``get_backend`` turns a name into an instance with default settings; an instance is used as is.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

from pynf.errors import InputError

if TYPE_CHECKING:
    from pynf.backends.base import Backend

__all__ = ["DEFAULT", "ENTRY_POINT_GROUP", "ENV_VAR", "backend_class", "get_backend", "names", "register"]

#: Entry-point group of installed backends.
ENTRY_POINT_GROUP = "pynf.backends"
#: Environment variable naming backends: ``name=module:Class`` items separated by commas.
ENV_VAR = "PYNF_BACKENDS"

#: The backend used when none is named.
DEFAULT = "local"

_registered: dict[str, str | type] = {
    "local": "pynf.backends.local.backend:LocalBackend",
    "seqera": "pynf.backends.seqera.backend:SeqeraBackend",
}
_entry_points: dict[str, str] | None = None


def register(name: str, backend: str | type[Backend]) -> None:
    """Make ``backend`` (a ``"module:Class"`` text or a Backend subclass) available as ``name``."""
    if not isinstance(name, str) or not name.strip() or "=" in name or "," in name:
        raise InputError(f"backend name: expected a word, got {name!r}")
    if isinstance(backend, str):
        _split(name, backend)
    elif not isinstance(backend, type):
        raise InputError(f"backend {name!r}: expected 'module:Class' or a Backend class, got {type(backend).__name__}")
    _registered[name.strip()] = backend


def _split(name: str, target: str) -> tuple[str, str]:
    module, sep, cls = target.strip().partition(":")
    if not sep or not module or not cls:
        raise InputError(f"backend {name!r}: expected 'module:Class', got {target!r}")
    return module, cls


def _from_env(*, lenient: bool = False) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in filter(None, (i.strip() for i in os.environ.get(ENV_VAR, "").split(","))):
        name, sep, target = item.partition("=")
        try:
            if not sep or not name.strip():
                raise InputError(f"{ENV_VAR}: expected name=module:Class items separated by commas, got {item!r}")
            _split(name, target)
        except InputError:
            if lenient:
                continue
            raise
        out[name.strip()] = target.strip()
    return out


def _from_entry_points() -> dict[str, str]:
    global _entry_points
    if _entry_points is None:
        from importlib.metadata import entry_points

        _entry_points = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    return _entry_points


def _known(*, lenient: bool = False) -> dict[str, str | type]:
    return {**_from_entry_points(), **_from_env(lenient=lenient), **_registered}


def names(*, lenient: bool = False) -> list[str]:
    """Names of every known backend, sorted (registered in code, by entry point, or in ``PYNF_BACKENDS``);
    ``lenient=True`` skips malformed ``PYNF_BACKENDS`` items instead of raising."""
    return sorted(_known(lenient=lenient))


def backend_class(name: str) -> type[Backend]:
    """The Backend subclass registered as ``name``; ``InputError`` naming the known ones otherwise."""
    from pynf.backends.base import Backend

    known = _known()
    target = known.get(name) if isinstance(name, str) else None
    if target is None:
        raise InputError(f"unknown backend {name!r}; choose one of: {', '.join(sorted(known))}")
    if isinstance(target, str):
        module, attr = _split(name, target)
        try:
            target = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:
            raise InputError(f"backend {name!r}: cannot load {module}:{attr} ({exc})") from None
    if not (isinstance(target, type) and issubclass(target, Backend)):
        raise InputError(f"backend {name!r}: {target!r} is not a pynf.backends.Backend subclass")
    return target


def get_backend(backend: str | Backend | None = None, *, config: Any = None) -> Backend:
    """``backend`` itself when it is a Backend instance, else the backend registered under that name
    (default ``local``) set up from ``config`` (its settings object, e.g. a ``SeqeraConfig``) or its
    defaults; settings are read and checked now, before anything is compiled."""
    from pynf.backends.base import Backend

    if isinstance(backend, Backend):
        if config is not None:
            raise InputError(f"settings {type(config).__name__} given with a backend instance: give them to "
                             f"its constructor ({type(backend).__name__}(...))")
        return backend
    cls = backend_class(DEFAULT if backend is None else backend)
    return cls() if config is None else cls(config)
