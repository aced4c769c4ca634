"""Workflow compile: wiring rules, errors before anything runs, aliasing, data-not-code, snapshots."""

from __future__ import annotations

import json

import pytest

import pynf
from pynf.errors import InputError, WiringError
from pynf.render.options import OptionsError

from ..paths import MODULE_FIXTURES

M = {name: str(MODULE_FIXTURES / name) for name in ("bwa_index", "bwa_mem", "samtools_index", "samtools_sort",
                                                     "seqtk_seq", "seqtk_sample", "echo_each", "samtools_view")}
REF = {"id": "ref"}


def samples(n: int = 3) -> pynf.Queue:
    return pynf.Queue([[{"id": f"s{i}"}, f"/data/s{i}.fq"] for i in range(1, n + 1)])


def chain() -> pynf.Workflow:
    """bwa index (once) -> bwa mem (per sample) -> samtools index; sort twice (alias); seqtk with a constant."""
    wf = pynf.Workflow("chain")
    index = wf.add(M["bwa_index"], meta=REF, fasta="/data/ref.fa", name="index")
    align = wf.add(M["bwa_mem"], {"0": samples(), "2": [REF, "/data/ref.fa"]}, index=index.out.index,
                   sort_bam=True, name="align")
    wf.add(M["samtools_index"], input=align.out.bam, name="bai")
    first = wf.add(M["samtools_sort"], bam=align.out.bam, name="sort")
    wf.add(M["samtools_sort"], bam=first.out["bam"], name="resort")
    seq = wf.add(M["seqtk_seq"], {"0": samples()}, name="seq")
    wf.add(M["seqtk_sample"], reads=seq.out.fasta, sample_size=2, name="subsample")
    return wf


def test_workflow_bundle_snapshot(snapshot):
    bundle = chain().compile({"outdir": "/results"}, check_files=False)
    assert bundle.main_nf == snapshot(name="main.nf")
    assert bundle.config_text == snapshot(name="nextflow.config")
    assert bundle.params_text == snapshot(name="params.json")
    assert bundle.module_id == "chain"


def test_compile_is_deterministic():
    assert chain().compile(check_files=False) == chain().compile(check_files=False)


def test_wiring_rules_in_the_script():
    text = chain().compile(check_files=False).main_nf
    # a module used twice: its code once (in its own folder), the second use is the same process under an alias
    assert "include { SAMTOOLS_SORT; SAMTOOLS_SORT_RESORT } from './modules/samtools_sort/main.nf'" \
        in text and "process SAMTOOLS_SORT {" not in text
    assert "SAMTOOLS_SORT_RESORT(ch_resort_0)" in text
    # whole upstream channel of the same shape: passed as is
    assert "def ch_bai_0 = BWA_MEM.out[0]\n" in text and "def ch_resort_0 = SAMTOOLS_SORT.out[0]\n" in text
    # the index built once is the value channel the per-sample step reuses
    assert "def ch_align_1 = BWA_INDEX.out[0]\n" in text
    # a tuple assembled from an upstream element and a constant (from params, not source)
    assert "def ch_subsample_0 = pynf_rows_subsample.map { r -> [r[0], r[1], pynf_const_subsample_0_2] }" in text
    assert "pynfInput(pynf_entries, 'subsample/0/2', ['val'], false, ['subsample/0/2'])" in text


def test_tuple_assembled_from_two_steps_is_joined_on_meta():
    wf = pynf.Workflow("joined")
    align = wf.add(M["bwa_mem"], {"0": samples(), "1": [REF, "/data/bwa"], "2": [REF, "/data/ref.fa"]},
                   sort_bam=True, name="align")
    seq = wf.add(M["seqtk_seq"], {"0": samples()}, name="seq")
    wf.add(M["samtools_view"], {"0": align.out.bam, "1": seq.out.fasta}, name="view")
    text = wf.compile(check_files=False).main_nf
    assert "def pynf_rows_view = BWA_MEM.out[0].join(SEQTK_SEQ.out[0])" in text
    assert "def ch_view_0 = pynf_rows_view.map { r -> [r[0], r[1]] }" in text
    assert "def ch_view_1 = pynf_rows_view.map { r -> [r[0], r[2]] }" in text


def test_user_values_stay_data():
    nasty = "x' + System.exit(1) + '${params.outdir}\"\n"
    wf = pynf.Workflow("data")
    wf.add(M["seqtk_seq"], {"0": pynf.Queue([[{"id": nasty}, "/data/a.fq"]])}, name="seq")
    bundle = wf.compile(check_files=False)
    assert "System.exit" not in bundle.main_nf and "System.exit" not in bundle.config_text
    entries = json.loads(bundle.params_text)["pynf_inputs"]
    assert entries == [{"name": "seq/0", "mode": "queue", "items": [[{"id": nasty}, "/data/a.fq"]]}]


