"""meta.yml types are checked before a run (issue 10, item 3): InputError naming input, expected and given;
values nf-core's own tests pass that Nextflow reads the same way only warn (issue 26, item 2)."""

from __future__ import annotations

import json
import sys
import warnings
from collections import Counter

import pytest

import pynf
from pynf.compiler import parse
from pynf.errors import DocumentedTypeWarning, InputError
from pynf.render.doctypes import CHECKED_TYPES, check_value
from pynf.render.renderer import undocumented_inputs

from ..paths import MODULE_FIXTURES

FIXED = MODULE_FIXTURES / "fixed_name"
GOOD = {"meta": {"id": "s1"}, "text": "hello", "seconds": 0, "mode": "plain"}


def _compile(**changes):
    return pynf.compile(FIXED, **{**GOOD, **changes})


def test_valid_values_compile():
    with warnings.catch_warnings():
        warnings.simplefilter("error", DocumentedTypeWarning)
        assert "pynf_inputs" in _compile().params_text
    _compile(text=3, seconds=None, mode="upper")  # a number is fine for a string, None for anything


@pytest.mark.parametrize("name, value, expected", [
    ("meta", "s1", "expected a map (a dict"),
    ("seconds", True, "expected an integer, got bool True"),
    ("seconds", [1, 2], "expected an integer, got list [1, 2]"),
    ("meta", [{"id": "a"}], "expected a map (a dict"),
    ("text", {"a": 1}, "expected a string, got dict"),
    ("mode", "shout", "allows only 'plain', 'upper'; got str 'shout'"),
])
def test_a_value_of_the_wrong_documented_type_is_an_input_error(name, value, expected):
    with pytest.raises(InputError) as info:
        _compile(**{name: value})
    assert info.value.input == name and expected in str(info.value)
    assert str(info.value).startswith(f"input '{name}': meta.yml ")


def test_queue_items_are_checked_too():
    items = [{"meta": {"id": "a"}, "text": "x", "seconds": 0}, {"meta": "b", "text": "y", "seconds": 0}]
    with pytest.raises(InputError, match="input 'meta'.*got str 'b'"):
        pynf.compile(FIXED, inputs=[pynf.Queue(items), "plain"])


# what nf-core's own tests pass, and Nextflow runs fine: [:] for an integer (cooler/dump), [] for a boolean
# (last/dotplot), 'true' for a boolean (megan/rma2info), 0.05 where meta.yml says integer (seacr/callpeak)
@pytest.mark.parametrize("module, name, value, documented", [
    (FIXED, "seconds", {}, "integer"),
    (FIXED, "seconds", 0.05, "integer"),
    (FIXED, "seconds", [], "integer"),
    (MODULE_FIXTURES / "val_null", "flag", [], "boolean"),
    (MODULE_FIXTURES / "val_null", "flag", "true", "boolean"),
    (MODULE_FIXTURES / "val_null", "flag", 1, "boolean"),
    (FIXED, "text", False, "string"),
    (FIXED, "seconds", "3", "integer"),          # quilt/quilt2 passes '16570000'
    (FIXED, "seconds", "latest", "integer"),     # vcontact3: meta.yml says integer, 'latest' is a valid value
])
def test_values_nextflow_reads_the_same_way_warn_naming_the_documented_type(module, name, value, documented):
    given = {**GOOD, name: value} if module == FIXED else {"x": 1, "flag": True, name: value}
    with pytest.warns(DocumentedTypeWarning) as caught:
        bundle = pynf.compile(module, **given)
    text = str(caught[0].message)
    assert text.startswith(f"input '{name}': meta.yml documents it as `{documented}`, got {type(value).__name__} ")
    items = [item for entry in json.loads(bundle.params_text)["pynf_inputs"] for item in entry["items"]]
    assert any(value in item and any(type(v) is type(value) for v in item) for item in items)  # passed on as given


@pytest.mark.parametrize("word", ["false", "False", " no ", "0", "off"])
def test_a_string_reading_as_false_for_a_boolean_is_refused(word):
    # Groovy truth: every non-empty string is true, so the process would see the opposite
    with pytest.raises(InputError, match=r"input 'flag'.*`boolean`.*'false' is true in Groovy"):
        pynf.compile(MODULE_FIXTURES / "val_null", x=1, flag=word)


def test_booleans_and_val_null():
    with pytest.raises(InputError, match="input 'flag'.*expected a boolean.*got str 'false'"):
        pynf.compile(MODULE_FIXTURES / "val_null", x=1, flag="false")
    pynf.compile(MODULE_FIXTURES / "val_null", x=None, flag=None)


