"""Diff two module interfaces and classify each change as *breaking* or *compatible*.

The rules take a caller's point of view: code that calls the module by its input element names
(``reads=``), reads its outputs by emit (``outputs["bam"]``) and configures it with ``task.ext.*``.
A change is **breaking** when such code, unchanged, could stop working or silently get something else:

- a process removed or renamed (config selects it by name);
- an input channel removed or added (every input channel is required: an added one must be passed),
  its qualifier changed, an element added/removed/retyped, an input element renamed (callers pass
  inputs by element name), an element's ``arity`` changed;
- an output removed, its emit renamed (unnamed outputs are addressed by position, so moving them is a
  rename too), its qualifier or tuple shape changed (callers unpack items by position), an element's
  kind changed, a ``path`` output's pattern changed (other files come back), an output that was always
  there becoming ``optional``, a topic removed or renamed;
- a ``task.ext`` key no longer read (a caller's setting would be silently ignored).

**Compatible** (the caller's code keeps working; the diff still reports them):

- a process added; an output added (optional or not: nobody reads it yet); an optional output
  becoming required; a topic added;
- an output ``val``/``env`` element renamed (items are tuples by position);
- a new ``task.ext`` key; a changed version query (``eval`` command); tools added or removed;
- descriptions (docs) added, removed or reworded — these are not even part of the interface hash.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from .model import Interface, channel_signature as _sig

__all__ = ["Change", "InterfaceDiff", "diff_interfaces"]


@dataclass(frozen=True)
class Change:
    """One difference: what changed (``kind``), where, a readable message, and whether it breaks callers."""

    kind: str
    where: str
    message: str
    breaking: bool

    def line(self) -> str:
        return f"{'BREAKING  ' if self.breaking else 'compatible'}  {self.where}: {self.message}"


@dataclass(frozen=True)
class InterfaceDiff:
    """The changes from ``old`` to ``new`` (empty when the interfaces and docs are the same)."""

    old_hash: str
    new_hash: str
    changes: tuple[Change, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.breaking)

    @property
    def compatible(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if not c.breaking)

    @property
    def is_breaking(self) -> bool:
        return any(c.breaking for c in self.changes)

    def summary(self) -> str:
        """One line: ``2 breaking, 1 compatible change(s)`` or ``no interface change``."""
        if not self.changes:
            return "no interface change"
        return f"{len(self.breaking)} breaking, {len(self.compatible)} compatible change(s)"

    def render(self) -> str:
        """The diff as text: a summary line, then one line per change (breaking first)."""
        lines = [f"interface {self.old_hash[7:19] or '?'} -> {self.new_hash[7:19] or '?'}: {self.summary()}"]
        lines.extend("  " + c.line() for c in self.breaking + self.compatible)
        return "\n".join(lines)


def _label(el: dict[str, Any]) -> str:
    return el.get("name") or el.get("pattern") or el.get("expr") or el["kind"]


def _shape(ch: dict[str, Any]) -> tuple:
    """What identifies an output apart from its emit: qualifier and elements."""
    return ch["kind"], tuple(tuple(sorted(e.items())) for e in ch["elements"])


class _Differ:
    def __init__(self) -> None:
        self.changes: list[Change] = []

    def add(self, kind: str, where: str, message: str, breaking: bool) -> None:
        self.changes.append(Change(kind, where, message, breaking))

    # ------------------------------------------------------------ inputs
    def inputs(self, proc: str, old: list[dict], new: list[dict]) -> None:
        keys_a = [_sig(c) for c in old]
        keys_b = [_sig(c) for c in new]
        matcher = difflib.SequenceMatcher(a=keys_a, b=keys_b, autojunk=False)
        for op, a0, a1, b0, b1 in matcher.get_opcodes():
            if op == "equal":
                continue
            pairs = min(a1 - a0, b1 - b0) if op == "replace" else 0
            for k in range(pairs):
                self.input_channel(proc, a0 + k, b0 + k, old[a0 + k], new[b0 + k])
            for i in range(a0 + pairs, a1):
                self.add("input-removed", f"{proc} input {i + 1}", f"removed {_sig(old[i])}", True)
            for j in range(b0 + pairs, b1):
                self.add("input-added", f"{proc} input {j + 1}",
                         f"added {_sig(new[j])} (a new required input: callers must pass it)", True)

    def input_channel(self, proc: str, i: int, j: int, a: dict, b: dict) -> None:
        where = f"{proc} input {j + 1}" if i == j else f"{proc} input {i + 1} (now {j + 1})"
        if a["kind"] != b["kind"]:
            self.add("input-kind", where, f"qualifier {a['kind']} -> {b['kind']} ({_sig(a)} -> {_sig(b)})", True)
            return
        if len(a["elements"]) != len(b["elements"]):
            self.add("input-shape", where, f"{_sig(a)} -> {_sig(b)}", True)
            return
        for x, y in zip(a["elements"], b["elements"]):
            if x["kind"] != y["kind"]:
                self.add("input-element-kind", where, f"element '{_label(x)}' kind {x['kind']} -> {y['kind']}", True)
            elif _label(x) != _label(y):
                self.add("input-renamed", where, f"element '{_label(x)}' renamed to '{_label(y)}'", True)
            if x.get("arity") != y.get("arity"):
                self.add("input-arity", where, f"element '{_label(y)}' arity {x.get('arity')} -> {y.get('arity')}", True)

    # ------------------------------------------------------------ outputs
    def outputs(self, proc: str, old: list[dict], new: list[dict]) -> None:
        def key(ch: dict, i: int) -> str:
            return ch.get("emit") or str(i)

        a = {key(c, i): c for i, c in enumerate(old)}
        b = {key(c, i): c for i, c in enumerate(new)}
        gone = [k for k in a if k not in b]
        fresh = [k for k in b if k not in a]
        for k in list(gone):
            match = next((n for n in fresh if _shape(b[n]) == _shape(a[k])), None)
            if match is not None:
                gone.remove(k)
                fresh.remove(match)
                self.add("emit-renamed", f"{proc} output '{k}'", f"emit renamed to '{match}'", True)
                self.output_flags(proc, match, a[k], b[match])
        for k in gone:
            self.add("output-removed", f"{proc} output '{k}'", f"removed {_sig(a[k])}", True)
        for k in fresh:
            note = "optional" if b[k].get("optional") else "always produced"
            self.add("output-added", f"{proc} output '{k}'", f"added {_sig(b[k])} ({note})", False)
        for k in a:
            if k in b:
                self.output_channel(proc, k, a[k], b[k])

    def output_channel(self, proc: str, k: str, a: dict, b: dict) -> None:
        where = f"{proc} output '{k}'"
        if a["kind"] != b["kind"] or len(a["elements"]) != len(b["elements"]):
            self.add("output-shape", where, f"{_sig(a)} -> {_sig(b)}", True)
        else:
            for x, y in zip(a["elements"], b["elements"]):
                if x["kind"] != y["kind"]:
                    self.add("output-element-kind", where, f"element '{_label(x)}' kind {x['kind']} -> {y['kind']}", True)
                elif _label(x) == _label(y) and x.get("arity") == y.get("arity"):
                    continue
                elif x["kind"] in ("path", "file"):
                    self.add("output-pattern", where, f"files '{_label(x)}' -> '{_label(y)}'"
                             + (f" (arity {x.get('arity')} -> {y.get('arity')})" if x.get("arity") != y.get("arity") else ""),
                             True)
                elif x["kind"] == "eval":
                    self.add("version-query", where, f"version query '{_label(x)}' -> '{_label(y)}'", False)
                else:
                    self.add("output-element-renamed", where, f"{x['kind']} '{_label(x)}' -> '{_label(y)}'", False)
        self.output_flags(proc, k, a, b)

    def output_flags(self, proc: str, k: str, a: dict, b: dict) -> None:
        where = f"{proc} output '{k}'"
        if a.get("optional") != b.get("optional"):
            if b.get("optional"):
                self.add("output-optional", where, "became optional (may now produce nothing)", True)
            else:
                self.add("output-required", where, "no longer optional", False)
        ta, tb = a.get("topic"), b.get("topic")
        if ta != tb:
            if ta is None:
                self.add("topic-added", where, f"now also emitted to topic '{tb}'", False)
            else:
                self.add("topic-changed", where, f"topic '{ta}' -> " + (f"'{tb}'" if tb else "none"), True)

    # ------------------------------------------------------------ the rest
    def process(self, name: str, a: dict, b: dict) -> None:
        self.inputs(name, a["inputs"], b["inputs"])
        self.outputs(name, a["outputs"], b["outputs"])
        ext_a, ext_b = set(a.get("ext", [])), set(b.get("ext", []))
        for key in sorted(ext_a - ext_b):
            self.add("ext-removed", f"{name} task.ext", f"'{key}' is no longer read (a setting would be ignored)", True)
        for key in sorted(ext_b - ext_a):
            self.add("ext-added", f"{name} task.ext", f"now reads '{key}'", False)
        va, vb = a.get("versions", []), b.get("versions", [])
        if sorted(va) != sorted(vb) and not self._versions_reported(name):
            self.add("version-query", f"{name} versions", f"{va} -> {vb}", False)

    def _versions_reported(self, name: str) -> bool:
        return any(c.kind == "version-query" and c.where.startswith(f"{name} ") for c in self.changes)

    def docs(self, a: dict[str, str], b: dict[str, str]) -> None:
        for place in sorted(set(a) | set(b)):
            if a.get(place) == b.get(place):
                continue
            verb = "added" if place not in a else ("removed" if place not in b else "changed")
            self.add("description", place, f"description {verb}", False)


def diff_interfaces(old: Interface, new: Interface) -> InterfaceDiff:
    """Every change from ``old`` to ``new``, classified (see the module docstring for the rules)."""
    d = _Differ()
    pa = {p["name"]: p for p in old.processes}
    pb = {p["name"]: p for p in new.processes}
    gone, fresh = [n for n in pa if n not in pb], [n for n in pb if n not in pa]
    if len(gone) == 1 and len(fresh) == 1:
        d.add("process-renamed", f"process {gone[0]}", f"renamed to {fresh[0]} (config selectors by name stop matching)",
              True)
        d.process(fresh[0], pa[gone[0]], pb[fresh[0]])
    else:
        for n in gone:
            d.add("process-removed", f"process {n}", "removed", True)
        for n in fresh:
            d.add("process-added", f"process {n}", "added", False)
    for n in pa:
        if n in pb:
            d.process(n, pa[n], pb[n])
    ta, tb = set(old.tools), set(new.tools)
    for t in sorted(ta - tb):
        d.add("tool-removed", "tools", f"'{t}' no longer listed", False)
    for t in sorted(tb - ta):
        d.add("tool-added", "tools", f"'{t}' now listed", False)
    if old.docs and new.docs:
        d.docs(old.docs, new.docs)
    return InterfaceDiff(old.hash, new.hash, tuple(d.changes))
