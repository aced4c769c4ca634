"""A file given to a ``val`` input reaches the process as a file object (as ``file(...)`` in nf-core's tests).

nf-core's ``fcsgx/fetchdb`` takes its database manifest as a ``val`` (a URL it must not stage) and calls
``manifest.baseName``; a path sent as a JSON string has no ``baseName`` and the run failed.
"""

import json
from pathlib import Path

import pytest

import pynf
import pynf.errors
from pynf.render.compile import compile_bundle

MODULE = Path(__file__).resolve().parents[2] / "fixtures" / "modules" / "val_file"

pytestmark = pytest.mark.engine


def test_a_path_and_a_url_given_to_val_inputs_arrive_as_file_objects(tmp_path):
    manifest = tmp_path / "test-only.manifest"
    manifest.write_text("{}\n")
    (tmp_path / "a.txt").touch()
    (tmp_path / "b.txt").touch()
    result = pynf.run(MODULE, manifest=manifest, names=[tmp_path / "a.txt", tmp_path / "b.txt"],
                      run_dir=tmp_path / "run", timeout=180)
    assert result.succeeded, result.error
    assert result.outputs["seen"] == [f"base=test-only uri={manifest} names=a.txt,b.txt\n"]

    url = "https://example.invalid/db/test-only.manifest"  # never fetched: a val is not staged
    result = pynf.run(MODULE, manifest=pynf.file(url), names=[pynf.file(tmp_path / "a.txt")],
                      run_dir=tmp_path / "run2", timeout=180)
    assert result.succeeded, result.error
    assert result.outputs["seen"] == [f"base=test-only uri={url} names=a.txt\n"]


def test_a_string_stays_a_string(tmp_path):
    bundle = compile_bundle(MODULE, inputs={"manifest": "plain", "names": ["x"]})
    entries = {e["name"]: e["items"] for e in json.loads(bundle.params_text)["pynf_inputs"]}
    assert entries == {"0": [["plain"]], "1": [[["x"]]]}  # by channel index


def test_a_missing_local_file_given_to_a_val_is_an_input_error(tmp_path):
    with pytest.raises(pynf.errors.InputError, match="manifest.*file not found"):
        compile_bundle(MODULE, inputs={"manifest": tmp_path / "nope.manifest", "names": []})
