"""Nextflow's own config parser (``nextflow config -output json``, both syntax parsers) reads every user
string pynf writes into configText back exactly (the unit tier checks the same with a small reader)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import pytest

from pynf.compiler import parse
from pynf.render.options import RenderOptions, RunOptions
from pynf.render.renderer import render

from ..builders import TEXT
from ..paths import MODULE_FIXTURES
from ..support import require_engine

MODULE = parse(MODULE_FIXTURES / "seqtk_seq")


def _engine_cmd():
    from pynf.backends.local.engine import java_cmd, nextflow_env

    require_engine()
    return java_cmd, nextflow_env


def _nextflow_config_json(directory: Path, parser: str) -> dict:
    java_cmd, nextflow_env = _engine_cmd()
    env = nextflow_env()
    env["NXF_SYNTAX_PARSER"] = parser
    proc = subprocess.run(java_cmd("nextflow.cli.Launcher", ["config", "-output", "json", str(directory)]),
                          env=env, cwd=directory, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    # the JSON, then any warning (v1: "Unknown config attribute `params.outdir`": the reports' file names
    # use the outdir, which comes with the params file at run time)
    return json.JSONDecoder().raw_decode(proc.stdout[proc.stdout.index("{"):])[0]


@pytest.mark.engine
@pytest.mark.parametrize("parser", ["v1", "v2"])
@given(values=st.lists(TEXT, min_size=40, max_size=40))
@settings(max_examples=1, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_nextflow_reads_config_values_exactly(parser, values, tmp_path_factory):
    values = values + ["a'b\\c\n${x}é😀\u2028\x00", "", "$HOME", '"""', "\\u0041"]
    ext = {f"v{i}": v for i, v in enumerate(values)}
    run = RunOptions(ext=ext, memory="1 GB", queue="q'${x}", resource_limits={"memory": "2 GB", "cpus": 2})
    bundle = render(MODULE, RenderOptions(inputs={"meta": {}, "fastx": "/x.fq"}, check_files=False, run=run))
    directory = tmp_path_factory.mktemp("cfg")
    (directory / "nextflow.config").write_text(bundle.config_text, encoding="utf-8")
    config = _nextflow_config_json(directory, parser)
    scope = config["process"]["withName:SEQTK_SEQ"]
    assert scope["ext"] == ext
    assert scope["memory"] == "1 GB"
    assert config["process"]["queue"] == "q'${x}"
