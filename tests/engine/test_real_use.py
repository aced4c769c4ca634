"""Real use on the embedded engine (issue 10): per-item publishing of equal file names, input order,
``None`` for a ``val``, run timeouts, broadcast tuple elements, failing ``eval`` version queries."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import pynf
from pynf.backends.local.backend import LocalBackend
from pynf.errors import EvalOutputError, InputError, PublishLayoutWarning, RunTimeout
from pynf.render.bundle import MANIFEST_NAME, Bundle
from pynf.render.options import RunOptions

from ..paths import CORPUS, MODULE_FIXTURES
from ..support import require_engine, require_tools

pytestmark = pytest.mark.engine

FIXED = MODULE_FIXTURES / "fixed_name"


@pytest.fixture(scope="module", autouse=True)
def _engine():
    require_engine()


def _item(sample: str, text: str, seconds: int | None = None) -> dict:
    item = {"meta": {"id": sample}, "text": text}
    if seconds is not None:
        item["seconds"] = seconds
    return item


def test_queue_of_fixed_output_names_returns_each_tasks_file_in_input_order(tmp_path):
    # a: 4 s, b: 2 s, c: 0 s, all three at once -> the tasks finish in reverse order
    items = [_item("a", "first", 4), _item("b", "second", 2), _item("c", "third", 0)]
    all_at_once = RunOptions(extra_config="executor.cpus = 3")
    result = pynf.run(FIXED, inputs=[pynf.Queue(items), "plain"], run_dir=tmp_path / "run", outdir=tmp_path / "out",
                      options=all_at_once)

    reports = result.outputs["report"]
    assert [meta["id"] for meta, _ in reports] == ["a", "b", "c"]
    assert [path.read_text() for _, path in reports] == ["first\n", "second\n", "third\n"]
    assert len({path for _, path in reports}) == 3
    versions = result.outputs["versions"]
    assert [p.read_text().splitlines()[1].strip() for p in versions] == ['text: "first"', 'text: "second"',
                                                                          'text: "third"']
    # each item's files sit in a folder named by its meta.id (the ids are unique): outdir/<meta.id>/
    folders = [path.parent.relative_to(result.outdir) for _, path in reports]
    assert folders == [Path("a"), Path("b"), Path("c")]
    assert [p.parent.relative_to(result.outdir) for p in versions] == folders
    manifest = json.loads((result.outdir / MANIFEST_NAME).read_text())
    listed = [item[1]["value"] for item in manifest["outputs"]["report"]]
    assert listed == [str(path) for _, path in reports]
    assert not (result.outdir / "report.txt").exists() and not (result.outdir / "versions.yml").exists()

    # resume: the cached tasks publish to the same folders, the result is the same
    again = pynf.run(FIXED, inputs=[pynf.Queue(items), "plain"], run_dir=tmp_path / "run",
                     outdir=tmp_path / "out", resume=True, options=all_at_once)
    assert sorted(t.status for t in again.tasks) == ["CACHED"] * 3
    assert again.outputs["report"] == reports


def test_same_meta_id_twice_keeps_both_results(tmp_path):
    items = [_item("s", "one", 1), _item("s", "two", 0)]
    with pytest.warns(PublishLayoutWarning, match="meta.id not unique"):
        result = pynf.run(FIXED, inputs=[pynf.Queue(items), "upper"], run_dir=tmp_path / "run")
    assert [p.read_text() for _, p in result.outputs["report"]] == ["ONE\n", "TWO\n"]
    # each task's files sit in a folder named like its work dir: outdir/<xx>/<rest of the hash>/
    workdirs = {Path(t.workdir).relative_to(result.work_dir) for t in result.tasks}
    assert {p.parent.relative_to(result.outdir) for _, p in result.outputs["report"]} == workdirs


def test_one_task_run_still_publishes_into_outdir(tmp_path):
    result = pynf.run(FIXED, meta={"id": "x"}, text="solo", seconds=0, mode="plain", run_dir=tmp_path / "run")
    (meta, report), = result.outputs["report"]
    assert report == result.outdir / "report.txt" and report.read_text() == "solo\n"


def test_none_for_a_val_reaches_the_script_as_null(tmp_path):
    result = pynf.run(MODULE_FIXTURES / "val_null", x=None, flag=True, run_dir=tmp_path / "one", timeout=120)
    assert result.outputs["seen"] == ["x=NULL flag=true\n"]
    result = pynf.run(MODULE_FIXTURES / "val_null", inputs=[pynf.Queue([None, 5]), None],
                      run_dir=tmp_path / "queue", timeout=120)
    assert result.outputs["seen"] == ["x=NULL flag=NULL\n", "x=value 5 flag=NULL\n"]


def test_timeout_names_the_running_task_and_the_engine_stays_usable(tmp_path):
    items = [_item("slow", "never", 600), _item("quick", "done", 0)]
    with pytest.raises(RunTimeout) as info:
        pynf.run(FIXED, inputs=[pynf.Queue(items), "plain"], run_dir=tmp_path / "slow", timeout=10)
    err = info.value
    assert err.timeout == 10 and err.waiting_for == ("task FIXED_NAME (slow): still running",)
    assert "did not finish within 10 s" in str(err) and "FIXED_NAME (slow)" in str(err)
    assert err.result.status == "FAILED"
    # the next run in this process works
    result = pynf.run(FIXED, meta={"id": "after"}, text="ok", seconds=0, mode="plain", run_dir=tmp_path / "next")
    assert result.outputs["report"][0][1].read_text() == "ok\n"


NEVER_STARTS = """\
process WAITS {
    input:
    val x

    output:
    stdout

    script:
    "echo ${x}"
}

