"""Remote runs with local data (issue 15): input paths are classified before launch, local files are
staged (content-addressed, once) to object storage -- a real S3 API on loopback (moto + s3fs) -- and
published outputs are downloaded back. The fake platform's AWS-Batch-like compute environment has an
``s3://`` work dir; its runner moves files in and out of S3 around the local Nextflow run (see
fake_platform/cloud.py), since the nf-amazon plugin cannot be fetched offline."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from pynf import Queue, load
from pynf.backends.seqera.backend import SeqeraBackend
from pynf.backends.seqera.config import SeqeraConfig
from pynf.backends.staging.stage import Stager, classify, input_paths, stage_bundle
from pynf.errors import InputError, MissingExtraError, StagingError
from pynf.render.compile import compile_bundle

from .fake_platform.fixtures import fake, held_fake, needs_engine, seqera_env, wrapper_remote  # noqa: F401
from .s3server import BUCKET, s3  # noqa: F401
from .test_seqera_readme import module_registry  # noqa: F401
from ..paths import REPO

CATUP = '''\
process CATUP {
    tag "${meta.id}"

    input:
    tuple val(meta), path(reads)

    output:
    tuple val(meta), path("${meta.id}.upper.txt"), emit: upper
    path "${meta.id}.count.txt", emit: count

    script:
    """
    cat ${reads} | tr a-z A-Z > ${meta.id}.upper.txt
    cat ${reads} | wc -l | tr -d ' ' > ${meta.id}.count.txt
    """
}
'''

#: Must stay identical to the block after "<!-- seqera-staging-example" in README.md.
EXAMPLE = '''\
from pathlib import Path

import pynf
from pynf.types import SeqeraConfig

# reads/s1.fastq is on this machine; the compute environment "aws-batch" has an s3:// work dir
result = pynf.run("fastqc", meta={"id": "s1"}, reads="reads/s1.fastq",
                  backend="seqera", seqera=SeqeraConfig(compute_env_id="aws-batch"))
print(result.status, result.outdir.startswith("s3://"))
local = result.download("results")              # same shape as result.outputs, local paths
for meta, report in local["txt"]:
    print(meta["id"], report.relative_to(Path("results").absolute()), report.read_text().strip())
'''

STAGED = re.compile(rf"s3://{BUCKET}/work/pynf-inputs/([0-9a-f]{{64}})/([^/]+)")


@pytest.fixture
def data(tmp_path) -> dict[str, Path]:
    d = tmp_path / "laptop"
    d.mkdir()
    files = {"a": "alpha\nbeta\n", "b": "gamma\n", "c": "delta\nepsilon\nzeta\n"}
    out = {}
    for name, text in files.items():
        (d / f"{name}.txt").write_text(text)
        out[name] = d / f"{name}.txt"
    (tmp_path / "catup").mkdir()
    (tmp_path / "catup" / "main.nf").write_text(CATUP)
    out["module"] = tmp_path / "catup" / "main.nf"
    return out


def _bundle(data):
    return compile_bundle(data["module"], module_id="test/catup", inputs={"0": Queue([
        {"meta": {"id": "s1"}, "reads": [data["a"], data["b"]]},
        {"meta": {"id": "s2"}, "reads": str(data["c"])},
    ])})


def _aws_ce(fake) -> None:
    """An AWS-Batch-like compute environment whose work dir is in the S3 bucket."""
    fake.compute_envs[101].append({"id": "7aAwsBatchCe", "name": "aws-batch", "platform": "aws-batch",
                                   "status": "AVAILABLE", "primary": False, "workDir": f"s3://{BUCKET}/work"})


def _wrapper_refs(wrapper_remote: str) -> str:
    return subprocess.run(["git", "ls-remote", wrapper_remote], capture_output=True, text=True, check=True).stdout


# -- classification ------------------------------------------------------------------------------------


def test_classify_uris_shared_and_local_paths(tmp_path):
    shared = [str(tmp_path / "shared")]
    for uri in ("s3://b/k.fq", "gs://b/k.fq", "az://c/k.fq", "https://example.org/k.fq"):
        assert classify(uri, shared) == "uri"
    assert classify(str(tmp_path / "shared" / "x.fq"), shared) == "shared"
    assert classify(str(tmp_path / "shared"), shared) == "shared"
    assert classify(str(tmp_path / "shared-not" / "x.fq"), shared) == "local"
    assert classify("file://" + str(tmp_path / "x.fq"), shared) == "local"


def test_bundle_input_paths_follow_the_modules_path_elements(data):
    bundle = compile_bundle(data["module"], inputs={"meta": {"id": "s3://not-a-path"},
                                                    "reads": [data["a"], "s3://b/remote.fq"]})
    assert dict(bundle.input_kinds) == {"0": ("val", "path")}
    found = [(p.value, p.kind) for p in input_paths(bundle)]
    assert found == [(str(data["a"]), "local"), ("s3://b/remote.fq", "uri")]  # the val is not a path


# -- staging to S3 (moto on loopback) --------------------------------------------------------------------


def test_stage_uploads_once_and_rewrites_params(s3, data):
    bundle = _bundle(data)
    staged, report = stage_bundle(bundle, staging_dir=None, work_dir=f"s3://{BUCKET}/work")
    assert len(s3.puts(f"{BUCKET}/work/pynf-inputs/")) == 3 and len(report.uploaded) == 3
    params = staged.params()
    (first_meta, first_reads), (second_meta, second_reads) = params["pynf_inputs"][0]["items"]
    assert first_meta == {"id": "s1"} and second_meta == {"id": "s2"}
    for local, uri in zip([data["a"], data["b"], data["c"]], [*first_reads, second_reads]):
        m = STAGED.fullmatch(uri)
        assert m and m.group(1) == hashlib.sha256(local.read_bytes()).hexdigest() and m.group(2) == local.name
        assert s3.fs().cat_file(uri[len("s3://"):]) == local.read_bytes()
    assert str(data["a"].parent) not in staged.params_text
    assert staged.main_nf == bundle.main_nf and staged.content_hash == bundle.content_hash

    again, report2 = stage_bundle(bundle, staging_dir=None, work_dir=f"s3://{BUCKET}/work")
    assert again.params_text == staged.params_text
    assert report2.uploaded == [] and len(s3.puts(f"{BUCKET}/work/pynf-inputs/")) == 3

    data["b"].write_text("gamma, changed\n")  # new content -> new address, only that file goes up
    _, report3 = stage_bundle(bundle, staging_dir=None, work_dir=f"s3://{BUCKET}/work")
    assert report3.uploaded == [str(data["b"])] and len(s3.puts(f"{BUCKET}/work/pynf-inputs/")) == 4


def test_directories_are_staged_as_trees(s3, tmp_path):
    ref = tmp_path / "genome_index"
    (ref / "sub").mkdir(parents=True)
    (ref / "idx.1").write_text("one")
    (ref / "sub" / "idx.2").write_text("two")
    stager = Stager(f"s3://{BUCKET}/stage", workers=2)
    report = stager.stage([str(ref)])
    uri = report.staged[str(ref)]
    assert re.fullmatch(rf"s3://{BUCKET}/stage/pynf-inputs/[0-9a-f]{{64}}/genome_index", uri)
    fs = s3.fs()
    assert fs.cat_file(uri[5:] + "/sub/idx.2") == b"two" and fs.cat_file(uri[5:] + "/idx.1") == b"one"
    assert len(report.uploaded) == 2
    assert Stager(f"s3://{BUCKET}/stage").stage([str(ref)]).uploaded == []


def test_large_upload_with_progress_bar(s3, tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(range(256)) * (24 * 1024 * 4))  # 24 MiB: s3fs sends it in several parts
    stager = Stager(f"s3://{BUCKET}/stage", progress=True)
    report = stager.stage([str(big)])
    assert report.bytes_uploaded == big.stat().st_size == stager.transferred
    assert s3.fs().size(report.staged[str(big)][5:]) == big.stat().st_size


def test_upload_failure_is_a_staging_error(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    pytest.importorskip("s3fs").S3FileSystem.clear_instance_cache()
    f = tmp_path / "x.txt"
    f.write_text("x")
    with pytest.raises(StagingError, match="staging location s3://nowhere"):
        Stager("s3://nowhere/stage").stage([str(f)])


def test_missing_backend_names_the_extra(tmp_path):
    pytest.importorskip("fsspec")
    try:
        import gcsfs  # noqa: F401
        pytest.skip("gcsfs is installed here")
    except ImportError:
        pass
    f = tmp_path / "x.txt"
    f.write_text("x")
    with pytest.raises(MissingExtraError, match=r"pip install 'pynf\[gcs\]'"):
        Stager("gs://bucket/stage").stage([str(f)])


def test_shared_staging_dir_copies_files_there(tmp_path, data):
    shared = tmp_path / "cluster-scratch"
    staged, report = stage_bundle(_bundle(data), staging_dir=None, work_dir=str(shared / "work"),
                                  shared_paths=[str(shared)])
    uris = [u for u in report.staged.values()]
    assert all(u.startswith(str(shared / "work" / "pynf-inputs")) for u in uris)
    assert Path(report.staged[str(data["c"])]).read_text() == data["c"].read_text()


# -- refusing to send local paths ----------------------------------------------------------------------


def test_local_input_without_staging_location_fails_before_launch(held_fake, seqera_env, wrapper_remote, data):
    seqera_env(held_fake, shared=False)  # the fake's primary compute env: a local work dir, nothing shared
    with pytest.raises(StagingError) as err:
        SeqeraBackend(SeqeraConfig(compute_env_id="primary")).submit(_bundle(data), wait=False)
    text = str(err.value)
    for name in ("a", "b", "c"):
        assert str(data[name]) in text
    assert "s3://" in text and "staging_dir" in text and "PYNF_SEQERA_STAGING_DIR" in text
    assert "--staging-dir" in text and "local-primary" in text
    assert held_fake.launch_posts == 0 and not held_fake.runs
    assert not [r for r in held_fake.requests if r["path"] == "/workflow/launch"]
    assert _wrapper_refs(wrapper_remote) == ""


def test_stage_inputs_false_refuses_local_files(held_fake, seqera_env, wrapper_remote, data, s3):
    seqera_env(held_fake, shared=False)
    _aws_ce(held_fake)
    with pytest.raises(StagingError, match="stage_inputs=False"):
        SeqeraBackend(SeqeraConfig(compute_env_id="aws-batch", stage_inputs=False)).submit(_bundle(data), wait=False)
    assert held_fake.launch_posts == 0 and _wrapper_refs(wrapper_remote) == "" and not s3.puts(BUCKET + "/")


def test_uris_pass_through_untouched(held_fake, seqera_env, wrapper_remote, data):
    seqera_env(held_fake, shared=False)
    bundle = compile_bundle(data["module"], inputs={"meta": {"id": "r"},
                                                    "reads": ["s3://elsewhere/r1.fq", "https://example.org/r2.fq"]})
    run = SeqeraBackend().submit(bundle, wait=False)
    sent = json.loads(held_fake.runs[run.workflow_id].launch["paramsText"])
    assert sent["pynf_inputs"][0]["items"] == [[{"id": "r"}, ["s3://elsewhere/r1.fq", "https://example.org/r2.fq"]]]


def test_a_staged_launch_serializes_its_params_once(held_fake, seqera_env, wrapper_remote, data, s3, monkeypatch):
    """Params stay data through rendering, staging and the launch's outdir/stamp; paramsText is made once."""
    from collections.abc import Mapping

    seqera_env(held_fake, shared=False)
    _aws_ce(held_fake)
    made: list[str] = []
    real = json.dumps

    def counting(obj, *args, **kwargs):
        text = real(obj, *args, **kwargs)
        if isinstance(obj, Mapping) and "pynf_inputs" in obj:  # a params object
            made.append(text + "\n")
        return text

    monkeypatch.setattr(json, "dumps", counting)
    run = SeqeraBackend(SeqeraConfig(compute_env_id="aws-batch")).submit(_bundle(data), wait=False)
    sent = held_fake.runs[run.workflow_id].launch["paramsText"]
    assert made == [sent]
    assert str(data["a"].parent) not in sent and len(s3.puts(f"{BUCKET}/work/pynf-inputs/")) == 3


