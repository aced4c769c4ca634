"""A subworkflow file as staged into a bundle: ``emit: name = expr`` rewritten for Nextflow's strict parser.

Nextflow 25.04's strict (v2) parser rejects ``emit: name = expr`` when ``name`` is not a variable that
``main:`` assigns ("Missing workflow output parameter: name", nextflow-io/nextflow#6122), and when ``main:``
does assign it, it emits that variable and drops the expression. Most nf-core subworkflows use the form.
Under the v1 parser ``emit: name = expr`` assigns ``name`` after ``main:`` has run and emits it; so the
staged copy does exactly that in a form both parsers read alike: the ``emit:`` label becomes a comment (the
emit statements, unchanged, now end ``main:``) and ``emit: a; b; …`` goes onto the workflow's closing line.
Every other line keeps its number. Only the staged copy changes: the source hash, pins, review and drift
are computed from the file as written.
"""

from __future__ import annotations

from lark import Token, Tree

from pynf.compiler.subworkflow_tokens import Item, statements

__all__ = ["NOTE", "strict_emits"]

#: The comment that replaces a rewritten workflow's ``emit:`` label.
NOTE = ("/* pynf: the emits below end main: and are emitted on this workflow's closing line (the staged copy is "
        "rewritten: Nextflow 25.04's strict parser rejects `emit: name = expr`; same meaning under v1) */")


def _emit_names(items: list[Item]) -> list[str] | None:
    """Emit names when every statement is ``name = expr`` or a bare ``name`` and one is an assignment."""
    names, assigned = [], False
    for stmt in statements(items):
        first = stmt[0]
        if not (isinstance(first, Token) and first.type == "NAME"):
            return None
        if len(stmt) >= 3 and isinstance(stmt[1], Token) and str(stmt[1]) == "=":
            assigned = True
        elif len(stmt) != 1:
            return None
        names.append(str(first))
    return names if assigned else None


def _edits(source: str, group: Tree) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for one workflow body, or none when it needs no rewrite."""
    body = list(group.children[1:-1])
    labels = [i for i, item in enumerate(body) if isinstance(item, Token) and item.type == "KEY"
              and str(item) in ("take", "main", "emit", "publish")]
    if not labels or str(body[labels[-1]]) != "emit":
        return []  # no emit section, or one followed by another section: left as written
    label = body[labels[-1]]
    names = _emit_names(body[labels[-1] + 1:])
    if not names:
        return []
    brace = group.children[-1]
    line_start = source.rfind("\n", 0, brace.start_pos) + 1
    lead = "" if not source[line_start:brace.start_pos].strip() else "; "
    return [(label.start_pos, label.end_pos, NOTE),
            (brace.start_pos, brace.start_pos, f"{lead}emit: {'; '.join(names)} ")]


def strict_emits(source: str, filename: str = "<subworkflow>") -> tuple[str, tuple[str, ...]]:
    """``source`` with every named workflow's ``emit: name = expr`` rewritten (see the module docstring), and
    the names of the workflows rewritten (empty: ``source`` unchanged)."""
    from pynf.compiler.parser import _parser

    tree = _parser().parse((source, filename))
    edits: list[tuple[int, int, str]] = []
    rewritten = []
    for item in tree.children:
        if not (isinstance(item, Tree) and item.data == "statement" and len(item.children) >= 3):
            continue
        head, name, group = item.children[:3]
        if (isinstance(head, Token) and str(head) == "workflow" and isinstance(name, Token) and name.type == "NAME"
                and isinstance(group, Tree) and group.data == "group" and (found := _edits(source, group))):
            edits += found
            rewritten.append(str(name))
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source, tuple(rewritten)
