"""Property tests: user strings round-trip exactly through paramsText and configText, never touch main.nf.

The config side is checked with a small reader of pynf's single-quoted literal form (fast, many
examples); tests/engine/test_config_oracle.py checks it with Nextflow's own config parser.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pynf.compiler import parse
from pynf.render.options import RenderOptions, RunOptions
from pynf.render.renderer import render
from pynf.templates.groovy import GroovyLiteralError, groovy_literal, groovy_string

from ..builders import JSONISH, TEXT
from ..paths import MODULE_FIXTURES

_ESC = {"\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def read_groovy_string(literal: str) -> str:
    """Read back a single-quoted Groovy string literal in the form pynf writes (independent reader)."""
    assert literal[0] == "'" and literal[-1] == "'", literal
    body, out, i = literal[1:-1], [], 0
    while i < len(body):
        c = body[i]
        assert c != "'" and c not in "\n\r", f"raw {c!r} inside literal"
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt == "u":
            out.append(chr(int(body[i + 2:i + 6], 16)))
            i += 6
        else:
            out.append(_ESC[nxt])
            i += 2
    # Java strings are UTF-16: join surrogate pairs back into code points
    return "".join(out).encode("utf-16-le", "surrogatepass").decode("utf-16-le")


@given(TEXT)
@settings(max_examples=400)
def test_groovy_string_round_trips(text):
    literal = groovy_string(text)
    assert literal.isascii() and "\n" not in literal and "\r" not in literal
    assert read_groovy_string(literal) == text


def test_groovy_literal_shapes():
    assert groovy_literal({"a": [1, 2.5, True, None], "b'": {}}) == "['a': [1, 2.5, true, null], 'b\\'': [:]]"
    for bad in (float("nan"), {1: 2}, {1, 2}, object()):
        with pytest.raises(GroovyLiteralError):
            groovy_literal(bad)


def _config_ext(config_text: str) -> dict[str, str]:
    return {m.group(1): read_groovy_string(m.group(2))
            for m in re.finditer(r"^        ext\.(\w+) = ('.*')$", config_text, re.M)}


MODULE = parse(MODULE_FIXTURES / "seqtk_seq")
BASE = render(MODULE, RenderOptions(inputs={"meta": {"id": "x"}, "fastx": "/x.fq"}, check_files=False))


@given(meta=st.dictionaries(TEXT, JSONISH, max_size=5), params=st.dictionaries(TEXT.filter(bool), JSONISH, max_size=4),
       args=TEXT, prefix=TEXT)
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_user_values_round_trip_and_never_change_main_nf(meta, params, args, prefix):
    params.pop("pynf_inputs", None)
    params.pop("outdir", None)
    bundle = render(MODULE, RenderOptions(inputs={"meta": meta, "fastx": "/x.fq"}, params=params, check_files=False,
                                          run=RunOptions(ext={"args": args, "prefix": prefix})))
    assert bundle.main_nf == BASE.main_nf
    data = json.loads(bundle.params_text)
    assert data["pynf_inputs"][0]["items"][0][0] == meta
    assert {k: v for k, v in data.items() if k not in ("outdir", "pynf_inputs")} == params
    assert _config_ext(bundle.config_text) == {"args": args, "prefix": prefix}
