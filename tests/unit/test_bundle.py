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
