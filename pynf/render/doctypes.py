"""Input values checked against the types meta.yml documents, before anything runs.

Only ``val`` elements (and ``each`` values) are checked — a ``path`` element's documented type says
what the file holds, not what Python passes.  ``None`` is accepted for every type (it reaches the
process as Groovy ``null``).  The rules, lenient where nf-core's docs are loose:

==========  ==========================================================================
``map``      a dict (or ``[]``, as nf-core's tests pass for an absent optional tuple)
``boolean``  a bool (no ``"true"``/``1``: in Groovy every non-empty string is true)
``integer``  an int (not a bool)
``float``    an int or a float (not a bool)
``string``   anything but a dict or a bool (numbers and lists print as text in a script)
``list``     a list
``enum``     a scalar must be one of the listed values (compared as text: ``1`` == ``"1"``)
==========  ==========================================================================

Other documented types (``file``, ``path``, ``directory``, ``eval``, unknown words) are not checked.
A ``val`` element of a tuple named ``meta`` or ``metaN`` that meta.yml does not type (no meta.yml at
all, say) is a ``map`` by nf-core convention.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
import re
from typing import Any

from pynf.compiler.ir import Channel, Element, Process
from pynf.errors import InputError

__all__ = ["CHECKED_TYPES", "check_value", "check_documented_types"]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


#: documented type -> (accepts?, what it expects, in words)
CHECKED_TYPES: dict[str, tuple[Any, str]] = {
    "map": (lambda v: isinstance(v, Mapping) or v == [], 'a map (a dict, e.g. {"id": "sample1"})'),
    "boolean": (lambda v: isinstance(v, bool), "a boolean (True or False)"),
    "integer": (lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
    "float": (_is_number, "a number"),
    "string": (lambda v: not isinstance(v, (Mapping, bool)), "a string"),
    "list": (lambda v: isinstance(v, (list, tuple)), "a list"),
}


def _type_name(el: Element) -> str | None:
    doc = el.doc
    if doc is None or not doc.type:
        return None
    return doc.type.strip().strip("'\"").strip().lower()


_META_LABEL = re.compile(r"meta\d*")


def _convention_type(ch: Channel | None, el: Element) -> str | None:
    """``map`` for an untyped ``val(meta)``/``val(metaN)`` tuple element (nf-core's convention), else None."""
    if ch is not None and ch.kind == "tuple" and el.kind == "val" and _META_LABEL.fullmatch(el.label or ""):
        return "map"
    return None


def _shown(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 60 else text[:57] + '...'}"


def check_value(el: Element, value: Any, name: str, ch: Channel | None = None) -> None:
    """Raise :class:`InputError` when ``value`` does not fit the type (or enum) meta.yml gives ``el``
    (or, untyped, the nf-core convention for a ``meta`` element of tuple channel ``ch``)."""
    if value is None or el.kind != "val":
        return
    documented = _type_name(el) if el.doc is not None else None
    by = "meta.yml documents it as"
    if documented is None and _convention_type(ch, el):
        documented, by = "map", "by nf-core convention an untyped tuple element named meta is a"
    rule = CHECKED_TYPES.get(documented or "")
    if rule is not None and not rule[0](value):
        raise InputError(f"{by} `{documented}`: expected {rule[1]}, got {_shown(value)}", input=name)
    if el.doc is None:
        return
    allowed = el.doc.enum
    if allowed and isinstance(value, (str, int, float, bool)):
        text = str(value)
        if text not in allowed and not (isinstance(value, bool) and text.lower() in {a.lower() for a in allowed}):
            raise InputError(f"meta.yml allows only {', '.join(repr(a) for a in allowed)}; got {_shown(value)}",
                             input=name)


def _check_item(ch: Channel, item: list[Any]) -> None:
    for el, value in zip(ch.elements, item):
        name = el.label
        if ch.kind == "each":
            for v in value if isinstance(value, list) else [value]:
                check_value(el, v, name, ch)
        else:
            check_value(el, value, name, ch)


def check_documented_types(process: Process, channels: list, *, skip: Collection[int] = ()) -> None:
    """Check every item of ``channels`` (the resolved ``ChannelInput`` list, in channel order) against
    the documented types of ``process``'s inputs; channels in ``skip`` (docs that do not line up with
    main.nf) are left alone."""
    for ci, (ch, given) in enumerate(zip(process.inputs, channels)):
        if ci in skip:
            continue
        for item in given.items:
            _check_item(ch, item)
