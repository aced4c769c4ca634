"""Input handling: Python inputs -> pynf_inputs data, value vs queue rule, keyword grouping, errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pynf.compiler import parse
from pynf.errors import InputError
from pynf.render.inputs import Queue, build_params, merge_keywords, params_text, resolve_inputs, signature

from ..paths import MODULE_FIXTURES


def proc(name: str, process: str | None = None):
    return parse(MODULE_FIXTURES / name).process(process)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    out = {}
    for name in ("a.fq", "b.fq", "ref.fa", "notes.txt"):
        (tmp_path / name).write_text(name + "\n")
        out[name] = str(tmp_path / name)
    return out


def entries(process, inputs, **kw):
    return [c.to_json() for c in resolve_inputs(process, inputs, **kw)]


def test_keyword_grouping_builds_tuples_in_declaration_order(files):
    p = proc("bwa_mem")
    got = entries(p, {"sort_bam": True, "reads": [files["a.fq"], files["b.fq"]], "meta": {"id": "s1"},
                      "meta2": {"id": "g"}, "index": files["ref.fa"], "fasta": [], "meta3": {}})
    assert got == [
        {"name": "0", "mode": "value", "items": [[{"id": "s1"}, [files["a.fq"], files["b.fq"]]]]},
        {"name": "1", "mode": "value", "items": [[{"id": "g"}, files["ref.fa"]]]},
        {"name": "2", "mode": "value", "items": [[{}, []]]},
        {"name": "3", "mode": "value", "items": [[True]]},
    ]


def test_positional_list_and_index_keys_are_equivalent(files):
    p = proc("seqtk_seq")
    a = entries(p, [[{"id": "x"}, files["a.fq"]]])
    b = entries(p, {"0": [{"id": "x"}, files["a.fq"]]})
    c = entries(p, {"0": {"meta": {"id": "x"}, "fastx": files["a.fq"]}})
    d = entries(p, merge_keywords(None, {"meta": {"id": "x"}, "fastx": files["a.fq"]}))
    assert a == b == c == d == [{"name": "0", "mode": "value", "items": [[{"id": "x"}, files["a.fq"]]]}]


def test_queue_marker_and_list_of_dicts_make_queue_channels(files):
    p = proc("seqtk_seq")
    q1 = entries(p, {"0": Queue([[{"id": "a"}, files["a.fq"]], {"meta": {"id": "b"}, "fastx": files["b.fq"]}])})
    q2 = entries(p, {"0": [{"meta": {"id": "a"}, "fastx": files["a.fq"]}, {"meta": {"id": "b"}, "fastx": files["b.fq"]}]})
    q3 = entries(p, {"0": {"@queue": [[{"id": "a"}, files["a.fq"]], [{"id": "b"}, files["b.fq"]]]}})
    expected = [{"name": "0", "mode": "queue", "items": [[{"id": "a"}, files["a.fq"]], [{"id": "b"}, files["b.fq"]]]}]
    assert q1 == q2 == q3 == expected


def test_plain_list_for_a_val_is_one_value_not_a_queue():
    p = proc("helper_def")
    got = entries(p, {"0": [{"id": "s"}, "/nonexistent/but/unchecked.txt"], "flags": ["a", "b"]}, check_files=False)
    assert got[1] == {"name": "1", "mode": "value", "items": [[["a", "b"]]]}
    got = entries(p, {"0": [{"id": "s"}, "/x.txt"], "flags": Queue([["a"], ["b", "c"]])}, check_files=False)
    assert got[1] == {"name": "1", "mode": "queue", "items": [[["a"]], [["b", "c"]]]}


def test_each_inputs_carry_a_list_and_paths_become_absolute(files, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    p = proc("echo_each")
    got = entries(p, {"greeting": "Hi", "name": "Ada", "suffix_file": ["a.fq", Path("b.fq")]})
    assert got == [
        {"name": "0", "mode": "value", "items": [["Hi"]]},
        {"name": "1", "mode": "value", "items": [[["Ada"]]]},
        {"name": "2", "mode": "value", "items": [[[files["a.fq"], files["b.fq"]]]]},
    ]


def test_remote_paths_are_kept_without_existence_check():
    p = proc("seqtk_seq")
    got = entries(p, {"meta": {"id": "r"}, "fastx": "s3://bucket/reads.fq"})
    assert got[0]["items"] == [[{"id": "r"}, "s3://bucket/reads.fq"]]


def test_env_and_stdin_inputs():
    got = entries(proc("env_io"), {"meta": {"id": "a"}, "SAMPLE_NAME": "ada", "GREETING": "hi"})
    assert got == [{"name": "0", "mode": "value", "items": [[{"id": "a"}, "ada"]]},
                   {"name": "1", "mode": "value", "items": [["hi"]]}]
    got = entries(proc("stdin_stdout"), {"stdin": "l1\nl2\n", "prefix": "P"})
    assert got[0] == {"name": "0", "mode": "value", "items": [["l1\nl2\n"]]}


def test_params_text_is_sorted_indented_ascii_json_with_outdir_default(files):
    data = build_params(proc("seqtk_seq"), {"meta": {"id": "é"}, "fastx": files["a.fq"]}, {"zeta": 1, "alpha": "ü"})
    text = params_text(data)
    assert text.endswith("}\n") and text.isascii()
    loaded = json.loads(text)
    assert loaded["outdir"] == "results" and loaded["alpha"] == "ü" and loaded["zeta"] == 1
    assert list(loaded) == sorted(loaded)
    assert text == json.dumps(loaded, sort_keys=True, indent=2) + "\n"
    assert build_params(proc("seqtk_seq"), {"meta": {}, "fastx": files["a.fq"]}, {"outdir": "/o"})["outdir"] == "/o"


def test_signature_describes_channels():
    p = proc("echo_each")
    assert [signature(c) for c in p.inputs] == ["val greeting", "each val name", "each path suffix_file"]


# ---- errors: each message names the input and what was expected (snapshotted) ----

ERROR_CASES = {
    "unknown_name": ("seqtk_seq", None, {"meta": {}, "fastx": "x", "bogus": 1}),
    "missing_channel": ("bwa_mem", None, {"meta": {}, "reads": "x"}),
    "missing_element": ("seqtk_sample", None, {"meta": {}, "reads": "x"}),
    "wrong_tuple_length": ("seqtk_seq", None, {"0": [{"id": "a"}]}),
    "wrong_tuple_keys": ("seqtk_seq", None, {"0": {"meta": {}, "reads": "x"}}),
    "tuple_not_list": ("seqtk_seq", None, {"0": "reads.fq"}),
    "positional_count": ("bwa_mem", None, [1, 2]),
    "ambiguous_name": ("two_process_like", None, None),
    "file_not_found": ("seqtk_seq", None, {"meta": {}, "fastx": "/definitely/not/here.fq"}),
    "path_wrong_type": ("seqtk_seq", None, {"meta": {}, "fastx": 42}),
    "queue_on_element": ("seqtk_seq", None, {"meta": Queue([{}]), "fastx": "x"}),
    "empty_queue": ("seqtk_seq", None, {"0": Queue([])}),
    "each_queue": ("echo_each", None, {"greeting": "a", "name": Queue(["x"]), "suffix_file": []}),
    "non_json_value": ("helper_def", None, {"meta": {}, "text": "x", "flags": {1, 2}}),
    "nan_value": ("helper_def", None, {"meta": {"n": float("nan")}, "text": "x", "flags": []}),
    "env_wrong_type": ("env_io", None, {"meta": {}, "SAMPLE_NAME": ["a"], "GREETING": "x"}),
    "whole_and_element": ("seqtk_seq", None, {"0": [{}, "x"], "meta": {}}),
    "inputs_not_mapping": ("seqtk_seq", None, "reads.fq"),
}


def _ambiguous_process(tmp_path: Path):
    src = tmp_path / "main.nf"
    src.write_text(
        "process AMBIG {\n    input:\n    tuple val(meta), path(reads)\n    tuple val(meta), path(ref)\n\n"
        "    output:\n    stdout\n\n    script:\n    \"\"\"\n    echo hi\n    \"\"\"\n}\n")
    return parse(src).process()


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_input_errors(case, tmp_path, snapshot, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("x", "reads.fq"):
        (tmp_path / name).write_text("x\n")
    module, process, inputs = ERROR_CASES[case]
    p = _ambiguous_process(tmp_path) if module == "two_process_like" else proc(module, process)
    if case == "ambiguous_name":
        inputs = {"meta": {}, "reads": "x", "ref": "x"}
    with pytest.raises(InputError) as err:
        resolve_inputs(p, inputs)
    message = str(err.value).replace(str(tmp_path), "<tmp>")
    assert message == snapshot


def test_params_errors():
    p = proc("no_stub")
    with pytest.raises(InputError, match="reserved"):
        build_params(p, {"meta": {}, "words": []}, {"pynf_inputs": 1})
    with pytest.raises(InputError, match="outdir"):
        build_params(p, {"meta": {}, "words": []}, {"outdir": ""})
    with pytest.raises(InputError, match="given twice"):
        merge_keywords({"meta": {}}, {"meta": {}})


def test_input_error_names_the_input():
    with pytest.raises(InputError) as err:
        resolve_inputs(proc("seqtk_seq"), {"meta": {}, "fastx": os.devnull + "/nope"})
    assert err.value.input == "fastx"
