"""Bundle basics: params as data (a frozen copy, serialized once), files, content hash."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from pynf.render.bundle import Bundle
from pynf.render.params import Params, params_from_text
from pynf.render.reports import STAMP_PARAM
from pynf.errors import BundleError

from ..builders import JSONISH


def _bundle(params) -> Bundle:
    return Bundle(module_id="m", process="P", main_nf="workflow {}\n", param_values=params, config_text="")


def _old_params_text(data) -> str:
    """How params were serialized before they were data (the written params.json must not change)."""
    return json.dumps(dict(data), sort_keys=True, indent=2, ensure_ascii=True, allow_nan=False) + "\n"


@pytest.fixture
def serializations(monkeypatch):
    """Every params text made (any ``json.dumps`` of a mapping with ``pynf_inputs``), wherever it is made."""
    made: list[str] = []
    real = json.dumps

    def counting(obj, *args, **kwargs):
        text = real(obj, *args, **kwargs)
        if isinstance(obj, Mapping) and "pynf_inputs" in obj:
            made.append(text + "\n")  # the serializer adds the final newline
        return text

    monkeypatch.setattr(json, "dumps", counting)
    return made


def test_params_are_a_fresh_dict():
    b = _bundle({"outdir": "out", "pynf_inputs": [1]})
    first = b.params()
    first["outdir"] = "changed"
    assert b.params() == {"outdir": "out", "pynf_inputs": [1]}
    assert _bundle({}).params() == {}


@pytest.mark.parametrize("params, message", [
    ({"x": float("nan")}, r"params\.x: nan is not JSON"),
    ({"a": [1, {"b": object()}]}, r"params\.a\[1\]\.b: a object is not JSON data"),
    ({"p": Path("/x")}, "PosixPath is not JSON data"),
    ({"m": {1: "one"}}, r"params\.m: keys must be strings, got 1"),
    ([("outdir", "o")], "must be a mapping"),
])
def test_params_that_are_not_json_fail_when_the_bundle_is_made(params, message):
    with pytest.raises(BundleError, match=message):
        _bundle(params)


@pytest.mark.parametrize("text, message", [("{not json", "not valid JSON"), ("[1, 2]", "must be a JSON object")])
def test_bad_params_text_is_a_bundle_error(text, message):
    with pytest.raises(BundleError, match=message):
        params_from_text(text)


def test_content_hash_ignores_params_and_config():
    a, b = _bundle({"a": 1}), _bundle({"b": 2})
    assert a.content_hash == b.content_hash
    assert sorted(a.files()) == ["main.nf", "nextflow.config", "params.json"]


def test_the_params_are_the_field_and_the_text_is_derived():
    names = [f.name for f in dataclasses.fields(Bundle)]
    assert "param_values" in names and "params_text" not in names
    with pytest.raises(TypeError, match="params_text"):
        Bundle(module_id="m", process="P", main_nf="", params_text="{}", config_text="")  # type: ignore[call-arg]


def test_the_bundle_keeps_a_frozen_copy_of_the_params_it_is_given():
    given_params = {"outdir": "out", "pynf_inputs": [{"name": "0", "items": [["a", {"id": "s"}]]}]}
    b = _bundle(given_params)
    given_params["outdir"] = "elsewhere"  # changing what was passed in changes nothing in the bundle
    given_params["pynf_inputs"][0]["items"][0].append("b")
    given_params["pynf_inputs"][0]["items"][0][1]["id"] = "t"
    assert b.params() == {"outdir": "out", "pynf_inputs": [{"name": "0", "items": [["a", {"id": "s"}]]}]}
    values = b.param_values
    with pytest.raises(TypeError):
        values["outdir"] = "elsewhere"  # type: ignore[index]
    with pytest.raises(TypeError):
        values["pynf_inputs"][0]["items"][0][1]["id"] = "t"  # frozen all the way down
    with pytest.raises(AttributeError):
        values._data = {}  # type: ignore[misc]
    deep = b.params()
    deep["pynf_inputs"][0]["name"] = "changed"  # a fresh copy all the way down
    assert b.param_values["pynf_inputs"][0]["name"] == "0"


def test_equality_hash_and_repr_follow_the_params_data():
    a = _bundle({"x": [1, {"y": "z"}], "outdir": "o"})
    same = _bundle({"outdir": "o", "x": ({"y": "z"}, 1)[::-1]})  # a tuple is a JSON array too
    assert a == same and hash(a) == hash(same) and len({a, same}) == 1
    assert a.param_values == {"outdir": "o", "x": [1, {"y": "z"}]}
    for other in ({"x": [True, {"y": "z"}], "outdir": "o"}, {"x": [1.0, {"y": "z"}], "outdir": "o"},
                  {"x": [1, {"y": "z"}]}):
        assert _bundle(other) != a  # 1, 1.0 and true are different params (different text)
    assert _bundle({"f": -0.0}) != _bundle({"f": 0.0})
    assert repr(a) == f"Bundle(module_id='m', process='P', content_hash='{a.content_hash}', files=3)"
    assert pickle.loads(pickle.dumps(a)) == a and copy.deepcopy(a) == a


def test_params_are_serialized_once_when_written(serializations, tmp_path):
    b = _bundle({"outdir": "out", "x": 1, "pynf_inputs": []})
    moved = b.with_params(outdir="/abs/out", stamp="s")  # what the local backend does before it writes
    assert b.param_values["outdir"] == "out"  # the original is untouched
    assert moved.param_values == {"outdir": "/abs/out", "x": 1, "stamp": "s", "pynf_inputs": []}
    assert moved.content_hash == b.content_hash
    assert serializations == []  # making and changing bundles serializes nothing
    moved.write(tmp_path / "run")
    assert moved.params_text == '{\n  "outdir": "/abs/out",\n  "pynf_inputs": [],\n  "stamp": "s",\n  "x": 1\n}\n'
    assert len(moved.files()) == 3
    assert serializations == [moved.params_text]
    assert (tmp_path / "run" / "params.json").read_text() == serializations[0]


def test_a_compiled_bundle_run_locally_serializes_its_params_once(serializations, tmp_path):
    from pynf.compiler import parse
    from pynf.render.compile import compile_bundle

    from ..paths import MODULE_FIXTURES

    bundle = compile_bundle(parse(MODULE_FIXTURES / "echo_each"), inputs=["hi", ["a", "b"], ["/s.txt"]],
                            check_files=False)
    assert serializations == []  # rendering makes data, not text
    bundle.with_params(outdir=str(tmp_path / "out"), **{STAMP_PARAM: "s"}).write(tmp_path / "run")
    assert len(serializations) == 1
    written = json.loads((tmp_path / "run" / "params.json").read_text())
    assert written == {**bundle.params(), "outdir": str(tmp_path / "out"), STAMP_PARAM: "s"}


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.text(), JSONISH, max_size=5))
def test_the_params_text_is_byte_identical_to_the_old_serialization(data):
    b = _bundle(data)
    assert b.params_text == _old_params_text(data)
    assert b.params() == json.loads(b.params_text) == data
    assert _bundle(json.loads(b.params_text)) == b


def test_params_are_written_as_json_or_yaml_by_file_name(tmp_path):
    import yaml

    b = _bundle({"outdir": "out", "pynf_inputs": [{"name": "0", "items": [["a"]]}]})
    b.write(tmp_path / "j")
    b.write(tmp_path / "y", params_name="params.yaml")
    assert (tmp_path / "j" / "params.json").read_text() == b.params_text
    assert yaml.safe_load((tmp_path / "y" / "params.yaml").read_text()) == b.params()
    assert isinstance(b.param_values, Params)


@pytest.mark.parametrize("params_format", ["json", "yaml"])
def test_an_export_serializes_its_params_once(serializations, monkeypatch, tmp_path, params_format):
    import yaml

    from pynf.export import export_bundle

    dumps: list[str] = []
    real_dump = yaml.safe_dump
    monkeypatch.setattr(yaml, "safe_dump", lambda *a, **k: dumps.append(real_dump(*a, **k)) or dumps[-1])
    b = _bundle({"outdir": "out", "pynf_inputs": [{"name": "0", "mode": "value", "items": [["<FILL IN: a path>"]]}]})
    result = export_bundle(b, tmp_path / "out", params_format=params_format)
    assert result.is_template and "## Fill in the inputs first" in (tmp_path / "out" / "README.md").read_text()
    written = (tmp_path / "out" / f"params.{params_format}").read_text()
    assert (serializations, dumps) == (([written], []) if params_format == "json" else ([], [written]))
