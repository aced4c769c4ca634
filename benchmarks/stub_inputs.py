"""Synthesize stub-run inputs for a module from its IR (and meta.yml docs), plus version shims.

Used by ``stub_sweep.py`` and the sampled stub test: meta maps for ``val(meta*)``, placeholder
files named after meta.yml patterns for ``path`` elements, typed placeholder values for ``val``,
and executables in the bundle's ``bin/`` for tools that ``eval(...)`` outputs ask for their version.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

from pynf.bundle import Bundle
from pynf.compiler import Channel, Element, Process

__all__ = ["synthesize_inputs", "version_shims", "with_shims", "CORE_TOOLS"]

#: Commands never shimmed: the shell utilities version commands pipe through.
CORE_TOOLS = frozenset(
    "sed grep egrep awk gawk head tail cut tr echo printf cat sort uniq xargs basename dirname wc true false "
    "gzip gunzip zcat bzip2 xz tee test env bash sh rev column paste expr ls find touch mkdir cp mv rm "
    "readlink realpath date".split()
)
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_TOOL = re.compile(r"[A-Za-z0-9_.+\-/]+")


def command_words(command: str) -> list[str]:
    """The command name of every pipeline segment of a shell command (``a | b && c`` -> a, b, c)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: take the first word only
        tokens = command.split()[:1]
    words, expect = [], True
    for tok in tokens:
        if tok and set(tok) <= set("|&;()"):
            expect = True
        elif expect:
            if _ASSIGNMENT.match(tok):
                continue
            if _TOOL.fullmatch(tok):
                words.append(tok)
            expect = False
    return words


def _file_name(el: Element, index: int) -> str:
    """A placeholder file name that matches the element's documented pattern where possible."""
    pattern = (el.doc.pattern if el.doc and el.doc.pattern else "") or ""
    stem = f"in{index}_{re.sub(r'[^A-Za-z0-9_]', '', el.label) or 'file'}"
    m = re.search(r"\*\.?\{?([A-Za-z0-9_.]+)", pattern)
    if m:
        return f"{stem}.{m.group(1).strip('.')}"
    m = re.search(r"\.([A-Za-z0-9]+)$", el.pattern or "")
    return f"{stem}.{m.group(1)}" if m else f"{stem}.txt"


def _value(el: Element) -> Any:
    """A placeholder for a ``val`` element, chosen by its name and documented type."""
    label = el.label.lower()
    kind = (el.doc.type if el.doc and el.doc.type else "").lower()
    if label.startswith("meta") or kind == "map":
        return {"id": "test", "single_end": False}
    if kind in ("boolean", "bool"):
        return False
    if kind in ("integer", "int", "number", "float"):
        return 1
    if kind == "list":
        return []
    pattern = el.doc.pattern if el.doc and el.doc.pattern else ""
    if "|" in pattern and not any(c in pattern for c in "*?{}[]()"):
        return pattern.split("|")[0].strip()  # documented alternatives: take the first
    return re.sub(r"[^A-Za-z0-9_]", "_", el.label) or "value"


def _element(el: Element, ch: Channel, root: Path, counter: list[int]) -> Any:
    if el.kind in ("path", "file"):
        counter[0] += 1
        name = _file_name(el, counter[0])
        target = root / name
        doc_type = (el.doc.type if el.doc and el.doc.type else "").lower()
        if doc_type == "directory":
            target.mkdir(parents=True, exist_ok=True)
            (target / "placeholder.txt").write_text("pynf stub placeholder\n")
        else:
            target.write_text("pynf stub placeholder\n")
        return [str(target)] if ch.kind == "each" else str(target)
    if el.kind in ("env", "stdin"):
        return "test"
    value = _value(el)
    return [value] if ch.kind == "each" else value


def synthesize_inputs(process: Process, root: Path) -> list[Any]:
    """Inputs for every channel of ``process`` (positional list), placeholder files under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    counter = [0]
    inputs: list[Any] = []
    for ch in process.inputs:
        values = [_element(el, ch, root, counter) for el in ch.elements]
        inputs.append(values if ch.kind == "tuple" else values[0])
    return inputs


def version_shims(process: Process) -> dict[str, bytes]:
    """``bin/<tool>`` scripts answering version queries for tools ``eval`` outputs run but PATH lacks."""
    shims: dict[str, bytes] = {}
    for ch in process.outputs:
        for el in ch.elements:
            if el.kind != "eval" or not el.pattern:
                continue
            for word in command_words(el.pattern):
                tool = word.rsplit("/", 1)[-1]
                if tool in CORE_TOOLS or "$" in word or not tool or tool[0] == "-":
                    continue
                if "/" not in word and shutil.which(tool):
                    continue
                shims[f"bin/{tool}"] = (
                    "#!/bin/sh\n# pynf stub sweep: answers version queries\n"
                    f"echo '{tool} 1.0.0'\necho 'Version: 1.0.0'\nexit 0\n"
                ).encode()
    return shims


def with_shims(bundle: Bundle, shims: dict[str, bytes]) -> Bundle:
    """The bundle with the shims added to its ``bin/`` (the module's own binaries win)."""
    existing = dict(bundle.sidecars)
    added = {k: v for k, v in shims.items() if k not in existing}
    if not added:
        return bundle
    return dataclasses.replace(bundle, sidecars=tuple(sorted({**existing, **added}.items())),
                               executables=bundle.executables | frozenset(added))