def test_unknown_emit_names_the_step_and_its_outputs():
    wf = pynf.Workflow("w")
    align = wf.add(M["bwa_mem"], {"0": samples(), "1": [REF, "/x"], "2": [REF, "/y"]}, sort_bam=True,
                   name="align")
    with pytest.raises(WiringError, match=r"step 'align' \(BWA_MEM\) has no output 'bai'; its outputs are: bam, "
                                          r"cram"):
        align.out.bai
    with pytest.raises(WiringError, match="has no output 'nope'"):
        align.out["nope"]


def test_shape_mismatch_names_both_steps():
    wf = pynf.Workflow("w")
    align = wf.add(M["bwa_mem"], {"0": samples(), "1": [REF, "/x"], "2": [REF, "/y"]}, sort_bam=True,
                   name="align")
    wf.add(M["samtools_index"], {"0": align.out.versions_bwa}, name="bai")
    with pytest.raises(WiringError) as err:
        wf.compile(check_files=False)
    assert "shape mismatch" in str(err.value)
    assert "step 'align' output 'versions_bwa'" in str(err.value) and "step 'bai' input '0'" in str(err.value)
    assert (err.value.step, err.value.upstream) == ("bai", "align")


def test_kind_mismatch_val_into_path():
    wf = pynf.Workflow("w")
    align = wf.add(M["bwa_mem"], {"0": samples(), "1": [REF, "/x"], "2": [REF, "/y"]}, sort_bam=True,
                   name="align")
    wf.add(M["samtools_index"], input=align.out.versions_bwa[1], name="bai")
    with pytest.raises(WiringError, match=r"kind mismatch.*step 'align' output 'versions_bwa'.*step 'bai'"):
        wf.compile(check_files=False)


def test_cycle_is_an_error_naming_the_steps():
    wf = pynf.Workflow("w")
    a = wf.add(M["samtools_sort"], {"0": samples()}, name="a")
    b = wf.add(M["samtools_sort"], bam=a.out.bam, name="b")
    a.set_inputs(bam=b.out.bam)
    with pytest.raises(WiringError, match=r"cycle: a -> b -> a"):
        wf.compile(check_files=False)


def test_each_input_cannot_take_a_channel():
    wf = pynf.Workflow("w")
    seq = wf.add(M["seqtk_seq"], {"0": samples()}, name="seq")
    wf.add(M["echo_each"], {"greeting": "hi", "name": seq.out.fasta, "suffix_file": ["/x"]}, name="greet")
    with pytest.raises(WiringError, match=r"`each` input.*step 'seq' output 'fasta'"):
        wf.compile(check_files=False)


def test_per_item_outputs_without_meta_cannot_be_paired():
    wf2 = pynf.Workflow("w2")
    seq = wf2.add(M["seqtk_seq"], {"0": samples()}, name="seq")
    greet = wf2.add(M["echo_each"], {"greeting": "hi", "name": ["a", "b"], "suffix_file": ["/x"]})
    wf2.add(M["seqtk_sample"], reads=seq.out.fasta, sample_size=greet.out["0"], name="sub")
    with pytest.raises(WiringError, match=r"step 'sub' takes per-item outputs of steps 'echo_each' and 'seq'.*no meta element"):
        wf2.compile(check_files=False)


def test_queue_mixed_with_per_item_outputs_is_an_error():
    wf = pynf.Workflow("w")
    seq = wf.add(M["seqtk_seq"], {"0": samples()}, name="seq")
    wf.add(M["samtools_view"], {"0": samples(), "1": seq.out.fasta}, name="view")
    with pytest.raises(WiringError, match=r"step 'view' takes a queue.*per-item outputs of step 'seq'"):
        wf.compile(check_files=False)


def test_missing_input_and_bad_names():
    wf = pynf.Workflow("w")
    wf.add(M["bwa_mem"], {"0": samples()}, sort_bam=True, name="align")
    with pytest.raises(InputError, match=r"step 'align'.*missing input '1'"):
        wf.compile(check_files=False)
    with pytest.raises(WiringError, match="already has a step named 'align'"):
        wf.add(M["seqtk_seq"], {"0": samples()}, name="align")
    with pytest.raises(WiringError, match="must start with a letter"):
        wf.add(M["seqtk_seq"], {"0": samples()}, name="bad name")
    with pytest.raises(WiringError, match="has no steps"):
        pynf.Workflow("empty").compile()


def test_refs_from_another_workflow_are_refused():
    one, two = pynf.Workflow("one"), pynf.Workflow("two")
    seq = one.add(M["seqtk_seq"], {"0": samples()}, name="seq")
    with pytest.raises(WiringError, match="from another workflow"):
        two.add(M["seqtk_sample"], reads=seq.out.fasta, sample_size=2)


def test_steps_must_agree_on_the_container_engine():
    wf = pynf.Workflow("w")
    wf.add(M["seqtk_seq"], {"0": samples()}, name="a", options=pynf.RunOptions(container="docker"))
    wf.add(M["seqtk_seq"], {"0": samples()}, name="b")
    with pytest.raises(OptionsError, match=r"agree on container.*step 'a': 'docker'.*step 'b': 'none'"):
        wf.compile(check_files=False)


