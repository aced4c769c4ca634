"""Input values checked against the types meta.yml documents, before anything runs.

Only ``val`` elements (and ``each`` values) are checked — a ``path`` element's documented type says
what the file holds, not what Python passes.  ``None`` is accepted for every type (it reaches the
process as Groovy ``null``).  A value is *accepted*, *accepted with a warning*
(:class:`~pynf.errors.DocumentedTypeWarning`: not the documented type, but the process reads it the same
way, as nf-core's own tests pass it) or *refused* (:class:`~pynf.errors.InputError`: the process would
read something else than the caller meant, or cannot read it at all):

===========  ==========================  ======================================  =============================
type         accepted                    warning                                 refused
===========  ==========================  ======================================  =============================
``map``      a dict, ``[]``              —                                       anything else
``boolean``  a bool                      other values, read by Groovy truth      a string reading as false
             (``"true"``, ``[]``, ``0``)                                         (``"false"``, ``"no"``,
                                                                                 ``"0"``: true in Groovy)
``integer``  an int                      a float, a string (written into the     a bool, other lists and maps
                                         script the same), an empty list or map
``float``    an int or a float           a string, an empty list or map          a bool, others
``string``   str, numbers, lists         a bool, an empty map                    a non-empty map
``list``     a list                      an empty map, a string or number        a bool, a non-empty map
===========  ==========================  ======================================  =============================

An ``enum`` also requires a scalar to be one of the listed values (compared as text: ``1`` == ``"1"``); the
empty string (nf-core's "not given") and a listed value in other letter case only warn.
Other documented types (``file``, ``path``, ``directory``, ``eval``, unknown words) are not checked.
A ``val`` element of a tuple named ``meta`` or ``metaN`` that meta.yml does not type (no meta.yml at
all, say) is a ``map`` by nf-core convention.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Collection, Mapping
from typing import Any

from pynf.compiler.ir import Channel, Element, Process
from pynf.errors import DocumentedTypeWarning, InputError

__all__ = ["CHECKED_TYPES", "FITS", "WARN", "REFUSE", "verdict", "check_value", "check_documented_types"]

FITS, WARN, REFUSE = "fits", "warn", "refuse"

#: strings Groovy reads as true although they say false
FALSE_WORDS = frozenset({"false", "no", "off", "0", "n", "f", "null", "none", "nil"})


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _empty_container(value: Any) -> bool:
    return isinstance(value, (Mapping, list, tuple)) and len(value) == 0


def _map(v: Any) -> str:
    return FITS if isinstance(v, Mapping) or v == [] else REFUSE


def _boolean(v: Any) -> str:
    if isinstance(v, bool):
        return FITS
    if isinstance(v, str) and v.strip().lower() in FALSE_WORDS:
        return REFUSE
    return WARN


def _integer(v: Any) -> str:
    if isinstance(v, int) and not isinstance(v, bool):
        return FITS
    return WARN if isinstance(v, (float, str)) or _empty_container(v) else REFUSE


def _float(v: Any) -> str:
    if _is_number(v):
        return FITS
    return WARN if isinstance(v, str) or _empty_container(v) else REFUSE


def _string(v: Any) -> str:
    if isinstance(v, Mapping):
        return WARN if not v else REFUSE
    return WARN if isinstance(v, bool) else FITS


def _list(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return FITS
    if isinstance(v, bool) or (isinstance(v, Mapping) and v):
        return REFUSE
    return WARN


#: documented type -> (verdict on a value, what it expects, in words)
CHECKED_TYPES: dict[str, tuple[Callable[[Any], str], str]] = {
    "map": (_map, 'a map (a dict, e.g. {"id": "sample1"})'),
    "boolean": (_boolean, "a boolean (True or False; a string such as 'false' is true in Groovy)"),
    "integer": (_integer, "an integer"),
    "float": (_float, "a number"),
    "string": (_string, "a string"),
    "list": (_list, "a list"),
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


def verdict(documented: str | None, value: Any) -> str:
    """FITS, WARN or REFUSE for ``value`` given to a ``val`` documented as ``documented``."""
    rule = CHECKED_TYPES.get(documented or "")
    return FITS if rule is None or value is None else rule[0](value)


def check_value(el: Element, value: Any, name: str, ch: Channel | None = None) -> None:
    """Raise :class:`InputError` when ``value`` cannot stand for the type (or enum) meta.yml gives ``el`` (or,
    untyped, the nf-core convention for a ``meta`` element of tuple channel ``ch``); warn
    (:class:`DocumentedTypeWarning`) when it is another type the process reads the same way."""
    if value is None or el.kind != "val":
        return
    documented = _type_name(el) if el.doc is not None else None
    by = "meta.yml documents it as"
    if documented is None and _convention_type(ch, el):
        documented, by = "map", "by nf-core convention an untyped tuple element named meta is a"
    elif el.doc is None:
        return
    found = verdict(documented, value)
    if found == REFUSE:
        raise InputError(f"{by} `{documented}`: expected {CHECKED_TYPES[documented][1]}, "
                         f"got {_shown(value)}", input=name)
    if found == WARN:
        warnings.warn(DocumentedTypeWarning(
            f"input '{name}': {by} `{documented}`, got {_shown(value)}; passed on as given"),
            stacklevel=2)
    if el.doc is None:
        return
    allowed = el.doc.enum
    if allowed and isinstance(value, (str, int, float, bool)):
        text = str(value)
        if text in allowed:
            return
        listed = ", ".join(repr(a) for a in allowed)
        if text == "" or text.lower() in {a.lower() for a in allowed}:
            # '' is nf-core's "not given"; a case variant names a listed value: warn, as their tests pass them
            if not isinstance(value, bool):
                warnings.warn(DocumentedTypeWarning(f"input '{name}': meta.yml allows only {listed}, got "
                                                    f"{_shown(value)}; passed on as given"), stacklevel=2)
            return
        raise InputError(f"meta.yml allows only {listed}; got {_shown(value)}", input=name)


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
