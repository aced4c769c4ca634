"""``load_module(ref)``: resolve a module reference (path or ID) and parse it into the IR."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pynf.compiler import Module, Process, parse

__all__ = ["LoadedModule", "load_module"]


@dataclass(frozen=True)
class LoadedModule:
    """A parsed module, the chosen process, and where the module came from."""

    module: Module
    process: Process
    module_id: str
    directory: Path
    sha: str | None = None
    remote: str | None = None


def load_module(ref: str | os.PathLike[str], *, process: str | None = None, **source_options) -> LoadedModule:
    """Resolve ``ref`` (a directory, a ``.nf`` file, or an nf-core-style ID) and parse it.

    ``source_options`` go to :func:`pynf.sources.resolve` (``remote``, ``branch``, ``sha``…).
    """
    from pynf.sources import resolve

    resolved = resolve(ref, **source_options)
    path = Path(resolved.path)
    module = parse(path)
    chosen = module.process(process)
    directory = path if path.is_dir() else path.parent
    module_id = resolved.module_id if resolved.sha else _local_id(path)
    return LoadedModule(module=module, process=chosen, module_id=module_id, directory=directory, sha=resolved.sha,
                        remote=resolved.remote)


def _local_id(path: Path) -> str:
    """A local module's ID: its directory name (``fixtures/modules/seqtk_seq`` -> ``seqtk_seq``)."""
    directory = path if path.is_dir() else path.parent
    return directory.resolve().name