def _natural(kind: str | None, text: str):
    """An enum value as a user would pass it for the documented type."""
    if kind == "boolean":
        return text.lower() == "true"
    for convert in ((int, float) if kind in ("integer", "float") else ()):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


SAMPLES = {"map": {"id": "s1"}, "boolean": True, "integer": 3, "float": 0.5, "string": "x", "list": ["a"]}


def test_no_documented_type_in_the_corpus_rejects_a_valid_value(corpus_dir):
    """Every val input documented in the corpus accepts a natural value of its type and each of its enum
    values; the types seen are reported."""
    seen: Counter = Counter()
    bad = []
    for path in sorted(corpus_dir.rglob("main.nf")):
        if not (path.parent / "meta.yml").is_file():
            continue
        try:
            module = parse(path.parent)
        except Exception:  # parse failures are test_corpus.py's business
            continue
        name = str(path.parent.relative_to(corpus_dir))
        for process in module.processes:
            skip = undocumented_inputs(module, process)
            for ci, ch in enumerate(process.inputs):
                for el in ch.elements:
                    if el.kind != "val" or el.doc is None or ci in skip:
                        continue
                    kind = (el.doc.type or "").strip().strip("'\"").lower() or None
                    seen[kind] += 1
                    values = [_natural(kind, v) for v in el.doc.enum] or [SAMPLES.get(kind, "x")]
                    for value in values:
                        try:
                            check_value(el, value, el.label)
                        except InputError as exc:
                            bad.append(f"{name} {el.label}: {exc}")
    print(f"documented val input types: {dict(seen)}", file=sys.stderr)
    assert sum(seen[t] for t in CHECKED_TYPES) > 500
    assert not bad, "\n".join(bad)


def test_empty_values_after_a_tuples_elements_are_dropped_with_a_warning(tmp_path):
    # nf-core's tetranscripts test passes [meta, bam, []] to `tuple val(meta_t), path(bam_t)`; Nextflow
    # warns and ignores the extra value
    from pynf.errors import ExtraTupleValuesWarning

    reads = tmp_path / "r.fq"
    reads.write_text("@r\nA\n+\nI\n")
    with pytest.warns(ExtraTupleValuesWarning, match=r"input '0': 1 empty value\(s\) after the 2"):
        bundle = pynf.compile(MODULE_FIXTURES / "seqtk_seq", inputs=[[{"id": "s"}, str(reads), []]])
    assert json.loads(bundle.params_text)["pynf_inputs"][0]["items"] == [[{"id": "s"}, str(reads)]]
    with pytest.raises(InputError, match="got a list of 3 values"):
        pynf.compile(MODULE_FIXTURES / "seqtk_seq", inputs=[[{"id": "s"}, str(reads), "more"]])


@pytest.mark.parametrize("value", ["", "UPPER"])
def test_an_empty_or_differently_cased_enum_value_warns(value):
    # regtools/junctionsextract's test passes '' for an enum, fgumi/group's 'adjacency' for 'Adjacency'
    with pytest.warns(DocumentedTypeWarning, match=r"input 'mode': meta.yml allows only 'plain', 'upper'"):
        _compile(mode=value)


def _module_without_meta_yml(tmp_path, main: str):
    module = tmp_path / "nometa"
    module.mkdir()
    (module / "main.nf").write_text(main)
    return module


META_PAIR = """
process PAIR {
    input:
    tuple val(meta), val(meta2), val(text)
    val meta3

    output:
    tuple val(meta), path("out.txt"), emit: txt

    script:
    "echo ${meta.id} ${meta2.id} ${text} > out.txt"
}
"""


@pytest.mark.parametrize("name", ["meta", "meta2"])
def test_meta_named_tuple_val_without_meta_yml_is_a_map_by_convention(tmp_path, name):
    module = _module_without_meta_yml(tmp_path, META_PAIR)
    good = {"meta": {"id": "s1"}, "meta2": {"id": "r"}, "text": "x", "meta3": "plain"}
    pynf.compile(module, **good)  # a val named meta outside a tuple is not held to the convention
    pynf.compile(module, **{**good, "meta": []})  # [] = an absent optional tuple, as with meta.yml's `map`
    with pytest.raises(InputError) as info:
        pynf.compile(module, **{**good, name: "s1"})
    assert info.value.input == name
    assert "expected a map (a dict" in str(info.value) and "got str 's1'" in str(info.value)
    assert "nf-core convention" in str(info.value)