def test_settings_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("PYNF_SEQERA_STAGING_DIR", "s3://b/stage")
    monkeypatch.setenv("PYNF_SEQERA_SHARED_PATHS", "/scratch:/data/shared")
    cfg = SeqeraConfig().resolved()
    assert cfg.staging_dir == "s3://b/stage" and cfg.shared_paths == ("/scratch", "/data/shared")
    assert SeqeraConfig(staging_dir="gs://x", shared_paths="/only").resolved().shared_paths == ("/only",)


# -- end to end through the fake platform -----------------------------------------------------------------


@pytest.mark.engine
@pytest.mark.reports
def test_remote_run_with_local_data_end_to_end(fake, seqera_env, wrapper_remote, data, s3, tmp_path):
    """Local inputs are uploaded once, the launch carries s3:// URIs, outputs download with their contents."""
    needs_engine()
    seqera_env(fake, shared=False)
    _aws_ce(fake)
    backend = SeqeraBackend(SeqeraConfig(compute_env_id="aws-batch"))
    result = backend.submit(_bundle(data), timeout=300)
    assert result.status == "SUCCEEDED"
    assert len(s3.puts(f"{BUCKET}/work/pynf-inputs/")) == 3
    run = fake.runs[result.workflow_id]
    sent = json.loads(run.launch["paramsText"])
    values = [v for item in sent["pynf_inputs"][0]["items"] for v in (item[1] if isinstance(item[1], list)
                                                                       else [item[1]])]
    assert len(values) == 3 and all(STAGED.fullmatch(v) for v in values)
    assert str(data["a"].parent) not in run.launch["paramsText"]
    assert result.outdir.startswith(f"s3://{BUCKET}/work/pynf-out/")
    remote = {m["id"]: p for m, p in result.outputs["upper"]}  # items come in task completion order
    assert set(remote) == {"s1", "s2"}
    assert all(isinstance(p, str) and p.startswith(result.outdir + "/") for p in remote.values())

    got = result.download(tmp_path / "downloaded")
    assert set(got) == {"upper", "count"}
    by_id = {m["id"]: p for m, p in got["upper"]}
    # a queue run publishes each item under its meta.id; download keeps that layout under dest
    assert by_id["s1"].name == "s1.upper.txt" and by_id["s1"].is_relative_to(tmp_path / "downloaded")
    assert by_id["s1"].parent == tmp_path / "downloaded" / "s1"
    loaded = load(tmp_path / "downloaded")  # the result again, from the downloaded outdir alone
    assert loaded.outputs == got and loaded.run_name == result.report["runName"]
    assert by_id["s1"].read_text() == "ALPHA\nBETA\nGAMMA\n" and by_id["s2"].read_text() == "DELTA\nEPSILON\nZETA\n"
    assert sorted(p.read_text().strip() for p in got["count"]) == ["3", "3"]
    # the wrapper's execution report, timeline, trace and DAG: URIs under the outdir, downloaded with the outputs
    assert result.report_path.startswith(result.outdir + "/pipeline_info/execution_report_")
    # (the fake platform points Nextflow's trace file at its own task list, so the trace is not among them)
    for kind in ("report", "timeline", "dag"):
        local_copy = tmp_path / "downloaded" / "pipeline_info" / getattr(result.reports, kind).rsplit("/", 1)[-1]
        assert local_copy.is_file() and local_copy.stat().st_size > 1000, kind
    assert result.url in result._repr_html_()
    only = result.download(tmp_path / "only-count", channels="count")
    assert set(only) == {"count"} and not list((tmp_path / "only-count").rglob("*.upper.txt"))
    with pytest.raises(InputError, match="no output channel 'nope'"):
        result.download(tmp_path / "x", channels=["nope"])

    second = backend.submit(_bundle(data), timeout=300)
    assert second.status == "SUCCEEDED" and second.workflow_id != result.workflow_id
    assert len(s3.puts(f"{BUCKET}/work/pynf-inputs/")) == 3  # nothing uploaded again
    assert json.loads(fake.runs[second.workflow_id].launch["paramsText"])["pynf_inputs"] == sent["pynf_inputs"]

    from pynf.cli.main import cli

    res = CliRunner().invoke(cli, ["runs", "download", second.workflow_id, str(tmp_path / "cli"), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert sorted(Path(p).read_text() for _, p in out["upper"]) == ["ALPHA\nBETA\nGAMMA\n", "DELTA\nEPSILON\nZETA\n"]


@pytest.mark.engine
def test_cli_staging_dir_flag(fake, seqera_env, wrapper_remote, data, s3, tmp_path):
    """`--staging-dir` stages into the given bucket even when the compute env's work dir is not a URI."""
    needs_engine()
    from pynf.cli.main import cli

    seqera_env(fake, shared=False)
    res = CliRunner().invoke(cli, ["run", str(data["module"]), "--input", 'meta={"id": "c1"}',
                                   "--input", f"reads={data['c']}", "--backend", "seqera",
                                   "--staging-dir", f"s3://{BUCKET}/stage", "--json"])
    assert res.exit_code == 0, res.output
    run, = fake.runs.values()
    sent = json.loads(run.launch["paramsText"])
    uri = sent["pynf_inputs"][0]["items"][0][1]
    digest = hashlib.sha256(data["c"].read_bytes()).hexdigest()
    assert uri == f"s3://{BUCKET}/stage/pynf-inputs/{digest}/c.txt"
    assert s3.puts(f"{BUCKET}/stage/pynf-inputs/") == [f"/{BUCKET}/stage/pynf-inputs/{digest}/c.txt"]
    (meta, upper), = json.loads(res.stdout)["outputs"]["upper"]
    assert meta == {"id": "c1"} and Path(upper).read_text() == "DELTA\nEPSILON\nZETA\n"


def test_readme_block_matches_the_tested_example():
    text = (REPO / "README.md").read_text()
    m = re.search(r"<!-- seqera-staging-example[ :].*?-->\s*```python\n(.*?)```", text, re.S)
    assert m is not None and m.group(1) == EXAMPLE


@pytest.mark.engine
def test_readme_staging_example(fake, seqera_env, module_registry, s3):  # noqa: F811
    """The README's worked example: a file on this machine, a compute env with an s3:// work dir."""
    import contextlib
    import io

    seqera_env(fake, shared=False)
    _aws_ce(fake)
    Path("reads").mkdir()
    Path("reads/s1.fastq").write_text("@r1\nACGT\n+\nIIII\n@r2\nGGCC\n+\nIIII\n")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(EXAMPLE, "README.md[seqera-staging-example]", "exec"), {})
    assert out.getvalue().splitlines() == ["SUCCEEDED True", "s1 s1_fastqc.txt reads: 2"]
    run, = fake.runs.values()
    (meta, reads), = json.loads(run.launch["paramsText"])["pynf_inputs"][0]["items"]
    assert STAGED.fullmatch(reads) and reads.endswith("/s1.fastq")
    assert Path("results/s1_fastqc.txt").read_text().strip() == "reads: 2"
