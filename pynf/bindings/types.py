"""Python type expressions (as source text) for module inputs and outputs, from the IR and meta.yml.

Inputs: a ``val`` is typed by its meta.yml ``type`` (``map`` -> ``Meta``, ``boolean`` -> ``bool``, ``integer`` ->
``int``, ``float`` -> ``float``, ``string`` -> ``str``, ``list`` -> a list; an ``enum`` -> ``Literal[...]``; an
undocumented ``meta``/``meta2``… -> ``Meta``; anything else -> ``Any``); ``path``/``file`` elements take
``PathArg`` (a path-like or a sequence of them, ``[]`` for none); ``env``/``stdin`` a ``Scalar``.
Outputs: ``path`` -> ``Path`` (``Path | list[Path]`` when a glob may match several files), ``val`` as above
(a map is a ``dict``), ``eval``/``env``/``stdout`` -> ``str``.
"""

from __future__ import annotations

import re

from pynf.compiler.ir import Element

__all__ = ["input_type", "output_type", "each_type"]

_META = re.compile(r"meta\d*")
_SIMPLE = {"boolean": "bool", "integer": "int", "float": "float", "string": "str", "list": "list[Any]",
           "file": "PathLike", "path": "PathLike", "directory": "PathLike"}
_OUT_SIMPLE = {"boolean": "bool", "integer": "int", "float": "float", "string": "str", "list": "list[Any]",
               "map": "dict[str, Any]"}
_GLOB = re.compile(r"[*?\[{]")


def _literal(values: tuple[str, ...], doc_type: str | None) -> str:
    if doc_type == "integer" and all(re.fullmatch(r"-?\d+", v) for v in values):
        shown = [str(int(v)) for v in values]
    elif doc_type == "boolean" and all(v in ("true", "false") for v in values):
        shown = ["True" if v == "true" else "False" for v in values]
    else:
        shown = [repr(v) for v in values]
    return f"Literal[{', '.join(dict.fromkeys(shown))}]"


def _val_type(el: Element, *, output: bool) -> str:
    doc = el.doc
    doc_type = (doc.type or "").strip().lower() if doc else ""
    if doc is not None and doc.enum:
        return _literal(doc.enum, doc_type)
    if doc_type == "map" or (not doc_type and el.name is not None and _META.fullmatch(el.name)):
        return "dict[str, Any]" if output else "Meta"
    table = _OUT_SIMPLE if output else _SIMPLE
    return table.get(doc_type, "Any")


def input_type(el: Element) -> str:
    """The type a caller passes for one input element."""
    if el.kind in ("path", "file"):
        return "PathArg"
    if el.kind in ("env", "stdin"):
        return "Scalar"
    if el.kind == "val":
        return _val_type(el, output=False)
    return "Any"


def each_type(el: Element) -> str:
    """An ``each`` input: a list of values of the wrapped element's type."""
    inner = "PathLike" if el.kind in ("path", "file") else input_type(el)
    return f"list[{inner}] | tuple[{inner}, ...]"


def _many_files(el: Element) -> bool:
    arity = (el.option("arity") or "").strip("'\" ")
    if arity:
        return arity != "1"
    text = el.pattern if el.pattern is not None else el.expr
    return bool(_GLOB.search(text or ""))


def output_type(el: Element) -> str:
    """The type of one element of an emitted item (as decoded from the run's manifest)."""
    if el.kind in ("path", "file"):
        return "Path | list[Path]" if _many_files(el) else "Path"
    if el.kind == "val":
        return _val_type(el, output=True)
    if el.kind in ("eval", "env", "stdout"):
        return "str"
    return "Any"