def test_step_options_become_per_process_config():
    wf = pynf.Workflow("w", options=pynf.RunOptions(container="docker"))
    wf.add(M["seqtk_seq"], {"0": samples()}, name="a", options=pynf.RunOptions(ext={"args": "-q 20"}, cpus=2,
                                                                                 container="docker"))
    wf.add(M["seqtk_seq"], {"0": samples()}, name="b")
    bundle = wf.compile(check_files=False)
    config = bundle.config_text
    assert "withName: 'SEQTK_SEQ' {\n        fair = true" in config and "withName: 'SEQTK_SEQ_B' {\n" in config
    # each step's outputs are copied by the wrapper into outdir/<step>
    assert "pynf_outdir.resolve('a')" in bundle.main_nf and "pynf_outdir.resolve('b')" in bundle.main_nf
    assert "ext.args = '-q 20'" in config and "cpus = 2" in config and "docker.enabled = true" in config


def test_missing_files_are_input_errors():
    wf = pynf.Workflow("w")
    wf.add(M["seqtk_seq"], {"0": pynf.Queue([[{"id": "a"}, "/nonexistent/a.fq"]])}, name="seq")
    with pytest.raises(InputError, match="file not found: /nonexistent/a.fq"):
        wf.compile()


def test_progress_table_has_a_row_per_step_before_any_task():
    from rich.console import Console

    from pynf.backends.local.observer import ProcessCounts, Snapshot
    from pynf.backends.local.progress import render_snapshot

    wf = chain()
    labels = wf.step_processes()
    assert labels == {"BWA_INDEX": "index", "BWA_MEM": "align", "SAMTOOLS_INDEX": "bai", "SAMTOOLS_SORT": "sort",
                      "SAMTOOLS_SORT_RESORT": "resort", "SEQTK_SEQ": "seq", "SEQTK_SAMPLE": "subsample"}
    console = Console(width=120, record=True)
    console.print(render_snapshot(None, "chain", labels))
    text = console.export_text()
    assert [line.split()[0] for line in text.splitlines()[3:]] == list(labels.values())
    snapshot = Snapshot(processes={"BWA_MEM": ProcessCounts(running=2, completed=1)}, event="task_complete")
    console.print(render_snapshot(snapshot, "chain", labels))
    text = console.export_text()
    assert "align (BWA_MEM)" in text and "running 1/3" in text and "index (BWA_INDEX)" in text and "waiting 0/0" in text
    assert wf.progress_table().labels == labels


def test_export_writes_the_workflow_bundle(tmp_path):
    fq = tmp_path / "a.fq"
    fq.write_text("@r\nACGT\n+\nIIII\n")
    wf = pynf.Workflow("exported")
    seq = wf.add(M["seqtk_seq"], {"0": pynf.Queue([[{"id": "a"}, str(fq)]])}, name="seq")
    wf.add(M["seqtk_sample"], reads=seq.out.fasta, sample_size=1, name="sub")
    out = wf.export(tmp_path / "bundle", git=True)
    files = sorted(p.relative_to(tmp_path / "bundle").as_posix() for p in (tmp_path / "bundle").rglob("*")
                   if p.is_file() and ".git" not in p.parts)
    assert files == ["README.md", "main.nf", "modules/seqtk_sample/environment.yml", "modules/seqtk_sample/main.nf",
                     "modules/seqtk_seq/environment.yml", "modules/seqtk_seq/main.nf", "nextflow.config",
                     "params.json"]
    assert (tmp_path / "bundle" / "main.nf").read_text() == wf.compile().main_nf
    readme = (tmp_path / "bundle" / "README.md").read_text()
    assert "# workflow exported — standalone Nextflow bundle" in readme
    assert "steps `seq`, `sub` (processes `SEQTK_SEQ`, `SEQTK_SAMPLE`)" in readme
    assert out.commit and out.bundle.steps == ("seq", "sub")


def test_run_targets_are_a_workflow_with_its_params_or_a_precompiled_bundle():
    from pynf.backends.spec import Target
    from pynf.workflow.graph import BoundWorkflow

    wf = chain()
    bundle = wf.compile({"outdir": "/o"}, check_files=False)
    assert isinstance(bundle, Target) and bundle.to_bundle() is bundle
    target = BoundWorkflow(wf, {"outdir": "/o"})
    assert isinstance(target, Target)
    with pytest.raises(InputError, match="file not found"):  # a workflow is compiled with its params
        target.to_bundle()


def test_a_tuple_assembled_from_single_item_steps_stays_a_value_channel():
    wf = pynf.Workflow("w")
    one = wf.add(M["seqtk_seq"], meta={"id": "a"}, fastx="/data/a.fq", name="one")
    two = wf.add(M["seqtk_seq"], meta={"id": "b"}, fastx="/data/b.fq", name="two")
    wf.add(M["seqtk_sample"], reads=one.out.fasta, sample_size=two.out.versions_seqtk[1], name="sub")
    text = wf.compile(check_files=False).main_nf
    assert "def pynf_rows_sub = SEQTK_SEQ.out[0].combine(SEQTK_SEQ_TWO.out[1]).first()" in text
    assert "def ch_sub_0 = pynf_rows_sub.map { r -> [r[0], r[1], r[3]] }" in text
