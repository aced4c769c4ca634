"""Rendered wrappers run for real: fixture modules with Debian tools and echo-style fixtures.

Runs go through the local backend (embedded Nextflow); a few also through Nextflow's CLI with the
strict (v2) syntax parser.  Assertions check output *contents* and the manifest's shape.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from pynf.render.bundle import MANIFEST_NAME
from pynf.render.compile import compile_bundle
from pynf.render.inputs import Queue
from pynf.render.options import RunOptions

from ..paths import MODULE_FIXTURES
from ..support import require_engine, require_tools

pytestmark = pytest.mark.engine

REF_LEN = 3000


_need = require_tools


@pytest.fixture(scope="module")
def backend():
    from pynf.backends.local.backend import LocalBackend

    require_engine()
    return LocalBackend()


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> dict:
    """A random reference, 20 error-free 100 bp reads from known positions, and small text files."""
    root = tmp_path_factory.mktemp("data")
    rnd = random.Random(7)
    ref = "".join(rnd.choice("ACGT") for _ in range(REF_LEN))
    (root / "ref.fa").write_text(">chr1\n" + "\n".join(ref[i:i + 60] for i in range(0, REF_LEN, 60)) + "\n")
    starts = sorted(rnd.sample(range(0, REF_LEN - 100), 20))
    reads = [(f"r{i:02d}", ref[s:s + 100]) for i, s in enumerate(starts)]
    with open(root / "reads.fq", "w") as fh:
        for name, seq in reads:
            fh.write(f"@{name}\n{seq}\n+\n{'I' * 100}\n")
    (root / "words.txt").write_text("The cat and the dog.\nThe bird, the cat!\n")
    (root / "names.txt").write_text("Ada\nGrace\n\nKatherine\n")
    (root / "s1.txt").write_text("!\n")
    (root / "s2.txt").write_text("?\n")
    return {"root": root, "ref": ref, "reads": dict(reads), "starts": {n: s for (n, _), s in zip(reads, starts)}}


def run(backend, tmp_path, module, inputs, *, process=None, options=None, name="run"):
    bundle = compile_bundle(MODULE_FIXTURES / module, process=process, inputs=inputs, options=options)
    result = backend.submit(bundle, run_dir=tmp_path / name)
    assert result.status == "SUCCEEDED", result.error
    manifest = json.loads((result.outdir / MANIFEST_NAME).read_text())
    assert manifest["process"] == bundle.process and manifest["pynf"] == 1
    for path in manifest_paths(manifest):  # every tagged path is a published copy inside outdir
        assert Path(path).exists() and Path(path).is_relative_to(result.outdir), path
    return manifest, result


def manifest_paths(manifest) -> list[str]:
    out = []
    for section in ("outputs", "topics"):
        for items in manifest[section].values():
            for item in items:
                for element in item:
                    if element["kind"] in ("path", "file"):
                        v = element["value"]
                        out.extend(v if isinstance(v, list) else [v])
    return out


def values(item):
    return [e["value"] for e in item]


def kinds(item):
    return [e["kind"] for e in item]


def sam_records(path: Path) -> list[list[str]]:
    out = subprocess.run(["samtools", "view", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def test_samtools_view_sort_index_chain(backend, data, tmp_path):
    _need("samtools", "bwa")
    root = data["root"]
    shutil.copy(root / "ref.fa", tmp_path / "ref.fa")
    subprocess.run(["bwa", "index", str(tmp_path / "ref.fa")], capture_output=True, check=True)
    sam = tmp_path / "aln.sam"
    sam.write_text(subprocess.run(["bwa", "mem", str(tmp_path / "ref.fa"), str(root / "reads.fq")],
                                  capture_output=True, text=True, check=True).stdout)
    meta = {"id": "s1", "single_end": True}

    view, _ = run(backend, tmp_path, "samtools_view", {"meta": meta, "input": sam, "1": [{}, []]}, name="view")
    assert view["outputs"]["sam"] == [] and view["outputs"]["cram"] == []
    (item,) = view["outputs"]["bam"]
    assert kinds(item) == ["val", "path"] and values(item)[0] == meta
    bam = Path(values(item)[1])
    assert bam.name == "s1.bam" and bam.parent.name == "results"
    assert sorted(r[0] for r in sam_records(bam)) == sorted(data["reads"])
    (ver,) = view["topics"]["versions"]
    assert values(ver)[:2] == ["SAMTOOLS_VIEW", "samtools"] and kinds(ver) == ["val", "val", "eval"]
    assert subprocess.run(["samtools", "--version"], capture_output=True).stdout.startswith(f"samtools {values(ver)[2]}\n".encode())

    srt, _ = run(backend, tmp_path, "samtools_sort", {"meta": meta, "bam": bam}, name="sort")
    sorted_bam = Path(values(srt["outputs"]["bam"][0])[1])
    records = sam_records(sorted_bam)
    positions = [int(r[3]) for r in records]
    assert positions == sorted(positions)
    assert {r[0]: int(r[3]) - 1 for r in records} == data["starts"]

    idx, _ = run(backend, tmp_path, "samtools_index", {"meta": meta, "input": sorted_bam}, name="index")
    bai = Path(values(idx["outputs"]["bai"][0])[1])
    assert bai.name == "s1.sorted.bam.bai" and bai.stat().st_size > 0
    assert idx["outputs"]["csi"] == [] and idx["outputs"]["crai"] == []


def test_seqtk_seq_and_sample_queue(backend, data, tmp_path):
    _need("seqtk")
    reads = data["root"] / "reads.fq"
    seq, _ = run(backend, tmp_path, "seqtk_seq", {"meta": {"id": "s1"}, "fastx": reads}, name="seq")
    fasta = Path(values(seq["outputs"]["fasta"][0])[1]).read_text().split(">")[1:]
    assert {rec.split("\n", 1)[0]: rec.split("\n", 1)[1].replace("\n", "") for rec in fasta} == data["reads"]

    queue = Queue([{"meta": {"id": "a"}, "reads": reads, "sample_size": 5},
                   [{"id": "b"}, reads, 7]])
    smp, result = run(backend, tmp_path, "seqtk_sample", {"0": queue}, name="sample")
    by_id = {values(i)[0]["id"]: Path(values(i)[1]) for i in smp["outputs"]["reads"]}
    assert sorted(by_id) == ["a", "b"]
    for sample, n in (("a", 5), ("b", 7)):
        lines = by_id[sample].read_text().splitlines()
        assert len(lines) == 4 * n
        assert all(lines[i + 1] == data["reads"][lines[i][1:]] for i in range(0, len(lines), 4))
    assert len(smp["topics"]["versions"]) == 2


def test_bwa_index_then_mem(backend, data, tmp_path):
    _need("bwa", "samtools")
    ref = data["root"] / "ref.fa"
    idx, _ = run(backend, tmp_path, "bwa_index", {"meta": {"id": "ref"}, "fasta": ref}, name="index")
    index_dir = Path(values(idx["outputs"]["index"][0])[1])
    assert index_dir.is_dir() and sorted(p.suffix for p in index_dir.iterdir()) == [".amb", ".ann", ".bwt", ".pac", ".sa"]
    mem, _ = run(backend, tmp_path, "bwa_mem", {
        "meta": {"id": "s1"}, "reads": [data["root"] / "reads.fq"], "meta2": {"id": "ref"}, "index": index_dir,
        "meta3": {}, "fasta": ref, "sort_bam": True}, name="mem", options=RunOptions(cpus=1))
    bam = Path(values(mem["outputs"]["bam"][0])[1])
    records = [r for r in sam_records(bam) if not int(r[1]) & 0x900]
    assert {r[0]: int(r[3]) - 1 for r in records} == data["starts"]
    assert all(r[5] == "100M" for r in records)
    assert sorted(values(v)[1] for v in mem["topics"]["versions"]) == ["bwa", "samtools"]


def test_minimap2_align_paf(backend, data, tmp_path):
    _need("minimap2")
    mm, _ = run(backend, tmp_path, "minimap2_align", {
        "meta": {"id": "s1"}, "reads": data["root"] / "reads.fq", "meta2": {"id": "ref"},
        "reference": data["root"] / "ref.fa", "bam_format": False}, name="mm2")
    assert mm["outputs"]["bam"] == []
    paf = Path(values(mm["outputs"]["paf"][0])[1]).read_text().splitlines()
    rows = [line.split("\t") for line in paf]
    assert {r[5] for r in rows} == {"chr1"} and {r[4] for r in rows} == {"+"}
    # error-free, ungapped reads: target start minus query start is the read's true origin
    assert {r[0]: int(r[7]) - int(r[2]) for r in rows} == data["starts"]


def test_env_eval_and_unicode_meta(backend, tmp_path):
    meta = {"id": "s1", "note": "quotes ' \" ${x} \\ back", "ü": ["é", 1, 2.5, None, True]}
    out, _ = run(backend, tmp_path, "env_io", {"meta": meta, "SAMPLE_NAME": "ada lovelace", "GREETING": "hello"})
    assert out["outputs"]["upper"] == [[{"kind": "val", "value": meta}, {"kind": "env", "value": "ADA LOVELACE"}]]
    assert out["outputs"]["message"] == [[{"kind": "env", "value": "hello, ada lovelace"}]]
    assert out["outputs"]["name_length"] == [[{"kind": "val", "value": meta}, {"kind": "eval", "value": "12"}]]
    assert out["outputs"]["shout"] == [[{"kind": "eval", "value": "HELLO"}]]
    assert out["topics"]["versions"] == out["outputs"]["versions_coreutils"]


def test_stdin_and_stdout_forms(backend, tmp_path):
    out, _ = run(backend, tmp_path, "stdin_stdout", {"stdin": "one\ntwo\n", "prefix": "P"})
    assert out["outputs"]["log"] == [[{"kind": "stdout", "value": "P: one\nP: two\n"}]]
    assert out["outputs"]["tagged"] == [[{"kind": "val", "value": "P"}, {"kind": "stdout", "value": "P: one\nP: two\n"}]]
    assert Path(values(out["outputs"]["lines"][0])[0]).read_text() == "P: one\nP: two\n"
    assert out["topics"] == {}


def test_each_runs_the_cartesian_product_and_unnamed_outputs_use_indexes(backend, data, tmp_path):
    root = data["root"]
    out, _ = run(backend, tmp_path, "echo_each",
                 {"greeting": "Hi", "name": ["Ada", "Grace"], "suffix_file": [root / "s1.txt", root / "s2.txt"]})
    assert sorted(out["outputs"]) == ["0", "1", "3", "greeting"]
    assert sorted(values(i)[0] for i in out["outputs"]["0"]) == ["Hi, Ada!\n", "Hi, Ada?\n", "Hi, Grace!\n", "Hi, Grace?\n"]
    files = {Path(values(i)[1]).name: Path(values(i)[1]).read_text() for i in out["outputs"]["1"]}
    assert files == {"Ada.s1.greeting.txt": "Hi, Ada!\n", "Ada.s2.greeting.txt": "Hi, Ada?\n",
                     "Grace.s1.greeting.txt": "Hi, Grace!\n", "Grace.s2.greeting.txt": "Hi, Grace?\n"}
    assert len(out["topics"]["versions"]) == 4 and out["topics"]["versions"] == out["outputs"]["3"]


def test_optional_arity_stageas_and_custom_topic(backend, data, tmp_path):
    root = data["root"]
    inputs = {"meta": {"id": "s1"}, "reads": [root / "names.txt", root / "words.txt"], "extra": [],
              "notes": root / "s1.txt", "write_log": False}
    out, _ = run(backend, tmp_path, "optional_outputs", inputs)
    assert out["outputs"]["log"] == [] and out["outputs"]["4"] == []
    counts = Path(values(out["outputs"]["counts"][0])[1]).read_text()
    assert counts == "names.txt\t4\nwords.txt\t2\ns1.txt\t1\n"
    (parts,) = out["outputs"]["parts"]
    (summary,) = values(parts)[0]  # arity '1..*': always a list, even for one file
    assert kinds(parts) == ["path"] and Path(summary).read_text() == "extra files: 0\n"
    staged = values(out["outputs"]["3"][0])[1]
    assert sorted(Path(p).name for p in staged) == ["names.txt", "words.txt"]
    assert all(Path(p).parent.name == "input" and Path(p).read_text() == (root / Path(p).name).read_text()
               for p in staged)
    (info,) = out["topics"]["run_info"]
    assert json.loads(Path(values(info)[1]).read_text()) == {"sample": "s1", "extras": 0}

    out, _ = run(backend, tmp_path, "optional_outputs", dict(inputs, write_log=True), name="with-log",
                 options=RunOptions(ext={"args": 'x ${fine} "q" \\back $HOME'}))
    log = Path(values(out["outputs"]["log"][0])[1]).read_text()
    assert log == 'counted s1 x ${fine} "q" \\back $HOME\n'  # ext.args arrives verbatim


def test_template_bin_and_helper_def(backend, data, tmp_path):
    root = data["root"]
    out, _ = run(backend, tmp_path, "template_greet", {"meta": {"id": "s1"}, "names": root / "names.txt"},
                 options=RunOptions(ext={"args": "Howdy"}), name="template")
    assert Path(values(out["outputs"]["greetings"][0])[1]).read_text() == "Howdy, Ada!\nHowdy, Grace!\nHowdy, Katherine!\n"

    out, _ = run(backend, tmp_path, "bin_script", {"meta": {"id": "s1"}, "text": root / "words.txt"},
                 options=RunOptions(ext={"args": "3"}), name="bin")
    assert Path(values(out["outputs"]["freq"][0])[1]).read_text() == "the\t4\ncat\t2\nand\t1\n"
    assert values(out["topics"]["versions"][0]) == ["BIN_SCRIPT", "pynf_wordfreq", "1.0.0"]

    out, _ = run(backend, tmp_path, "helper_def", {"meta": {"id": "s1", "type": "tumor"}, "text": root / "s1.txt",
                                                   "flags": ["fast", "", "x"]}, name="helper")
    labelled = Path(values(out["outputs"]["labelled"][0])[1])
    assert labelled.name == "s1_T.label.txt"
    assert labelled.read_text() == "label: s1_T\nflags: --fast --x\n!\n"


def test_two_process_split_then_join_round_trips(backend, data, tmp_path):
    text = data["root"] / "names.txt"
    out, _ = run(backend, tmp_path, "two_process", {"meta": {"id": "s1"}, "text": text, "lines_per_chunk": 1},
                 process="TWO_SPLIT", name="split")
    chunks = values(out["outputs"]["chunks"][0])[1]
    assert [Path(c).name for c in chunks] == ["chunk_00", "chunk_01", "chunk_02", "chunk_03"]
    out, _ = run(backend, tmp_path, "two_process", {"meta": {"id": "s1"}, "chunks": chunks}, process="TWO_JOIN",
                 name="join")
    assert Path(values(out["outputs"]["joined"][0])[1]).read_text() == text.read_text()


def test_legacy_forms_and_no_stub(backend, data, tmp_path):
    root = data["root"]
    out, _ = run(backend, tmp_path, "legacy_forms", {"sample": "s1", "reads": [root / "s1.txt", root / "s2.txt"],
                                                     "config.txt": root / "words.txt", "GREETING_WORD": "yo"})
    copies = values(out["outputs"]["copies"][0])[1]
    assert sorted(Path(c).name for c in copies) == ["s1.txt.copy", "s2.txt.copy"]
    assert Path(values(out["outputs"]["1"][0])[0]).read_text().startswith("yo s1: The cat and the dog.")

    out, _ = run(backend, tmp_path, "no_stub", {"meta": {"id": "w"}, "words": ["a", "b", "c"]}, name="nostub")
    assert Path(values(out["outputs"]["txt"][0])[1]).read_text() == "a\nb\nc\n"
    assert out["outputs"]["words"] == [[{"kind": "val", "value": {"id": "w"}}, {"kind": "val", "value": ["a", "b", "c"]}]]


@pytest.mark.parametrize("module,inputs", [
    ("env_io", {"meta": {"id": "a"}, "SAMPLE_NAME": "ada", "GREETING": "hi"}),
    ("samtools_sort", None),
])
def test_wrapper_runs_under_strict_parser_with_nextflow_cli(module, inputs, data, tmp_path):
    """Nextflow's own CLI with NXF_SYNTAX_PARSER=v2 runs the wrapper and writes the same manifest shape."""
    from pynf.backends.local.engine import java_cmd_for_cli, nextflow_env

    require_engine()
    if module == "samtools_sort":
        _need("samtools")
        sam = tmp_path / "x.sam"
        sam.write_text("@SQ\tSN:chr1\tLN:100\nq2\t0\tchr1\t50\t60\t4M\t*\t0\t0\tACGT\tIIII\n"
                       "q1\t0\tchr1\t10\t60\t4M\t*\t0\t0\tTTTT\tIIII\n")
        inputs = {"meta": {"id": "s"}, "bam": sam}
    bundle = compile_bundle(MODULE_FIXTURES / module, inputs=inputs, params={"outdir": str(tmp_path / "out")})
    bundle.write(tmp_path / "bundle")
    env = nextflow_env()
    env["NXF_SYNTAX_PARSER"] = "v2"
    proc = subprocess.run(java_cmd_for_cli(tmp_path / "bundle"), cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    manifest = json.loads((tmp_path / "out" / MANIFEST_NAME).read_text())
    if module == "env_io":
        assert manifest["outputs"]["upper"] == [[{"kind": "val", "value": {"id": "a"}}, {"kind": "env", "value": "ADA"}]]
    else:
        bam = Path(values(manifest["outputs"]["bam"][0])[1])
        assert [r[0] for r in sam_records(bam)] == ["q1", "q2"]


@pytest.mark.reports  # the manifest lists the run's reports
def test_process_without_inputs_or_outputs_and_exec_section(backend, tmp_path):
    src = tmp_path / "mod"
    src.mkdir()
    (src / "main.nf").write_text(
        "process NO_INPUTS {\n    output:\n    val 'forty-two', emit: answer\n    path 'a.txt'\n\n    script:\n"
        "    \"\"\"\n    echo hi > a.txt\n    \"\"\"\n}\n\n"
        "process NO_OUTPUTS {\n    input:\n    val x\n\n    exec:\n    println \"got ${x}\"\n}\n")
    bundle = compile_bundle(src, process="NO_INPUTS")
    result = backend.submit(bundle, run_dir=tmp_path / "a")
    manifest = json.loads((result.outdir / MANIFEST_NAME).read_text())
    assert manifest["outputs"]["answer"] == [[{"kind": "val", "value": "forty-two"}]]
    assert Path(manifest["outputs"]["1"][0][0]["value"]).read_text() == "hi\n"

    bundle = compile_bundle(src, process="NO_OUTPUTS", inputs={"x": "y"})
    result = backend.submit(bundle, run_dir=tmp_path / "b")
    manifest = json.loads((result.outdir / MANIFEST_NAME).read_text())
    assert {k: manifest[k] for k in ("pynf", "process", "outputs", "topics", "reports")} == \
        {"pynf": 1, "process": "NO_OUTPUTS", "outputs": {}, "topics": {}, "reports": result.reports.as_dict()}
    assert manifest["layout"]["by"] == "outdir" and manifest["run"]["success"] is True


def test_random_meta_values_round_trip_through_nextflow(backend, tmp_path_factory):
    """Hypothesis-made meta maps (quotes, ${}, backslashes, newlines, unicode) come back exactly."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from ..builders import JSONISH, TEXT

    @given(metas=st.lists(st.dictionaries(TEXT, JSONISH, max_size=4), min_size=3, max_size=3))
    @settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
    def check(metas):
        metas = [dict(m, id=f"s{i}") for i, m in enumerate(metas)]
        bundle = compile_bundle(MODULE_FIXTURES / "no_stub",
                                inputs={"0": Queue([[m, ["w"]] for m in metas])})
        result = backend.submit(bundle, run_dir=tmp_path_factory.mktemp("meta"))
        manifest = json.loads((result.outdir / MANIFEST_NAME).read_text())
        got = sorted((values(i)[0] for i in manifest["outputs"]["words"]), key=lambda m: m["id"])
        assert got == metas

    check()


def test_run_options_reach_the_task(backend, tmp_path):
    """ext values arrive verbatim; cpus/memory/time apply; resourceLimits clamp them; extra config applies."""
    src = tmp_path / "mod"
    src.mkdir()
    (src / "main.nf").write_text(
        "process SHOW {\n    input:\n    val x\n\n    output:\n    stdout emit: out\n"
        "    val \"${task.ext.args}|${task.ext.prefix}|${task.cpus}|${task.memory}|${task.time}\", emit: seen\n"
        "    eval('printf %s \"$PYNF_EXTRA\"'), emit: extra\n\n"
        "    script:\n    \"\"\"\n    printf '%s' ${x}\n    \"\"\"\n}\n")
    args = "a'b \"c\" ${d} \\e\n\u00e9\U0001F600"
    options = RunOptions(ext={"args": args, "prefix": "p$"}, cpus=4, memory="3 GB", time="2h",
                         resource_limits={"cpus": 1, "memory": "1 GB"},
                         extra_config="env.PYNF_EXTRA = 'from extra config'")
    bundle = compile_bundle(src, inputs={"x": 7}, options=options)
    result = backend.submit(bundle, run_dir=tmp_path / "r")
    manifest = json.loads((result.outdir / MANIFEST_NAME).read_text())
    assert manifest["outputs"]["out"] == [[{"kind": "stdout", "value": "7"}]]
    assert manifest["outputs"]["seen"] == [[{"kind": "val", "value": f"{args}|p$|1|1 GB|2h"}]]
    assert manifest["outputs"]["extra"] == [[{"kind": "eval", "value": "from extra config"}]]


def test_queue_outputs_come_in_input_order_whichever_task_ends_first(backend, tmp_path):
    """The first item's task ends last; its outputs still come first (the config sets `fair`)."""
    src = tmp_path / "mod"
    src.mkdir()
    (src / "main.nf").write_text(
        "process NAP {\n    input:\n    tuple val(id), val(seconds)\n\n    output:\n    tuple val(id), path('*.txt'), emit: txt\n\n"
        "    script:\n    \"\"\"\n    sleep ${seconds}\n    echo ${id} > ${id}.txt\n    \"\"\"\n}\n")
    items = [["slow", 4], ["quick", 0], ["quicker", 0]]
    options = RunOptions(extra_config="executor.queueSize = 3\nexecutor.cpus = 3")  # all three at once
    result = backend.submit(compile_bundle(src, inputs=[Queue(items)], options=options), run_dir=tmp_path / "r")
    ends = {t.tag or t.name: t for t in result.tasks}
    assert len(ends) == 3 and [t.name for t in result.tasks][-1] == "NAP (1)"  # the slow one ended last
    assert [id_ for id_, _ in result.outputs["txt"]] == ["slow", "quick", "quicker"]
