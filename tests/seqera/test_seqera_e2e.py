"""End to end on the fake platform with the real engine: bundle -> pushed to a bare repo -> launched ->
Nextflow really runs it -> waited -> outputs from the manifest; failures, faults while following, cancel,
and the ``pynf runs`` commands. Needs the Nextflow engine (skipped without it, except when CI=true)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pynf.errors import RemoteRunFailed
from pynf.seqera import SeqeraConfig
from pynf.backends.seqera.backend import SeqeraBackend

from .fake_platform.bundles import failing_bundle, sleepy_bundle, upper_bundle
from .fake_platform.fixtures import fake, needs_engine, seqera_env, wrapper_remote  # noqa: F401
from ..paths import MODULE_FIXTURES

pytestmark = pytest.mark.engine


@pytest.fixture(autouse=True)
def _engine():
    needs_engine()


def config(fake, remote, **kw) -> SeqeraConfig:
    return SeqeraConfig(workspace_id="acme/genomics", access_token=fake.token, api_endpoint=fake.url,
                        wrapper_repo=remote, poll_interval=0.3, max_poll_interval=1.0, **kw)


def test_upper_end_to_end_under_faults(fake, seqera_env, wrapper_remote, tmp_path):
    reads = {}
    for sample, text in (("s1", "hello world\nfoo\n"), ("s2", "abc\n")):
        reads[sample] = tmp_path / f"{sample}.txt"
        reads[sample].write_text(text)
    # faults while launching and following: the run must still be created once and finish
    fake.faults.add("drop_after", method="POST", path="/workflow/launch")
    fake.faults.add("status", method="GET", path=r"/workflow/[^/]+", status=503, count=2)
    fake.faults.add("unknown_status", method="GET", path=r"/workflow/[^/]+", count=2)
    fake.faults.add("drop", method="GET", path=r"/workflow/[^/]+/progress", count=1)
    fake.faults.add("status", method="GET", path=r"/workflow/[^/]+/tasks", status=500, count=1)
    seen: list[str] = []
    result = SeqeraBackend(config(fake, wrapper_remote)).submit(
        upper_bundle(reads), timeout=240, progress=lambda p: seen.append(p.status))

    assert result.status == "SUCCEEDED" and result.succeeded
    runs = list(fake.runs.values())
    assert len(runs) == 1 and runs[0].id == result.workflow_id and fake.launch_posts == 1
    assert "RUNNING" in seen or "SUBMITTED" in seen
    assert result.url.endswith(f"/orgs/acme/workspaces/genomics/watch/{result.workflow_id}")
    report = result.get_execution_report()
    assert report["status"] == "SUCCEEDED" and report["workflowId"] == result.workflow_id
    assert report["runName"] == runs[0].launch["runName"] and report["errorMessage"] is None
    assert report["submit"] and report["start"] and report["complete"]

    manifest = json.loads((Path(result.outdir) / "pynf-manifest.json").read_text())
    assert result.manifest == manifest
    upper = sorted(result.outputs["upper"], key=lambda item: item[0]["id"])
    assert [meta for meta, _ in upper] == [{"id": "s1"}, {"id": "s2"}]
    assert upper[0][1].read_text() == "HELLO WORLD\nFOO\n" and upper[1][1].read_text() == "ABC\n"
    lines = sorted(p.read_text() for p in result.outputs["lines"])
    assert lines == ["1\n", "2\n"]
    assert sorted(p.name for p in result.get_output_files()) == \
        ["s1.lines.txt", "s1.upper.txt", "s2.lines.txt", "s2.upper.txt"]
    workdirs = result.get_task_workdirs()
    assert sorted(workdirs) == ["UPPER (s1)", "UPPER (s2)"]
    assert all((Path(d) / ".command.sh").is_file() for d in workdirs.values())
    log = result.get_stdout()
    assert "Submitted process > UPPER" in log
    before = sum(1 for r in fake.requests if r["path"].endswith("/log"))
    assert "\n".join(result._run.logs(page_bytes=60)) == log  # cursor paging returns the same text
    assert sum(1 for r in fake.requests if r["path"].endswith("/log")) - before >= 3


def test_failed_run_raises_with_platform_message(fake, seqera_env, wrapper_remote):
    backend = SeqeraBackend(config(fake, wrapper_remote))
    with pytest.raises(RemoteRunFailed) as info:
        backend.submit(failing_bundle(), timeout=240)
    report = info.value.report
    assert report["status"] == "FAILED"
    assert "BROKEN" in report["errorMessage"]
    assert report["errorMessage"] in str(info.value) and report["url"] in str(info.value)
    # check=False returns the failed result instead of raising
    run = backend.platform.attach(report["workflowId"])
    result = run.wait(timeout=10, check=False)
    assert result.status == "FAILED" and result.outputs == {}
    assert any("exploded on purpose" in line or "BROKEN" in line for line in run.logs())


def test_cancel_and_runs_commands(fake, seqera_env, wrapper_remote, monkeypatch):
    from pynf.cli.main import cli as pynf_cli

    seqera_env(fake)
    backend = SeqeraBackend(config(fake, wrapper_remote))
    run = backend.submit(sleepy_bundle(300), wait=False)
    deadline = time.monotonic() + 120
    while not run.tasks() and time.monotonic() < deadline:  # until the task is really running
        time.sleep(0.5)
    assert run.status() == "RUNNING"

    cli = CliRunner()
    out = cli.invoke(pynf_cli, ["runs", "status", run.workflow_id, "--json"])
    assert out.exit_code == 0, out.output
    status = json.loads(out.stdout)
    assert status["status"] == "RUNNING" and status["tasks"]["running"] == 1 and status["url"] == run.url

    out = cli.invoke(pynf_cli, ["runs", "logs", run.workflow_id])
    assert out.exit_code == 0 and "Submitted process > NAP" in out.output

    out = cli.invoke(pynf_cli, ["runs", "cancel", run.workflow_id])
    assert out.exit_code == 0, out.output
    assert out.output.split() == [run.workflow_id, "CANCELLED"]
    assert fake.runs[run.workflow_id].proc.poll() is not None  # Nextflow really stopped
    out = cli.invoke(pynf_cli, ["runs", "logs", "--follow", run.workflow_id])  # ends because the run has ended
    assert out.exit_code == 0 and "Submitted process > NAP" in out.output

    out = cli.invoke(pynf_cli, ["runs", "status", "nope0000000000"])
    assert out.exit_code != 0 and "not found" in out.output
    assert fake.token not in out.output


def _normalized(manifest: dict, outdir: str) -> str:
    """The manifest without its run's own facts (name, session, times, the outdir), paths under <outdir>."""
    same = {k: v for k, v in manifest.items() if k not in ("run", "outdir")}
    text = json.dumps(same, sort_keys=True).replace(str(outdir).rstrip("/") + "/", "<outdir>/")
    return re.sub(r"_\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d(_\d+)?\.", "_<stamp>.", text)  # the reports' time stamps


