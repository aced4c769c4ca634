"""Small files, short functions: no file in pynf/ over 450 lines, no function over 60 lines. A function
of the lexer that only builds its token table (one literal) is data, not logic, and is not counted."""

from __future__ import annotations

import ast

from ..paths import REPO
from .pynf_map import module_files

MAX_FILE_LINES = 450
MAX_FUNCTION_LINES = 60
#: the one file whose table-building functions are exempt
LEXER = "pynf/compiler/lexer.py"


def _is_table(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A body of one literal (after an optional docstring): ``return {...}`` or ``table = [...]``."""
    body = func.body[1:] if ast.get_docstring(func) is not None else func.body
    literals = (ast.Dict, ast.List, ast.Tuple, ast.Set)
    return len(body) == 1 and isinstance(getattr(body[0], "value", None), literals)


def oversized(files, root=REPO) -> list[str]:
    """``path: N lines`` and ``path:line name(): N lines`` (paths relative to ``root``) for each file and
    function over the limits."""
    found = []
    for path in files:
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        if (n := len(text.splitlines())) > MAX_FILE_LINES:
            found.append(f"{rel}: {n} lines (max {MAX_FILE_LINES})")
        for node in ast.walk(ast.parse(text, filename=rel)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            length = node.end_lineno - node.lineno + 1  # from ``def`` (click's option decorators are data)
            if length > MAX_FUNCTION_LINES and not (rel == LEXER and _is_table(node)):
                found.append(f"{rel}:{node.lineno} {node.name}(): {length} lines (max {MAX_FUNCTION_LINES})")
    return found


def test_no_file_over_450_lines_and_no_function_over_60():
    found = oversized(module_files().values())
    assert not found, "too long:\n  " + "\n  ".join(found)


def _body(n: int, indent: str = "    ") -> str:
    return "".join(f"{indent}x{i} = {i}\n" for i in range(n))


def test_the_size_check_counts_files_and_nested_functions_and_spares_only_the_lexer_table(tmp_path):
    (tmp_path / "pynf" / "compiler").mkdir(parents=True)
    table = "def table():\n    return {\n" + "".join(f"        'k{i}': {i},\n" for i in range(70)) + "    }\n"
    files = {
        "ok.py": "@staticmethod\ndef f():\n" + _body(59),  # 60 lines from its def; decorators not counted
        "long.py": "def g():\n" + _body(60) + "def outer():\n    def inner():\n" + _body(60, "        "),
        "big.py": "x = 1\n" * 451,
        "table.py": table,  # the same table outside the lexer counts
        "pynf/compiler/lexer.py": table,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    found = oversized(sorted(tmp_path.rglob("*.py")), root=tmp_path)
    assert [f.split(" ")[0] for f in found] == ["big.py:", "long.py:1", "long.py:62", "long.py:63", "table.py:1"], found
