"""The local backend on the real embedded engine: outputs, topics, failures, resume, stub, config, threads.

Wrappers here are small hand-written Nextflow scripts that follow the manifest contract
(CONTRACTS.md), so these tests do not depend on the renderer.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

import pynf.backends.local.engine as engine
from pynf.backends.local.backend import RUN_RECORD, LocalBackend
from pynf.render.bundle import MANIFEST_NAME, Bundle
from pynf.errors import EngineError, RunFailed, TaskFailedError

from ..support import require_engine

pytestmark = pytest.mark.engine

# A module-like process (meta + text in, file + versions topic out) and a manifest writer.
ECHO_NF = r'''
process ECHO {
    tag "${meta.id}"

    input:
    tuple val(meta), val(text)

    output:
    tuple val(meta), path("${meta.id}.txt"), emit: txt
    tuple val("${task.process}"), val('echo'), eval("echo 1.0.${task.ext.minor ?: 0}"), topic: versions

    script:
    def greeting = task.ext.args ?: ''
    """
    printf '%s%s\n' "${greeting}" "${text}" > ${meta.id}.txt
    echo "stderr of ${meta.id}" >&2
    if [ "${text}" = fail ]; then echo 'something went wrong' >&2; exit 3; fi
    """

    stub:
    """
    touch ${meta.id}.txt
    """
}

workflow {
    def outdir = file(params.outdir)
    ECHO(channel.fromList(params.items))
    ECHO.out.txt.view { meta, f -> "emitted ${meta.id}" }
    def txt = ECHO.out.txt
        .map { meta, f -> [[kind: 'val', value: meta], [kind: 'path', value: outdir.resolve(f.name).toString()]] }
        .toList().map { items -> ['txt', items] }
    def ver = channel.topic('versions')
        .map { p, t, v -> [[kind: 'val', value: p], [kind: 'val', value: t], [kind: 'eval', value: v]] }
        .toList().map { items -> ['versions', items] }
    txt.mix(ver).toList().subscribe { entries ->
        def found = [:]
        entries.each { e -> found[e[0]] = e[1] }
        outdir.mkdirs()
        outdir.resolve('pynf-manifest.json').text = groovy.json.JsonOutput.toJson(
            [pynf: 1, process: 'ECHO', outputs: [txt: found.txt], topics: [versions: found.versions]])
    }
}
'''

ECHO_CONFIG = """
process.publishDir = [path: { params.outdir }, mode: 'copy']
"""


def echo_bundle(items, *, config_extra: str = "", main_nf: str = ECHO_NF) -> Bundle:
    return Bundle(module_id="test/echo", process="ECHO", main_nf=main_nf,
                  param_values={"items": items}, config_text=ECHO_CONFIG + config_extra)


def items(*pairs):
    return [[{"id": i}, t] for i, t in pairs]


@pytest.fixture(scope="module")
def backend():
    from pynf.backends.local.jvm import start_jvm

    require_engine()
    start_jvm()
    return LocalBackend()


def test_outputs_topics_and_tasks(backend, tmp_path):
    res = backend.submit(echo_bundle(items(("s1", "hello"), ("s2", "world"))), run_dir=tmp_path / "run")
    assert res.succeeded and res.status == "SUCCEEDED"
    assert res.outdir == tmp_path / "run" / "results" and res.work_dir == tmp_path / "run" / "work"
    by_id = {meta["id"]: path for meta, path in res.outputs["txt"]}
    assert set(by_id) == {"s1", "s2"}
    assert by_id["s1"] == res.outdir / "s1.txt" and by_id["s1"].read_text() == "hello\n"
    assert by_id["s2"].read_text() == "world\n"
    assert sorted(res.get_output_files()) == sorted(by_id.values())
    assert res.get_workflow_outputs() == res.outputs
    assert res.topics["versions"] == [("ECHO", "echo", "1.0.0")] * 2
    workdirs = res.get_task_workdirs()
    assert set(workdirs) == {"ECHO (s1)", "ECHO (s2)"}
    for wd in workdirs.values():
        assert wd.parent.parent == res.work_dir and (wd / ".command.sh").is_file()
    assert (workdirs["ECHO (s1)"] / ".command.err").read_text() == "stderr of s1\n"
    assert sorted(res.get_stdout().split()) == sorted("emitted s1 emitted s2".split())
    assert res.counts["ECHO"].completed == 2 and res.counts["ECHO"].terminated
    report = res.get_execution_report()
    assert report["status"] == "SUCCEEDED" and report["processes"]["ECHO"]["completed"] == 2
    assert json.dumps(report)  # JSON-ready
    assert res.log_file.is_file() and "Session UUID" in res.log_file.read_text()
    record = json.loads((tmp_path / "run" / RUN_RECORD).read_text())
    assert record["runs"][-1]["session_id"] == res.session_id


def test_failing_task_then_ten_good_runs(backend, tmp_path):
    with pytest.raises(TaskFailedError) as err:
        backend.submit(echo_bundle(items(("ok", "fine"), ("bad", "fail"))), run_dir=tmp_path / "failed")
    exc = err.value
    assert exc.process == "ECHO" and exc.tag == "bad" and exc.exit_status == 3
    assert "something went wrong" in exc.stderr_tail
    assert exc.workdir and (Path(exc.workdir) / ".command.err").is_file()
    text = str(exc)
    assert "ECHO (bad)" in text and "exit status 3" in text and exc.workdir in text
    assert exc.result.status == "FAILED" and exc.result.counts["ECHO"].failed == 1
    # a failed run's result holds the items that finished (never a manifest the run did not write)
    assert exc.result.manifest["partial"] and exc.result.failed_items[0].tag == "bad"
    finished = {t.tag for t in exc.result.tasks if t.status == "COMPLETED"}
    assert {meta["id"] for meta, _ in exc.result.outputs.get("txt", [])} == finished

    for i in range(10):
        res = backend.submit(echo_bundle(items((f"r{i}", f"text {i}"))), run_dir=tmp_path / f"ok{i}")
        assert res.succeeded
        (meta, path), = res.outputs["txt"]
        assert meta == {"id": f"r{i}"} and path.read_text() == f"text {i}\n"
        assert res.topics["versions"] == [("ECHO", "echo", "1.0.0")]


def test_resume_reuses_cached_tasks(backend, tmp_path):
    run_dir = tmp_path / "resumable"
    first = backend.submit(echo_bundle(items(("a", "one"), ("b", "two"))), run_dir=run_dir)
    assert first.cached_tasks == 0 and first.executed_tasks == 2

    again = backend.submit(echo_bundle(items(("a", "one"), ("b", "two"))), run_dir=run_dir, resume=True)
    assert again.resumed and again.session_id == first.session_id
    assert again.cached_tasks == 2 and again.executed_tasks == 0 and again.counts["ECHO"].cached == 2
    assert again.get_task_workdirs() == first.get_task_workdirs()
    assert {m["id"]: p.read_text() for m, p in again.outputs["txt"]} == {"a": "one\n", "b": "two\n"}
    assert again.topics["versions"] == [("ECHO", "echo", "1.0.0")] * 2  # eval outputs come back from the cache

    changed = backend.submit(echo_bundle(items(("a", "one"), ("b", "TWO"))), run_dir=run_dir, resume=True)
    assert changed.cached_tasks == 1 and changed.executed_tasks == 1
    assert {m["id"]: p.read_text() for m, p in changed.outputs["txt"]} == {"a": "one\n", "b": "TWO\n"}

    fresh = backend.submit(echo_bundle(items(("a", "one"))), run_dir=tmp_path / "other", resume=True)
    assert fresh.cached_tasks == 0 and not fresh.resumed  # nothing recorded there to resume


def test_resume_without_run_dir_picks_the_latest_run_of_the_bundle(tmp_path):
    backend = LocalBackend(runs_root=tmp_path / "runs")
    try:
        engine.info()
    except EngineError as exc:
        pytest.skip(str(exc))
    bundle = echo_bundle(items(("x", "same")))
    first = backend.submit(bundle)
    second = backend.submit(bundle, resume=True)
    assert second.run_dir == first.run_dir and second.cached_tasks == 1
    third = backend.submit(bundle)
    assert third.run_dir != first.run_dir and third.cached_tasks == 0


def test_stub_run_uses_the_stub_block(backend, tmp_path):
    res = backend.submit(echo_bundle(items(("s", "fail"))), run_dir=tmp_path / "stub", stub=True)
    assert res.succeeded and res.stub  # the script would exit 3; the stub only touches the file
    (meta, path), = res.outputs["txt"]
    assert meta == {"id": "s"} and path.is_file() and path.read_text() == ""
    assert res.topics["versions"] == [("ECHO", "echo", "1.0.0")]


def test_config_text_is_applied(backend, tmp_path):
    extra = "process {\n  withName: ECHO {\n    ext.args = 'Hi, '\n    ext.minor = 7\n  }\n}\n"
    res = backend.submit(echo_bundle(items(("c", "there")), config_extra=extra), run_dir=tmp_path / "cfg")
    (meta, path), = res.outputs["txt"]
    assert path.read_text() == "Hi, there\n"
    assert res.topics["versions"] == [("ECHO", "echo", "1.0.7")]


def test_outdir_and_work_dir_options(backend, tmp_path):
    res = backend.submit(echo_bundle(items(("o", "out"))), run_dir=tmp_path / "r", outdir=tmp_path / "custom-out",
                         work_dir=tmp_path / "custom-work")
    assert res.outdir == tmp_path / "custom-out" and (res.outdir / MANIFEST_NAME).is_file()
    (meta, path), = res.outputs["txt"]
    assert path == tmp_path / "custom-out" / "o.txt" and path.read_text() == "out\n"
    assert all(wd.parent.parent == tmp_path / "custom-work" for wd in res.get_task_workdirs().values())
    params = json.loads((tmp_path / "r" / "params.json").read_text())
    assert params["outdir"] == str(tmp_path / "custom-out") and params["items"] == [[{"id": "o"}, "out"]]


def test_progress_callback_sees_task_events(backend, tmp_path):
    seen = []
    res = backend.submit(echo_bundle(items(("p1", "a"), ("p2", "b"), ("p3", "c"))), run_dir=tmp_path / "prog",
                         progress=seen.append)
    assert res.succeeded
    events = [s.event for s in seen]
    for ev in ("process_create", "task_pending", "task_submit", "task_start", "task_completed", "flow_complete"):
        assert ev in events
    final = seen[-1]
    assert final.finished and final.processes["ECHO"].completed == 3 and final.processes["ECHO"].running == 0
    assert max(s.processes["ECHO"].running + s.processes["ECHO"].submitted for s in seen if "ECHO" in s.processes) >= 1


def test_broken_progress_callback_does_not_break_the_run(backend, tmp_path):
    def bad(snapshot):
        raise ValueError("callback bug")

    res = backend.submit(echo_bundle(items(("q", "fine"))), run_dir=tmp_path / "badcb", progress=bad)
    assert res.succeeded and res.outputs["txt"][0][1].read_text() == "fine\n"


def test_script_error_is_a_run_failure_and_the_engine_recovers(backend, tmp_path):
    broken = "workflow {\n  ECHO(channel.of(1)\n}\n"  # syntax error (and unknown process)
    with pytest.raises(RunFailed) as err:
        backend.submit(echo_bundle([], main_nf=broken), run_dir=tmp_path / "broken")
    assert not isinstance(err.value, TaskFailedError)
    assert "main.nf" in str(err.value) or "Unexpected" in str(err.value) or "expecting" in str(err.value)
    ok = backend.submit(echo_bundle(items(("after", "recovered"))), run_dir=tmp_path / "after")
    assert ok.outputs["txt"][0][1].read_text() == "recovered\n"


ASSERTING_NF = ECHO_NF.replace("    script:\n", "    script:\n    assert false: 'this module is retired'\n", 1)


def test_task_creation_errors_in_a_row_each_end_their_run(backend, tmp_path):
    # An `assert false` in the script block aborts the run while the process's actor is still busy;
    # that actor's late error handling must not leak into the next run (it used to make the next
    # run's error go unreported and Session.await wait forever).
    outcomes: list[str] = []

    def runs():
        for i in range(6):
            try:
                backend.submit(echo_bundle(items((f"a{i}", "x"), (f"b{i}", "y")), main_nf=ASSERTING_NF),
                               run_dir=tmp_path / f"assert{i}")
                outcomes.append("succeeded")
            except RunFailed as e:
                outcomes.append(str(e))
        ok = backend.submit(echo_bundle(items(("after", "fine"))), run_dir=tmp_path / "after-asserts")
        outcomes.append(ok.outputs["txt"][0][1].read_text())

    worker = threading.Thread(target=runs, daemon=True)
    worker.start()
    worker.join(timeout=180)
    assert not worker.is_alive(), f"a run never ended; finished so far: {outcomes}"
    assert len(outcomes) == 7
    assert all("this module is retired" in o for o in outcomes[:6]), outcomes
    assert outcomes[6] == "fine\n"
    for i in range(6):  # the observer took the run-level error event without raising into Nextflow
        assert "PyExceptionProxy" not in (tmp_path / f"assert{i}" / "nextflow.log").read_text()


def test_missing_output_file_names_the_task(backend, tmp_path):
    no_output = ECHO_NF.replace('> ${meta.id}.txt', '> other.txt')
    with pytest.raises(TaskFailedError) as err:
        backend.submit(echo_bundle(items(("m", "x")), main_nf=no_output), run_dir=tmp_path / "missing")
    assert err.value.tag == "m" and "m.txt" in str(err.value)


def test_system_exit_in_a_script_cannot_end_the_process(backend, tmp_path):
    from pynf.backends.local.jvm import exit_blocked

    if not exit_blocked():
        pytest.skip("this Java has no SecurityManager; System.exit cannot be intercepted")
    script = "workflow {\n  System.exit(5)\n}\n"
    with pytest.raises(RunFailed, match="System.exit"):
        backend.submit(echo_bundle([], main_nf=script), run_dir=tmp_path / "exit")
    ok = backend.submit(echo_bundle(items(("alive", "still here"))), run_dir=tmp_path / "alive")
    assert ok.outputs["txt"][0][1].read_text() == "still here\n"


def test_runs_from_threads_are_serialized(backend, tmp_path):
    results, errors = {}, []

    def work(i):
        try:
            results[i] = backend.submit(echo_bundle(items((f"t{i}", f"thread {i}"))), run_dir=tmp_path / f"t{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors
    for i, res in results.items():
        assert res.outputs["txt"][0][1].read_text() == f"thread {i}\n"
    assert len({r.session_id for r in results.values()}) == 3


def test_relative_outdir_argument_is_relative_to_the_current_directory(backend, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = backend.submit(echo_bundle(items(("rel", "cwd"))), run_dir=tmp_path / "runrel", outdir="mine")
    assert res.outdir == tmp_path / "mine"
    (meta, path), = res.outputs["txt"]
    assert path == tmp_path / "mine" / "rel.txt" and path.read_text() == "cwd\n"


def test_publish_mode_symlink_stores_outputs_once(engine, tmp_path):
    """Issue 11, item 10: with publish_mode='symlink' the outdir links to the task's output."""
    import shutil

    import pytest as _pytest

    import pynf
    from pynf.render.options import RunOptions

    if shutil.which("seqtk") is None:
        _pytest.skip("seqtk is not installed")
    reads = tmp_path / "r.fq"
    reads.write_text("@r1\nACGT\n+\nIIII\n")
    result = pynf.run("fixtures/modules/seqtk_seq", meta={"id": "ln"}, fastx=reads, run_dir=tmp_path / "run",
                      options=RunOptions(publish_mode="symlink"))
    (_, fasta), = result.outputs["fasta"]
    assert fasta.is_symlink() and fasta.read_text() == ">r1\nACGT\n"
    assert fasta.resolve().is_relative_to((tmp_path / "run" / "work").resolve())


