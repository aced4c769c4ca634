"""Property tests: user strings round-trip exactly through paramsText and configText, never touch main.nf.

The config side is checked twice: with a small reader of pynf's single-quoted literal form
(fast, many examples) and with Nextflow's own config parser (``nextflow config -output json``,
both syntax parsers) when the engine is available.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pynf.compiler import parse
from pynf.render.options import RenderOptions, RunOptions
from pynf.render.renderer import render
from pynf.templates.groovy import GroovyLiteralError, groovy_literal, groovy_string

from ..paths import MODULE_FIXTURES
from ..support import require_engine

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


# ---- Nextflow's own config parser as the oracle ----

def _engine_cmd():
    from pynf.backends.local.engine import java_cmd, nextflow_env

    require_engine()
    return java_cmd, nextflow_env


def _nextflow_config_json(directory: Path, parser: str) -> dict:
    java_cmd, nextflow_env = _engine_cmd()
    env = nextflow_env()
    env["NXF_SYNTAX_PARSER"] = parser
    proc = subprocess.run(java_cmd("nextflow.cli.Launcher", ["config", "-output", "json", str(directory)]),
                          env=env, cwd=directory, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return json.loads(proc.stdout[proc.stdout.index("{"):])


@pytest.mark.engine
@pytest.mark.parametrize("parser", ["v1", "v2"])
@given(values=st.lists(TEXT, min_size=40, max_size=40))
@settings(max_examples=1, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_nextflow_reads_config_values_exactly(parser, values, tmp_path_factory):
    values = values + ["a'b\\c\n${x}é😀\u2028\x00", "", "$HOME", '"""', "\\u0041"]
    ext = {f"v{i}": v for i, v in enumerate(values)}
    run = RunOptions(ext=ext, memory="1 GB", queue="q'${x}", resource_limits={"memory": "2 GB", "cpus": 2})
    bundle = render(MODULE, RenderOptions(inputs={"meta": {}, "fastx": "/x.fq"}, check_files=False, run=run))
    directory = tmp_path_factory.mktemp("cfg")
    (directory / "nextflow.config").write_text(bundle.config_text, encoding="utf-8")
    config = _nextflow_config_json(directory, parser)
    scope = config["process"]["withName:SEQTK_SEQ"]
    assert scope["ext"] == ext
    assert scope["memory"] == "1 GB"
    assert config["process"]["queue"] == "q'${x}"
