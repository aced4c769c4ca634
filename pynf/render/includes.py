"""Module-local includes (``include { f } from './parametrize'``): found, kept, carried as sidecars.

The wrapper ``main.nf`` sits at the bundle root where the module's ``main.nf`` sat in its
directory, so an include of a file inside the module directory resolves the same way once that
file is written beside the wrapper under the same relative path.  Included files' own local
includes are followed too.  Includes that leave the module directory (``../x``, ``/abs``) or name
no file cannot be carried: the renderer drops those with a warning.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["include_target", "local_include_files", "LOCAL_INCLUDE"]

#: ``from './x'``, ``from "../x"`` or ``from '/x'``: an include of a file rather than a plugin.
LOCAL_INCLUDE = re.compile(r"""\bfrom\s+(['"])(?P<path>(?:\.{1,2}/|/)[^'"\n]*)\1""")
_INCLUDE_LINE = re.compile(r"""^[ \t]*include\b[^\n]*?\bfrom\s+(['"])(?P<path>[^'"\n]+)\1""", re.M)


def include_target(root: Path, including: Path, text: str) -> Path | None:
    """The file an include statement's ``from '…'`` names, when it lies inside ``root``; else None.

    Nextflow resolves ``./name`` to ``name.nf`` (or ``name`` itself when it ends in ``.nf``) or
    ``name/main.nf`` relative to the including file.
    """
    m = LOCAL_INCLUDE.search(text)
    if m is None or m.group("path").startswith("/"):
        return None
    base = including.parent / m.group("path")
    candidates = [base] if base.name.endswith(".nf") else [base.with_name(base.name + ".nf"), base / "main.nf"]
    root = root.resolve()
    for candidate in candidates:
        try:
            resolved = candidate.resolve()
            resolved.relative_to(root)
        except (OSError, ValueError):
            continue
        if resolved.is_file():
            return resolved
    return None


def local_include_files(module_main: Path, include_texts: list[str]) -> dict[str, bytes]:
    """Every module-local file reached from ``include_texts`` (the module's include statements), by
    path relative to the module directory, following the included files' own includes."""
    root = module_main.parent.resolve()
    files: dict[str, bytes] = {}
    todo = [(module_main, text) for text in include_texts]
    while todo:
        including, text = todo.pop(0)
        target = include_target(root, including, text)
        if target is None:
            continue
        rel = target.relative_to(root).as_posix()
        if rel in files or rel == "main.nf":
            continue
        data = target.read_bytes()
        files[rel] = data
        source = data.decode("utf-8", "replace")
        todo.extend((target, m.group(0)) for m in _INCLUDE_LINE.finditer(source))
    return files
