"""With ``error_strategy="ignore"`` (no ``fair``), published items are put back in input order by their tasks."""

from __future__ import annotations

from pynf.backends.local.items import TaskItems, in_input_order, partial_outputs


def item(sample: str, folder: str) -> list:
    return [{"kind": "val", "value": {"id": sample}}, {"kind": "path", "value": f"{folder}/{sample}.count.txt"}]


def test_published_items_follow_their_tasks_input_order():
    tasks = [TaskItems("CHECK", index, outputs={"counts": item(s, f"/work/{index}")}) for index, s in
             ((4, "d"), (1, "a"), (2, "b"))]
    partial = partial_outputs(tasks)
    assert [i[0]["value"]["id"] for i in partial["CHECK"]["outputs"]["counts"]] == ["a", "b", "d"]
    manifest = {"process": "CHECK", "outputs": {"counts": [item("b", "/out/1f"), item("d", "/out/2e"),
                                                           item("a", "/out/3d")]}}
    ordered = in_input_order(manifest, partial)
    assert [i[0]["value"]["id"] for i in ordered["outputs"]["counts"]] == ["a", "b", "d"]
    steps = {"steps": {"counts": {"process": "CHECK"}},
             "outputs": {"counts.counts": [item("d", "/o/x"), item("a", "/o/y"), item("b", "/o/z")]}}
    assert [i[0]["value"]["id"] for i in in_input_order(steps, partial)["outputs"]["counts.counts"]] == ["a", "b", "d"]
