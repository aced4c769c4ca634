"""meta.yml: the old (flat) and the nested layout give the same docs; descriptions are kept whole."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pynf.cli.main import cli
from pynf.compiler import parse

from ..paths import MODULE_FIXTURES

LAYOUTS = ["meta_old_layout", "meta_nested_layout"]
MULTILINE = "Groovy Map containing sample information\ne.g. [ id:'test', single_end:false ]"


def _docs(name: str) -> dict[str, list[tuple[str, str | None, str | None]]]:
    p = parse(MODULE_FIXTURES / name).process()
    return {ch.key: [(e.label, e.doc and e.doc.type, e.doc and e.doc.description) for e in ch.elements]
            for ch in p.inputs + p.outputs}


@pytest.mark.parametrize("name", LAYOUTS)
def test_both_layouts_attach_each_doc_to_its_element(name):
    assert parse(MODULE_FIXTURES / name).warnings == ()
    docs = _docs(name)
    assert docs["0"] == [("meta", "map", MULTILINE), ("reads", "file", "Text files to join, in the order given")]
    assert docs["1"] == [("header", "file", "A header put before the text files")]
    assert docs["2"] == [("suffix", "string", "Extension of the joined file")]
    joined = "The header followed by every line of the text files,\nin the order given."
    assert docs["joined"] == [("meta", "map", MULTILINE), ("*.${suffix}", "file", joined)]
    assert docs["count"][1] == ("*.count", "file", "Number of lines of the joined file")
    assert docs["versions"] == [("versions.yml", "file", "File containing software versions")]


def test_old_layout_mismatches_are_warnings_naming_the_element(tmp_path):
    (tmp_path / "main.nf").write_text((MODULE_FIXTURES / "meta_old_layout" / "main.nf").read_text())
    text = (MODULE_FIXTURES / "meta_old_layout" / "meta.yml").read_text()
    (tmp_path / "meta.yml").write_text(text.replace("  - header:", "  - heading:").replace("  - count:", "  - counts:"))
    warnings = parse(tmp_path).warnings
    assert "meta.yml: input 2 element 'header' is not documented" in warnings
    assert "meta.yml: documents input 'heading', which main.nf does not declare" in warnings
    assert "meta.yml: output 'count' is not documented" in warnings
    assert "meta.yml: documents output 'counts', which main.nf does not declare" in warnings


@pytest.mark.parametrize("name", LAYOUTS)
def test_inspect_keeps_multiline_descriptions_whole(name):
    result = CliRunner().invoke(cli, ["inspect", str(MODULE_FIXTURES / name), "--json"], catch_exceptions=False)
    info = json.loads(result.stdout)
    assert info["description"].splitlines()[1].startswith("Documented in the")
    assert info["inputs"][0]["elements"][0]["description"] == MULTILINE
    table = CliRunner().invoke(cli, ["inspect", str(MODULE_FIXTURES / name)], catch_exceptions=False,
                               env={"COLUMNS": "120"})
    assert table.exit_code == 0
    # the second line of a description is shown too (the table wraps it)
    assert "single_end:false" in table.stdout
    assert "in the order given." in table.stdout
