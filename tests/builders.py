"""Builders the test tiers share: synthetic inputs and bundles for the fixture modules, hypothesis
strategies for nasty text and JSON-like data, a file-tree snapshot."""

from __future__ import annotations

import stat
from pathlib import Path

from hypothesis import strategies as st

from pynf.compiler import parse
from pynf.render.options import RenderOptions, RunOptions
from pynf.render.renderer import render

from .paths import MODULE_FIXTURES

# Any text, plus the characters that break naive quoting (biased so they show up often).
NASTY = st.sampled_from(["'", '"', "\\", "$", "${x}", "${", "}", "\n", "\r", "\t", "\x00", "é", "😀", "'''",
                         '"""', "\\u0041", "\\'", "*/", "/*", "//", "\u2028", "\ufeff", "#{x}"])
TEXT = st.lists(st.one_of(st.text(), NASTY), max_size=8).map("".join)
JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**53, max_value=2**53),
              st.floats(allow_nan=False, allow_infinity=False), TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)


def synth_inputs(process, path_for=None) -> dict[str, object]:
    """Deterministic inputs for any process: meta maps, paths (fixed absolute fake ones unless
    ``path_for(channel, element)`` gives them), simple values."""
    out: dict[str, object] = {}
    for ch in process.inputs:
        values = []
        for el in ch.elements:
            if el.kind in ("path", "file"):
                v: object = (path_for(ch, el) if path_for else f"/data/{ch.key}/{el.label.replace('*', 'x')}.txt")
            elif el.label.startswith("meta"):
                v = {"id": "sample1", "single_end": False}
            elif el.kind in ("env", "stdin"):
                v = f"{el.label} value"
            else:
                v = 1 if "size" in el.label or "lines" in el.label else f"{el.label}-value"
            values.append([v] if ch.kind == "each" else v)
        out[ch.key] = values if ch.kind == "tuple" else values[0]
    return out


def bundles_for(name: str):
    module = parse(MODULE_FIXTURES / name)
    for process in module.processes:
        options = RenderOptions(process=process.name, inputs=synth_inputs(process), check_files=False,
                                params={"outdir": "/results"},
                                run=RunOptions(ext={"args": "--fast"}, cpus=2, memory="2 GB"))
        yield process.name, render(module, options)


def tree(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file below root (outside .git) with its permission bits and bytes."""
    return {p.relative_to(root).as_posix(): (stat.S_IMODE(p.stat().st_mode), p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.relative_to(root).parts}
