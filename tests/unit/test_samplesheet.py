"""Samplesheets: ``pynf.Queue.from_csv`` (nf-core convention), its errors, and the queue as a module input."""

from __future__ import annotations

from pathlib import Path

import pytest

import pynf
from pynf.compiler import parse
from pynf.errors import InputError, SamplesheetError
from pynf.render.inputs import resolve_inputs
from pynf.workflow import Workflow

from ..paths import MODULE_FIXTURES


@pytest.fixture
def sheet_dir(tmp_path: Path) -> Path:
    reads = tmp_path / "reads"
    reads.mkdir()
    for name in ("a_1.fq", "a_2.fq", "b_1.fq", "c.bam", "c.bam.bai"):
        (reads / name).write_text("@r\nACGT\n+\nIIII\n")
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_nfcore_sheet_gives_meta_reads_and_single_end(sheet_dir):
    sheet = write(sheet_dir / "sheet.csv", "sample,fastq_1,fastq_2,condition\n"
                  "a,reads/a_1.fq,reads/a_2.fq,treated\n"
                  "b,reads/b_1.fq,,control\n")
    queue = pynf.Queue.from_csv(sheet)
    reads = sheet_dir / "reads"
    assert queue.items == [
        {"meta": {"id": "a", "single_end": False, "condition": "treated"},
         "reads": [str(reads / "a_1.fq"), str(reads / "a_2.fq")]},
        {"meta": {"id": "b", "single_end": True, "condition": "control"}, "reads": [str(reads / "b_1.fq")]},
    ]


def test_tsv_by_extension_or_sep_and_meta_selection(sheet_dir):
    tsv = write(sheet_dir / "sheet.tsv", "sample\tfastq_1\tlane\tbatch\nb\treads/b_1.fq\tL1\tx\n")
    assert pynf.Queue.from_csv(tsv, meta=["lane"]).items[0]["meta"] == {"id": "b", "single_end": True, "lane": "L1"}
    semi = write(sheet_dir / "sheet.txt", "sample;fastq_1\nb;reads/b_1.fq\n")
    assert pynf.Queue.from_csv(semi, sep=";").items[0]["reads"] == [str(sheet_dir / "reads" / "b_1.fq")]


def test_columns_map_files_to_elements(sheet_dir):
    sheet = write(sheet_dir / "bams.csv", "sample,bam,bai\nc,reads/c.bam,reads/c.bam.bai\nd,reads/c.bam,\n")
    queue = pynf.Queue.from_csv(sheet, columns={"bam": "input", "bai": "index"}, optional=["bai"])
    assert queue.items[0] == {"meta": {"id": "c"}, "input": str(sheet_dir / "reads/c.bam"),
                              "index": str(sheet_dir / "reads/c.bam.bai")}
    assert queue.items[1]["index"] == []


@pytest.mark.parametrize("text, row, column, words", [
    ("sample,fastq_1\na,reads/missing.fq\n", 2, "fastq_1", "file not found"),
    ("sample,fastq_1\na,reads/a_1.fq\n\nb,reads/b_1.fq\na,reads/b_1.fq\n", 5, "sample", "already on row 2"),
    ("sample,fastq_1\n,reads/a_1.fq\n", 2, "sample", "empty cell"),
    ("sample,fastq_1\na,\n", 2, "fastq_1", "empty cell"),
    ("sample,fastq_1,fastq_2\na,reads/a_1.fq,reads/nope.fq\n", 2, "fastq_2", "file not found"),
    ("id,fastq_1\na,reads/a_1.fq\n", None, "sample", "no 'sample' column"),
    ("sample,fastq_1\na,reads/a_1.fq,extra\n", 2, None, "3 cells"),
])
def test_errors_name_row_and_column(sheet_dir, text, row, column, words):
    sheet = write(sheet_dir / "bad.csv", text)
    with pytest.raises(SamplesheetError) as info:
        pynf.Queue.from_csv(sheet)
    err = info.value
    assert isinstance(err, InputError)
    assert (err.row, err.column) == (row, column)
    assert words in str(err) and str(sheet) in str(err)
    if row is not None:
        assert f"row {row}" in str(err)


