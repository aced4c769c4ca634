"""Synthesize stub-run inputs for a module from its IR (and meta.yml docs), in a few variants.

Used by ``pynf modules review``, ``benchmarks/stub_sweep.py`` and the sampled stub test: meta maps for ``val(meta*)``, placeholder
files named after meta.yml patterns for ``path`` elements (as many as a declared ``arity`` asks
for), typed placeholder values for ``val`` (a documented ``enum`` wins). Stubs often branch on
their inputs (an optional file given or not, a mode string, a suffix that defaults when empty), so
there are a few variants of the same synthesis, tried in order until one stub-run succeeds:

- ``default``: every input given, strings named after the element, the first documented choice;
- ``blank``: strings empty (modules treat them as "not set"), compressed files get an inner extension;
- ``sparse``: like ``blank``, and every path input after the first channel left empty (``[]``),
  for modules whose inputs are alternatives or optional;
- ``alternate``: the last documented choice (file extension, enum, ``a|b`` pattern), the first
  value quoted in the description, single-end meta.

Version shims (``shims.py``) stand in for the tools that ``eval(...)`` outputs ask for their version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pynf.stubcheck.shims import CORE_TOOLS, command_words, version_shims, with_shims  # noqa: F401  (re-exported)

from pynf.compiler import Channel, Element, Process

__all__ = ["Variant", "VARIANTS", "synthesize_inputs", "version_shims", "with_shims", "command_words", "CORE_TOOLS"]

_EXTENSION = re.compile(r"[A-Za-z0-9_.]+")
_COMPRESSED = {"gz", "bz2", "xz", "zst", "zstd", "zip", "bgz", "lz4"}


@dataclass(frozen=True)
class Variant:
    """One way of filling in a module's inputs."""

    name: str
    blank_strings: bool = False
    inner_extension: bool = False
    sparse: bool = False
    last_choice: bool = False
    single_end: bool = False


VARIANTS = (
    Variant("default"),
    Variant("blank", blank_strings=True, inner_extension=True),
    Variant("sparse", blank_strings=True, inner_extension=True, sparse=True),
    Variant("alternate", last_choice=True, single_end=True, inner_extension=True),
)


def _choices(pattern: str) -> list[str]:
    """File extensions a meta.yml pattern offers, in order (``*.{bam,cram}`` -> bam, cram)."""
    m = re.search(r"\*\.?\{([^}]*)\}", pattern)
    if m:
        options = [c.strip().strip(".") for c in re.split(r"[,|]", m.group(1))]
        return [c for c in options if c and _EXTENSION.fullmatch(c)]
    m = re.search(r"\*\.?([A-Za-z0-9_.]+)", pattern)
    return [m.group(1).strip(".")] if m and m.group(1).strip(".") else []


def _extension(el: Element, variant: Variant) -> str:
    pattern = (el.doc.pattern if el.doc and el.doc.pattern else "") or ""
    choices = _choices(pattern)
    if choices:
        ext = choices[-1] if variant.last_choice else choices[0]
    else:
        m = re.search(r"\.([A-Za-z0-9]+)$", el.pattern or "")
        ext = m.group(1) if m else "txt"
    if variant.inner_extension and ext in _COMPRESSED:
        ext = f"dat.{ext}"
    return ext


def _arity(el: Element) -> tuple[int, int | None] | None:
    """The declared ``arity`` as (min, max); max None for ``*``."""
    raw = dict(el.options).get("arity")
    if not raw:
        return None
    m = re.fullmatch(r"""\s*['"]?(\d+)(?:\.\.(\d+|\*))?['"]?\s*""", raw)
    if not m:
        return None
    low = int(m.group(1))
    high = None if m.group(2) == "*" else int(m.group(2) or low)
    return low, high


def _documented_string(el: Element, variant: Variant) -> str | None:
    doc = el.doc
    if doc is None:
        return None
    if doc.enum:
        return str(doc.enum[-1] if variant.last_choice else doc.enum[0])
    pattern = doc.pattern or ""
    if "|" in pattern and not any(c in pattern for c in "*?{}[]()"):
        options = [p.strip() for p in pattern.split("|") if p.strip()]
        if options:
            return options[-1] if variant.last_choice else options[0]
    if variant.last_choice and doc.description:
        m = re.search(r"""['"`]([A-Za-z0-9_.+-]+)['"`]""", doc.description)
        if m:
            return m.group(1)
    return None


def _value(el: Element, variant: Variant) -> Any:
    """A placeholder for a ``val`` element, chosen by its name and documented type."""
    label = el.label.lower()
    kind = (el.doc.type if el.doc and el.doc.type else "").lower()
    if label.startswith("meta") or kind == "map":
        return {"id": "test", "single_end": variant.single_end}
    if kind in ("boolean", "bool"):
        return False
    if kind in ("integer", "int", "number", "float"):
        return 1
    documented = _documented_string(el, variant)
    if documented is not None:
        return documented
    if kind == "list":
        return ["test"] if variant.blank_strings or variant.last_choice else []
    if variant.blank_strings:
        return ""
    return re.sub(r"[^A-Za-z0-9_]", "_", el.label) or "value"


def _placeholder(target: Path, directory: bool) -> str:
    if directory:
        target.mkdir(parents=True, exist_ok=True)
        (target / "placeholder.txt").write_text("pynf stub placeholder\n")
    else:
        target.write_text("pynf stub placeholder\n")
    return str(target)


def _path(el: Element, root: Path, index: int, variant: Variant) -> Any:
    stem = f"in{index}_{re.sub(r'[^A-Za-z0-9_]', '', el.label) or 'file'}"
    ext = _extension(el, variant)
    directory = (el.doc.type if el.doc and el.doc.type else "").lower() == "directory"
    arity = _arity(el)
    if arity is not None and (arity[0] > 1 or (arity[0] == 0 and variant.sparse)):
        return [_placeholder(root / f"{stem}_{i}.{ext}", directory) for i in range(1, arity[0] + 1)]
    return _placeholder(root / f"{stem}.{ext}", directory)


def _element(el: Element, ch: Channel, first: bool, root: Path, counter: list[int], variant: Variant) -> Any:
    if el.kind in ("path", "file"):
        counter[0] += 1
        if variant.sparse and not first and ch.kind != "each":
            return []
        value = _path(el, root, counter[0], variant)
        return [value] if ch.kind == "each" and not isinstance(value, list) else value
    if el.kind in ("env", "stdin"):
        return "test"
    value = _value(el, variant)
    return [value] if ch.kind == "each" else value


def synthesize_inputs(process: Process, root: Path, variant: Variant = VARIANTS[0]) -> list[Any]:
    """Inputs for every channel of ``process`` (positional list), placeholder files under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    counter = [0]
    inputs: list[Any] = []
    for i, ch in enumerate(process.inputs):
        values = [_element(el, ch, i == 0, root, counter, variant) for el in ch.elements]
        inputs.append(values if ch.kind == "tuple" else values[0])
    return inputs
