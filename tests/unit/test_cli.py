"""The command line: compile/inspect outputs, exit codes and error messages (no tracebacks)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pynf.cli.main import cli
from pynf.compiler import parse

from ..builders import bundles_for, synth_inputs
from ..paths import MALFORMED, MODULE_FIXTURES, fixture_modules

RUN_OPTIONS = ["--ext", "args=--fast", "--cpus", "2", "--memory", "2 GB"]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _real_inputs(process, tmp_path):
    """The renderer tests' inputs, naming files that exist (the CLI checks them)."""
    def path_for(ch, el):
        f = tmp_path / f"{ch.key}-{el.label.replace('*', 'x')}.txt"
        f.write_text("x\n")
        return str(f)

    return synth_inputs(process, path_for)


@pytest.mark.parametrize("name", fixture_modules())
def test_compile_emit_all_writes_the_snapshotted_bundle(name, tmp_path):
    """`pynf compile --emit all` writes main.nf and nextflow.config equal to the renderer's
    snapshotted output (tests/test_render.py), and the params the API builds for the same inputs."""
    from pynf.render.compile import compile_bundle

    rendered = dict(bundles_for(name))
    for process in parse(MODULE_FIXTURES / name).processes:
        inputs = _real_inputs(process, tmp_path)
        (tmp_path / "inputs.json").write_text(json.dumps(inputs))
        out = tmp_path / f"bundle-{process.name}"
        result = invoke("compile", str(MODULE_FIXTURES / name), "--process", process.name, "--emit", "all",
                        "--out", str(out), "--input", f"@{tmp_path / 'inputs.json'}", "--param", "outdir=/results",
                        *RUN_OPTIONS)
        assert result.exit_code == 0, result.output
        assert (out / "main.nf").read_text() == rendered[process.name].main_nf
        assert (out / "nextflow.config").read_text() == rendered[process.name].config_text
        api = compile_bundle(MODULE_FIXTURES / name, process=process.name, inputs=inputs,
                             params={"outdir": "/results"})
        assert json.loads((out / "params.json").read_text())["pynf_inputs"] == json.loads(api.params_text)["pynf_inputs"]
        for rel, data in rendered[process.name].sidecars:
            assert (out / rel).read_bytes() == data


def test_compile_without_inputs_gives_wrapper_and_empty_inputs(tmp_path):
    result = CliRunner().invoke(cli, ["compile", str(MODULE_FIXTURES / "seqtk_seq"), "--emit", "all",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "params.json").read_text()) == {"outdir": "results", "pynf_inputs": []}
    assert "no --input given" in result.output
    assert (tmp_path / "main.nf").read_text() == dict(bundles_for("seqtk_seq"))["SEQTK_SEQ"].main_nf


def test_compile_emit_ir_is_json_with_positions():
    result = invoke("compile", str(MODULE_FIXTURES / "samtools_view"), "--emit", "ir")
    assert result.exit_code == 0
    ir = json.loads(result.stdout)
    proc = ir["processes"][0]
    assert proc["name"] == "SAMTOOLS_VIEW"
    assert proc["inputs"][0]["pos"]["line"] > 1
    assert proc["outputs"][0]["emit"] == "bam"


def test_inspect_json_lists_channels_with_docs():
    result = invoke("inspect", str(MODULE_FIXTURES / "samtools_view"), "--json")
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    assert [c["key"] for c in info["inputs"]] == ["0", "1"]
    assert info["inputs"][0]["elements"][0] == {
        "name": "meta", "kind": "val", "type": "map",
        "description": "Groovy Map with sample information, e.g. [ id:'sample1' ]", "pattern": None, "enum": []}
    assert info["topics"] == ["versions"]


def test_inspect_table_mentions_every_output():
    result = invoke("inspect", str(MODULE_FIXTURES / "samtools_view"))
    assert result.exit_code == 0
    for emit in ("bam", "cram", "sam", "versions_samtools"):
        assert emit in result.output


@pytest.mark.parametrize("name", sorted(p.name for p in MALFORMED.iterdir() if p.is_dir()))
def test_malformed_module_exit_1_with_position(name):
    result = CliRunner().invoke(cli, ["compile", str(MALFORMED / name)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{MALFORMED / name / 'main.nf'}:" in result.output
    assert "Traceback" not in result.output


def test_fifty_megabyte_module_exit_1(tmp_path):
    (tmp_path / "main.nf").write_bytes(b"process P {\n" + b"// x\n" * (10 * 1024 * 1024))
    result = CliRunner().invoke(cli, ["compile", str(tmp_path)])
    assert result.exit_code == 1 and "MB" in result.output and "Traceback" not in result.output


def test_two_processes_need_process_option():
    result = CliRunner().invoke(cli, ["compile", str(MODULE_FIXTURES / "two_process")])
    assert result.exit_code == 1
    assert "TWO_SPLIT" in result.output and "TWO_JOIN" in result.output and "--process" in result.output


def test_input_errors_name_the_input(tmp_path):
    result = CliRunner().invoke(cli, ["compile", str(MODULE_FIXTURES / "seqtk_seq"), "--emit", "params",
                                      "--input", "reads=x.fq"])
    assert result.exit_code == 1
    assert "input 'reads'" in result.output and "fastx" in result.output
    missing = CliRunner().invoke(cli, ["compile", str(MODULE_FIXTURES / "seqtk_seq"), "--emit", "params",
                                       "--input", 'meta={"id": "a"}', "--input", f"fastx={tmp_path}/none.fq"])
    assert missing.exit_code == 1 and "file not found" in missing.output


def test_usage_errors_exit_2():
    assert CliRunner().invoke(cli, ["compile"]).exit_code == 2
    assert CliRunner().invoke(cli, ["compile", str(MODULE_FIXTURES / "seqtk_seq"), "--emit", "nope"]).exit_code == 2
    # a malformed option value is a bad option (exit 1, one ``error:`` line), not a usage error
    bad = CliRunner().invoke(cli, ["compile", str(MODULE_FIXTURES / "seqtk_seq"), "--input", "novalue"])
    assert bad.exit_code == 1 and bad.stderr == "error: --input: expected NAME=VALUE or @file, got 'novalue'\n"


def test_missing_module_exit_1(tmp_path):
    result = CliRunner().invoke(cli, ["inspect", str(tmp_path / "nope" / "main.nf")])
    assert result.exit_code == 1 and "error:" in result.output


@pytest.mark.parametrize("option", ["--config", "--input"])
def test_a_file_that_is_not_utf8_is_reported_as_such(tmp_path, option):
    """Issue 22 item 7: a non-UTF-8 file was reported as "is not a usable file name"."""
    bad = tmp_path / "latin1.config"
    bad.write_bytes("process.ext.args = 'caf\xe9'\n".encode("latin-1"))
    value = str(bad) if option == "--config" else f"@{bad}"
    result = CliRunner().invoke(cli, ["compile", str(MODULE_FIXTURES / "seqtk_seq"), option, value])
    assert result.exit_code == 1, result.output
    assert f"{bad} is not UTF-8 text" in result.output
    assert "usable file name" not in result.output
