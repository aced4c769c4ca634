"""The README's Seqera example (the seed's ``run_module`` + ``ExecutionRequest`` with ``backend="seqera"``)
runs unchanged against the fake platform, with ``fastqc`` resolved from a local nf-core-layout Git
repository; and the same module through ``pynf run --backend seqera --no-wait`` + ``pynf runs wait``."""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest
from click.testing import CliRunner

from .fake_platform.fixtures import fake, needs_engine, seqera_env, wrapper_remote  # noqa: F401
from ..gitrepos import ModuleRepo
from ..paths import REPO

pytestmark = pytest.mark.engine

#: Must stay identical to the block after "<!-- seqera-example" in README.md.
EXAMPLE = '''\
import pynf.api
from pynf.types import ExecutionRequest, SeqeraConfig

req = ExecutionRequest(
    script_path=None,
    params={"outdir": "results"},
    inputs=[{"meta": {"id": "sample1"}, "reads": "sample1.fastq"}],
    backend="seqera",
    seqera=SeqeraConfig(compute_env_id="primary", work_dir=None),
)
result = pynf.api.run_module("fastqc", req)
print(result.status, result.url)
print(result.get_execution_report()["runName"])
for meta, report in result.outputs["txt"]:
    print(meta["id"], report.read_text().strip())
'''

#: Must stay identical to the block after "<!-- seqera-example-no-wait" in README.md.
NO_WAIT = '''\
import pynf.api
from pynf.backends.seqera.backend import SeqeraBackend

bundle = pynf.api.compile("fastqc", inputs={"meta": {"id": "s2"}, "reads": "sample1.fastq"})
run = SeqeraBackend().submit(bundle, wait=False)    # a RemoteRun handle
print(run.workflow_id, run.url, run.status())
result = run.wait(timeout=3600)                     # polls with a growing, capped interval
log = list(run.logs())                              # the Nextflow log, fetched page by page
print(result.status, len(log) > 0)
run.cancel()                                        # (a no-op once the run has ended)
'''

FASTQC = '''\
process FASTQC {
    tag "${meta.id}"

    input:
    tuple val(meta), path(reads)

    output:
    tuple val(meta), path("*_fastqc.txt"), emit: txt
    tuple val("${task.process}"), val('fastqc-lite'), eval('echo 0.1'), emit: versions, topic: versions

    script:
    """
    echo "reads: \\$(( \\$(wc -l < ${reads}) / 4 ))" > ${meta.id}_fastqc.txt
    """
}
'''


@pytest.fixture
def module_registry(tmp_path, monkeypatch):
    """A local nf-core-style modules repository holding ``fastqc``; pynf resolves IDs from it."""
    needs_engine()
    import pynf.backends.local.engine

    pynf.backends.local.engine.info()  # settle the engine before the module cache moves to tmp
    repo = ModuleRepo(tmp_path / "nf-core-modules")
    repo.write("modules/nf-core/fastqc/main.nf", FASTQC)
    repo.commit("add fastqc")
    monkeypatch.setenv("PYNF_MODULES_REMOTE", repo.url)
    monkeypatch.setenv("PYNF_CACHE_DIR", str(tmp_path / "pynf-cache"))
    work = tmp_path / "cwd"
    work.mkdir()
    (work / "sample1.fastq").write_text("@r1\nACGT\n+\nIIII\n@r2\nGGCC\n+\nIIII\n")
    monkeypatch.chdir(work)
    return repo


def test_readme_example_runs_unchanged(fake, seqera_env, module_registry):
    seqera_env(fake)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(EXAMPLE, "README.md[seqera-example]", "exec"), {})
    lines = out.getvalue().splitlines()
    status, url = lines[0].split()
    run = next(iter(fake.runs.values()))
    assert status == "SUCCEEDED" and len(fake.runs) == 1
    assert url == f"{fake.url.removesuffix('/api')}/orgs/acme/workspaces/genomics/watch/{run.id}"
    assert lines[1] == run.launch["runName"] and run.launch["computeEnvId"] == "4xLocalPrimaryCe"
    assert lines[2:] == ["sample1 reads: 2"]
    assert re.fullmatch(r"pynf/(nf-core/)?fastqc/[0-9a-f]{16}/main\.nf", run.launch["mainScript"])


@pytest.mark.parametrize("marker, code", [("seqera-example", EXAMPLE), ("seqera-example-no-wait", NO_WAIT)])
def test_readme_blocks_match_the_tested_examples(marker, code):
    readme = REPO / "README.md"
    text = readme.read_text() if readme.is_file() else ""
    m = re.search(rf"<!-- {marker}[ :].*?-->\s*```python\n(.*?)```", text, re.S)
    if m is None:
        pytest.skip(f"README.md has no '<!-- {marker} -->' block yet")
    assert m.group(1) == code


def test_readme_no_wait_example(fake, seqera_env, module_registry):
    seqera_env(fake)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(NO_WAIT, "README.md[seqera-example-no-wait]", "exec"), {})
    first, last = out.getvalue().splitlines()
    wid, url, status = first.split()
    assert wid in fake.runs and url.endswith(f"/watch/{wid}") and status in ("SUBMITTED", "RUNNING")
    assert last == "SUCCEEDED True"
    assert fake.runs[wid].status == "SUCCEEDED"


def test_cli_run_no_wait_then_runs_wait(fake, seqera_env, module_registry):
    from pynf.cli.main import cli

    seqera_env(fake)
    runner = CliRunner()
    res = runner.invoke(cli, ["run", "fastqc", "--input", 'meta={"id": "s9"}', "--input", "reads=sample1.fastq",
                              "--backend", "seqera", "--no-wait", "--json"])
    assert res.exit_code == 0, res.output
    launched = json.loads(res.stdout)
    assert launched["workflowId"] in fake.runs and launched["url"].endswith(launched["workflowId"])
    res = runner.invoke(cli, ["runs", "wait", launched["workflowId"], "--timeout", "240"])
    assert res.exit_code == 0, res.output
    assert f"{launched['workflowId']}  SUCCEEDED" in res.output and "txt: 1 item(s)" in res.output
    assert fake.token not in res.output
