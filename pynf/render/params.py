"""Params as data: a deeply immutable JSON object, and the one function that serializes params.

A bundle holds its params as :class:`Params` (nested objects are ``Params``, arrays tuples, leaves
str/int/float/bool/None).  They are turned into text once, by :func:`params_text`, when the bundle is
written (``params.json``) or sent (Seqera's ``paramsText``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from typing import Any

from pynf._util.files import json_object
from pynf.errors import BundleError

__all__ = ["Params", "freeze_params", "params_from_text", "params_text"]

_SCALARS = (str, int, bool, type(None))


def _freeze(value: Any, where: str) -> Any:
    """``value`` as frozen JSON data; ``BundleError`` naming ``where`` if it is not JSON."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BundleError(f"bundle param {where}: {value!r} is not JSON (no NaN/Infinity)")
        return value
    if isinstance(value, Params):
        return value
    if isinstance(value, Mapping):
        return Params(value, where=where)
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v, f"{where}[{i}]") for i, v in enumerate(value))
    raise BundleError(f"bundle param {where}: a {type(value).__name__} is not JSON data "
                      "(expected str, number, bool, None, list or dict)")


def _thaw(value: Any) -> Any:
    """Frozen JSON data as plain dicts and lists (fresh ones)."""
    if isinstance(value, Params):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def _key(value: Any) -> Any:
    """What equality means for JSON data: ``1``, ``1.0`` and ``true`` differ (their text differs)."""
    if isinstance(value, Params):
        return value._compare_key()
    if isinstance(value, tuple):
        return ("[", *(_key(v) for v in value))
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("int", int.__repr__(value))
    if isinstance(value, float):
        return ("float", float.__repr__(value))  # the text JSON gets: -0.0 is not 0.0
    return value


class Params(Mapping[str, Any]):
    """A JSON object that cannot change: nested objects are ``Params`` and arrays tuples.

    Built from any mapping with string keys (copied, so changing the source later changes nothing);
    ``BundleError`` if a value is not JSON data.  Equal to a mapping holding the same JSON.
    """

    __slots__ = ("_data", "_cmp")

    def __init__(self, data: Mapping[str, Any] | None = None, *, where: str = "params") -> None:
        frozen = {}
        for key, value in (data or {}).items():
            if not isinstance(key, str):
                raise BundleError(f"bundle param {where}: keys must be strings, got {key!r}")
            frozen[key] = _freeze(value, f"{where}.{key}")
        object.__setattr__(self, "_data", frozen)
        object.__setattr__(self, "_cmp", None)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Params cannot change; make new ones (Bundle.with_params)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Params cannot change; make new ones (Bundle.with_params)")

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        try:
            other = freeze_params(other)
        except BundleError:
            return False
        return self._compare_key() == other._compare_key()

    def __hash__(self) -> int:
        return hash(self._compare_key())

    def _compare_key(self) -> tuple:
        if self._cmp is None:  # made on first comparison, then kept (the data cannot change)
            object.__setattr__(self, "_cmp", tuple(sorted((k, _key(v)) for k, v in self._data.items())))
        return self._cmp

    def __repr__(self) -> str:
        return f"Params({self.to_dict()!r})"

    def __reduce__(self) -> tuple:
        return (Params, (self.to_dict(),))

    def to_dict(self) -> dict[str, Any]:
        """The params as a fresh plain dict (nested dicts and lists of its own: change them freely)."""
        return _thaw(self)


def freeze_params(data: Mapping[str, Any]) -> Params:
    """``data`` as :class:`Params` (itself when it already is); ``BundleError`` unless a JSON object."""
    if isinstance(data, Params):
        return data
    if not isinstance(data, Mapping):
        raise BundleError(f"bundle params must be a mapping (a JSON object), got {type(data).__name__}")
    return Params(data)


def _plain(value: Any) -> Any:
    if isinstance(value, Params):
        return value._data
    raise TypeError(f"{type(value).__name__} is not JSON")


def params_text(data: Mapping[str, Any]) -> str:
    """paramsText: JSON with sorted keys, 2-space indent, ASCII escapes and a trailing newline.

    The one place params become text (a bundle calls it once, when written or sent).
    """
    top = data._data if isinstance(data, Params) else dict(data)
    return json.dumps(top, sort_keys=True, indent=2, ensure_ascii=True, allow_nan=False, default=_plain) + "\n"


def params_from_text(text: str) -> dict:
    """Params text (one the platform returns, or a params file) as a dict; ``BundleError`` unless a JSON object."""
    return json_object(text, error=BundleError, invalid="bundle params are not valid JSON",
                       not_object="bundle params must be a JSON object")
