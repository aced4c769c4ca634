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

__all__ = ["Namespace", "nf", "function_for"]

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


class Namespace:
    """A lazily resolved level of module IDs: tools at the top (``pynf.nf``), their modules below."""

    def __init__(self, prefix: tuple[str, ...] = (), ids: dict[tuple[str, ...], str] | None = None):
        self._prefix = prefix
        self._known = ids
        self._made: dict[str, Any] = {}

    def _ids(self) -> dict[tuple[str, ...], str]:
        """Python path -> module ID for every module offered (read once per top-level namespace)."""
        if self._known is None:
            self._known = {python_path(mid): mid for mid in adapter.available_ids()}
        return self._known

    def _children(self) -> dict[str, bool]:
        """Names one level below this one -> whether the name has modules below it."""
        depth = len(self._prefix)
        out: dict[str, bool] = {}
        for path in self._ids():
            if path[:depth] == self._prefix and len(path) > depth:
                out[path[depth]] = out.get(path[depth], False) or len(path) > depth + 1
            elif depth and path == self._prefix:
                out.setdefault(path[-1], False)  # the tool's own module, beside its subtools
        return out

    def __dir__(self) -> list[str]:
        return sorted(self._children())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._made:
            self._made[name] = self._resolve(name)
        return self._made[name]

    def _resolve(self, name: str) -> Any:
        path = self._prefix + (name,)
        children = self._children()
        if children.get(name):
            return Namespace(path, self._ids())
        ids = self._ids()
        if path not in ids and self._prefix and path[:-1] in ids and path[-1] == path[-2]:
            return function_for(ids[path[:-1]], path[:-1])  # a tool that is a module and has subtools
        module_id = ids.get(path, "/".join(path))
        try:
            return function_for(module_id, path)
        except Exception as exc:  # noqa: BLE001 - attribute lookup must raise AttributeError
            raise AttributeError(f"pynf.nf has no module {'/'.join(path)!r}: {exc}") from None

    def __repr__(self) -> str:
        return f"<pynf.nf{'.' if self._prefix else ''}{'.'.join(self._prefix)}: modules by ID>"


#: The namespace of every module: ``pynf.nf.fastp(...)``, ``pynf.nf.samtools.sort(...)``.
nf = Namespace()
