"""``parse(path) -> Module``: read a module's ``main.nf`` (and ``meta.yml``) into the IR."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from pynf.errors import ModuleNotFound, ModuleSyntaxError
from pynf.compiler.ext import ext_reads, template_ext_reads
from pynf.compiler.ir import Channel, Directive, Element, ExtUse, Module, Position, Process, Section, TopLevel
from pynf.compiler.lexer import GroovyLexer
from pynf.compiler.scanner import Source

__all__ = ["parse", "parse_source", "MAX_MODULE_BYTES"]

#: Larger files are refused: no real module comes near this.
MAX_MODULE_BYTES = 5 * 1024 * 1024

_TEMPLATE_CALL = re.compile(r"""^[ \t]*template[ \t]*\(?[ \t]*(['"])(?P<name>[^'"\n]+)\1""", re.M)
_FUNCTION_HEAD = re.compile(r"def\s+(?:[\w.<>\[\], ]+\s+)?(?P<name>[A-Za-z_]\w*)\s*\(")
_TOKEN_NAMES = {
    "_NL": "end of line", "RBRACE": "'}'", "LBRACE": "'{'", "RPAR": "')'", "LPAR": "'('",
    "RSQB": "']'", "LSQB": "'['", "COMMA": "','", "NAME": "name", "STRING": "string",
    "KEY": "named argument", "BODY": "section body", "PROCESS": "'process'",
    "INPUT_LABEL": "'input:'", "OUTPUT_LABEL": "'output:'", "BODY_LABEL": "section label",
    "$END": "end of file", "OP": "operator", "NUMBER": "number", "COLON": "':'",
    "INCLUDE": "'include'", "DEF": "'def'",
}


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = resources.files(__package__).joinpath("nextflow.lark").read_text()
    return Lark(grammar, parser="lalr", lexer=GroovyLexer, propagate_positions=True, maybe_placeholders=True)


def parse(module: str | os.PathLike[str], *, with_meta: bool = True) -> Module:
    """Parse a module directory (holding ``main.nf``) or a ``.nf`` file; merge ``meta.yml`` docs."""
    path = Path(module)
    if path.is_dir():
        path = path / "main.nf"
    if not path.is_file():
        raise ModuleNotFound(f"no module at {module}: expected a directory with main.nf or a .nf file")
    size = path.stat().st_size
    if size > MAX_MODULE_BYTES:
        raise ModuleSyntaxError(
            f"file is {size / 1e6:.1f} MB; a module's main.nf is expected to be under {MAX_MODULE_BYTES // 2**20} MB",
            file=str(path), line=1, column=1)
    data = path.read_bytes()
    ir = _with_template_ext_uses(parse_source(_decode(data, str(path)), filename=str(path)), path.parent)
    meta = path.parent / "meta.yml"
    if with_meta and path.name == "main.nf" and meta.is_file():
        from pynf.compiler.meta import merge_meta

        ir = merge_meta(ir, meta)
    return ir


def _with_template_ext_uses(module: Module, module_dir: Path) -> Module:
    """Add the ``task.ext`` reads of the templates the processes render (``templates/NAME``)."""
    processes = []
    for p in module.processes:
        sections = [s for s in (p.body, p.stub) if s is not None and s.template]
        extra: list[ExtUse] = []
        for name in dict.fromkeys(s.template for s in sections):
            file = module_dir / "templates" / name
            try:
                text = file.read_text(encoding="utf-8") if file.is_file() else None
            except (OSError, UnicodeDecodeError):
                text = None
            if text is None:
                continue
            lines = Source(text, str(file))
            for key, a, b in template_ext_reads(text):
                (l1, c1), (l2, c2) = lines.linecol(a), lines.linecol(b)
                extra.append(ExtUse(key, f"template:{name}", Position(l1, c1, l2, c2, a, b), file=f"templates/{name}"))
        processes.append(dataclasses.replace(p, ext_uses=p.ext_uses + tuple(extra)) if extra else p)
    return dataclasses.replace(module, processes=tuple(processes))


def _decode(data: bytes, filename: str) -> str:
    if b"\0" in data[:8192]:
        raise ModuleSyntaxError("binary file: a module must be UTF-8 text", file=filename, line=1, column=1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        before = data[: e.start]
        line = before.count(b"\n") + 1
        col = e.start - (before.rfind(b"\n") + 1) + 1
        raise ModuleSyntaxError(f"not UTF-8 text (byte 0x{data[e.start]:02x})", file=filename, line=line,
                                column=col) from None


def parse_source(source: str, *, filename: str = "<module>") -> Module:
    """Parse module source text into the IR (no meta.yml)."""
    try:
        tree = _parser().parse((source, filename))
    except ModuleSyntaxError:
        raise
    except UnexpectedInput as e:
        raise _syntax_error(e, source, filename) from None
    module = _Builder(source, filename).module(tree)
    if not module.processes:
        raise ModuleSyntaxError("no process definition found (expected 'process NAME { … }')",
                                file=filename, line=1, column=1, source=source)
    return module


def _syntax_error(e: UnexpectedInput, source: str, filename: str) -> ModuleSyntaxError:
    if isinstance(e, UnexpectedToken):
        tok = e.token
        if tok.type == "$END":
            line = source.count("\n") + 1
            col = len(source) - (source.rfind("\n") + 1) + 1
            what = "end of file"
        else:
            name = _TOKEN_NAMES.get(tok.type, tok.type)
            what = name if name.startswith("'") else f"{name} {str(tok)[:40]!r}"
            line, col = tok.line, tok.column
        expected = sorted(_TOKEN_NAMES.get(x, x) for x in e.expected if not x.startswith("__"))
        hint = f"; expected {', '.join(expected[:6])}" if expected else ""
        return ModuleSyntaxError(f"unexpected {what}{hint}", file=filename, line=line or 1, column=col or 1,
                                 source=source)
    if isinstance(e, (UnexpectedCharacters, UnexpectedEOF)):
        return ModuleSyntaxError("unexpected input", file=filename, line=getattr(e, "line", 1) or 1,
                                 column=getattr(e, "column", 1) or 1, source=source)
    return ModuleSyntaxError(str(e), file=filename, line=1, column=1, source=source)


_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "s": " ", "\\": "\\", "'": "'", '"': '"',
            "$": "$", "\n": ""}
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.S)


def _unescape(body: str) -> str:
    """Apply Groovy's backslash escapes (``${…}`` is kept as written)."""
    def sub(m: re.Match[str]) -> str:
        e = m.group(1)
        if e.startswith("u") and len(e) == 5:
            return chr(int(e[1:], 16))
        return _ESCAPES.get(e, m.group())
    return _ESCAPE.sub(sub, body)


def _unquote(text: str) -> str:
    """A string literal's value: quotes removed, escapes applied, interpolations kept as text."""
    for q in ('"""', "'''"):
        if len(text) >= 6 and text.startswith(q) and text.endswith(q):
            return _unescape(text[3:-3])
    if text.startswith("$/") and text.endswith("/$"):
        return text[2:-2].replace("$/", "/").replace("$$", "$")
    if len(text) >= 2 and text[0] == text[-1] == "/":
        return text[1:-1].replace("\\/", "/")
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return _unescape(text[1:-1])
    return text


class _Builder:
    """Walks the Lark tree and builds IR nodes with positions."""

    def __init__(self, source: str, filename: str):
        self.source = source
        self.filename = filename
        self.lines = Source(source, filename)
        self.warnings: list[str] = []

    def span(self, start: int, end: int) -> Position:
        line, col = self.lines.linecol(start)
        end_line, end_col = self.lines.linecol(end)
        return Position(line, col, end_line, end_col, start, end)

    def ext_uses(self, section: str, start: int, code: str) -> list[ExtUse]:
        """``task.ext`` reads in ``code``, which sits at offset ``start`` of the source."""
        return [ExtUse(name, section, self.span(start + a, start + b))
                for name, a, b in ext_reads(code, shell=section == "shell")]

    # -- positions -----------------------------------------------------
    def pos(self, node: Tree | Token) -> Position:
        if isinstance(node, Token):
            return Position(node.line, node.column, node.end_line, node.end_column, node.start_pos, node.end_pos)
        m = node.meta
        return Position(m.line, m.column, m.end_line, m.end_column, m.start_pos, m.end_pos)

    def text(self, node: Tree | Token) -> str:
        if isinstance(node, Token):
            return str(node) if node.type in ("BODY",) else self.source[node.start_pos:node.end_pos]
        return self.source[node.meta.start_pos:node.meta.end_pos]

    # -- module --------------------------------------------------------
    def module(self, tree: Tree) -> Module:
        processes: list[Process] = []
        toplevel: list[TopLevel] = []
        for item in tree.children:
            if not isinstance(item, Tree):
                continue
            if item.data == "process":
                processes.append(self.process(item))
            else:
                toplevel.append(self.toplevel(item))
        digest = hashlib.sha256(self.source.encode()).hexdigest()
        return Module(path=self.filename, source_hash=digest, processes=tuple(processes), toplevel=tuple(toplevel),
                      warnings=tuple(self.warnings))

    def toplevel(self, item: Tree) -> TopLevel:
        text = self.text(item)
        kind, name = item.data, None
        if kind == "function":
            m = _FUNCTION_HEAD.match(text)
            if m and "=" not in text[: m.end()]:
                name = m.group("name")
            else:
                kind = "assignment"
                name = re.match(r"def\s+(?:[\w.<>]+\s+)?(\w+)", text).group(1) if re.match(r"def\s+\w", text) else None
        elif kind == "statement":
            first = item.children[0]
            head = str(first) if isinstance(first, Token) else ""
            if head == "workflow":
                kind = "workflow"
                second = item.children[1] if len(item.children) > 1 else None
                name = str(second) if isinstance(second, Token) and second.type == "NAME" else None
            elif head == "nextflow":
                kind = "feature"
                name = text.split("=")[0].strip()
            elif re.match(r"[\w.]+\s*=[^=~]", text):
                kind = "assignment"
                name = text.split("=")[0].strip()
            else:
                kind = "other"
        return TopLevel(kind=kind, name=name, text=text, pos=self.pos(item))

    # -- process -------------------------------------------------------
    def process(self, node: Tree) -> Process:
        name = str(node.children[1])
        directives: list[Directive] = []
        inputs: list[Channel] = []
        outputs: list[Channel] = []
        sections: dict[str, Section] = {}
        uses: list[ExtUse] = []
        for child in node.children[3:]:
            if not isinstance(child, Tree):
                continue
            if child.data == "directive":
                dname = child.children[0]
                args = [c for c in child.children[1:]]
                text = self.source[args[0].start_pos if isinstance(args[0], Token) else args[0].meta.start_pos:
                                   child.meta.end_pos] if args else ""
                directives.append(Directive(name=str(dname), text=text.strip(), pos=self.pos(child)))
                uses += self.ext_uses(f"directive:{dname}", child.meta.start_pos, self.text(child))
            elif child.data in ("input_section", "output_section"):
                direction = "input" if child.data == "input_section" else "output"
                target = inputs if direction == "input" else outputs
                for decl in child.find_data("decl"):
                    target.append(self.channel(decl, direction, len(target)))
                    uses += self.ext_uses(direction, decl.meta.start_pos, self.text(decl))
            elif child.data == "body_section":
                sec = self.section(child)
                if sec is not None:
                    key = sec.kind if sec.kind in ("when", "stub") else "body"
                    if key in sections and key != "body":
                        raise ModuleSyntaxError(f"process {name} has more than one {sec.kind}: section",
                                                file=self.filename, line=sec.pos.line, column=sec.pos.column,
                                                source=self.source)
                    if key in sections:  # Nextflow's v1 parser keeps the last one; its strict parser rejects it
                        first = sections[key]
                        self.warnings.append(
                            f"{self.filename}:{sec.pos.line}: process {name} has a second {sec.kind}: section "
                            f"(the first, {first.kind}: at line {first.pos.line}, is ignored, as Nextflow's v1 parser "
                            f"does; its strict v2 parser rejects the process)")
                    sections[key] = sec
        for sec in sections.values():
            uses += self.ext_uses(sec.kind, sec.pos.start, sec.text)
        uses.sort(key=lambda u: (u.position.start, u.name))
        return Process(name=name, directives=tuple(directives), inputs=tuple(inputs), outputs=tuple(outputs),
                       when=sections.get("when"), body=sections.get("body"), stub=sections.get("stub"),
                       text=self.text(node), pos=self.pos(node), ext_uses=tuple(uses))

    def section(self, node: Tree) -> Section | None:
        kids = node.children
        if kids[0].type == "BODY":  # unlabelled script
            label, body = None, kids[0]
        else:
            label, body = kids[0], kids[1] if len(kids) > 1 else None
        kind = str(label) if label is not None else "script"
        anchor = body if body is not None else label
        text = str(body) if body is not None else ""
        template = None
        if kind in ("script", "shell"):
            m = _TEMPLATE_CALL.search(text)
            if m:
                template = m.group("name")
        return Section(kind=kind, text=text, pos=self.pos(anchor), template=template, labelled=label is not None)

    # -- declarations --------------------------------------------------
    def channel(self, decl: Tree, direction: str, index: int) -> Channel:
        qualifier = decl.children[0]
        kind = str(qualifier)
        own_args = decl.children[1]
        parts = [c for c in decl.children[2:] if isinstance(c, Tree)]
        elements_nodes = [p for p in parts if p.data == "element"]
        option_nodes = [p for p in parts if p.data == "option"]
        elements: list[Element]
        if kind == "tuple":
            if own_args is not None:
                raise self.error("tuple takes its elements after a space, e.g. tuple val(meta), path(x)", own_args)
            elements = [self.element(e) for e in elements_nodes]
        elif own_args is not None:
            elements = [self.element_from(kind, own_args, qualifier)] + [self.element(e) for e in elements_nodes]
        elif elements_nodes:
            first = elements_nodes[0]
            head = first.children[0]
            if kind == "each" and head.type == "NAME" and first.children[1] is not None:
                elements = [self.element(first)]
            else:
                elements = [self.bare_element("val" if kind == "each" else kind, first)]
            elements += [self.element(e) for e in elements_nodes[1:]]
        else:
            elements = [Element(kind="val" if kind == "each" else kind, name=None, pattern=None, expr="", options=(),
                                pos=self.pos(qualifier))]
        if kind != "tuple" and len(elements) > 1:
            raise self.error(f"'{kind}' declares one element; use tuple for several", elements_nodes[-1])
        options = tuple(pair for o in option_nodes for pair in self.option(o))
        if kind != "tuple" and own_args is not None:
            # `path("x", emit: x, optional: true)` is the same call as `path "x", emit: x, optional: true`
            options = tuple((k, v) for k, v in elements[0].options if k in _CHANNEL_KEYS) + options
        opts = dict(options)
        emit = _plain(opts.get("emit"))
        topic = _plain(opts.get("topic"))
        optional = _groovy_truth(opts.get("optional"))
        return Channel(direction=direction, index=index, kind=kind, elements=tuple(elements), options=options,
                       pos=self.pos(decl), emit=emit, topic=topic, optional=optional)

    def option(self, node: Tree) -> list[tuple[str, str]]:
        """``emit: x`` as a pair; the v1 command chain ``emit: html optional true`` (Groovy reads
        ``(…, emit: html).optional(true)``) as one pair per call."""
        key, expr = str(node.children[0]), node.children[1]
        atoms = expr.children
        if (len(atoms) >= 3 and len(atoms) % 2 == 1 and all(isinstance(a, Token) for a in atoms[:2])
                and all(isinstance(a, Token) and a.type == "NAME" for a in atoms[1::2])
                and all(not (isinstance(a, Token) and a.type == "OP") for a in atoms)):
            pairs = [(key, self.text(atoms[0]).strip())]
            pairs += [(str(atoms[i]), self.text(atoms[i + 1]).strip()) for i in range(1, len(atoms), 2)]
            return pairs
        return [(key, self.text(expr).strip())]

    def element(self, node: Tree) -> Element:
        head = node.children[0]
        if isinstance(head, Tree):  # a bare closure inside a tuple needs a qualifier
            raise self.error("a closure here needs a qualifier, e.g. val { meta.id }", head)
        if len(node.children) > 1 and isinstance(node.children[1], Tree) and node.children[1].data == "closure":
            return self.closure_element(str(head), node.children[1], node)
        if head.type in ("STRING", "NUMBER"):
            raise self.error("a literal here needs a qualifier, e.g. val(1) or path('x')", head)
        args = node.children[1] if len(node.children) > 1 else None
        if args is None:
            return Element(kind=str(head), name=None, pattern=None, expr="", options=(), pos=self.pos(node))
        return self.element_from(str(head), args, node)

    def bare_element(self, kind: str, node: Tree) -> Element:
        """``val x`` / ``path 'x'`` / ``env 'VER'``: the qualifier followed by one plain argument."""
        head = node.children[0]
        if isinstance(head, Tree):  # `val { meta.id }`
            return self.closure_element(kind, head, node)
        if len(node.children) > 1 and node.children[1] is not None:
            raise self.error(f"unexpected call after '{kind}'", node)
        name = str(head) if head.type == "NAME" else None
        pattern = _unquote(str(head)) if head.type == "STRING" else str(head) if head.type == "NUMBER" else None
        return Element(kind=kind, name=name, pattern=pattern, expr=self.text(head), options=(), pos=self.pos(node))

    def closure_element(self, kind: str, closure: Tree, node: Tree) -> Element:
        """``val { expr }``: a closure argument (evaluated by Nextflow when the task ends)."""
        return Element(kind=kind, name=None, pattern=None, expr=self.text(closure), options=(), pos=self.pos(node))

    def element_from(self, kind: str, args: Tree, anchor: Tree | Token) -> Element:
        positional = [a for a in args.children if isinstance(a, Tree) and a.data == "expr"]
        named = [a for a in args.children if isinstance(a, Tree) and a.data == "named_arg"]
        name = pattern = None
        expr = ""
        if positional:
            first = positional[0]
            expr = self.text(first).strip()
            if len(first.children) == 1 and isinstance(first.children[0], Token):
                tok = first.children[0]
                if tok.type == "NAME":
                    name = str(tok)
                elif tok.type == "STRING":
                    pattern = _unquote(str(tok))
                elif tok.type == "NUMBER":
                    pattern = str(tok)
        options = tuple((str(n.children[0]), self.text(n.children[1]).strip()) for n in named)
        start = anchor.start_pos if isinstance(anchor, Token) else anchor.meta.start_pos
        line, col = (anchor.line, anchor.column) if isinstance(anchor, Token) else (anchor.meta.line, anchor.meta.column)
        pos = Position(line, col, args.meta.end_line, args.meta.end_column, start, args.meta.end_pos)
        return Element(kind=kind, name=name, pattern=pattern, expr=expr, options=options, pos=pos)

    def error(self, message: str, node: Tree | Token) -> ModuleSyntaxError:
        p = self.pos(node)
        return ModuleSyntaxError(message, file=self.filename, line=p.line, column=p.column, source=self.source)


_CHANNEL_KEYS = ("emit", "topic", "optional")
_FALSY = re.compile(r"""false|null|0+(\.0*)?[lLdDfFgG]?|''|""|\[\s*\]|\[\s*:\s*\]|\(\s*(false|null)\s*\)""")


def _groovy_truth(text: str | None) -> bool:
    """Whether an ``optional:`` value makes the output optional, as Nextflow decides it: by Groovy
    truth.  Only a false literal (``false``, ``null``, ``0``, ``''``, ``[]``) is false; any other
    value (``true``, ``'true'``, ``'false'`` — a non-empty string —, a closure, an expression) is true."""
    if text is None:
        return False
    return not _FALSY.fullmatch(text.strip())


def _plain(text: str | None) -> str | None:
    """An option value as a plain name: ``bam``, ``'bam'`` and ``"bam"`` all give ``bam``."""
    if text is None:
        return None
    return _unquote(text.strip())
