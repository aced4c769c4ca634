"""``pynf.nf``: bindings made on demand, by module ID, for interactive use (IPython, Jupyter, ``help()``).

``pynf.nf.samtools.sort`` resolves ``samtools/sort`` (as :func:`pynf.run` would: ``pynf.lock``, the module
repository of ``PYNF_MODULES_REMOTE`` …), generates its binding in memory — the same code ``pynf bindings``
writes — and returns the function, with its real signature and docstring. ``dir(pynf.nf)`` lists the tools of
the module repository's branch head and of ``pynf.lock``; ``dir(pynf.nf.samtools)`` the samtools modules.
"""

from __future__ import annotations

import linecache
import sys
import types
from typing import Any

from . import adapter
from .codegen import module_source
from .model import build_binding
from .naming import flat_name, python_path

__all__ = ["namespace", "nf", "function_for"]

_PREFIX = "pynf.nf._m"


def function_for(module_id: str, path: tuple[str, ...] | None = None) -> Any:
    """The binding function of ``module_id`` (its first process), generated and compiled in memory."""
    loaded = adapter.load(module_id)
    path = path or python_path(loaded.module_id)
    proc = loaded.processes[0]
    binding = build_binding(loaded.module, proc, module_ref=module_id, module_id=loaded.module_id, path=path,
                            sha=loaded.sha, interface_hash=loaded.interface_hash, interface=loaded.interface)
    source = module_source(binding)
    name = f"{_PREFIX}.{flat_name(path)}"
    filename = f"<pynf.nf {module_id}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)  # for inspect.getsource
    module = types.ModuleType(name, f"pynf.nf binding of {module_id}")
    module.__file__ = filename
    sys.modules[name] = module  # annotations resolve through the module (typing.get_type_hints)
    exec(compile(source, filename, "exec"), module.__dict__)  # noqa: S102 - our own generated code
    return getattr(module, binding.function)


class _Level:
    """One level of module IDs: tools at the top, their modules below (``prefix``)."""

    def __init__(self, prefix: tuple[str, ...], ids: dict[tuple[str, ...], str] | None):
        self.prefix = prefix
        self.known = ids

    def ids(self) -> dict[tuple[str, ...], str]:
        """Python path -> module ID for every module offered (read once per top-level namespace)."""
        if self.known is None:
            self.known = {python_path(mid): mid for mid in adapter.available_ids()}
        return self.known

    def children(self) -> dict[str, bool]:
        """Names one level below this one -> whether the name has modules below it."""
        depth = len(self.prefix)
        out: dict[str, bool] = {}
        for path in self.ids():
            if path[:depth] == self.prefix and len(path) > depth:
                out[path[depth]] = out.get(path[depth], False) or len(path) > depth + 1
            elif depth and path == self.prefix:
                out.setdefault(path[-1], False)  # the tool's own module, beside its subtools
        return out

    def resolve(self, name: str) -> Any:
        path = self.prefix + (name,)
        if self.children().get(name):
            return namespace(path, self.ids())
        ids = self.ids()
        if path not in ids and self.prefix and path[:-1] in ids and path[-1] == path[-2]:
            return function_for(ids[path[:-1]], path[:-1])  # a tool that is a module and has subtools
        module_id = ids.get(path, "/".join(path))
        try:
            return function_for(module_id, path)
        except Exception as exc:  # noqa: BLE001 - attribute lookup must raise AttributeError
            raise AttributeError(f"pynf.nf has no module {'/'.join(path)!r}: {exc}") from None


def namespace(prefix: tuple[str, ...] = (), ids: dict[tuple[str, ...], str] | None = None) -> types.ModuleType:
    """A namespace of module bindings resolved on first access: a plain module object whose module-level
    ``__getattr__``/``__dir__`` (PEP 562) resolve and list module IDs, so IPython's completer, which evaluates
    attribute access on modules but not on objects with their own ``__getattr__``, completes it."""
    level = _Level(prefix, ids)
    name = ".".join(("pynf.nf", *prefix))
    module = types.ModuleType(name, f"Bindings of modules by ID{' below ' + '/'.join(prefix) if prefix else ''} "
                                    "(pynf.nf): attributes resolve and generate them on first use.")

    def __getattr__(attr: str) -> Any:
        if attr.startswith("_"):
            raise AttributeError(f"module {name!r} has no attribute {attr!r}")
        value = level.resolve(attr)
        setattr(module, attr, value)  # resolved once
        return value

    def __dir__() -> list[str]:
        return sorted(level.children())

    module.__getattr__ = __getattr__  # type: ignore[method-assign]
    module.__dir__ = __dir__  # type: ignore[method-assign]
    return module


#: The namespace of every module: ``pynf.nf.fastp(...)``, ``pynf.nf.samtools.sort(...)``.
nf = namespace()
