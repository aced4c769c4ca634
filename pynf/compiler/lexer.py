"""A Groovy-aware lexer feeding the Lark LALR parser.

Nextflow modules are Groovy, whose strings nest (``"${ x ? "a${y}" : 'b' }"``) and whose
``/`` may start a slashy string; no regular lexer reads that.  This lexer scans strings,
comments and brackets itself and hands Lark a small token stream:

* logical newlines (``_NL``) only where a statement can end: never inside ``()``/``[]``,
  never when a line ends with an operator or the next one starts with ``.``/``?``/``:``/…;
* ``KEY`` for ``name:`` (map keys and named options), ``COLON`` for a ternary's ``:``;
* ``PROCESS``/``INCLUDE``/``DEF`` for top-level keywords;
* inside a process body: ``INPUT_LABEL``/``OUTPUT_LABEL`` and ``BODY_LABEL`` + one raw
  ``BODY`` token for each ``when:``/``script:``/``shell:``/``exec:``/``stub:`` section (an
  unlabelled body that starts with a string becomes an implicit ``BODY``).
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator

from lark import Token
from lark.lexer import Lexer

from pynf.compiler.scanner import NAME as _NAME
from pynf.compiler.scanner import Scanner, Source

__all__ = ["GroovyLexer", "BODY_SECTIONS"]

BODY_SECTIONS = frozenset({"when", "script", "shell", "exec", "stub"})
_DECL_SECTIONS = {"input": "INPUT_LABEL", "output": "OUTPUT_LABEL"}
_SECTION_WORDS = BODY_SECTIONS | set(_DECL_SECTIONS)

_NUMBER = re.compile(r"0[xX][0-9a-fA-F_]+[lLgGiI]?|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?[a-zA-Z]?")
_KEY_AFTER = re.compile(r"[ \t]*:(?!:)")
_SPACE = re.compile(r"[ \t\f\r]+|\\\r?\n")
# Longest operators first.
_OPERATORS = sorted(
    """>>>= <<= >>= ... ..< <=> === !== ?.. ?: ?. *. .& .@ -> ** += -= *= /= %= &= |= ^= == != <= >= && || ++ --
    << =~ ==~ .. :: ! ~ + - * / % & | ^ < > = . ? @ ; :""".split(),
    key=len,
    reverse=True,
)
_OPERATOR = re.compile("|".join(re.escape(o) for o in _OPERATORS))
# A line that begins with one of these continues the previous statement.
_CONTINUES_NEXT = re.compile(r"[ \t]*(?:\?\.|\?:|\?(?!\?)|\.(?!\.)|:(?!:)|&&|\|\||\+(?!\+)|\*\.|==|!=|\|)")
# A statement ending in one of these operators continues on the next line.
_CONTINUING_OPS = frozenset(
    "= += -= *= /= ? ?: : + - * / % && || == != < > <= >= =~ ==~ . ?. -> , | & ^ << >> in instanceof".split()
)
_OPERAND_TYPES = frozenset({"NAME", "NUMBER", "STRING", "RPAR", "RSQB"})
_KEYWORDS_BEFORE_REGEX = frozenset({"return", "in", "case", "assert", "when", "else", "and", "or"})
_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_BRACKET_TYPES = {"(": "LPAR", ")": "RPAR", "[": "LSQB", "]": "RSQB", "{": "LBRACE", "}": "RBRACE", ",": "COMMA"}


class _Lexer:
    """One pass over a module; yields Lark tokens (see module docstring)."""

    def __init__(self, text: str, filename: str):
        self.src = Source(text, filename)
        self.scan = Scanner(self.src)
        self.text = text
        self.stack: list[tuple[str, int, str]] = []  # (bracket, offset, role)
        self.ternary: list[int] = [0]  # open '?' per bracket level
        self.last: Token | None = None
        self.pending_process = 0  # 1 after PROCESS, 2 after its NAME

    # -- token helpers -------------------------------------------------
    def tok(self, type_: str, start: int, end: int, value: str | None = None) -> Token:
        line, col = self.src.linecol(start)
        end_line, end_col = self.src.linecol(end)
        t = Token(type_, self.text[start:end] if value is None else value, start, line, col, end_line, end_col, end)
        if type_ != "_NL":
            self.last = t
        return t

    def nl(self, at: int) -> Token:
        t = self.tok("_NL", at, at, "\n")
        self.last = t
        return t

    def at_statement_start(self) -> bool:
        return self.last is None or self.last.type in {"_NL", "LBRACE", "BODY", "INPUT_LABEL", "OUTPUT_LABEL"}

    def in_process_body(self) -> bool:
        return bool(self.stack) and self.stack[-1][2] == "process"

    # -- newline handling ----------------------------------------------
    def newline_ends_statement(self, pos: int) -> bool:
        if self.stack and self.stack[-1][0] in "([":
            return False
        if self.at_statement_start() or self.last is None:
            return False
        last = self.last
        if last.type in {"COMMA", "KEY", "COLON"} or (last.type == "OP" and last.value in _CONTINUING_OPS):
            return False
        if last.type == "NAME" and last.value in {"in", "instanceof"}:
            return False
        # a next code line that starts with an operator continues this statement
        j = self.skip_blank(pos)
        return j >= len(self.text) or not _CONTINUES_NEXT.match(self.text, j)

    def skip_blank(self, pos: int) -> int:
        """Offset of the next code character after whitespace, newlines and comments."""
        return self.scan.blank_end(pos)

    # -- body capture --------------------------------------------------
    def capture_body(self, start: int) -> tuple[int, int]:
        """From start, find the end of a raw section: the next label at process level or the
        process's closing brace.  Returns (end_of_body, offset_to_resume_at)."""
        t = self.text
        depth = 0  # brackets opened inside the body
        line_start = False
        for kind, i, end in self.scan.walk(start):
            if kind == "newline":
                line_start = depth == 0
                continue
            if kind == "comment":
                continue
            if line_start and kind == "name" and t[i:end] in _SECTION_WORDS and _KEY_AFTER.match(t, end):
                return i, i
            line_start = False
            if kind != "char" or t[i] not in "()[]{}":
                continue
            if t[i] in "([{":
                depth += 1
            elif depth > 0:
                depth -= 1
            elif t[i] == "}":
                return i, i
            else:
                raise self.src.error(f"unexpected '{t[i]}'", i)
        return len(t), len(t)

    def body_token(self, start: int, end: int) -> Token:
        raw = self.text[start:end]
        lead = len(raw) - len(raw.lstrip())
        trimmed = raw.strip()
        s = start + lead
        return self.tok("BODY", s, s + len(trimmed), trimmed)

    # -- main loop -----------------------------------------------------
    def tokens(self) -> Iterator[Token]:
        i = 0
        while i < len(self.text):
            i = yield from self._next(i)
        if self.stack:
            bracket, at, _ = self.stack[-1]
            raise self.src.error(f"'{bracket}' is never closed", at)
        if self.last is not None and self.last.type != "_NL":
            yield self.nl(len(self.text))

    def _next(self, i: int) -> Generator[Token, None, int]:
        """The tokens of the piece of code at i; returns the offset after it."""
        t = self.text
        c = t[i]
        if c == "\n":
            if self.newline_ends_statement(i + 1):
                yield self.nl(i)
            return i + 1
        m = _SPACE.match(t, i)
        end = m.end() if m else self.scan.comment_end(i) if c in "/#" else None
        if end is not None:
            return end
        end = self.scan.string_end(i, slashy_ok=not self._after_operand())
        if end is not None:
            return (yield from self._string(i, end))
        if c in _BRACKET_TYPES:
            yield from self._bracket(c, i)
            return i + 1
        m = _NAME.match(t, i)
        if m:
            return (yield from self._name(m))
        if c.isdigit() or (c == "." and t[i + 1:i + 2].isdigit()):
            m = _NUMBER.match(t, i)
            if m and m.end() > i:
                yield self.tok("NUMBER", i, m.end())
                return m.end()
        m = _OPERATOR.match(t, i)
        if m:
            return (yield from self._operator(m))
        raise self.src.error(f"unexpected character {c!r}", i)

    def _after_operand(self) -> bool:
        """Whether the last token ends an operand (so a ``/`` next divides rather than opens a regex)."""
        last = self.last
        return last is not None and last.type in _OPERAND_TYPES and not (
            last.type == "NAME" and last.value in _KEYWORDS_BEFORE_REGEX)

    def _string(self, i: int, end: int) -> Generator[Token, None, int]:
        if self.in_process_body() and self.at_statement_start():
            # an unlabelled script body: the rest of the section is raw text
            body_end, resume = self.capture_body(i)
            yield self.body_token(i, body_end)
            return resume
        yield self.tok("STRING", i, end)
        return end

    def _operator(self, m: re.Match[str]) -> Generator[Token, None, int]:
        op, i = m.group(), m.start()
        if op == ";" and not (self.stack and self.stack[-1][0] in "(["):
            # ends a statement, like a newline (`val a; val b`, `path 'x', emit: x;`)
            if not self.at_statement_start():
                yield self.nl(i)
            return m.end()
        if op == ":":
            if self.ternary[-1] > 0:
                self.ternary[-1] -= 1
            yield self.tok("COLON", i, m.end())
        else:
            if op == "?":
                self.ternary[-1] += 1
            yield self.tok("OP", i, m.end())
        return m.end()

    def _line_start(self, pos: int) -> bool:
        line_begin = self.text.rfind("\n", 0, pos) + 1
        return not self.text[line_begin:pos].strip()

    def _bracket(self, c: str, i: int) -> Iterator[Token]:
        if c in "([{":
            yield from self._open(c, i)
        elif c in ")]}":
            yield from self._close(c, i)
        else:
            yield self.tok("COMMA", i, i + 1)

    def _open(self, c: str, i: int) -> Iterator[Token]:
        role = "group"
        if c == "{" and self.pending_process == 2 and not any(r == "process" for _, _, r in self.stack):
            role = "process"
        self.pending_process = 0
        self.stack.append((c, i, role))
        self.ternary.append(0)
        yield self.tok(_BRACKET_TYPES[c], i, i + 1)

    def _close(self, c: str, i: int) -> Iterator[Token]:
        if not self.stack:
            raise self.src.error(f"unmatched '{c}'", i)
        opener, at, role = self.stack[-1]
        if _CLOSERS[opener] != c:
            raise self.src.error(f"'{c}' does not match '{opener}' opened at line {self.src.linecol(at)[0]}", i)
        if role == "process" and self.last is not None and self.last.type not in {"_NL", "LBRACE", "BODY"}:
            yield self.nl(i)
        self.stack.pop()
        self.ternary.pop()
        yield self.tok(_BRACKET_TYPES[c], i, i + 1)

    def _name(self, m: re.Match[str]) -> Generator[Token, None, int]:
        t = self.text
        word, start, end = m.group(), m.start(), m.end()
        top_start = not self.stack and self.at_statement_start()
        if top_start and word == "process":
            self.pending_process = 1
            yield self.tok("PROCESS", start, end)
            return end
        if self.pending_process == 1:
            self.pending_process = 2
            yield self.tok("NAME", start, end)
            return end
        if top_start and word in ("include", "def"):
            yield self.tok(word.upper(), start, end)
            return end
        key = _KEY_AFTER.match(t, end)
        if key and word in _SECTION_WORDS and self.stack and self.stack[-1][0] in "([" and self._line_start(start):
            inner = [s for s in self.stack if s[2] == "process"]
            if inner:  # a section label inside an open bracket: the bracket was never closed
                bracket, at, _ = self.stack[-1]
                raise self.src.error(f"'{bracket}' is never closed (found '{word}:' before its '{_CLOSERS[bracket]}')", at)
        if key and self.in_process_body() and self.at_statement_start():
            if word in _DECL_SECTIONS:
                yield self.tok(_DECL_SECTIONS[word], start, key.end(), word)
                return key.end()
            if word in BODY_SECTIONS:
                yield self.tok("BODY_LABEL", start, key.end(), word)
                body_end, resume = self.capture_body(key.end())
                yield self.body_token(key.end(), body_end)
                return resume
        if key and self.ternary[-1] == 0:
            yield self.tok("KEY", start, key.end(), word)
            return key.end()
        yield self.tok("NAME", start, end)
        return end


class GroovyLexer(Lexer):
    """Lark custom-lexer adapter: parse ``(text, filename)`` tuples with the Groovy scanner."""

    __future_interface__ = 2

    def __init__(self, lexer_conf):  # noqa: D107 - Lark's signature
        pass

    def lex(self, state, parser_state):  # noqa: D102 - Lark's signature
        data = getattr(state, "text", state)
        data = getattr(data, "text", data)  # a TextSlice wraps the plain string
        text, filename = data if isinstance(data, tuple) else (str(data), "<module>")
        return _Lexer(text, filename).tokens()
