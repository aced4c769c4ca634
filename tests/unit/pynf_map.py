"""pynf's source as data for the map tests: its modules, every import statement in them (module-level,
function-level and under ``TYPE_CHECKING``, read from the AST, nothing imported), and import cycles."""

from __future__ import annotations

import ast
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from ..paths import REPO

PACKAGE = REPO / "pynf"


@dataclass(frozen=True)
class Edge:
    """One import statement: ``importer`` imports ``imported`` at ``path:line``."""

    importer: str
    imported: str
    path: str
    line: int


def module_files(root: Path = PACKAGE) -> dict[str, Path]:
    """Every module under ``root`` by dotted name (a package by its name, for its ``__init__.py``)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The module ``name`` loads: itself, or the nearest enclosing module (``a.b.C`` -> ``a.b``)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports(modules: dict[str, Path]) -> list[Edge]:
    """Every import between pynf modules, wherever it stands in the file."""
    edges = []
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        rel = str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=rel)):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(node, package)
                # ``from a import b``: the submodule a.b when there is one, else the names of module a
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                known = _known(target, modules)
                if known is not None and known != name:
                    edges.append(Edge(name, known, rel, node.lineno))
    return edges


def cycles(edges: list[Edge]) -> list[tuple[list[str], list[Edge]]]:
    """Each group of modules that import each other (Tarjan's strongly connected components, sorted), with
    one shortest cycle through it as the import statements that close it."""
    graph: dict[str, dict[str, Edge]] = {}
    for edge in edges:
        graph.setdefault(edge.importer, {}).setdefault(edge.imported, edge)
    groups = _strongly_connected(graph)
    found = []
    for group in groups:
        start = min(group)
        found.append((sorted(group), _shortest_cycle(graph, start, group)))
    return found


def _strongly_connected(graph: dict[str, dict[str, Edge]]) -> list[set[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:  # recursion depth is bounded by pynf's module count (~130)
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups, key=min)


def _shortest_cycle(graph: dict[str, dict[str, Edge]], start: str, group: set[str]) -> list[Edge]:
    """Breadth-first from ``start`` back to it, inside its group."""
    came_from: dict[str, Edge] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt, edge in sorted(graph.get(node, {}).items()):
            if nxt not in group or nxt in came_from:
                continue
            came_from[nxt] = edge
            if nxt == start:
                path = [edge]
                while path[0].importer != start:
                    path.insert(0, came_from[path[0].importer])
                return path
            queue.append(nxt)
    raise AssertionError(f"no cycle through {start} in its own group")  # cannot happen for a real group


def describe_cycle(group: list[str], cycle: list[Edge], edges: list[Edge]) -> str:
    """The group's modules, one shortest cycle, then every import inside the group, one statement a line:
    ``a -> b   (pynf/a.py:3)``."""
    inside = sorted({e for e in edges if e.importer in group and e.imported in group},
                    key=lambda e: (e.importer, e.imported, e.line))
    lines = [f"{len(group)} modules import each other: {', '.join(group)}", "  shortest cycle:"]
    lines += [f"    {e.importer} -> {e.imported}   ({e.path}:{e.line})" for e in cycle]
    lines.append("  every import inside the group:")
    lines += [f"    {e.importer} -> {e.imported}   ({e.path}:{e.line})" for e in inside]
    return "\n".join(lines)