def test_compiled_module_matches_local_backend(fake, seqera_env, wrapper_remote, tmp_path):
    """A fixture module with a bin/ script: the remote run's outputs equal the local backend's."""
    compile_mod = pytest.importorskip("pynf.render.compile", reason="pynf.render.compile has not landed")
    local_mod = pytest.importorskip("pynf.backends.local.backend", reason="the local backend has not landed")
    text = tmp_path / "words.txt"
    text.write_text("the cat and the dog and the bird\n")
    bundle = compile_mod.compile_bundle(MODULE_FIXTURES / "bin_script",
                                        inputs={"meta": {"id": "w1"}, "text": str(text)},
                                        module_id="pynf-fixtures/bin_script")
    assert any(rel.startswith("bin/") for rel, _ in bundle.sidecars)
    remote = SeqeraBackend(config(fake, wrapper_remote)).submit(bundle, timeout=240)
    local = local_mod.LocalBackend(runs_root=tmp_path / "runs").submit(bundle, run_dir=tmp_path / "local")
    assert remote.status == local.status == "SUCCEEDED"
    assert _normalized(remote.manifest, remote.outdir) == _normalized(local.manifest, str(local.outdir))
    (meta, freq), = remote.outputs["freq"]
    assert meta == {"id": "w1"} and freq.read_text().splitlines()[:2] == ["the\t3", "and\t2"]
    assert [v[2] for v in remote.topics["versions"]] == ["1.0.0"]


def test_queue_of_fixed_output_names_keeps_every_tasks_file_in_input_order(fake, seqera_env, wrapper_remote):
    """Three tasks write report.txt and versions.yml (fixed names), finishing in reverse order: every item
    points at its own task's file, published into a per-task folder, in input order (issue 10, items 1, 4)."""
    from pynf.render.compile import compile_bundle
    from pynf.render.inputs import Queue

    items = [{"meta": {"id": "a"}, "text": "first", "seconds": 4},
             {"meta": {"id": "b"}, "text": "second", "seconds": 2},
             {"meta": {"id": "a"}, "text": "third", "seconds": 0}]  # the same meta.id twice
    bundle = compile_bundle(MODULE_FIXTURES / "fixed_name", inputs=[Queue(items), "plain"],
                            module_id="pynf-fixtures/fixed_name")
    result = SeqeraBackend(config(fake, wrapper_remote)).submit(bundle, timeout=240)
    assert result.status == "SUCCEEDED"
    reports = result.outputs["report"]
    assert [meta["id"] for meta, _ in reports] == ["a", "b", "a"]
    assert [path.read_text() for _, path in reports] == ["first\n", "second\n", "third\n"]
    assert len({path for _, path in reports}) == 3
    versions = result.outputs["versions"]
    assert [p.read_text().splitlines()[1].strip() for p in versions] == ['text: "first"', 'text: "second"',
                                                                          'text: "third"']
    for (_, report), version in zip(reports, versions):  # one folder per task, named like its work dir
        assert report.parent == version.parent and report.parent.parent.parent == Path(result.outdir)
