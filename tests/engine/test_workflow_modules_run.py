"""A module that reads ``${moduleDir}/templates/...`` runs right in a workflow: each process runs from its own
module folder of the bundle (real engine, coreutils and bash)."""

from __future__ import annotations

from pathlib import Path

import pytest

import pynf

from ..paths import FIXTURES, MODULE_FIXTURES
from ..support import require_engine

pytestmark = pytest.mark.engine


def test_each_process_reads_its_own_module_folder(tmp_path):
    require_engine()
    names = tmp_path / "names.txt"
    names.write_text("Ada\nGrace\n")
    wf = pynf.Workflow("folders")
    greet = wf.add(str(MODULE_FIXTURES / "template_greet"), meta={"id": "n"}, names=str(names), name="greet")
    wf.add(str(FIXTURES / "workflow_modules" / "module_banner"), text=greet.out.greetings, name="banner")
    result = wf.run(run_dir=tmp_path / "run", outdir=tmp_path / "out")
    assert result.succeeded
    (_, greetings), = result["greet"].outputs["greetings"]
    assert greetings.read_text() == "Hello, Ada!\nHello, Grace!\n"  # template 'greet.sh' from its own templates/
    (meta, bannered), = result["banner"].outputs["bannered"]
    banner, ada, grace, module_dir = bannered.read_text().splitlines()
    assert (meta, banner, ada, grace) == ({"id": "n"}, "=== module_banner ===", "Hello, Ada!", "Hello, Grace!")
    folder = Path(module_dir.removeprefix("moduleDir="))
    assert folder.parts[-2:] == ("modules", "module_banner")
    assert (folder / "environment.yml").read_text() == \
        (FIXTURES / "workflow_modules/module_banner/environment.yml").read_text()
