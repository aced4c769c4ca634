"""The parser: IR snapshots for every fixture, declaration forms, positions and errors."""

from __future__ import annotations

import json

import pytest

from pynf.compiler import parse, parse_source, to_json_dict
from pynf.errors import ModuleSyntaxError, ProcessSelectionError

from ..paths import MALFORMED, MODULE_FIXTURES, fixture_modules


def ir_json(path) -> str:
    module = parse(path)
    data = to_json_dict(module)
    data["path"] = str(path.relative_to(MODULE_FIXTURES.parent.parent))
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("name", fixture_modules())
def test_fixture_ir_snapshot(name, snapshot):
    assert ir_json(MODULE_FIXTURES / name / "main.nf") == snapshot


@pytest.mark.parametrize("name", fixture_modules())
def test_fixture_meta_agrees(name):
    """Our own fixtures' meta.yml must agree with main.nf exactly."""
    assert parse(MODULE_FIXTURES / name).warnings == ()


def _one(src: str):
    return parse_source(src, filename="t.nf").process()


def test_declaration_forms():
    p = _one('''
process P {
    input:
    tuple val(meta), path(reads, stageAs: 'in/*', arity: '1..*')
    each mode
    each path(db)
    env FOO
    stdin
    val x

    output:
    tuple val(meta), path("${meta.id}.{bam,bai}"), emit: bam, optional :true
    stdout emit: log
    env 'VER', emit: ver
    tuple val("${task.process}"), val('tool'), eval("tool --version | sed 's/v//'"), topic: versions
    path 'plain.txt'
    val 42, emit: answer
    val(7)

    script:
    """
    echo ${x}
    """
}
''')
    ins = [(c.kind, [(e.kind, e.label) for e in c.elements]) for c in p.inputs]
    assert ins == [
        ("tuple", [("val", "meta"), ("path", "reads")]),
        ("each", [("val", "mode")]),
        ("each", [("path", "db")]),
        ("env", [("env", "FOO")]),
        ("stdin", [("stdin", "stdin")]),
        ("val", [("val", "x")]),
    ]
    assert p.inputs[0].elements[1].options == (("stageAs", "'in/*'"), ("arity", "'1..*'"))
    outs = [(c.key, c.kind, c.optional, c.topic) for c in p.outputs]
    assert outs == [("bam", "tuple", True, None), ("log", "stdout", False, None), ("ver", "env", False, None),
                    ("3", "tuple", False, "versions"), ("4", "path", False, None), ("answer", "val", False, None),
                    ("6", "val", False, None)]
    assert [p.outputs[5].elements[0].pattern, p.outputs[6].elements[0].pattern] == ["42", "7"]
    assert p.outputs[0].elements[1].pattern == "${meta.id}.{bam,bai}"
    assert p.outputs[3].elements[2].kind == "eval"
    assert p.outputs[3].elements[2].pattern == "tool --version | sed 's/v//'"
    assert p.outputs[2].elements[0].pattern == "VER"
    assert p.topics == ("versions",)
    assert p.body.kind == "script" and p.body.text.startswith('"""') and "echo ${x}" in p.body.text


def test_multiline_declarations_and_nested_gstrings():
    p = _one('''
process Q {
    tag "${meta.id ?: "x${ [1, 2].collect { "${it}" }.join('-') }"}"
    container "${ workflow.containerEngine == 'singularity' ?
        'a' : 'b' }"
    memory { task.attempt > 1 ? 2.GB : 1.GB }
    publishDir path: { "${params.outdir}/q" }, mode: 'copy'

    input:
    tuple val(meta),
        path(fasta,
             stageAs: "ref/*")

    output:
    tuple val(meta), path("*.txt"),
        emit: txt
    path "${meta.id}/${ /weird}/ }/*.log", emit: logs

    when:
    task.ext.when == null || task.ext.when

    script:
    def re = /a\\/b(c)/
    def x = meta.id ? 'a' : "b"
    """
    echo '${x}' // not a comment "}" input:
    """

    stub:
    """
    touch x.txt
    """
}
''')
    assert [d.name for d in p.directives] == ["tag", "container", "memory", "publishDir"]
    assert p.directive("memory").text == "{ task.attempt > 1 ? 2.GB : 1.GB }"
    assert p.directive("publishDir").text.startswith("path: {")
    assert [e.label for e in p.inputs[0].elements] == ["meta", "fasta"]
    assert p.inputs[0].elements[1].options == (("stageAs", '"ref/*"'),)
    assert [c.key for c in p.outputs] == ["txt", "logs"]
    assert p.when.text == "task.ext.when == null || task.ext.when"
    assert "not a comment" in p.body.text and p.body.text.startswith("def re")
    assert p.stub.text == '"""\n    touch x.txt\n    """'


