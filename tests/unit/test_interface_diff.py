"""Interface diffs: each kind of change, on pairs of small modules written here, classified as a caller sees it."""

from __future__ import annotations

import pytest

from pynf.compiler import parse_source
from pynf.interface import diff_interfaces, interface_of

BASE = """
process ALIGN {
    input:
    tuple val(meta), path(reads)
    path index

    output:
    tuple val(meta), path("*.bam"), emit: bam
    tuple val(meta), path("*.log"), emit: log, optional: true
    tuple val("${task.process}"), val('aligner'), eval('aligner --version'), emit: versions_aligner, topic: versions

    script:
    "aligner ${index} ${reads} > ${meta.id}.bam"
}
"""


def _iface(text: str):
    return interface_of(parse_source(text, filename="main.nf"))


def _diff(old: str, new: str):
    return diff_interfaces(_iface(old), _iface(new))


def _kinds(d):
    return [(c.kind, c.breaking) for c in d.changes]


CASES = [
    # (what, replace this, with that, expected (kind, breaking) changes)
    ("input element renamed", "path(reads)", "path(fastq)", [("input-renamed", True)]),
    ("input element kind", "tuple val(meta), path(reads)", "tuple val(meta), val(reads)",
     [("input-element-kind", True)]),
    ("input qualifier", "path index\n", "tuple val(meta2), path(index)\n", [("input-kind", True)]),
    ("input added", "path index\n", "path index\n    val mode\n", [("input-added", True)]),
    ("input removed", "    path index\n", "", [("input-removed", True)]),
    ("tuple element added", "tuple val(meta), path(reads)", "tuple val(meta), path(reads), val(single)",
     [("input-shape", True)]),
    ("arity", "path(reads)", "path(reads, arity: '2')", [("input-arity", True)]),
    ("optional output added", "    script:", "    path '*.json', emit: json, optional: true\n\n    script:",
     [("output-added", False)]),
    ("emit renamed", "emit: bam", "emit: alignments", [("emit-renamed", True)]),
    ("output removed", '    tuple val(meta), path("*.log"), emit: log, optional: true\n', "", [("output-removed", True)]),
    ("became optional", 'emit: bam', 'emit: bam, optional: true', [("output-optional", True)]),
    ("no longer optional", 'emit: log, optional: true', 'emit: log', [("output-required", False)]),
    ("output pattern", 'path("*.bam")', 'path("*.cram")', [("output-pattern", True)]),
    ("output element kind", 'path("*.log")', 'val("log")', [("output-element-kind", True)]),
    ("output shape", 'tuple val(meta), path("*.bam"), emit: bam', 'path("*.bam"), emit: bam', [("output-shape", True)]),
    ("version query", "eval('aligner --version')", "eval('aligner version | head -1')", [("version-query", False)]),
    ("topic removed", ", topic: versions", "", [("topic-changed", True)]),
    ("topic added", "emit: log, optional: true", "emit: log, optional: true, topic: logs", [("topic-added", False)]),
    ("process renamed", "process ALIGN {", "process ALIGN_READS {", [("process-renamed", True)]),
    ("script only", "> ${meta.id}.bam", "--threads 2 > ${meta.id}.bam", []),
]


@pytest.mark.parametrize("what,old,new,expected", CASES, ids=[c[0] for c in CASES])
def test_each_kind_of_change(what, old, new, expected):
    assert old in BASE
    d = _diff(BASE, BASE.replace(old, new))
    assert _kinds(d) == expected, d.render()
    assert d.is_breaking == any(b for _, b in expected)
    assert bool(d) == bool(expected)


def test_removing_a_middle_input_reports_one_removal_not_a_cascade():
    old = BASE.replace("path index\n", "path index\n    val mode\n    path bed\n")
    new = BASE.replace("path index\n", "val mode\n    path bed\n")
    d = _diff(old, new)
    assert _kinds(d) == [("input-removed", True)]
    assert "removed path(index)" in d.render()


def test_unnamed_outputs_are_addressed_by_position():
    old = "process P {\n output:\n path 'a.txt'\n path 'b.txt'\n script:\n 'touch a.txt b.txt'\n}\n"
    new = "process P {\n output:\n path 'b.txt'\n path 'a.txt'\n script:\n 'touch a.txt b.txt'\n}\n"
    d = _diff(old, new)
    assert d.is_breaking and {c.kind for c in d.changes} == {"output-pattern"}


def test_tools_and_descriptions_are_compatible(tmp_path):
    def module(tools: str, desc: str):
        root = tmp_path / f"m{len(list(tmp_path.iterdir()))}"
        root.mkdir()
        (root / "main.nf").write_text(BASE)
        (root / "meta.yml").write_text(
            f"name: align\ndescription: aligner\ntools:\n{tools}input:\n  - - meta:\n        type: map\n"
            f"        description: {desc}\n    - reads:\n        type: file\n        description: reads\n")
        return interface_of(root)

    a = module("  - aligner:\n      description: x\n", "Sample map")
    b = module("  - aligner:\n      description: x\n  - samtools:\n      description: y\n", "Sample information")
    d = diff_interfaces(a, b)
    assert _kinds(d) == [("tool-added", False), ("description", False)]
    assert not d.is_breaking
    same_tools = module("  - aligner:\n      description: x\n", "Sample information")
    assert same_tools.hash == a.hash  # descriptions are not part of the hash
    assert _kinds(diff_interfaces(a, same_tools)) == [("description", False)]


def test_render_lists_breaking_changes_first():
    new = BASE.replace("emit: log, optional: true", "emit: log, optional: true, topic: logs").replace("path(reads)", "path(fastq)")
    text = _diff(BASE, new).render()
    lines = text.splitlines()
    assert "1 breaking, 1 compatible change(s)" in lines[0]
    assert lines[1].strip().startswith("BREAKING") and "'reads' renamed to 'fastq'" in lines[1]
    assert lines[2].strip().startswith("compatible") and "topic 'logs'" in lines[2]


def test_no_change():
    d = _diff(BASE, BASE)
    assert not d and d.summary() == "no interface change" and d.old_hash == d.new_hash


def test_ext_keys_new_is_compatible_dropped_is_breaking():
    with_args = BASE.replace('"aligner ${index}', '"aligner ${task.ext.args ?: \'\'} ${index}')
    with_both = with_args.replace("    script:\n", "    script:\n    def prefix = task.ext.prefix ?: meta.id\n")
    assert _iface(with_both).processes[0]["ext"] == ["args", "prefix"]
    d = _diff(with_args, with_both)
    assert _kinds(d) == [("ext-added", False)] and "now reads 'prefix'" in d.render()
    d = _diff(with_both, with_args)
    assert _kinds(d) == [("ext-removed", True)] and "'prefix' is no longer read" in d.render()
    comment_only = with_args.replace("    script:\n", "    script:\n    // task.ext.prefix is not read here\n")
    assert not _diff(with_args, comment_only)
