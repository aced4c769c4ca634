"""A module's own warnings reach the user once per workflow, not again when the run resolves its steps."""

from __future__ import annotations

import shutil
import warnings

import pytest
import yaml

import pynf
from pynf.errors import ModuleWarning

from ..paths import MODULE_FIXTURES


def _module_with_a_meta_mismatch(tmp_path):
    module = tmp_path / "echo_each"
    shutil.copytree(MODULE_FIXTURES / "echo_each", module)
    meta = yaml.safe_load((module / "meta.yml").read_text())
    meta["input"] = [entry for entry in meta["input"] if "name" not in entry]  # input 'name' undocumented
    (module / "meta.yml").write_text(yaml.safe_dump(meta, sort_keys=False))
    return module


def test_a_modules_warnings_are_shown_when_added_and_not_again_when_the_run_resolves_it(tmp_path):
    module = _module_with_a_meta_mismatch(tmp_path)
    wf = pynf.Workflow("once")
    with pytest.warns(ModuleWarning, match="is not documented"):
        wf.add(str(module), {"1": ["a", "b"]}, greeting="hi", suffix_file=str(tmp_path / "x.txt"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wf.compile(check_files=False, pin=True)  # what wf.run and wf.export do before rendering
    assert [str(w.message) for w in caught if issubclass(w.category, ModuleWarning)] == []


def test_other_warnings_of_the_runs_resolution_still_reach_the_user(tmp_path):
    module = _module_with_a_meta_mismatch(tmp_path)
    wf = pynf.Workflow("hinted")
    with pytest.warns(ModuleWarning):
        wf.add(str(module), {"1": ["a"]}, greeting="hi", suffix_file=str(tmp_path / "x.txt"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wf.compile(check_files=False, pin=True)
    hints = [w for w in caught if w.category.__name__ == "NotReviewedHint"]
    assert len(hints) == 1 and "has no reviewed interface" in str(hints[0].message)
