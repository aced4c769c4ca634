"""Nextflow's execution report, timeline, trace and DAG of real runs on the embedded engine: where they are,
what the result and the manifest say, reruns, ``reports=False``, the report's command line, the trace
against the run's tasks, the notebook summary, and the pages rendered in headless Chromium."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import pynf
from pynf.cli.main import cli
from pynf.render.reports import KINDS

from ..browser import chromium, render_page, table_rows
from ..paths import MODULE_FIXTURES
from ..support import require_engine, require_tools

pytestmark = [pytest.mark.engine, pytest.mark.reports]  # every run here writes its reports

SEQTK = str(MODULE_FIXTURES / "seqtk_seq")
SAMPLES = ("s1", "s2", "s3")
STAMPED = r"(\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d(?:_\d+)?)"
NAMES = {kind: re.compile(re.escape(prefix) + STAMPED + re.escape(suffix) + r"\Z")
         for kind, (prefix, suffix) in KINDS.items()}


def _reads(root: Path) -> pynf.Queue:
    items = []
    for n, sample in enumerate(SAMPLES):
        path = root / f"{sample}.fq"
        path.write_text("".join(f"@{sample}_{i}\n{'ACGT' * (n + 2)}\n+\n{'I' * 4 * (n + 2)}\n" for i in range(3)))
        items.append([{"id": sample}, str(path)])
    return pynf.Queue(items)


@pytest.fixture(scope="module")
def queue_run(tmp_path_factory):
    require_engine()
    require_tools("seqtk")
    root = tmp_path_factory.mktemp("reports")
    result = pynf.run(SEQTK, inputs=[_reads(root)], outdir=root / "out", run_dir=root / "run")
    return result, root


def _stamp_of(path: Path, kind: str) -> str:
    match = NAMES[kind].match(path.name)
    assert match, f"{path.name} is not named like nf-core's {kind}"
    return match.group(1)


def test_a_queue_run_writes_the_four_files_into_outdir_pipeline_info(queue_run):
    result, root = queue_run
    info = root / "out" / "pipeline_info"
    paths = {"report": result.report_path, "timeline": result.timeline_path, "trace": result.trace_path,
             "dag": result.dag_path}
    assert all(p is not None and p.is_file() and p.parent == info for p in paths.values()), paths
    assert len({_stamp_of(p, kind) for kind, p in paths.items()}) == 1  # one stamp names the run's four files
    assert sorted(p.name for p in info.iterdir()) == sorted(p.name for p in paths.values())
    assert result.manifest["reports"] == {kind: str(p) for kind, p in paths.items()}
    assert result.get_execution_report()["reports"] == {kind: str(p) for kind, p in paths.items()}
    assert result.reports.as_dict() == result.manifest["reports"]


def test_the_report_shows_the_pynf_call_not_null(queue_run):
    result, _ = queue_run
    text = result.report_path.read_text(encoding="utf-8")
    command = re.search(r'<pre class="nfcommand"><code>(.*?)</code></pre>', text, re.DOTALL).group(1)
    assert command != "null"
    assert html.unescape(command).startswith(f"pynf.run({SEQTK!r}, inputs=[Queue([[{{'id': 's1'}}, ")
    assert "outdir=PosixPath(" in command


def test_the_trace_rows_equal_the_runs_tasks(queue_run):
    result, _ = queue_run
    with open(result.trace_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) == len(result.tasks) == len(SAMPLES)
    traced = sorted((r["name"], r["status"], int(r["exit"]), r["hash"]) for r in rows)
    tasks = sorted((t.name, t.status, t.exit_status, t.hash) for t in result.tasks)
    assert traced == tasks
    assert {r["name"] for r in rows} == {f"SEQTK_SEQ ({s})" for s in SAMPLES}


def test_a_rerun_into_the_same_outdir_keeps_earlier_reports_apart(queue_run, tmp_path):
    first, root = queue_run
    again = pynf.run(SEQTK, inputs=[_reads(tmp_path)], outdir=root / "out", run_dir=tmp_path / "run")
    assert again.succeeded
    for kind in KINDS:
        old, new = getattr(first.reports, kind), getattr(again.reports, kind)
        assert old.is_file() and new.is_file() and old != new and old.parent == new.parent
    assert again.manifest["reports"] == again.reports.as_dict()  # the manifest lists the current run's
    assert len(list((root / "out" / "pipeline_info").iterdir())) >= 8


def test_reports_false_writes_none(tmp_path):
    require_engine()
    require_tools("seqtk")
    result = pynf.run(SEQTK, inputs=[_reads(tmp_path)], outdir=tmp_path / "out", run_dir=tmp_path / "run",
                      options=pynf.RunOptions(reports=False))
    assert result.succeeded and not result.reports and result.report_path is None
    assert not (tmp_path / "out" / "pipeline_info").exists()
    assert result.manifest["reports"] == {}


def test_a_failed_run_has_its_reports_too(tmp_path):
    require_engine()
    require_tools("seqtk")
    result = pynf.run(SEQTK, inputs=[_reads(tmp_path)], outdir=tmp_path / "out", run_dir=tmp_path / "run",
                      options=pynf.RunOptions(extra_config="process.beforeScript = 'exit 3'"), check=False)
    # no manifest was written by the run: the result's is the partial one (no item finished, so no outputs)
    assert result.status == "FAILED" and result.manifest["partial"] and result.outputs == {}
    assert not (tmp_path / "out" / "pynf-manifest.json").exists()
    assert result.report_path.is_file() and result.trace_path.is_file()
    with open(result.trace_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert rows and {(r["status"], r["exit"]) for r in rows} <= {("FAILED", "3"), ("ABORTED", "-")}
    assert ("FAILED", "3") in {(r["status"], r["exit"]) for r in rows}
    assert "FAILED" in result._repr_html_()


def test_the_cli_command_line_is_the_reports_command(tmp_path, monkeypatch):
    require_engine()
    require_tools("seqtk")
    monkeypatch.chdir(tmp_path)
    Path("r.fq").write_text("@r1\nACGTACGT\n+\nIIIIIIII\n")
    args = ["run", SEQTK, "--input", 'meta={"id":"cli"}', "--input", "fastx=r.fq", "--outdir", "out", "--json"]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    (report,) = Path("out/pipeline_info").glob("execution_report_*.html")
    expected = "pynf run " + SEQTK + " --input 'meta={\"id\":\"cli\"}' --input fastx=r.fq --outdir out --json"
    assert f"<code>{html.escape(expected, quote=False)}</code>" in report.read_text(encoding="utf-8")
    off = CliRunner().invoke(cli, [*args[:-2], "off", "--no-reports"])
    assert off.exit_code == 0, off.output
    assert Path("off").is_dir() and not Path("off/pipeline_info").exists()


def _normalised(text: str, result) -> str:
    text = text.replace(str(result.outdir), "<outdir>").replace(result.outdir.as_uri(), "file://<outdir>")
    text = re.sub(STAMPED, "<stamp>", text)
    text = re.sub(r"in \d+(\.\d+)? s|in \d+ min \d+ s", "in <duration>", text)
    text = re.sub(r"(?<=[ >])\d+\.\d+[\w.-]*(?=[,<])", "<version>", text)  # the installed tools' versions
    return re.sub(r"/[0-9a-f]{2}/[0-9a-f]{30}/", "/<task>/", text)


def test_repr_html_of_a_real_run(queue_run, snapshot):
    result, _ = queue_run
    text = result._repr_html_()
    assert "3: s1, s2, s3" in text and 'href="file://' in text
    assert _normalised(text, result) == snapshot


# ---- a workflow: one set of reports for the run, every step in the DAG and the report ----

def _workflow(root: Path) -> pynf.Workflow:
    genome = "ACGTTGCAAGGCTTAACCGGTATGCGATCGATCGGATCCATGACTGACTGGCATGCATCGATTGACCATGGTACCGTAGGCTAGCTTAGGC"
    (root / "ref.fa").write_text(f">chr1\n{genome}\n")
    for sample, start in (("a", 5), ("b", 30)):
        (root / f"{sample}.fq").write_text(f"@{sample}1\n{genome[start:start + 50]}\n+\n{'I' * 50}\n")
    wf = pynf.Workflow("align")
    index = wf.add(str(MODULE_FIXTURES / "bwa_index"), meta={"id": "ref"}, fasta=str(root / "ref.fa"), name="index")
    align = wf.add(str(MODULE_FIXTURES / "bwa_mem"),
                   {"0": pynf.Queue([[{"id": s}, str(root / f"{s}.fq")] for s in ("a", "b")]),
                    "2": [{"id": "ref"}, str(root / "ref.fa")]}, index=index.out.index, sort_bam=True, name="align")
    wf.add(str(MODULE_FIXTURES / "samtools_index"), input=align.out.bam, name="bai")
    return wf


@pytest.fixture(scope="module")
def workflow_run(tmp_path_factory):
    require_engine()
    require_tools("bwa", "samtools")
    root = tmp_path_factory.mktemp("wfreports")
    return _workflow(root).run(outdir=root / "out", run_dir=root / "run"), root


def test_a_workflow_run_has_one_set_of_reports_naming_every_step(workflow_run):
    result, root = workflow_run
    assert result.succeeded and result.reports.as_dict() == result.run.reports.as_dict()
    assert all(result.reports.as_dict().values())
    processes = {"BWA_INDEX", "BWA_MEM", "SAMTOOLS_INDEX"}
    dag = result.dag_path.read_text(encoding="utf-8")
    assert processes <= set(re.findall(r'\(\["([A-Z_]+)"\]\)', dag))  # the DAG's process nodes
    report = result.report_path.read_text(encoding="utf-8")
    assert "pynf.Workflow(&#39;align&#39;).run(" in report or "pynf.Workflow('align').run(" in report
    assert "# steps: index=BWA_INDEX, align=BWA_MEM, bai=SAMTOOLS_INDEX" in report
    with open(result.trace_path, newline="", encoding="utf-8") as fh:
        assert sorted(r["name"] for r in csv.DictReader(fh, delimiter="\t")) == sorted(result.get_task_workdirs())
    text = result._repr_html_()
    assert "<code>align.bam</code>" in text and "2: a, b" in text and "execution report</a>" in text


def test_repr_html_of_a_real_workflow_run(workflow_run, snapshot):
    result, _ = workflow_run
    assert _normalised(result._repr_html_(), result.run) == snapshot


# ---- the pages in a real browser ----

def test_the_console_capture_sees_javascript_errors(tmp_path):
    chromium()
    page = tmp_path / "bad.html"
    page.write_text("<html><body><script>throw new Error('pynf-control')</script></body></html>")
    assert any("pynf-control" in line for line in render_page(page).errors)


def test_report_and_timeline_render_in_chromium(queue_run, tmp_path):
    chromium()
    result, _ = queue_run
    names = {t.name for t in result.tasks}
    report = render_page(result.report_path, tmp_path / "report.png")
    assert report.errors == [] and report.screenshot.stat().st_size > 20_000
    rows = table_rows(report.dom, "tasks_table")
    assert sorted((r[1], r[2], r[3]) for r in rows) == sorted(("SEQTK_SEQ", s, "COMPLETED") for s in SAMPLES)
    assert {f"{r[1]} ({r[2]})" for r in rows} == names
    timeline = render_page(result.timeline_path, tmp_path / "timeline.png", size="1400,900")
    assert timeline.errors == [] and timeline.screenshot.stat().st_size > 5_000
    labels = set(re.findall(r"<text[^>]*>([^<]+)</text>", timeline.dom))
    assert names <= {label.strip() for label in labels}, labels


def test_the_dag_page_lists_every_workflow_step(workflow_run, tmp_path):
    chromium()
    result, _ = workflow_run
    report = render_page(result.report_path, tmp_path / "workflow-report.png")
    assert report.errors == []
    rows = table_rows(report.dom, "tasks_table")
    assert sorted(f"{r[1]} ({r[2]})" if r[2] != "-" else r[1] for r in rows) == sorted(result.get_task_workdirs())
    assert {r[1] for r in rows} == {"BWA_INDEX", "BWA_MEM", "SAMTOOLS_INDEX"}
    page = render_page(result.dag_path)
    diagram = re.search(r'<pre class="mermaid"[^>]*>(.*?)</pre>', page.dom, re.DOTALL)
    text = diagram.group(1) if diagram else page.dom
    for process in ("BWA_INDEX", "BWA_MEM", "SAMTOOLS_INDEX"):
        assert process in text
