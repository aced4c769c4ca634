"""Each process of a workflow runs from its own module folder: the bundle carries every module once under
``modules/<id>/`` with its own environment.yml, templates and resources, and the wrapper includes each
process from there (so ``moduleDir`` is that folder)."""

from __future__ import annotations

import re

import pynf

from ..paths import FIXTURES, MODULE_FIXTURES

GREET = MODULE_FIXTURES / "template_greet"
BANNER = FIXTURES / "workflow_modules" / "module_banner"
BIN = MODULE_FIXTURES / "bin_script"


def two_modules() -> pynf.Workflow:
    wf = pynf.Workflow("folders")
    greet = wf.add(str(GREET), {"0": pynf.Queue([[{"id": "a"}, "/data/a.txt"], [{"id": "b"}, "/data/b.txt"]])},
                   name="greet")
    wf.add(str(BANNER), text=greet.out.greetings, name="banner")
    wf.add(str(BANNER), text=greet.out.greetings, name="banner_again")  # one module used twice: carried once
    return wf


def test_each_module_carries_its_own_environment_and_templates():
    bundle = two_modules().compile(check_files=False)
    files = dict(bundle.sidecars)
    envs = sorted(rel for rel in files if rel.endswith("environment.yml"))
    assert envs == ["modules/module_banner/environment.yml", "modules/template_greet/environment.yml"]
    assert files["modules/module_banner/environment.yml"] == (BANNER / "environment.yml").read_bytes()
    assert files["modules/template_greet/environment.yml"] == (GREET / "environment.yml").read_bytes()
    assert files["modules/template_greet/templates/greet.sh"] == (GREET / "templates/greet.sh").read_bytes()
    assert files["modules/module_banner/templates/banner.txt"] == (BANNER / "templates/banner.txt").read_bytes()
    assert "environment.yml" not in files and not any(rel.startswith("templates/") for rel in files)
    # each process is included from its module's folder, so its `moduleDir` is that folder
    includes = re.findall(r"^include \{ (.*) \} from '(.*)'$", bundle.main_nf, re.M)
    assert includes == [("TEMPLATE_GREET", "./modules/template_greet/main.nf"),
                        ("MODULE_BANNER; MODULE_BANNER_BANNER_AGAIN",
                         "./modules/module_banner/main.nf")]
    module_code = files["modules/module_banner/main.nf"].decode()
    assert 'conda "${moduleDir}/environment.yml"' in module_code and "process MODULE_BANNER {" in module_code
    assert "process MODULE_BANNER {" not in bundle.main_nf
    assert sum(rel.endswith("/main.nf") for rel in files) == 2


def test_module_binaries_stay_on_the_path_and_in_the_module_folder():
    wf = pynf.Workflow("bins")
    wf.add(str(BIN), {"0": pynf.Queue([[{"id": "a"}, "/data/a.txt"]])}, name="words")
    bundle = wf.compile(check_files=False)
    files = dict(bundle.sidecars)
    (script,) = [p.name for p in (BIN / "resources/usr/bin").iterdir()]
    assert files[f"bin/{script}"] == files[f"modules/bin_script/resources/usr/bin/{script}"]
    assert {f"bin/{script}", f"modules/bin_script/resources/usr/bin/{script}"} <= bundle.executables


def test_two_modules_with_one_id_get_two_folders(tmp_path):
    import shutil

    other = tmp_path / "elsewhere" / "module_banner"
    shutil.copytree(BANNER, other)
    (other / "templates" / "banner.txt").write_text("=== another banner ===\n")
    (other / "main.nf").write_text((other / "main.nf").read_text().replace("label 'process_single'",
                                                                          "label 'process_low'"))
    wf = pynf.Workflow("same_id")
    greet = wf.add(str(GREET), {"0": pynf.Queue([[{"id": "a"}, "/data/a.txt"]])}, name="greet")
    wf.add(str(BANNER), text=greet.out.greetings, name="one")
    wf.add(str(other), text=greet.out.greetings, name="two")
    bundle = wf.compile(check_files=False)
    files = dict(bundle.sidecars)
    assert files["modules/module_banner_2/templates/banner.txt"] == b"=== another banner ===\n"
    assert "include { MODULE_BANNER_2 } from './modules/module_banner_2/main.nf'" in bundle.main_nf
