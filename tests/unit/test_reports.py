"""Reports in the rendered config (no JVM): on by default, off with ``reports=False``, no time stamp in the
rendered text, stamps that keep reruns apart, the command text, and the HTML summaries (escaped)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import pynf
from pynf._util.calltext import call_text
from pynf.backends.local.result import RunResult
from pynf.backends.seqera.result import SeqeraResult
from pynf.cli.main import cli
from pynf.compiler import parse
from pynf.render.options import OptionsError, RenderOptions, RunOptions
from pynf.render.renderer import render
from pynf.render.reports import KINDS, Reports, file_names, new_stamp, reports_from_manifest

from ..paths import MODULE_FIXTURES

SEQTK = MODULE_FIXTURES / "seqtk_seq"
STAMP = re.compile(r"\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d")


def _bundle(**run):
    return render(parse(SEQTK), RenderOptions(inputs={"meta": {"id": "s1"}, "fastx": "/x.fq"}, check_files=False,
                                              run=RunOptions(**run)))


def test_config_asks_for_the_four_files_under_outdir_pipeline_info():
    config = _bundle().config_text
    for kind, (prefix, suffix) in KINDS.items():
        assert f"{kind}.enabled = true" in config
        assert f"{kind}.file = params.pynf_reports.{kind}" in config
        assert f'"${{params.outdir}}/pipeline_info/{prefix}${{params.pynf_run_stamp}}{suffix}"' in config
    # the wrapper lists the current run's files in the manifest
    assert "reports: pynfReports()" in _bundle().main_nf


def test_no_time_stamp_in_rendered_text_and_compiles_stay_deterministic():
    first = _bundle()
    time.sleep(1.1)
    second = _bundle()
    assert first == second and first.content_hash == second.content_hash
    for text in (first.main_nf, first.config_text, first.params_text):
        assert not STAMP.search(text)


def test_reports_false_turns_them_off():
    config = _bundle(reports=False).config_text
    assert not any(f"{kind}.enabled" in config for kind in KINDS)
    assert "RunOptions.reports = false" in config
    with pytest.raises(OptionsError, match="reports: expected True or False"):
        RunOptions(reports="no")


def test_cli_no_reports_flag(tmp_path):
    (tmp_path / "x.fq").write_text("@r\nA\n+\nI\n")
    args = ["compile", str(SEQTK), "--emit", "config", "--input", 'meta={"id":"s"}', "--input",
            f"fastx={tmp_path / 'x.fq'}"]
    on = CliRunner().invoke(cli, args)
    off = CliRunner().invoke(cli, args + ["--no-reports"])
    assert on.exit_code == 0 and off.exit_code == 0, on.output + off.output
    assert "report.enabled = true" in on.output and "report.enabled" not in off.output


def test_pynf_reports_gives_the_default_and_an_explicit_choice_wins(tmp_path, monkeypatch):
    (tmp_path / "x.fq").write_text("@r\nA\n+\nI\n")
    args = ["compile", str(SEQTK), "--emit", "config", "--input", 'meta={"id":"s"}', "--input",
            f"fastx={tmp_path / 'x.fq'}"]
    for value, default in (("off", False), ("0", False), (" No ", False), ("on", True), ("1", True), ("", True)):
        monkeypatch.setenv("PYNF_REPORTS", value)
        assert RunOptions().reports is default, value
        assert RunOptions(reports=not default).reports is (not default)
        assert ("report.enabled = true" in _bundle().config_text) is default
        w = pynf.Workflow("w")
        w.add(str(SEQTK), {"0": pynf.Queue([[{"id": "a"}, "/a.fq"]])}, name="seq")
        assert ("report.enabled = true" in w.compile(check_files=False).config_text) is default
        out = CliRunner().invoke(cli, args)
        assert out.exit_code == 0 and ("report.enabled = true" in out.output) is default, out.output
        flag = CliRunner().invoke(cli, args + ["--reports" if not default else "--no-reports"])
        assert flag.exit_code == 0 and ("report.enabled = true" in flag.output) is (not default), flag.output
    monkeypatch.setenv("PYNF_REPORTS", "maybe")
    with pytest.raises(OptionsError, match=r"PYNF_REPORTS: expected one of 1, true.*got 'maybe'"):
        RunOptions()
    assert RunOptions(reports=True).reports is True  # an explicit choice does not read it
    out = CliRunner().invoke(cli, args)
    assert out.exit_code != 0 and "PYNF_REPORTS" in out.output and "Traceback" not in out.output, out.output


def test_workflow_config_follows_the_workflow_options():
    def wf(options=None, step_options=None):
        w = pynf.Workflow("w", options=options)
        w.add(str(SEQTK), {"0": pynf.Queue([[{"id": "a"}, "/a.fq"]])}, name="seq", options=step_options)
        return w.compile(check_files=False).config_text

    assert "report.enabled = true" in wf()
    assert "report.enabled" not in wf(RunOptions(reports=False))
    assert "report.enabled" not in wf(step_options=RunOptions(reports=False))


def test_new_stamp_never_reuses_an_earlier_runs_names(tmp_path):
    now = time.mktime((2026, 1, 2, 3, 4, 5, 0, 0, -1))
    assert new_stamp(None, now) == "2026-01-02_03-04-05"
    assert new_stamp(tmp_path, now) == "2026-01-02_03-04-05"
    info = tmp_path / "pipeline_info"
    info.mkdir()
    (info / file_names("2026-01-02_03-04-05")["trace"]).write_text("x")
    assert new_stamp(tmp_path, now) == "2026-01-02_03-04-05_2"
    (info / file_names("2026-01-02_03-04-05_2")["report"]).write_text("x")
    assert new_stamp(tmp_path, now) == "2026-01-02_03-04-05_3"


def test_reports_at_lists_only_written_files(tmp_path):
    info = tmp_path / "pipeline_info"
    info.mkdir()
    names = file_names("S")
    (info / names["report"]).write_text("r")
    found = Reports.at(tmp_path, "S")
    assert found.report == info / names["report"] and found.trace is None and bool(found)
    assert not Reports.at(tmp_path, "other")
    assert reports_from_manifest({"reports": {"trace": "s3://b/o/pipeline_info/t.txt"}}, local=False).trace == \
        "s3://b/o/pipeline_info/t.txt"
    assert not reports_from_manifest({"outputs": {}})


def test_call_text_is_short_and_readable():
    text = call_text("pynf.run", "seqtk_seq", meta={"id": "s1"}, fastx=Path("r.fq"), outdir=None,
                     inputs=pynf.Queue([{"id": str(i)} for i in range(1000)]))
    assert text.startswith("pynf.run('seqtk_seq', meta={'id': 's1'}, fastx=PosixPath('r.fq'), inputs=Queue(")
    assert "outdir" not in text and len(text) < 300 and "…" in text


def _result(tmp_path, **kw):
    meta = {"id": "<s1>&\"x\""}
    manifest = {"outputs": {"fasta": [[{"kind": "val", "value": meta}, {"kind": "path", "value": "/o/s1.fa"}]]},
                "topics": {}}
    return RunResult(status="SUCCEEDED", module_id="m<script>", process="P", run_name="r", session_id="s",
                     run_dir=tmp_path, work_dir=tmp_path, outdir=tmp_path, log_file=tmp_path / "log",
                     duration=1.5, stub=False, resumed=False, manifest=manifest,
                     reports=Reports(report=tmp_path / "pipeline_info" / "execution_report_<x>.html"), **kw)


def test_repr_html_escapes_every_value(tmp_path):
    text = _result(tmp_path)._repr_html_()
    assert "<script>" not in text and "m&lt;script&gt;" in text
    assert "&lt;s1&gt;&amp;&quot;x&quot;" in text
    assert "execution report</a>" in text and "execution_report_%3Cx%3E.html" in text
    assert "<strong style=\"color:#1a7f37\">SUCCEEDED</strong> in 1.5 s" in text


def test_seqera_result_links_the_platform_and_the_reports():
    manifest = {"outputs": {}, "topics": {}, "reports": {"report": "s3://b/out/pipeline_info/execution_report_S.html"}}
    result = SeqeraResult(workflow_id="w1", url="https://cloud.example/watch/w1?a=1&b=2", status="SUCCEEDED",
                          report={"runName": "run", "process": "P", "duration": 61000}, outdir="s3://b/out",
                          manifest=manifest)
    assert result.report_path == "s3://b/out/pipeline_info/execution_report_S.html" and result.trace_path is None
    text = result._repr_html_()
    assert 'href="https://cloud.example/watch/w1?a=1&amp;b=2"' in text and "in 1 min 1 s" in text
    assert 'href="s3://b/out/pipeline_info/execution_report_S.html"' in text
