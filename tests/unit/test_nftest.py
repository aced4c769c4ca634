"""Reading nf-core's stub tests (issue 26): nf-test files, their Groovy input literals, test configs'
``ext`` settings and snapshots, on fixture files written for pynf (fixtures/modules/seqtk_seq/tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pynf.compiler import parse
from pynf.nftest.check import expected_channels
from pynf.nftest.groovy import FileRef, Queue, Untranslatable, evaluate
from pynf.nftest.reader import TESTDATA_BASE, ext_settings, read_tests
from pynf.nftest.snapshot import compare

from ..paths import MODULE_FIXTURES

SEQTK = MODULE_FIXTURES / "seqtk_seq"
PARAMS = {"modules_testdata_base_path": TESTDATA_BASE}


def _tests():
    return {t.name: t for t in read_tests(SEQTK)}


def test_tests_are_read_with_their_stub_flag_params_and_config():
    tests = _tests()
    assert list(tests) == ["one reads file - stub", "two samples, named snapshot - stub",
                           "reads from an operator - stub", "not a stub test"]
    assert [t.stub for t in tests.values()] == [True, True, True, False]
    first = tests["one reads file - stub"]
    assert first.process == "SEQTK_SEQ" and first.params["seqtk_prefix"] == "renamed"
    assert first.config == (SEQTK / "tests" / "nextflow.config").resolve()
    assert tests["two samples, named snapshot - stub"].snapshot_key() == "two samples"


def test_inputs_become_values_file_names_and_queues():
    tests = _tests()
    assert tests["one reads file - stub"].inputs() == {
        0: [{"id": "s1", "single_end": True}, FileRef(TESTDATA_BASE + "genomics/reads/s1.fastq.gz")]}
    two = tests["two samples, named snapshot - stub"].inputs()[0]
    assert isinstance(two, Queue) and [item[1].name for item in two.items] == ["a.fq", "b.fq"]
    with pytest.raises(Untranslatable) as info:
        tests["reads from an operator - stub"].inputs()
    assert info.value.reason == "channel operator" and ".map" in info.value.detail


@pytest.mark.parametrize("text, value", [
    ("[ [id:'x', single_end:false], [], [:] ]", [{"id": "x", "single_end": False}, [], {}]),
    ("'a' + \"b\"", "ab"),
    ("[ 1, 2.5, true, null, -3 ]", [1, 2.5, True, None, -3]),
    ("file(params.modules_testdata_base_path + 'db/', checkIfExists: true)", FileRef(TESTDATA_BASE + "db/")),
    ("channel.value('v')", "v"),
])
def test_groovy_literals(text, value):
    assert evaluate(text, PARAMS) == value


@pytest.mark.parametrize("text, reason", [
    ("channel.of(1).collectFile(name: 'x')", "channel operator"),
    ("UNTAR.out.untar", "output of another process (setup)"),
    ("some_name", "unknown variable"),
    ("\"${meta.id}\"", "interpolation"),
    ("params.test_data['x']", "unresolved params"),
    ("{ it }", "closure"),
    ("channel.fromPath('*.fq')", "channel factory"),
])
def test_what_cannot_be_translated_says_why(text, reason):
    with pytest.raises(Untranslatable) as info:
        evaluate(text, PARAMS)
    assert info.value.reason == reason


def test_ext_settings_of_the_matching_selector_only():
    config = SEQTK / "tests" / "nextflow.config"
    assert ext_settings(config, "SEQTK_SEQ") == ["ext.args = '-q 20'",
                                                 'ext.prefix = { "${meta.id}.${params.seqtk_prefix}" }']
    assert ext_settings(config, "OTHER_PROCESS") == ["ext.prefix = 'never'"]
    assert ext_settings(None, "SEQTK_SEQ") == []


def _snapshot_and_process():
    snap = json.loads((SEQTK / "tests" / "main.nf.test.snap").read_text())
    return snap, parse(SEQTK).process()


def test_the_snapshot_channels_by_output_key():
    snap, process = _snapshot_and_process()
    tests = _tests()
    whole = expected_channels(tests["one reads file - stub"], process, snap)
    assert set(whole) == {"fasta", "versions_seqtk"}
    parts = expected_channels(tests["two samples, named snapshot - stub"], process, snap)
    assert [item[0]["id"] for item in parts["fasta"]] == ["a", "b"]


def test_compare_sees_names_and_meta_but_not_md5s_or_eval_values():
    snap, process = _snapshot_and_process()
    expected = expected_channels(_tests()["one reads file - stub"], process, snap)
    meta = {"id": "s1", "single_end": True}
    good = {"fasta": [(meta, Path("/any/where/s1.renamed.seqtk-seq.fasta"))],
            "versions_seqtk": [("SEQTK_SEQ", "seqtk", "9.9 (a stand-in)")]}
    assert compare(expected, good, process) == []
    wrong_name = {**good, "fasta": [(meta, Path("/x/s1.seqtk-seq.fasta"))]}
    assert [d.split(":")[0] for d in compare(expected, wrong_name, process)] == ["fasta"]
    wrong_meta = {**good, "fasta": [({"id": "s1"}, Path("/x/s1.renamed.seqtk-seq.fasta"))]}
    assert "single_end" in compare(expected, wrong_meta, process)[0]
    wrong_tool = {**good, "versions_seqtk": [("SEQTK_SEQ", "seqtk2", "1.4")]}
    assert compare(expected, wrong_tool, process)[0].startswith("versions_seqtk")
    assert compare(expected, {**good, "fasta": []}, process)[0].startswith("fasta")


def test_names_assigned_in_the_process_block_are_used_by_later_inputs(tmp_path):
    from pynf.nftest.reader import _assignments

    code = """
        def flag = true   // a local
        ref = [ [ id:'ref' ], file(params.modules_testdata_base_path + 'g/ref.fa') ]
        input[0] = ref
        input[1] = flag
    """
    assert _assignments(code, PARAMS) == {0: [{"id": "ref"}, FileRef(TESTDATA_BASE + "g/ref.fa")], 1: True}
    with pytest.raises(Untranslatable, match="statement in process block"):
        _assignments("println 'x'\ninput[0] = 1", PARAMS)


def test_params_come_from_the_config_then_the_test(tmp_path):
    from pynf.nftest.reader import _params

    config = tmp_path / "nextflow.config"
    config.write_text("params {\n    threads = 2\n    prefix = 'cfg'\n}\nparams.extra = 'x'\n"
                      "process {\n    withName: 'P' {\n        ext.args = \"--threads ${params.threads}\"\n    }\n}\n")
    body = 'when {\n params {\n  prefix = "test"\n }\n process {\n """\n input[0] = 1\n """\n }\n}'
    params = _params(body, config)
    assert (params["threads"], params["prefix"], params["extra"]) == (2, "test", "x")
    assert params["modules_testdata_base_path"] == TESTDATA_BASE
