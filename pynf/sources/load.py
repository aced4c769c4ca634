"""``load_module(ref)``: resolve a module reference (path or ID) and parse it into the IR."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from pynf.compiler import Module, Process, parse
from pynf.errors import ModuleWarning
from pynf.sources.ids import local_module_id
from pynf.sources.checkout import resolve

__all__ = ["LoadedModule", "ModuleSource", "load_module", "parse_module"]


@dataclass(frozen=True)
class ModuleSource:
    """Where module IDs are looked up: the same four settings for every command and API entry point.

    ``remote`` (default ``$PYNF_MODULES_REMOTE``, else nf-core/modules), ``branch`` (default
    ``$PYNF_MODULES_BRANCH``, else ``master``), ``sha`` (a commit to use instead of the branch head or
    the pinned one) and ``offline`` (default ``$PYNF_OFFLINE``). Local module paths ignore them.
    """

    remote: str | None = None
    branch: str | None = None
    sha: str | None = None
    offline: bool | None = None

    def options(self) -> dict[str, object]:
        """Keyword arguments for :func:`pynf.sources.resolve`."""
        return {"remote": self.remote, "branch": self.branch, "sha": self.sha, "offline": self.offline}


@dataclass(frozen=True)
class LoadedModule:
    """A parsed module, the chosen process, and where the module came from."""

    module: Module
    process: Process
    module_id: str
    directory: Path
    sha: str | None = None
    remote: str | None = None


def parse_module(path: str | os.PathLike[str]) -> Module:
    """``parse(path)``, issuing each of the module's warnings (kept in ``Module.warnings``) as a ModuleWarning."""
    module = parse(path)
    for text in module.warnings:
        warnings.warn(f"{path}: {text}", ModuleWarning, stacklevel=3)
    return module


def load_module(ref: str | os.PathLike[str], *, process: str | None = None, source: ModuleSource | None = None,
                pin: bool = False, **source_options) -> LoadedModule:
    """Resolve ``ref`` (a directory, a ``.nf`` file, or an nf-core-style ID) and parse it.

    ``source`` (or ``source_options``: ``remote``, ``branch``, ``sha``, ``offline``, ``lock_path``) go to
    :func:`pynf.sources.resolve`. ``pynf.lock`` is read; it is written only with ``pin=True`` (runs).
    """
    options = {**(source or ModuleSource()).options(), **source_options}
    resolved = resolve(ref, pin=pin, **options)
    path = Path(resolved.path)
    module = parse_module(path)
    chosen = module.process(process)
    directory = path if path.is_dir() else path.parent
    module_id = resolved.module_id if resolved.sha else local_module_id(path)
    return LoadedModule(module=module, process=chosen, module_id=module_id, directory=directory, sha=resolved.sha,
                        remote=resolved.remote)

