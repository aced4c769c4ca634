"""Bundle basics: params as data, files, content hash."""

from __future__ import annotations

import pytest

from pynf.render.bundle import Bundle
from pynf.errors import BundleError


def _bundle(params_text: str) -> Bundle:
    return Bundle(module_id="m", process="P", main_nf="workflow {}\n", params_text=params_text, config_text="")


def test_params_are_a_fresh_dict():
    b = _bundle('{"outdir": "out", "pynf_inputs": [1]}')
    first = b.params()
    first["outdir"] = "changed"
    assert b.params() == {"outdir": "out", "pynf_inputs": [1]}
    assert _bundle("  \n").params() == {}


@pytest.mark.parametrize("text, message", [("{not json", "not valid JSON"), ("[1, 2]", "must be a JSON object")])
def test_bad_params_text_is_a_bundle_error(text, message):
    with pytest.raises(BundleError, match=message):
        _bundle(text).params()


def test_content_hash_ignores_params_and_config():
    a, b = _bundle('{"a": 1}'), _bundle('{"b": 2}')
    assert a.content_hash == b.content_hash
    assert sorted(a.files()) == ["main.nf", "nextflow.config", "params.json"]


def test_params_are_parsed_once_and_read_only():
    b = _bundle('{"outdir": "out", "pynf_inputs": [{"name": "0"}]}')
    values = b.param_values
    assert values["outdir"] == "out"
    with pytest.raises(TypeError):
        values["outdir"] = "elsewhere"  # type: ignore[index]
    assert b.param_values["outdir"] == "out" and b.params() is not b.params()
    deep = b.params()
    deep["pynf_inputs"][0]["name"] = "changed"  # a fresh copy all the way down
    assert b.param_values["pynf_inputs"][0]["name"] == "0"


def test_bad_params_fail_when_the_bundle_is_made():
    with pytest.raises(BundleError, match="not valid JSON"):
        _bundle("{not json")


def test_changed_params_make_a_new_bundle_serialized_once():
    b = _bundle('{"outdir": "out", "x": 1}')
    moved = b.with_params(outdir="/abs/out", stamp="s")
    assert b.param_values["outdir"] == "out"  # the original is untouched
    assert dict(moved.param_values) == {"outdir": "/abs/out", "x": 1, "stamp": "s"}
    assert moved.params_text == '{\n  "outdir": "/abs/out",\n  "stamp": "s",\n  "x": 1\n}\n'
    assert moved.content_hash == b.content_hash
    assert Bundle.from_params({"a": [1]}, module_id="m", process="P", main_nf="", config_text="").params() == {"a": [1]}


def test_params_are_written_as_json_or_yaml_by_file_name(tmp_path):
    import yaml

    b = _bundle('{"outdir": "out", "pynf_inputs": [{"name": "0", "items": [["a"]]}]}')
    b.write(tmp_path / "j")
    b.write(tmp_path / "y", params_name="params.yaml")
    assert (tmp_path / "j" / "params.json").read_text() == b.params_text
    assert yaml.safe_load((tmp_path / "y" / "params.yaml").read_text()) == b.params()
