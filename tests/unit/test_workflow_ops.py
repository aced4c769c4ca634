"""Workflow wiring is data: :mod:`pynf.workflow.ops` objects decided in Python and written as Groovy by the
template ``_wiring.nf.j2`` (rendered with pynf's one Jinja environment); the workflow package has no import
cycle, counting function-level and ``TYPE_CHECKING`` imports."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

import pynf
from pynf.templates.environment import ENVIRONMENT
from pynf.workflow.ops import (Chain, Combine, Concat, Files, First, Join, Line, MapRow, Mix, Output, Pick, Row,
                               ToList, Var, VersionsFile, VersionsOf, Wrap)
from pynf.workflow.wiring import plan_step

from ..paths import FIXTURES, MODULE_FIXTURES, REPO

SEQ = str(MODULE_FIXTURES / "seqtk_seq")
CONCAT = str(FIXTURES / "workflow_modules" / "concat_files")

CASES = [
    (Chain(Output("FASTP", 2)), "FASTP.out[2]"),
    (Chain(Var("pynf_gather_all_0_1"), (Wrap(),)), "pynf_gather_all_0_1.map { v -> [v] }"),
    (Chain(Output("A", 0), (Join(Chain(Output("B", 1), (Wrap(),))),)), "A.out[0].join(B.out[1].map { v -> [v] })"),
    (Chain(Output("A", 0), (Combine(Chain(Var("g"))), First())), "A.out[0].combine(g).first()"),
    (Chain(Var("rows"), (MapRow((Row(0), Var("pynf_const_x_0_1"), Row(3)), True),)),
     "rows.map { r -> [r[0], pynf_const_x_0_1, r[3]] }"),
    (Chain(Var("rows"), (MapRow((Row(2),), False),)), "rows.map { r -> r[2] }"),
    (Chain(Output("A", 1), (Pick(1),)), "A.out[1].map { v -> v[1] }"),
    (Chain(Output("A", 0), (Files((1, 2)), Concat((Chain(Output("B", 0), (Files(None),)), Chain(Var("v")))), ToList())),
     "A.out[0].flatMap { v -> pynfFiles([v[1], v[2]]) }.concat(B.out[0].flatMap { v -> pynfFiles(v) }, v).toList()"),
    (Chain(Mix(())), "channel.empty()"),
    (Chain(Mix((Chain(Output("A", 1)), Chain(Output("B", 3), (VersionsOf(),)))), (VersionsFile("s_mqc_versions.yml"),)),
     "channel.empty().mix(A.out[1], B.out[3].flatMap { f -> pynfVersionsOf(f) }).unique().toList()"
     ".map { items -> pynfVersionsYaml(items) }.collectFile(name: 's_mqc_versions.yml')"),
]


@pytest.mark.parametrize("chain, groovy", CASES, ids=[c[1][:40] for c in CASES])
def test_each_operation_is_written_by_the_template(chain, groovy):
    macros = ENVIRONMENT.get_template("_wiring.nf.j2").module
    assert str(macros.chain(chain)) == groovy


def test_operations_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Row(1).index = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Chain(Output("A", 0)).ops = ()  # type: ignore[misc]


def test_a_step_plan_holds_operations_and_the_wrapper_writes_them():
    wf = pynf.Workflow("gather")
    seq = wf.add(SEQ, {"0": pynf.Queue([[{"id": f"s{i}"}, f"/data/s{i}.fq"] for i in (1, 2)])}, name="seq")
    final = wf.add(CONCAT, meta={"id": "all"}, files=pynf.collect(seq.out.fasta), name="all")
    procs = {"seq": "SEQTK_SEQ", "all": "CONCAT_FILES"}
    plan = plan_step(final, procs, {"seq": True}, check_files=False)
    assert plan.lines == [
        Line("pynf_gather_all_0_1", Chain(Output("SEQTK_SEQ", 0), (Files((1,)), ToList()))),
        Line("pynf_rows_all", Chain(Var("pynf_gather_all_0_1"), (Wrap(),))),
        Line("ch_all_0", Chain(Var("pynf_rows_all"), (MapRow((Var("pynf_const_all_0_0"), Row(0)), True),))),
    ]
    text = wf.compile(check_files=False).main_nf
    assert "    def pynf_gather_all_0_1 = SEQTK_SEQ.out[0].flatMap { v -> pynfFiles([v[1]]) }.toList()\n" in text


def _imports(path: Path, package: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + [base]).strip(".")
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_the_workflow_package_has_no_import_cycle():
    root = REPO / "pynf" / "workflow"
    modules = {f"pynf.workflow.{p.stem}": p for p in root.glob("*.py") if p.stem != "__init__"}
    graph = {m: {i for i in _imports(p, "pynf.workflow") if i in modules and i != m} for m, p in modules.items()}
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        assert module not in path, "import cycle: " + " -> ".join(path[path.index(module):] + [module])
        if module in done:
            return
        for other in sorted(graph[module]):
            visit(other, path + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
