"""The Groovy lexer on its own: the token stream it hands Lark (through the same adapter the parser uses)."""

from __future__ import annotations

import pytest

from pynf.compiler.lexer import GroovyLexer
from pynf.errors import ModuleSyntaxError


def tokens(src: str):
    return list(GroovyLexer(None).lex((src, "t.nf"), None))


def pairs(src: str) -> list[tuple[str, str]]:
    return [(t.type, str(t)) for t in tokens(src)]


def types(src: str) -> list[str]:
    return [t.type for t in tokens(src)]


@pytest.mark.parametrize("literal", [
    "'single'", '"double ${x}"', "'''triple\nsingle'''", '"""triple\ndouble ${x}"""', "/slashy \\/ ${x}/",
    "$/dollar slashy $$ $/ /$", "'esc \\' quote'", '"esc \\" quote"', '"\\u00e9 unicode"', "''", '""',
])
def test_every_kind_of_string_is_one_token(literal):
    assert pairs(f"x = {literal}\n") == [("NAME", "x"), ("OP", "="), ("STRING", literal), ("_NL", "\n")]


def test_gstrings_with_nested_interpolations_and_strings_inside():
    literal = '"a${ y ? "b${ z.collect { "<${it}>" }.join(\'}\') }" : \'c\' }d"'
    assert pairs(f"x = {literal}\n")[2] == ("STRING", literal)
    # a brace inside a string inside ${} does not close the interpolation
    literal = '"${ m["}"] }"'
    assert pairs(f"x = {literal}\n")[2] == ("STRING", literal)


def test_slash_is_division_after_an_operand_and_a_slashy_string_after_an_operator():
    assert pairs("d = 4 / 2\n") == [("NAME", "d"), ("OP", "="), ("NUMBER", "4"), ("OP", "/"), ("NUMBER", "2"),
                                    ("_NL", "\n")]
    assert pairs("d = x / y / z\n")[2:7] == [("NAME", "x"), ("OP", "/"), ("NAME", "y"), ("OP", "/"), ("NAME", "z")]
    assert pairs("d = (a) / 2\n")[5] == ("OP", "/")
    assert pairs("m = s =~ /a+b/\n")[3:] == [("OP", "=~"), ("STRING", "/a+b/"), ("_NL", "\n")]


def test_comments_are_skipped_and_comment_markers_in_strings_are_text():
    assert pairs("#!/usr/bin/env nextflow\n// line\nx = 1 // tail\n/* block\n x = 2 */ y = 3\n") == [
        ("NAME", "x"), ("OP", "="), ("NUMBER", "1"), ("_NL", "\n"),
        ("NAME", "y"), ("OP", "="), ("NUMBER", "3"), ("_NL", "\n")]
    assert pairs("u = 'http://x/*y*/'\n")[2] == ("STRING", "'http://x/*y*/'")


def test_statement_ends():
    # a newline ends a statement; `;` too, except inside () and []
    assert types("a = 1\nb = 2; c = 3;\n") == ["NAME", "OP", "NUMBER", "_NL"] * 3
    assert types("for (i = 0; i < 2; i++) { }\n").count("_NL") == 1
    # no end inside brackets, after a trailing operator or comma, or before a line starting with . ?: &&
    assert types("f(a,\n  b)\n").count("_NL") == 1
    assert types("x = [1,\n 2]\n").count("_NL") == 1
    assert types("x = a +\n b\n").count("_NL") == 1
    assert types("x = a\n    .b()\n    ?.c\n    ?: d\n").count("_NL") == 1
    assert types("x = a\n    && b\n").count("_NL") == 1
    # blank lines and comment lines between statements give no empty statements
    assert types("a = 1\n\n// c\n\nb = 2\n").count("_NL") == 2


def test_map_keys_versus_ternary_colons():
    assert pairs("y = [a: 1, b: c ? d : e]\n") == [
        ("NAME", "y"), ("OP", "="), ("LSQB", "["), ("KEY", "a"), ("NUMBER", "1"), ("COMMA", ","), ("KEY", "b"),
        ("NAME", "c"), ("OP", "?"), ("NAME", "d"), ("COLON", ":"), ("NAME", "e"), ("RSQB", "]"), ("_NL", "\n")]
    # a nested ternary: both colons are COLON, the map key after it is a KEY again
    got = pairs("f(k: a ? b ? 1 : 2 : 3, j: 4)\n")
    assert [v for t, v in got if t == "KEY"] == ["k", "j"]
    assert [t for t, _ in got].count("COLON") == 2
    # `::` (method reference) is an operator, not a key
    assert ("OP", "::") in pairs("f = this::g\n")


