"""Module forms Nextflow's v1 parser (25.04) accepts: pynf reads them as the engine does.

What the engine does was checked by running each form on Nextflow 25.04 (tests/engine/test_v1_forms.py
runs the fixtures for real); here the parser's reading is pinned without a JVM.
"""

from __future__ import annotations

import pytest

from pynf.compiler import parse, parse_source
from pynf.render.compile import compile_bundle
from pynf.render.renderer import wrapper_blocks

from ..paths import FIXTURES, MODULE_FIXTURES


def _outputs(decls: str, inputs: str = "    val a"):
    src = f"process P {{\n    input:\n{inputs}\n\n    output:\n{decls}\n\n    script:\n    'true'\n}}\n"
    return parse_source(src, filename="t.nf").process()


def test_command_chain_emit_then_optional():
    ch = _outputs('    tuple val(a), path("*.html"), emit: html optional true').outputs[0]
    assert (ch.emit, ch.optional) == ("html", True)
    assert ch.options == (("emit", "html"), ("optional", "true"))


def test_trailing_semicolon_ends_the_declaration():
    p = _outputs('    path "x.txt", emit: x;\n    path "y.txt", emit: y ;', inputs="    val a;")
    assert [c.emit for c in p.outputs] == ["x", "y"]
    assert [e.name for c in p.inputs for e in c.elements] == ["a"]


def test_two_declarations_on_one_line():
    p = _outputs("    path 'x'", inputs="    val a; val b\n    tuple val(m), path(r); each n")
    assert [(c.kind, [e.label for e in c.elements]) for c in p.inputs] == [
        ("val", ["a"]), ("val", ["b"]), ("tuple", ["m", "r"]), ("each", ["n"])]


def test_closure_outputs():
    p = _outputs("    val { a.size() }, emit: n\n    tuple val(a), val { a * 2 }, emit: t")
    n, t = p.outputs
    assert (n.kind, n.emit, n.elements[0].kind, n.elements[0].expr) == ("val", "n", "val", "{ a.size() }")
    assert n.elements[0].name is None and n.elements[0].pattern is None
    assert [(e.kind, e.expr) for e in t.elements] == [("val", "a"), ("val", "{ a * 2 }")]


def test_named_options_inside_the_parentheses_are_channel_options():
    """`path("x", emit: x, optional: true)` is the call `path "x", emit: x, optional: true` (Nextflow 25.04
    publishes emit `x`, optional); pynf read no emit and not optional."""
    x, y = _outputs('    path("x.txt", optional: true, emit: x)\n    path("y.txt", emit: y, topic: t, stageAs: "q")').outputs
    assert (x.emit, x.optional, x.topic) == ("x", True, None)
    assert (y.emit, y.optional, y.topic) == ("y", False, "t")
    assert y.elements[0].option("stageAs") == '"q"'


@pytest.mark.parametrize("value,optional", [
    ("true", True), ("'true'", True), ('"true"', True), ("{ a == 1 }", True), ("params.skip", True),
    ("'false'", True),  # a non-empty string is Groovy-true: Nextflow 25.04 makes the output optional
    ("1", True), ("false", False), ("null", False), ("0", False), ("''", False), ("[]", False),
])
def test_optional_follows_groovy_truth(value, optional):
    assert _outputs(f"    path 'x', optional: {value}, emit: x").outputs[0].optional is optional


def test_second_script_label_wins_with_a_warning():
    module = parse(FIXTURES / "v1_forms" / "command_chain")
    body = module.process().body
    assert "${text}" in body.text and "never used" not in body.text
    assert len(module.warnings) == 1 and "second script: section" in module.warnings[0]
    assert "line 13" in module.warnings[0]


def test_module_local_include_is_kept_and_carried_as_a_sidecar():
    module = parse(MODULE_FIXTURES / "decl_forms")
    blocks, warnings = wrapper_blocks(module)
    assert warnings == [] and blocks[0] == "include { greeting; loud } from './parametrize'"
    bundle = compile_bundle(module, require_inputs=False)
    assert dict(bundle.sidecars)["parametrize.nf"] == (MODULE_FIXTURES / "decl_forms" / "parametrize.nf").read_bytes()


def test_nested_local_includes_are_followed_and_outside_files_dropped(tmp_path):
    mod = tmp_path / "mod"
    (mod / "lib").mkdir(parents=True)
    (tmp_path / "outside.nf").write_text("def out() { 1 }\n")
    (mod / "lib" / "a.nf").write_text("include { b } from './b'\ndef a() { b() }\n")
    (mod / "lib" / "b.nf").write_text("def b() { 2 }\n")
    (mod / "main.nf").write_text("include { a } from './lib/a'\ninclude { out } from '../outside'\n\n"
                                 "process P {\n    output:\n    stdout\n    script:\n    \"echo ${a()}\"\n}\n")
    module = parse(mod)
    blocks, warnings = wrapper_blocks(module)
    assert blocks[0] == "include { a } from './lib/a'"
    assert blocks[1].startswith("// pynf: dropped include of a local file") and len(warnings) == 1
    files = dict(compile_bundle(module, require_inputs=False).sidecars)
    assert set(files) == {"lib/a.nf", "lib/b.nf"}
