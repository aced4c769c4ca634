"""The README's architecture map is whole: it has an entry for every package under pynf/ (any depth) and
every module directly under pynf/, each module file of a package is named in its package's entry, and
every entry names something that exists."""

from __future__ import annotations

import re
from pathlib import Path

from ..paths import REPO

TREE = "│├└─ "


def architecture_map(readme: str) -> str:
    """The ``text`` block of the README's Architecture section."""
    section = readme.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```text\n", 1)[1].split("```", 1)[0]


def entries(text: str) -> dict[str, str]:
    """Map entries by path (``pynf/render/``, ``pynf/api.py``), each with its text (its line and the indented
    lines after it). ``├─ local/`` under ``pynf/backends/`` is ``pynf/backends/local/``."""
    found: dict[str, str] = {}
    parent = current = ""
    for line in text.splitlines():
        stripped = line.lstrip(TREE)
        head = stripped.split(" ", 1)[0]
        if head.endswith(("/", ".py")) and (head.startswith("pynf/") or line.lstrip(" │").startswith(("├─", "└─"))):
            current = head if head.startswith("pynf/") else parent + head
            if head.startswith("pynf/") and head.endswith("/"):
                parent = head
            found[current] = line
        elif current:
            found[current] += "\n" + line
    return found


def missing_from_map(text: str, root: Path) -> list[str]:
    """What the map lacks (or names wrongly), one line each; ``root`` holds the ``pynf`` folder."""
    listed = entries(text)
    problems = []
    for init in sorted((root / "pynf").rglob("__init__.py")):
        folder = init.parent.relative_to(root).as_posix() + "/"
        if folder == "pynf/":
            continue
        if folder not in listed:
            problems.append(f"package {folder} has no entry")
            continue
        for module in sorted(init.parent.glob("*.py")):
            if module.stem != "__init__" and not re.search(rf"(?<![\w.]){re.escape(module.stem)}\b", listed[folder]):
                problems.append(f"{folder}{module.name} is not named in the {folder} entry")
    for module in sorted((root / "pynf").glob("*.py")):
        if f"pynf/{module.name}" not in listed:
            problems.append(f"module pynf/{module.name} has no entry")
    problems += [f"entry {path} names nothing under pynf/" for path in listed if not (root / path).exists()]
    return problems


def test_the_readme_map_names_every_package_and_module():
    text = architecture_map((REPO / "README.md").read_text(encoding="utf-8"))
    problems = missing_from_map(text, REPO)
    assert not problems, "README.md's architecture map:\n  " + "\n  ".join(problems)


def test_a_missing_package_or_module_is_named(tmp_path):
    for name in ("pynf/__init__.py", "pynf/api.py", "pynf/errors.py", "pynf/backends/__init__.py",
                 "pynf/backends/base.py", "pynf/backends/local/__init__.py", "pynf/backends/local/jvm.py",
                 "pynf/backends/local/watch.py", "pynf/workflow/__init__.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    text = ("pynf/api.py   run\n  │\npynf/backends/  base.py: the interface\n"
            "  ├─ local/    the engine: jvm and\n                 the rest\npynf/gone/    was here\n")
    assert missing_from_map(text, tmp_path) == [
        "pynf/backends/local/watch.py is not named in the pynf/backends/local/ entry",
        "package pynf/workflow/ has no entry",
        "module pynf/__init__.py has no entry",
        "module pynf/errors.py has no entry",
        "entry pynf/gone/ names nothing under pynf/",
    ]
    assert missing_from_map(text.replace("the rest", "watch: the rest"), tmp_path)[0] == "package pynf/workflow/ has no entry"
