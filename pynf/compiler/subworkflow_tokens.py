"""Token helpers for workflow bodies: statements by line, calls of included components, derived variables.

The module grammar gives a workflow body as a ``group`` tree of tokens (newlines inside groups are not
tokens), so statements are told apart by line: an item on a later line than the previous one starts a
new statement unless the previous item is an operator or a comma, or the new one is an operator
(``.map { … }`` on its own line continues the chain).
"""

from __future__ import annotations

from typing import Union

from lark import Token, Tree

__all__ = ["Item", "line_of", "statements", "calls_in", "call_args", "item_names", "derived_names",
           "used_as_channel", "forwards", "OPERATORS", "operators_on"]

Item = Union[Token, Tree]

_STARTS_STATEMENT = ("!", "-", "++", "--")


def line_of(item: Item) -> int:
    """The first line of a token or subtree."""
    return item.line if isinstance(item, Token) else item.meta.line


def _end_line(item: Item) -> int:
    return item.end_line if isinstance(item, Token) else item.meta.end_line


def _continues(prev: Item, item: Item) -> bool:
    if line_of(item) <= _end_line(prev):
        return True
    if isinstance(prev, Token) and prev.type in ("OP", "COMMA", "COLON", "KEY"):
        return True
    return isinstance(item, Token) and ((item.type == "OP" and str(item) not in _STARTS_STATEMENT)
                                        or item.type == "COLON")


def statements(items: list[Item]) -> list[list[Item]]:
    """``items`` split into statements (see the module docstring)."""
    out: list[list[Item]] = []
    for item in items:
        if out and _continues(out[-1][-1], item):
            out[-1].append(item)
        else:
            out.append([item])
    return out


def _inner(group: Tree) -> list[Item]:
    return list(group.children[1:-1])


def _opens(item: Item, bracket: str) -> bool:
    return (isinstance(item, Tree) and item.data == "group" and bool(item.children)
            and isinstance(item.children[0], Token) and str(item.children[0]) == bracket)


def calls_in(items: list[Item], components: set[str]) -> list[tuple[str, Tree]]:
    """Calls ``NAME( … )`` of the given component names, at any depth, in source order."""
    found: list[tuple[str, Tree]] = []
    for i, item in enumerate(items):
        if (isinstance(item, Token) and item.type == "NAME" and str(item) in components and i + 1 < len(items)
                and _opens(items[i + 1], "(") and not (i > 0 and str(items[i - 1]) == ".")):
            found.append((str(item), items[i + 1]))
        if isinstance(item, Tree):
            found.extend(calls_in(_inner(item), components))
    return found


def call_args(group: Tree) -> list[list[Item]]:
    """The top-level comma-separated arguments of a ``( … )`` group."""
    args: list[list[Item]] = [[]]
    for item in _inner(group):
        if isinstance(item, Token) and item.type == "COMMA":
            args.append([])
        else:
            args[-1].append(item)
    return [a for a in args if a]


def item_names(items: list[Item]) -> set[str]:
    """Every NAME token in ``items``, at any depth."""
    out: set[str] = set()
    for item in items:
        if isinstance(item, Token):
            if item.type == "NAME":
                out.add(str(item))
        else:
            out |= item_names(list(item.children))
    return out


def _assignments(items: list[Item]) -> list[tuple[str, set[str]]]:
    found: list[tuple[str, set[str]]] = []
    for stmt in statements(items):
        words = [str(x) if isinstance(x, Token) else None for x in stmt[:3]]
        if words[:1] == ["def"]:
            stmt, words = stmt[1:], words[1:]
        if len(stmt) >= 3 and words[1] == "=" and isinstance(stmt[0], Token) and stmt[0].type == "NAME":
            found.append((str(stmt[0]), item_names(stmt[2:])))
        for i, item in enumerate(stmt[:-1]):  # `.set { ch_x }` / `.tap { ch_x }`
            target = stmt[i + 1]
            if str(item) in ("set", "tap") and _opens(target, "{") and len(_inner(target)) == 1:
                found.append((str(_inner(target)[0]), item_names(stmt[:i])))
        for item in stmt:
            if _opens(item, "{"):
                found.extend(_assignments(_inner(item)))
    return found


def derived_names(items: list[Item]) -> dict[str, set[str]]:
    """Variable -> every name its value is computed from (transitively), from ``x = …`` and ``.set { x }``."""
    derived: dict[str, set[str]] = {}
    for name, sources in _assignments(items):
        derived.setdefault(name, set()).update(sources)
    changed = True
    while changed:
        changed = False
        for name, sources in derived.items():
            more = set().union(*(derived.get(s, set()) for s in sources)) - sources
            if more:
                sources |= more
                changed = True
    return derived


#: Nextflow's channel operators: a take that is their receiver or argument is a channel.
OPERATORS = frozenset("""branch buffer collate collect collectFile combine concat count cross distinct dump filter
first flatMap flatten groupTuple ifEmpty join last map max merge min mix multiMap randomSample reduce set
splitCsv splitFasta splitFastq splitJson splitText subscribe sum take tap toList toSortedList transpose unique
until view""".split())


def used_as_channel(name: str, items: list[Item], in_operator: bool = False) -> bool:
    """True when ``name`` is the receiver of a channel operator (``name.map``) or an argument of one
    (``x.join(name)``) anywhere in ``items``; ``uniqmap.endsWith('.zip')`` reads a plain value."""
    for i, item in enumerate(items):
        if isinstance(item, Token):
            if item.type == "NAME" and str(item) == name:
                method = str(items[i + 2]) if i + 2 < len(items) and str(items[i + 1]) in (".", "?.") else None
                if in_operator or method in OPERATORS:
                    return True
            continue
        operator = (i >= 2 and isinstance(items[i - 1], Token) and str(items[i - 1]) in OPERATORS
                    and str(items[i - 2]) == "." and _opens(item, "("))
        if used_as_channel(name, _inner(item) if item.children else [], in_operator or operator):
            return True
    return False


def forwards(items: list[Item]) -> dict[str, tuple[str, str]]:
    """Top-level ``name = COMPONENT.out.OUTPUT`` statements of ``items`` (not those inside ``if`` blocks)."""
    found: dict[str, tuple[str, str]] = {}
    for stmt in statements(items):
        words = [str(x) if isinstance(x, Token) else None for x in stmt]
        if len(words) == 7 and words[1] == "=" and words[3] == "." and words[4] == "out" and words[5] == ".":
            found[str(words[0])] = (str(words[2]), str(words[6]))
    return found


def operators_on(names: set[str], items: list[Item]) -> set[str]:
    """The channel operators applied to any of ``names`` (as receiver, ``x.join(...)``, or as argument,
    ``y.combine(x)``) anywhere in ``items``."""
    found: set[str] = set()
    for i, item in enumerate(items):
        if isinstance(item, Token):
            if (item.type == "NAME" and str(item) in names and i + 2 < len(items)
                    and str(items[i + 1]) in (".", "?.") and str(items[i + 2]) in OPERATORS):
                found.add(str(items[i + 2]))
            continue
        inner = _inner(item) if item.children else []
        if (i >= 2 and str(items[i - 1]) in OPERATORS and str(items[i - 2]) == "." and _opens(item, "(")
                and item_names(inner) & names):
            found.add(str(items[i - 1]))
        found |= operators_on(names, inner)
    return found
