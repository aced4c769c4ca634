"""``RunOptions(error_strategy=..., max_retries=...)`` -> the process's errorStrategy/maxRetries (and fair off for ignore)."""

from __future__ import annotations

import pytest

import pynf
from pynf.compiler import parse
from pynf.errors import OptionsError
from pynf.render.renderer import render_config

from ..paths import MODULE_FIXTURES


def config(**options) -> str:
    return render_config(parse(MODULE_FIXTURES / "check_reads").process(None), pynf.RunOptions(**options))


def test_default_config_has_no_strategy_and_keeps_input_order():
    text = config()
    assert "errorStrategy" not in text and "maxRetries" not in text and "fair = true" in text


def test_retry_and_ignore_become_directives():
    retry = config(error_strategy="retry", max_retries=2)
    assert "errorStrategy = 'retry'" in retry and "maxRetries = 2" in retry and "fair = true" in retry
    ignore = config(error_strategy="ignore")
    assert "errorStrategy = 'ignore'" in ignore and "fair = false" in ignore and "fair = true" not in ignore


@pytest.mark.parametrize("options, words", [
    ({"error_strategy": "skip"}, "error_strategy: expected one of terminate, finish, ignore, retry"),
    ({"error_strategy": "retry", "max_retries": -1}, "max_retries: expected a whole number"),
    ({"max_retries": 2}, "only used with error_strategy='retry'"),
])
def test_bad_values_are_options_errors(options, words):
    with pytest.raises(OptionsError, match=words):
        pynf.RunOptions(**options)


def test_workflow_steps_carry_their_own_strategy(tmp_path):
    reads = tmp_path / "a.fq"
    reads.write_text("@r\nA\n+\nI\n")
    wf = pynf.Workflow("strategies")
    wf.add(MODULE_FIXTURES / "check_reads", meta={"id": "a"}, reads=reads, name="counts",
           options=pynf.RunOptions(error_strategy="ignore"))
    wf.add(MODULE_FIXTURES / "seqtk_seq", meta={"id": "a"}, fastx=reads, name="fasta")
    text = wf.compile().config_text
    counts = text[text.index("withName: 'CHECK_READS'"):text.index("withName: 'SEQTK_SEQ'")]
    fasta = text[text.index("withName: 'SEQTK_SEQ'"):]
    assert "errorStrategy = 'ignore'" in counts and "fair = false" in counts
    assert "errorStrategy" not in fasta.split("}")[0] and "fair = true" in fasta
