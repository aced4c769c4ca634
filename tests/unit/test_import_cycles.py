"""No import cycle in pynf/, counting every import: module-level, inside functions and under
``TYPE_CHECKING`` (``lint-imports``' acyclic contract sees siblings only; this walks every file's AST)."""

from __future__ import annotations

from .pynf_map import cycles, describe_cycle, imports, module_files


def test_no_import_cycle_in_pynf():
    edges = imports(module_files())
    found = cycles(edges)
    assert not found, "import cycles in pynf/:\n" + "\n".join(describe_cycle(g, c, edges) for g, c in found)


def test_the_cycle_finder_sees_function_level_and_type_checking_imports(tmp_path):
    """A three-module loop closed by a function-level import and one under TYPE_CHECKING, plus a relative
    import, is found; removing the function-level import breaks it."""
    pkg = tmp_path / "loop"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from loop.c import C\n")
    (pkg / "c.py").write_text("def f():\n    import loop.a\n    return loop.a\n")
    modules = module_files(pkg)
    found = cycles(imports(modules))
    assert [group for group, _ in found] == [["loop.a", "loop.b", "loop.c"]]
    assert [(e.importer, e.imported, e.line) for e in found[0][1]] == [
        ("loop.a", "loop.b", 1), ("loop.b", "loop.c", 3), ("loop.c", "loop.a", 2)]
    (pkg / "c.py").write_text("def f():\n    return 1\n")
    assert cycles(imports(module_files(pkg))) == []


def test_from_package_import_name_is_an_edge_to_the_package_not_to_a_submodule(tmp_path):
    pkg = tmp_path / "top"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from top.sub import thing\n")
    (pkg / "sub" / "__init__.py").write_text("thing = 1\nfrom .. import __version__\n")
    edges = imports(module_files(pkg))
    assert {(e.importer, e.imported) for e in edges} == {("top", "top.sub"), ("top.sub", "top")}
    assert [g for g, _ in cycles(edges)] == [["top", "top.sub"]]
