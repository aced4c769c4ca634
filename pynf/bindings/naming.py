"""Python names for modules, parameters and result attributes of generated bindings.

A module ID ``samtools/sort`` becomes the function ``sort`` in the namespace ``samtools``; a one-part ID
``fastp`` a top-level function. Names that are not identifiers are made into ones (``ea-utils`` ->
``ea_utils``, ``3dunet`` -> ``_3dunet``); Python keywords and reserved names take a trailing ``_``.
"""

from __future__ import annotations

import keyword
import re

__all__ = ["identifier", "python_path", "flat_name", "class_stem", "unique"]

_NOT_WORD = re.compile(r"[^0-9A-Za-z_]")


def identifier(text: str) -> str:
    """``text`` as a Python identifier: other characters become ``_``; a leading digit gets ``_``; a keyword ``_`` after."""
    name = _NOT_WORD.sub("_", text) or "_"
    if name[0].isdigit():
        name = "_" + name
    return name + "_" if keyword.iskeyword(name) or keyword.issoftkeyword(name) else name


def python_path(module_id: str) -> tuple[str, ...]:
    """``org/tool/sub`` or ``tool/sub`` -> ``("tool", "sub")`` as identifiers (the org is left out)."""
    parts = [p for p in module_id.strip("/").split("/") if p]
    if len(parts) == 3:
        parts = parts[1:]
    return tuple(identifier(p.lower()) for p in parts) or ("module",)


def flat_name(path: tuple[str, ...]) -> str:
    """The file stem of a module's binding: ``("samtools", "sort")`` -> ``samtools__sort``."""
    return "__".join(path)


def class_stem(text: str) -> str:
    """``samtools_sort`` / ``reads_fail`` -> ``SamtoolsSort`` / ``ReadsFail`` (always a valid class name start)."""
    stem = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", text) if part)
    return stem if stem and not stem[0].isdigit() else "M" + stem


def unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name_`` (``name__`` …) when taken; the result is added to ``taken``."""
    while name in taken:
        name += "_"
    taken.add(name)
    return name