def test_process_section_labels_and_raw_bodies():
    src = ("process P {\n    tag 'x'\n    input:\n    val a\n    output:\n    path 'o', emit: o\n"
           "    when:\n    a\n    script:\n    def s = 'x'\n    \"\"\"\n    echo }\n    \"\"\"\n"
           "    stub:\n    'touch o'\n}\n")
    got = pairs(src)
    assert [p for p in got if p[0] in ("PROCESS", "INPUT_LABEL", "OUTPUT_LABEL", "BODY_LABEL", "KEY")] == [
        ("PROCESS", "process"), ("INPUT_LABEL", "input"), ("OUTPUT_LABEL", "output"), ("KEY", "emit"),
        ("BODY_LABEL", "when"), ("BODY_LABEL", "script"), ("BODY_LABEL", "stub")]
    bodies = [v for t, v in got if t == "BODY"]
    assert bodies == ["a", "def s = 'x'\n    \"\"\"\n    echo }\n    \"\"\"", "'touch o'"]
    assert got[-2:] == [("RBRACE", "}"), ("_NL", "\n")]


def test_an_unlabelled_script_body_is_one_raw_token():
    got = pairs("process P {\n    \"\"\"\n    echo hi\n    \"\"\"\n}\n")
    assert got[3] == ("BODY", '"""\n    echo hi\n    """')


def test_labels_outside_a_process_are_map_keys():
    assert pairs("m = [input: 1]\n")[3] == ("KEY", "input")


def test_top_level_keywords():
    got = types("include { a } from './a'\ndef f() { 1 }\nprocess P {\n}\n")
    assert got[0] == "INCLUDE" and "DEF" in got and "PROCESS" in got
    # not keywords inside code
    assert "INCLUDE" not in types("x = [include: 1]\n")


def test_positions_are_one_based_with_offsets():
    src = "x = 1\n  yy = 'é'\n"
    toks = tokens(src)
    yy = next(t for t in toks if t == "yy")
    assert (yy.line, yy.column, yy.end_line, yy.end_column) == (2, 3, 2, 5)
    assert src[yy.start_pos:yy.end_pos] == "yy"
    s = next(t for t in toks if t.type == "STRING")
    assert (s.line, s.column, s.end_column) == (2, 8, 11)
    multi = tokens("x = '''a\nb'''\n")[2]
    assert (multi.line, multi.end_line) == (1, 2)


@pytest.mark.parametrize("src,line,col,words", [
    ("x = 'open\n", 1, 5, "unterminated string"),
    ('x = """open\n', 1, 5, "unterminated string"),
    ('x = "${ a \n', 1, 5, "unterminated '${'"),  # points at the string holding it
    ("/* open\n", 1, 1, "unterminated comment"),
    ("f(a\n", 1, 2, "never closed"),
    ("f(a]\n", 1, 4, "does not match"),
    ("x = 1 }\n", 1, 7, "unmatched"),
    ("x = 1 \u00a7\n", 1, 7, "unexpected character"),
])
def test_errors_name_the_position(src, line, col, words):
    with pytest.raises(ModuleSyntaxError) as e:
        tokens(src)
    assert (e.value.line, e.value.column) == (line, col), str(e.value)
    assert words in e.value.message


def test_the_shared_scanning_loop_names_each_piece_of_code():
    """Issue 22 item 4: ``Scanner.walk`` is the one loop the body capture, ``${…}`` and ``task.ext`` scans share."""
    from pynf.compiler.scanner import Scanner, Source

    text = 'x = a / 2 // c\n/re/ + "s${ b }" /* d */ ; f(1)\n'
    pieces = [(kind, text[start:end]) for kind, start, end in Scanner(Source(text, "t.nf")).walk(0)]
    assert pieces == [
        ("name", "x"), ("char", "="), ("name", "a"), ("char", "/"), ("char", "2"), ("comment", "// c"),
        ("newline", "\n"), ("string", "/re/"), ("char", "+"), ("string", '"s${ b }"'), ("comment", "/* d */"),
        ("char", ";"), ("name", "f"), ("char", "("), ("char", "1"), ("char", ")"), ("newline", "\n")]
    # stopping early: a piece that starts before ``stop`` is given whole
    assert [k for k, _, _ in Scanner(Source(text, "t.nf")).walk(0, 3)] == ["name", "char"]
    with pytest.raises(ModuleSyntaxError, match="unterminated string literal"):
        list(Scanner(Source('a = "open\n', "t.nf")).walk(0))
