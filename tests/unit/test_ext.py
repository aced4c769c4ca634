"""task.ext keys: the IR records every read with where it happens; inspect shows them; unknown keys warn."""

from __future__ import annotations

import json
import warnings

import pytest
from click.testing import CliRunner

from pynf.cli.main import cli
from pynf.compiler import ExtUse, parse, parse_source
from pynf.interface.describe import describe
from pynf.errors import PynfWarning, UnknownExtKeyWarning
from pynf.render.compile import compile_bundle
from pynf.render.options import RunOptions

from ..paths import MODULE_FIXTURES

MODULE = r'''
process MPILEUP {
    tag "$meta.id"
    container "${ workflow.containerEngine == 'singularity' && !task.ext.singularity_pull_docker_container ? 'a' : 'b' }"

    input:
    tuple val(meta), path(bam)

    output:
    tuple val(meta), path("*.${task.ext.suffix ?: 'vcf'}"), emit: vcf

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    def args2 = task.ext['args2'] ?: ''
    def args3 = task.ext?.args3
    // def args9 = task.ext.args9
    /* task.ext.args8 */
    def prefix = task.ext.prefix ?: "${meta.id}"
    def note = 'task.ext.literal is text'
    """
    echo task.ext.plain_text $task.ext.dollar ${task.ext.args4 ?: "${task.ext.nested}"} \$task.ext.escaped
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.vcf
    """
}
'''


def _uses(src: str = MODULE):
    return parse_source(src, filename="t.nf").process().ext_uses


def test_every_read_form_is_recorded_with_its_section_and_position():
    got = [(u.name, u.section, u.position.line) for u in _uses()]
    assert got == [
        ("singularity_pull_docker_container", "directive:container", 4),
        ("suffix", "output", 10),
        ("when", "when", 13), ("when", "when", 13),
        ("args", "script", 16),
        ("args2", "script", 17),
        ("args3", "script", 18),
        ("prefix", "script", 21),
        ("dollar", "script", 24), ("args4", "script", 24), ("nested", "script", 24),
        ("prefix", "stub", 28),
    ]
    use = _uses()[4]
    assert MODULE.splitlines()[use.position.line - 1][use.position.column - 1:].startswith("task.ext.args ?:")
    assert MODULE[use.position.start:use.position.end] == "task.ext.args"


def test_ext_keys_are_sorted_and_unique_and_skip_comments_and_literal_text():
    keys = parse_source(MODULE, filename="t.nf").process().ext_keys
    assert keys == ("args", "args2", "args3", "args4", "dollar", "nested", "prefix",
                    "singularity_pull_docker_container", "suffix", "when")
    assert not {"args9", "args8", "literal", "plain_text", "escaped"} & set(keys)


def test_shell_and_exec_sections():
    shell = parse_source("""
process S {
    shell:
    '''
    tool !{task.ext.args ?: ''} $HOME '!{task.ext.prefix}'
    '''
}
process E {
    exec:
    def x = task.ext.threshold ?: 1
}
""", filename="t.nf")
    assert [(u.name, u.section) for u in shell.process("S").ext_uses] == [("args", "shell"), ("prefix", "shell")]
    assert [(u.name, u.section) for u in shell.process("E").ext_uses] == [("threshold", "exec")]
    # in a script section a single-quoted string is literal text, '!{}' included
    script = _uses("process P {\n    script:\n    '''\n    tool !{task.ext.args}\n    '''\n}\n")
    assert script == ()


def test_template_reads_are_recorded_with_their_file(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "run.R").write_text(
        "# uses the task\nopt <- parse_args('$task.ext.args', opt)\nprefix <- '${task.ext.prefix ?: meta.id}'\n"
        "x <- '\\$task.ext.escaped'\n")
    (tmp_path / "main.nf").write_text(
        "process R {\n    input:\n    val meta\n    output:\n    path '*.tsv'\n    script:\n    template 'run.R'\n}\n")
    uses = parse(tmp_path).process().ext_uses
    assert uses == (
        ExtUse("args", "template:run.R", uses[0].position, file="templates/run.R"),
        ExtUse("prefix", "template:run.R", uses[1].position, file="templates/run.R"),
    )
    assert (uses[0].position.line, uses[0].position.column) == (2, 21)
    assert (uses[1].position.line, uses[1].position.column) == (3, 14)


def test_fixture_ext_keys():
    p = parse(MODULE_FIXTURES / "samtools_view").process()
    assert set(p.ext_keys) >= {"args", "prefix", "when"}


def test_inspect_json_and_table_show_the_keys_and_where_they_are_read(tmp_path):
    (tmp_path / "main.nf").write_text(MODULE)
    module = parse(tmp_path / "main.nf")
    info = describe(module, module.process())
    by_name = {e["name"]: e for e in info["ext"]}
    assert list(by_name) == list(module.process().ext_keys)
    assert by_name["prefix"]["uses"] == [
        {"section": "script", "file": None, "line": 21, "column": 18},
        {"section": "stub", "file": None, "line": 28, "column": 18},
    ]
    result = CliRunner().invoke(cli, ["inspect", str(tmp_path), "--json"], catch_exceptions=False)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["ext"] == info["ext"]
    table = CliRunner().invoke(cli, ["inspect", str(tmp_path)], catch_exceptions=False, env={"COLUMNS": "200"})
    assert table.exit_code == 0
    assert "task.ext keys" in table.stdout
    assert "script (line 21), stub (line 28)" in table.stdout
    assert "directive:container (line 4)" in table.stdout


def test_unknown_ext_key_warns_with_the_keys_the_module_reads():
    with pytest.warns(UnknownExtKeyWarning) as caught:
        bundle = compile_bundle(MODULE_FIXTURES / "seqtk_seq", require_inputs=False,
                                options=RunOptions(ext={"args": "-q", "agrs2": "x"}))
    message = str(caught[0].message)
    assert "'agrs2'" in message and "args, prefix, when" in message
    assert issubclass(UnknownExtKeyWarning, PynfWarning) and issubclass(PynfWarning, UserWarning)
    assert bundle.warnings == (message,)
    assert "ext.agrs2 = 'x'" in bundle.config_text  # still passed on: the warning does not drop it


def test_known_and_config_ext_keys_do_not_warn(tmp_path):
    (tmp_path / "main.nf").write_text("process P {\n    output:\n    path 'x'\n    script:\n    'touch x'\n}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ok = compile_bundle(MODULE_FIXTURES / "seqtk_seq", require_inputs=False,
                            options=RunOptions(ext={"args": "-q", "prefix": "p", "when": True}))
        # `when` is a configuration convention (ext.when switches a process off): never a warning,
        # even for a module that does not read it
        quiet = compile_bundle(tmp_path, require_inputs=False, options=RunOptions(ext={"when": False}))
    assert ok.warnings == () and quiet.warnings == ()


def test_cli_prints_the_unknown_key_warning_once():
    result = CliRunner().invoke(cli, ["compile", str(MODULE_FIXTURES / "seqtk_seq"), "--emit", "config",
                                      "--ext", "agrs=1"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stderr.count("warning: process SEQTK_SEQ does not read ext key 'agrs'") == 1