def test_toplevel_statements_and_positions():
    m = parse_source('''#!/usr/bin/env nextflow
nextflow.enable.dsl = 2
include { OTHER } from '../other/main'
params.flag = false

// helper
def joinArgs(List a, String sep = ' ') {
    return a.join(sep)
}

process ONE {
    input:
    val x
    output:
    stdout
    exec:
    println x
}
''', filename="m.nf")
    kinds = [(t.kind, t.name) for t in m.toplevel]
    assert kinds == [("feature", "nextflow.enable.dsl"), ("include", None), ("assignment", "params.flag"),
                     ("function", "joinArgs")]
    p = m.process()
    assert (p.pos.line, p.pos.column) == (11, 1)
    assert (p.inputs[0].pos.line, p.inputs[0].elements[0].pos.line) == (13, 13)
    assert p.body.kind == "exec" and p.body.text == "println x"
    assert p.text.startswith("process ONE {") and p.text.endswith("}")


def test_template_and_shell_and_implicit_script():
    m = parse_source('''
process T {
    input:
    val name
    output:
    path "out.txt"
    script:
    template 'greet.sh'
}
process S {
    output:
    stdout
    """
    echo implicit
    """
}
''')
    assert m.process("T").body.template == "greet.sh"
    s = m.process("S")
    assert s.body.labelled is False and s.body.text == '"""\n    echo implicit\n    """'
    assert [c.kind for c in s.outputs] == ["stdout"]


def test_several_processes_need_a_choice():
    m = parse(MODULE_FIXTURES / "two_process")
    with pytest.raises(ProcessSelectionError) as e:
        m.process()
    assert "TWO_SPLIT" in str(e.value) and "TWO_JOIN" in str(e.value) and "--process" in str(e.value)
    with pytest.raises(ProcessSelectionError, match="no process 'NOPE'"):
        m.process("NOPE")


@pytest.mark.parametrize("name", sorted(p.name for p in MALFORMED.iterdir() if p.is_dir()))
def test_malformed_fixture_errors(name, snapshot):
    with pytest.raises(ModuleSyntaxError) as e:
        parse(MALFORMED / name)
    err = e.value
    assert err.line >= 1 and err.column >= 1
    assert str(err).startswith(str(MALFORMED / name / "main.nf") + f":{err.line}:{err.column}: ")
    assert str(err).replace(str(MALFORMED), "<malformed>") == snapshot


@pytest.mark.parametrize(
    "src, line, col, words",
    [
        ("process P {\n  script:\n  '''\n  echo\n}\n", 3, 3, "unterminated string"),
        ("process P {\n  input:\n  val(x\n}\n", 4, 1, "does not match"),
        ("process P {\n  tag 'x'\n", 1, 11, "never closed"),
        ("process P {\n  input:\n  val x }\n}\n", 4, 1, "unmatched"),
        ("process P {\n  input:\n  tuple(x)\n}\n", 3, 8, "tuple takes"),
        ("process {\n}\n", 1, 9, "unexpected '{'"),
        ('process P {\n  tag "${x\n}\n', 2, 7, "unterminated"),
        ("def f() { 1 }\n", 1, 1, "no process"),
        ("", 1, 1, "no process"),
    ],
)
def test_error_positions(src, line, col, words):
    with pytest.raises(ModuleSyntaxError) as e:
        parse_source(src, filename="bad.nf")
    assert (e.value.line, e.value.column) == (line, col), str(e.value)
    assert words in str(e.value)
    assert "^" in e.value.snippet or not src


def test_huge_file_is_refused_quickly(tmp_path):
    big = tmp_path / "main.nf"
    with big.open("wb") as f:
        f.write(b"process BIG {\n  script:\n  '''\n")
        f.write(b"x" * (50 * 1024 * 1024))
    with pytest.raises(ModuleSyntaxError, match="MB"):
        parse(tmp_path)


def test_meta_enum_is_carried_into_the_docs(tmp_path):
    (tmp_path / "main.nf").write_text(
        "process P {\n    input:\n    val mode\n    val level\n\n    output:\n    stdout\n\n"
        "    script:\n    \"\"\"\n    echo $mode $level\n    \"\"\"\n}\n")
    (tmp_path / "meta.yml").write_text(
        "name: p\ninput:\n  - mode:\n      type: string\n      description: how to run\n"
        "      enum: [\"dna\", \"protein\"]\n  - level:\n      type: integer\n      enum: [1, 2]\n")
    from pynf.interface.describe import describe

    module = parse(tmp_path)
    mode, level = (ch.elements[0].doc for ch in module.process().inputs)
    assert mode.enum == ("dna", "protein") and level.enum == ("1", "2")
    info = describe(module, module.process())
    assert info["inputs"][0]["elements"][0]["enum"] == ["dna", "protein"]