workflow {
    WAITS(channel.value())
}
"""


def test_timeout_names_a_process_that_never_got_a_task(tmp_path):
    bundle = Bundle(module_id="never", process="WAITS", main_nf=NEVER_STARTS, param_values={},
                    config_text="")
    with pytest.raises(RunTimeout) as info:
        LocalBackend().submit(bundle, run_dir=tmp_path / "never", timeout=8)
    assert info.value.waiting_for == ("process WAITS: no task was started (an input channel never delivered "
                                      "a value)",)


def test_cli_timeout(tmp_path):
    from pynf.cli.main import cli

    out = CliRunner().invoke(cli, ["run", str(FIXED), "--input", 'meta={"id":"c"}', "--input", "text=t",
                                   "--input", "seconds=600", "--input", "mode=plain",
                                   "--run-dir", str(tmp_path / "cli"), "--timeout", "10"])
    assert out.exit_code == 1, out.output
    assert "did not finish within 10 s" in out.output and "FIXED_NAME (c): still running" in out.output


def test_element_keyword_fills_every_queued_item_that_lacks_it(tmp_path):
    items = [_item("a", "one"), _item("b", "two", 1), _item("c", "three")]
    result = pynf.run(FIXED, inputs=[pynf.Queue(items)], seconds=0, mode="plain", run_dir=tmp_path / "run")
    assert [p.read_text() for _, p in result.outputs["report"]] == ["one\n", "two\n", "three\n"]
    params = json.loads((result.run_dir / "params.json").read_text())
    assert [item[2] for item in params["pynf_inputs"][0]["items"]] == [0, 1, 0]  # b keeps its own
    with pytest.raises(InputError, match="given both whole and by element"):
        pynf.compile(FIXED, inputs=[pynf.Queue([["m", "t", 1]]), "plain"], seconds=0)


def test_fastp_queue_with_a_broadcast_adapter_element(tmp_path):
    """nf-core's fastp (shared corpus) with Debian's fastp: adapter_fasta=[] fills every queued sample."""
    require_tools("fastp")
    module = CORPUS / "fastp"
    if not (module / "main.nf").is_file():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    samples = []
    for name, seq in (("s1", "ACGTACGTACGTTTGACCAGTACGATCGATCGGATCGATTACG"),
                      ("s2", "TTGACCAGTACGATCGATCGGATCGATTACGACGTACGTACG")):
        fq = tmp_path / f"{name}.fastq.gz"
        with gzip.open(fq, "wt") as fh:
            for i in range(20):
                fh.write(f"@{name}_{i}\n{seq}\n+\n{'I' * len(seq)}\n")
        samples.append({"meta": {"id": name, "single_end": True}, "reads": fq})
    result = pynf.run(module, inputs=[pynf.Queue(samples)], adapter_fasta=[], discard_trimmed_pass=False,
                      save_trimmed_fail=False, save_merged=False, run_dir=tmp_path / "run")
    reads = result.outputs["reads"]
    assert [meta["id"] for meta, _ in reads] == ["s1", "s2"]
    for (meta, path), (name, _) in zip(reads, (("s1", 0), ("s2", 0))):
        lines = gzip.open(path, "rt").read().splitlines()
        assert len(lines) == 80 and lines[0].startswith(f"@{name}_0")
    report = {meta["id"]: json.loads(p.read_text()) for meta, p in result.outputs["json"]}
    assert report["s1"]["summary"]["before_filtering"]["total_reads"] == 20


def test_failing_version_query_names_the_eval_command(tmp_path):
    with pytest.raises(EvalOutputError) as info:
        pynf.run(MODULE_FIXTURES / "eval_fail", meta={"id": "e"}, text="hi", run_dir=tmp_path / "run")
    err = info.value
    assert err.command == "pynf-missing-tool --version" and err.exit_status == 127
    assert "command not found" in err.stderr_tail
    text = str(err)
    assert "pynf-missing-tool --version" in text and "exit status 127" in text and "exit status 0" not in text
    assert "working on hi" not in text  # the tool's normal log is not the story
