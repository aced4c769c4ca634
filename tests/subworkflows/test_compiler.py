"""Issue 24 item 1: named workflow definitions read from the shared nf-core subworkflows (no JVM).

Take and emit names are checked against a line-based reading of each source (``corpus.source_names``),
every subworkflow is loaded with its includes and compiled into a bundle carrying every included file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import pynf
from pynf.compiler.subworkflow import parse_subworkflow, parse_subworkflow_source
from pynf.compiler.subworkflow_module import ANY, load_subworkflow
from pynf.errors import InputError, ModuleNotFound
from pynf.render.compile import compile_bundle
from pynf.render.subworkflow import subworkflow_files

from .corpus import CORPUS, SUBWORKFLOWS, nfcore_tree, require_corpus, source_names, subworkflow_dirs

NESTED = """
include { SAMTOOLS_INDEX as INDEX } from '../../../modules/nf-core/samtools/index/main'
include { BAM_STATS_SAMTOOLS      } from '../../nf-core/bam_stats_samtools/main'

workflow OUTER {
    take:
    ch_bam      // [ meta, bam ]
    ch_fasta    // [ meta, fasta ]
    val_skip    // boolean

    main:
    INDEX ( ch_bam )
    ch_bam.join(INDEX.out.index).set { ch_bam_bai }
    if (!val_skip) {
        BAM_STATS_SAMTOOLS ( ch_bam_bai, ch_fasta.map { meta, fasta -> [ meta, fasta, [] ] } )
    }

    emit:
    bai   = INDEX.out.index
    stats = BAM_STATS_SAMTOOLS.out.stats
    both  = ch_bam_bai
}
"""


def test_take_and_emit_names_of_every_corpus_subworkflow_equal_the_source():
    dirs = subworkflow_dirs()
    assert len(dirs) == 45
    for folder in dirs:
        wf = parse_subworkflow(folder).workflow()
        takes, emits = source_names(folder / "main.nf")
        assert [t.name for t in wf.takes] == takes, folder.name
        assert [e.name for e in wf.emits] == emits, folder.name


def test_every_corpus_subworkflow_loads_with_its_includes_or_names_the_missing_one(tmp_path):
    root = nfcore_tree(tmp_path)
    loaded, missing = [], []
    for folder in subworkflow_dirs():
        try:
            module = load_subworkflow(root / "subworkflows" / "nf-core" / folder.name)
        except ModuleNotFound as exc:
            missing.append((folder.name, str(exc)))
            continue
        loaded.append(module)
        inputs = module.processes[0].inputs
        assert [ch.key for ch in inputs] == [t.name for t in parse_subworkflow(folder).workflow().takes]
    for name, message in missing:  # only an include the corpus does not hold may stop one
        target = message.split("from '")[1].split("'")[0]
        included = (SUBWORKFLOWS / name / target).resolve()
        assert not included.with_suffix(".nf").exists() and not (included.parent / "main.nf").exists(), message
    assert len(loaded) + len(missing) == 45 and len(loaded) >= 44


def test_take_shape_comes_from_the_process_input_it_feeds(tmp_path):
    root = nfcore_tree(tmp_path)
    module = load_subworkflow(root / "subworkflows/nf-core/bam_stats_samtools")
    stats = pynf.compiler.parse(CORPUS / "samtools/stats").process()
    take = module.processes[0].inputs
    assert [e.kind for e in take[0].elements] == [e.kind for e in stats.inputs[0].elements] == ["val", "path", "path"]
    assert take[1].elements == stats.inputs[1].elements  # meta.yml docs come along
    assert dict(module.shapes)["ch_fasta_fai"] == "SAMTOOLS_STATS input 2 (tuple)"
    assert [ch.key for ch in module.processes[0].outputs] == ["stats", "flagstat", "idxstats"]
    assert module.topics == (("versions", ("val", "val", "eval")),)
    bgzip = load_subworkflow(root / "subworkflows/nf-core/fasta_bgzip_index_dict_samtools")
    (ch,) = bgzip.processes[0].inputs
    assert ch.elements[0].kind == ANY
    assert "through operators (ch_fasta.map" in dict(bgzip.shapes)["ch_fasta"]


def test_nested_subworkflow_alias_set_and_plain_value(tmp_path):
    require_corpus()
    root = nfcore_tree(tmp_path)
    folder = root / "subworkflows" / "local" / "outer"
    folder.mkdir(parents=True)
    (folder / "main.nf").write_text(NESTED)
    module = load_subworkflow(folder)
    wf = module.workflow_def
    uses = {t.name: [(u.component, u.arg, u.direct) for u in t.uses] for t in wf.takes}
    assert uses == {"ch_bam": [("INDEX", 0, True), ("BAM_STATS_SAMTOOLS", 0, False)],
                    "ch_fasta": [("BAM_STATS_SAMTOOLS", 1, False)],
                    "val_skip": []}
    assert module.plain_takes == ("val_skip",)
    assert {t.name: t.operators for t in wf.takes} == {"ch_bam": ("join",), "ch_fasta": ("map",),
                                                       "val_skip": ()}
    assert [e.source for e in wf.emits] == [("INDEX", "index"), ("BAM_STATS_SAMTOOLS", "stats"), None]
    outputs = {ch.key: [e.kind for e in ch.elements] for ch in module.processes[0].outputs}
    assert outputs == {"bai": ["val", "path"], "stats": ["val", "path"], "both": [ANY]}
    assert [e.kind for e in module.processes[0].inputs[1].elements] == [ANY]
    assert set(module.process_names) == {"INDEX", "SAMTOOLS_STATS", "SAMTOOLS_IDXSTATS", "SAMTOOLS_FLAGSTAT"}
    bundle = pynf.compile(folder, ch_bam=[{"id": "a"}, __file__], ch_fasta=[{"id": "r"}, Path(__file__)], val_skip=False)
    names = dict(bundle.sidecars)
    assert "subworkflows/local/outer/main.nf" in names and "subworkflows/nf-core/bam_stats_samtools/main.nf" in names
    assert "modules/nf-core/samtools/index/main.nf" in names
    assert "include { OUTER } from './subworkflows/local/outer/main'" in bundle.main_nf
    assert "withName: 'INDEX|" in bundle.config_text


def test_a_file_without_named_workflow_is_a_syntax_error():
    with pytest.raises(pynf.errors.ModuleSyntaxError, match="no named workflow"):
        parse_subworkflow_source("workflow {\n  main:\n  println 1\n}\n")


def test_every_loadable_subworkflow_compiles_with_every_included_file(tmp_path):
    root = nfcore_tree(tmp_path)
    compiled = 0
    for folder in subworkflow_dirs():
        try:
            module = load_subworkflow(root / "subworkflows" / "nf-core" / folder.name)
        except ModuleNotFound:
            continue
        bundle = compile_bundle(module, require_inputs=False, module_id=folder.name)
        files, _ = subworkflow_files(module)
        assert dict(bundle.sidecars).keys() == files.keys()
        for inc in module.files:
            rel = Path(inc.path).relative_to(root).as_posix()
            assert rel in files, (folder.name, rel)
        assert f"include {{ {module.processes[0].name} }} from './subworkflows/nf-core/{folder.name}/main'" in bundle.main_nf
        compiled += 1
    assert compiled >= 44


def test_items_given_as_is_mark_files_and_refuse_missing_ones(tmp_path):
    root = nfcore_tree(tmp_path)
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">c\nACGT\n")
    path = root / "subworkflows/nf-core/fasta_bgzip_index_dict_samtools"
    bundle = pynf.compile(path, ch_fasta=[{"id": "ref"}, fasta])
    assert bundle.params()["pynf_inputs"] == [{"name": "ch_fasta", "mode": "value",
                                               "items": [[[{"id": "ref"}, {"__pynf_file__": str(fasta)}]]]}]
    same = pynf.compile(path, ch_fasta=[{"id": "ref"}, {"@file": str(fasta)}])
    assert same.params() == bundle.params()
    text = pynf.compile(path, ch_fasta=[{"id": "ref"}, str(fasta)])  # a string is text
    assert text.params()["pynf_inputs"][0]["items"] == [[[{"id": "ref"}, str(fasta)]]]
    with pytest.raises(InputError, match="file not found"):
        pynf.compile(path, ch_fasta=[{"id": "ref"}, tmp_path / "absent.fa"])


def test_a_take_read_by_string_methods_is_a_plain_value(tmp_path):
    root = nfcore_tree(tmp_path)
    homer = load_subworkflow(root / "subworkflows/nf-core/homer_groseq")
    assert homer.plain_takes == ("uniqmap",)  # `uniqmap.endsWith('.zip')`, `UNZIP([[:], uniqmap])`
    bgzip = load_subworkflow(root / "subworkflows/nf-core/fasta_bgzip_index_dict_samtools")
    assert bgzip.plain_takes == ()  # `ch_fasta.map { ... }`: a channel


def test_the_subworkflow_folder_travels_and_its_config_params_are_declared(tmp_path):
    root = nfcore_tree(tmp_path)
    gtf = compile_bundle(load_subworkflow(root / "subworkflows/nf-core/gtf_hybridmerge_gffcompare"),
                         require_inputs=False)
    awk = {k: v for k, v in gtf.sidecars if "/awk/" in k}
    assert awk == {f"subworkflows/nf-core/gtf_hybridmerge_gffcompare/awk/{p.name}": p.read_bytes()
                   for p in (SUBWORKFLOWS / "gtf_hybridmerge_gffcompare" / "awk").iterdir()}
    assert not any("/tests/" in k or k.endswith("meta.yml") for k, _ in gtf.sidecars)
    quant = compile_bundle(load_subworkflow(root / "subworkflows/nf-core/quantify_pseudo_alignment"),
                           require_inputs=False)
    own = (SUBWORKFLOWS / "quantify_pseudo_alignment" / "nextflow.config").read_text().rstrip()
    declared = quant.config_text.index("params.extra_kallisto_quant_args = null")
    assert declared < quant.config_text.index(own) < quant.config_text.index("withName: 'SALMON_QUANT|")
