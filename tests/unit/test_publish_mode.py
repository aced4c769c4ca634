"""Issue 11, item 10: how outputs reach the outdir is a run option (``publish_mode`` / ``--publish-mode``)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import pynf
from pynf.cli.main import cli
from pynf.render.options import PUBLISH_MODES, OptionsError, RunOptions

SEQTK = "fixtures/modules/seqtk_seq"


def _config(options: RunOptions | None = None) -> str:
    return pynf.compile(SEQTK, meta={"id": "s"}, fastx="/dev/null", options=options).config_text


def test_default_is_copy_and_every_mode_reaches_the_config():
    assert "params.pynf_publish_mode = 'copy'" in _config()
    for mode in PUBLISH_MODES:
        assert f"params.pynf_publish_mode = '{mode}'" in _config(RunOptions(publish_mode=mode))
    assert {"copy", "link", "symlink"} <= set(PUBLISH_MODES) and "move" not in PUBLISH_MODES


def test_unknown_mode_is_a_typed_error():
    with pytest.raises(OptionsError, match="publish_mode: expected one of"):
        RunOptions(publish_mode="teleport")


def test_cli_flag():
    res = CliRunner().invoke(cli, ["compile", SEQTK, "--emit", "config", "--publish-mode", "symlink"])
    assert res.exit_code == 0, res.output
    assert "params.pynf_publish_mode = 'symlink'" in res.stdout
    bad = CliRunner().invoke(cli, ["compile", SEQTK, "--emit", "config", "--publish-mode", "move"])
    assert bad.exit_code == 2