def test_a_run_serializes_its_params_once(engine, tmp_path, monkeypatch):
    """Params stay data from rendering to the run directory: rendering and setting the run's outdir and
    report stamp make no text; writing params.json makes it, once."""
    from collections.abc import Mapping

    import pynf

    from ..paths import MODULE_FIXTURES

    made: list[str] = []
    real = json.dumps

    def counting(obj, *args, **kwargs):
        text = real(obj, *args, **kwargs)
        if isinstance(obj, Mapping) and "pynf_inputs" in obj:  # a params object (not a run record)
            made.append(text + "\n")
        return text

    monkeypatch.setattr(json, "dumps", counting)
    result = pynf.run(MODULE_FIXTURES / "val_null", x=5, flag=True, run_dir=tmp_path / "run", timeout=120)
    assert result.outputs["seen"] == ["x=value 5 flag=true\n"]
    written = (tmp_path / "run" / "params.json").read_text()
    assert made == [written]
    assert json.loads(written)["outdir"] == str(result.outdir)


def test_piped_cli_output_keeps_progress_and_results_on_separate_lines(engine, tmp_path):
    """Issue 11, item 11: with stdout/stderr piped, the progress table and the result table never share a line."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import pytest as _pytest

    if shutil.which("seqtk") is None:
        _pytest.skip("seqtk is not installed")
    root = Path(__file__).resolve().parents[2]
    reads = tmp_path / "r.fq"
    reads.write_text("@r1\nACGT\n+\nIIII\n")
    env = dict(os.environ, PYTHONPATH=str(root), COLUMNS="200")
    proc = subprocess.run([sys.executable, "-m", "pynf", "run", str(root / "fixtures/modules/seqtk_seq"),
                           "--input", 'meta={"id":"pipe"}', "--input", f"fastx={reads}",
                           "--run-dir", str(tmp_path / "run")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:]
    lines = proc.stdout.splitlines()
    progress = [ln for ln in lines if "done 1/1" in ln]
    title = [ln for ln in lines if "SEQTK_SEQ — SUCCEEDED" in ln]
    assert len(progress) == 1 and len(title) == 1
    assert "SUCCEEDED" not in progress[0] and "done" not in title[0]
