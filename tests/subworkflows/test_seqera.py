"""Issue 24 item 4: a subworkflow through the fake Seqera Platform: one launch, and the wrapper commit
carries every file the subworkflow includes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pynf.backends.seqera.backend import SeqeraBackend
from pynf.render.compile import compile_bundle
from pynf.seqera import SeqeraConfig

from ..paths import FIXTURES
from ..seqera.fake_platform.fixtures import fake, needs_engine, seqera_env, wrapper_remote  # noqa: F401
from ..support import require_tools

pytestmark = pytest.mark.engine


def test_subworkflow_runs_on_the_fake_platform_with_every_included_file(fake, seqera_env, wrapper_remote, tmp_path):
    needs_engine()
    require_tools("seqtk")
    reads = tmp_path / "a.fq"
    reads.write_text("".join(f"@r{i}\nACGTACGTAC\n+\nIIIIIIIIII\n" for i in range(5)))
    bundle = compile_bundle(FIXTURES / "subworkflows" / "fastq_sample_fasta",
                            inputs={"ch_reads": [{"id": "a"}, str(reads), 3]})
    config = SeqeraConfig(workspace_id="acme/genomics", access_token=fake.token, api_endpoint=fake.url,
                          wrapper_repo=wrapper_remote, poll_interval=0.3, max_poll_interval=1.0)
    result = SeqeraBackend(config).submit(bundle, timeout=300)
    assert result.status == "SUCCEEDED" and fake.launch_posts == 1
    (meta, fasta), = result.outputs["fasta"]
    assert meta == {"id": "a"} and Path(fasta).read_text().count(">") == 3
    launch = next(iter(fake.runs.values())).launch
    files = subprocess.run(["git", "ls-tree", "-r", "--name-only", launch["revision"]],
                           cwd=Path(wrapper_remote.removeprefix("file://")), capture_output=True, text=True,
                           check=True).stdout.split()
    for rel, _ in bundle.sidecars:
        assert any(f.endswith(rel) for f in files), rel
    assert any(f.endswith("subworkflows/fastq_sample_fasta/main.nf") for f in files)
    assert any(f.endswith("modules/seqtk_sample/main.nf") for f in files)