def test_empty_mapped_cell_is_an_error_unless_optional(sheet_dir):
    sheet = write(sheet_dir / "bams.csv", "sample,bam\nc,\n")
    with pytest.raises(SamplesheetError, match=r"row 2, column 'bam': empty cell"):
        pynf.Queue.from_csv(sheet, columns={"bam": "input"})
    with pytest.raises(SamplesheetError, match="column 'bai': no such column"):
        pynf.Queue.from_csv(sheet, columns={"bai": "index"})


def test_sheet_queue_is_the_whole_channel_under_an_element_name(sheet_dir):
    sheet = write(sheet_dir / "sheet.csv", "sample,fastq_1\na,reads/a_1.fq\nb,reads/b_1.fq\n")
    process = parse(MODULE_FIXTURES / "seqtk_seq").process(None)
    queue = pynf.Queue.from_csv(sheet, reads="fastx")
    (channel,) = resolve_inputs(process, {"fastx": queue})
    assert channel.mode == "queue"
    assert [item[0]["id"] for item in channel.items] == ["a", "b"]
    assert channel.items[1][1] == [str(sheet_dir / "reads/b_1.fq")]
    wrong = pynf.Queue.from_csv(sheet)  # `reads`, but the module's element is `fastx`
    with pytest.raises(InputError, match="no input named 'reads'"):
        resolve_inputs(process, {"reads": wrong})


def test_sheet_queue_in_a_workflow_step(sheet_dir):
    sheet = write(sheet_dir / "sheet.csv", "sample,fastq_1\na,reads/a_1.fq\nb,reads/b_1.fq\n")
    wf = Workflow("sheet")
    wf.add(str(MODULE_FIXTURES / "seqtk_seq"), fastx=pynf.Queue.from_csv(sheet, reads="fastx"), name="seq")
    params = wf.compile().params()
    (entry,) = [e for e in params["pynf_inputs"] if e["mode"] == "queue"]
    assert [item[0]["id"] for item in entry["items"]] == ["a", "b"]


def test_cli_samplesheet_errors_before_anything_runs(sheet_dir):
    from click.testing import CliRunner

    from pynf.cli.main import cli

    sheet = write(sheet_dir / "sheet.csv", "sample,fastq_1\na,reads/a_1.fq\nb,reads/gone.fq\n")
    result = CliRunner().invoke(cli, ["run", str(MODULE_FIXTURES / "seqtk_seq"), "--samplesheet", f"fastx={sheet}"])
    assert result.exit_code == 1
    assert "row 3, column 'fastq_1': file not found" in result.output


def test_compile_and_export_take_the_samplesheet_and_fill_empty_as_run_does(sheet_dir):
    """``pynf compile``/``pynf export`` make the wrapper ``pynf run`` would run: same --samplesheet and --fill-empty."""
    import json

    from click.testing import CliRunner

    from pynf.cli.main import cli

    sheet = write(sheet_dir / "sheet.csv", "sample,fastq_1,fastq_2\na,reads/a_1.fq,reads/a_2.fq\nb,reads/b_1.fq,\n")
    args = [str(MODULE_FIXTURES / "bwa_mem"), "--samplesheet", str(sheet), "--input", "sort_bam=false", "--fill-empty"]
    compiled = CliRunner().invoke(cli, ["compile", *args, "--emit", "params"])
    assert compiled.exit_code == 0, compiled.output
    exported = CliRunner().invoke(cli, ["export", *args, "-o", str(sheet_dir / "bundle")])
    assert exported.exit_code == 0, exported.output
    assert "fill_empty gave" in exported.output and "input 1 (meta2, index)" in exported.output
    written = json.loads((sheet_dir / "bundle" / "params.json").read_text())
    printed = json.loads(compiled.stdout)
    for params in (printed, written):
        reads, index, fasta, sort_bam = params["pynf_inputs"]
        assert reads["mode"] == "queue" and [item[0]["id"] for item in reads["items"]] == ["a", "b"]
        assert reads["items"][1][1] == [str(sheet_dir / "reads" / "b_1.fq")]  # single-end: a list of one
        assert index["items"] == fasta["items"] == [[[], []]] and sort_bam["items"] == [[False]]
