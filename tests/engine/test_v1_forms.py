"""Module forms Nextflow's v1 parser accepts, run for real: pynf's reading must match what the engine does.

`decl_forms` (accepted by both parsers): `;` ending declarations, two declarations on one line,
`val { closure }` outputs, `optional: 'true' / { expr } / 'false'`, and a module-local include that
travels with the bundle (run under v1 and under the strict v2 parser).  `v1_forms/command_chain`:
`emit: html optional true` and two `script:` labels (the last wins).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pynf.compiler import parse
from pynf.render.bundle import MANIFEST_NAME
from pynf.render.compile import compile_bundle

from ..paths import FIXTURES, MODULE_FIXTURES
from ..support import require_engine

pytestmark = pytest.mark.engine

INPUTS = [{"meta": {"id": "s1"}, "name": "ada"}, 21, True]


@pytest.fixture(scope="module")
def backend():
    from pynf.backends.local.backend import LocalBackend

    require_engine()
    return LocalBackend()


def _values(item):
    return [e["value"] for e in item]


def _check_decl_forms(manifest: dict) -> None:
    out = manifest["outputs"]
    meta, greeting = _values(out["greeting"][0])
    assert meta == {"id": "s1"} and Path(greeting).read_text() == "HELLO, ADA\n"  # helpers from ./parametrize
    assert _values(out["id"][0]) == ["s1"]
    assert _values(out["doubled"][0]) == [{"id": "s1"}, 42]
    assert Path(_values(out["loud"][0])[0]).read_text() == "HELLO, ADA\n"
    # optional: { !shout } and optional: 'false' (a non-empty string: Groovy-true) produced nothing and
    # did not fail the task: both are optional, as pynf's IR says
    assert out["quiet"] == [] and out["never"] == []


def test_decl_forms_run_under_v1_as_pynf_reads_them(backend, tmp_path):
    process = parse(MODULE_FIXTURES / "decl_forms").process()
    assert [c.optional for c in process.outputs if c.emit in ("loud", "quiet", "never")] == [True, True, True]
    bundle = compile_bundle(MODULE_FIXTURES / "decl_forms", inputs=INPUTS)
    assert dict(bundle.sidecars)["parametrize.nf"] == (MODULE_FIXTURES / "decl_forms" / "parametrize.nf").read_bytes()
    assert "include { greeting; loud } from './parametrize'" in bundle.main_nf
    result = backend.submit(bundle, run_dir=tmp_path / "run")
    assert result.status == "SUCCEEDED", result.error
    _check_decl_forms(json.loads((result.outdir / MANIFEST_NAME).read_text()))


def test_decl_forms_and_local_include_run_under_the_strict_parser(tmp_path):
    from pynf.backends.local.launch import java_cmd_for_cli, nextflow_env

    require_engine()
    bundle = compile_bundle(MODULE_FIXTURES / "decl_forms", inputs=INPUTS, params={"outdir": str(tmp_path / "out")})
    bundle.write(tmp_path / "bundle")
    env = nextflow_env()
    env["NXF_SYNTAX_PARSER"] = "v2"
    proc = subprocess.run(java_cmd_for_cli(tmp_path / "bundle"), cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    _check_decl_forms(json.loads((tmp_path / "out" / MANIFEST_NAME).read_text()))


def test_command_chain_option_and_second_script_label_run_under_v1(backend, tmp_path):
    module = parse(FIXTURES / "v1_forms" / "command_chain")
    process = module.process()
    html = process.outputs[0]
    assert (html.emit, html.optional) == ("html", True)
    assert "second script: section" in module.warnings[0]
    bundle = compile_bundle(module, inputs=[{"meta": {"id": "c"}, "text": "from the last script"}])
    result = backend.submit(bundle, run_dir=tmp_path / "run")
    assert result.status == "SUCCEEDED", result.error
    out = json.loads((result.outdir / MANIFEST_NAME).read_text())["outputs"]
    assert out["html"] == []  # the engine found emit `html` and treated it as optional
    assert Path(_values(out["txt"][0])[1]).read_text() == "from the last script\n"
