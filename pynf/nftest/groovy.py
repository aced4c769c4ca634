"""A tiny evaluator for the Groovy literals nf-core tests give as process inputs.

Understood: lists ``[a, b]``, maps ``[id: 'x', single_end: false]`` / ``[:]``, strings ('...', "...", with
``${params.x}`` interpolation from known params), numbers, ``true``/``false``/``null``, ``+`` between strings,
``params.NAME``, ``file(...)`` / ``path(...)`` (-> :class:`FileRef`), ``channel.of(...)``/``channel.value(x)``
(-> :class:`Queue` / the value).  Anything else raises :class:`Untranslatable` with the reason counted by the
sweep (a channel operator such as ``.map``, a closure, an unknown variable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["FileRef", "Queue", "Untranslatable", "evaluate"]


class Untranslatable(Exception):
    """A test that cannot be translated into a pynf run; ``reason`` is a short countable cause."""

    def __init__(self, reason: str, detail: str = ""):
        self.reason, self.detail = reason, detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass(frozen=True)
class FileRef:
    """``file(path)`` in a test: only the name matters for a stub run (``path`` is the text given)."""

    path: str

    @property
    def name(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]

    @property
    def is_dir(self) -> bool:
        return self.path.endswith("/")


@dataclass(frozen=True)
class Queue:
    """``channel.of(a, b, ...)``: one item per value."""

    items: tuple


_TOKEN = re.compile(r"""
    (?P<ws>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<str3>'''.*?'''|\"\"\".*?\"\"\")
  | (?P<str>'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")
  | (?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?[LlGgDdFf]?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\[:\]|[\[\](),:.+{}?*\-=<>!&|])
""", re.S | re.X)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise Untranslatable("unsupported expression", text[pos:pos + 40])
        pos = m.end()
        if m.lastgroup != "ws":
            out.append((m.lastgroup, m.group()))
    return out


_CHANNEL_FACTORIES = {"of", "value", "fromList"}


class _Parser:
    def __init__(self, text: str, params: dict[str, Any], variables: dict[str, Any] | None = None):
        self.toks, self.i, self.params, self.variables = _tokens(text), 0, params, variables or {}

    def peek(self, k: int = 0) -> tuple[str, str] | None:
        return self.toks[self.i + k] if self.i + k < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise Untranslatable("unsupported expression", f"expected {value!r}, got {tok and tok[1]!r}")
        self.i += 1
        return tok

    def expr(self) -> Any:
        value = self.primary()
        while self.peek() and self.peek()[1] == "+":
            self.take("+")
            right = self.primary()
            if not (isinstance(value, str) and isinstance(right, str)):
                raise Untranslatable("unsupported expression", "'+' between non-strings")
            value += right
        tok = self.peek()
        if tok and tok[1] == ".":
            raise Untranslatable("channel operator", self._method_name())
        if tok and tok[1] in {"?", "*", "-", "==", "<", ">", "!", "&", "|"}:
            raise Untranslatable("unsupported expression", f"operator {tok[1]}")
        return value

    def _method_name(self) -> str:
        nxt = self.peek(1)
        return f".{nxt[1]}" if nxt else "."

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return float(text.rstrip("dDfF")) if "." in text or "e" in text.lower() else int(text.rstrip("lLgG"))
        if kind in ("str", "str3"):
            return self._string(text)
        if text == "[:]":
            return {}
        if text == "[":
            return self._list_or_map()
        if kind == "name":
            return self._name(text)
        if text == "{":
            raise Untranslatable("closure", "")
        raise Untranslatable("unsupported expression", text)

    def _string(self, text: str) -> str:
        body = text[3:-3] if text[:3] in ("'''", '"""') else text[1:-1]
        if text[0] == '"':
            body = re.sub(r"\$\{\s*params\.(\w+)\s*\}|\$params\.(\w+)", lambda m: str(self._param(m.group(1) or m.group(2))), body)
            if "$" in body.replace("\\$", ""):
                raise Untranslatable("interpolation", body[:60])
            body = body.replace("\\$", "$")
        return body.replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\")

    def _param(self, name: str) -> Any:
        if name not in self.params:
            raise Untranslatable("unresolved params", f"params.{name}")
        return self.params[name]

    def _list_or_map(self) -> Any:
        items: list = []
        mapping: dict = {}
        while self.peek() and self.peek()[1] != "]":
            key = self.peek()
            nxt = self.peek(1)
            if key and nxt and nxt[1] == ":" and key[0] in ("name", "str"):
                self.take()
                self.take(":")
                mapping[key[1] if key[0] == "name" else self._string(key[1])] = self.expr()
            else:
                items.append(self.expr())
            if self.peek() and self.peek()[1] == ",":
                self.take(",")
        self.take("]")
        if mapping and items:
            raise Untranslatable("unsupported expression", "list mixing map entries")
        return mapping if mapping else items

    def _call_args(self) -> tuple[list, dict]:
        self.take("(")
        args, named = [], {}
        while self.peek() and self.peek()[1] != ")":
            key, nxt = self.peek(), self.peek(1)
            if key and nxt and key[0] == "name" and nxt[1] == ":":
                self.take()
                self.take(":")
                named[key[1]] = self.expr()
            else:
                args.append(self.expr())
            if self.peek() and self.peek()[1] == ",":
                self.take(",")
        self.take(")")
        return args, named

    def _name(self, name: str) -> Any:
        if name in ("true", "false"):
            return name == "true"
        if name == "null":
            return None
        if name == "params":
            self.take(".")
            return self._param(self.take()[1])
        if name in ("file", "path") and self.peek() and self.peek()[1] == "(":
            args, _ = self._call_args()
            if len(args) != 1 or not isinstance(args[0], str):
                raise Untranslatable("unsupported expression", f"{name}(...) of a non-string")
            if any(ch in args[0] for ch in "*?{"):
                raise Untranslatable("glob input", args[0])
            return FileRef(args[0])
        if name in ("channel", "Channel"):
            self.take(".")
            factory = self.take()[1]
            if factory not in _CHANNEL_FACTORIES:
                raise Untranslatable("channel factory", f"channel.{factory}")
            args, _ = self._call_args()
            if factory == "value":
                return args[0] if len(args) == 1 else Queue(tuple(args))
            if factory == "fromList":
                return Queue(tuple(args[0]))
            return Queue(tuple(args))
        if name in self.variables:
            return self.variables[name]
        nxt, after = self.peek(), self.peek(1)
        if nxt and after and nxt[1] == "." and after[1] == "out":
            raise Untranslatable("output of another process (setup)", name)
        raise Untranslatable("unknown variable", name)


def evaluate(text: str, params: dict[str, Any], variables: dict[str, Any] | None = None) -> Any:
    """The value of one input expression (``variables``: names assigned earlier in the block); raises
    :class:`Untranslatable`."""
    parser = _Parser(text, params, variables)
    value = parser.expr()
    if parser.peek() is not None:
        raise Untranslatable("channel operator" if parser.peek()[1] == "." else "unsupported expression",
                             " ".join(t for _, t in parser.toks[parser.i:parser.i + 3]))
    return value
