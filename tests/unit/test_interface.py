"""Module interfaces: snapshots of every fixture's interface and card, the hash's stability, content hashes
and the registry lookup."""

from __future__ import annotations

import json
import shutil

import pytest

import pynf

from pynf.interface import interface_of, load_interface, lookup, module_content_hash, render_card
from pynf.interface.registry import FIELDS, REGISTRY_VERSION, registry_summary

from ..paths import CORPUS, MODULE_FIXTURES, fixture_modules
from ..support import unavailable


@pytest.mark.parametrize("name", fixture_modules())
def test_fixture_interface_snapshot(name, snapshot):
    iface = interface_of(MODULE_FIXTURES / name)
    assert {"hash": iface.hash, "interface": iface.data} == snapshot(name="interface")
    assert render_card(iface, title=name) == snapshot(name="card")


def _copy(tmp_path, name="samtools_sort"):
    target = tmp_path / name
    shutil.copytree(MODULE_FIXTURES / name, target)
    return target


def test_canonical_form_is_stable_and_round_trips(tmp_path):
    iface = interface_of(MODULE_FIXTURES / "samtools_sort")
    text = iface.canonical()
    assert json.loads(text) == iface.data
    assert " " not in text.split('"')[0] and text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))
    back = load_interface(json.loads(json.dumps(iface.to_record())))
    assert back.hash == iface.hash and back.docs == iface.docs
    with pytest.raises(ValueError):
        load_interface({"hash": "sha256:0"})


def test_docs_and_script_changes_do_not_change_the_hash(tmp_path):
    module = _copy(tmp_path)
    before = interface_of(module)
    meta = module / "meta.yml"
    meta.write_text(meta.read_text().replace("Alignments to sort", "The alignments that get sorted"))
    main = module / "main.nf"
    main.write_text(main.read_text().replace("samtools sort \\\\", "samtools sort -m 1G \\\\"))
    after = interface_of(module)
    assert after.hash == before.hash
    assert after.docs != before.docs


def test_interface_changes_change_the_hash(tmp_path):
    module = _copy(tmp_path)
    before = interface_of(module).hash
    main = module / "main.nf"
    main.write_text(main.read_text().replace("emit: csi, optional: true", "emit: csi"))
    assert interface_of(module).hash != before


def test_content_hash_covers_what_runs_and_nothing_else(tmp_path):
    module = _copy(tmp_path, "template_greet")
    before = module_content_hash(module)
    (module / "tests").mkdir()
    (module / "tests" / "main.nf.test").write_text("nextflow_process { }\n")
    assert module_content_hash(module) == before  # tests are not part of the module
    assert module_content_hash(module / "main.nf") == before
    template = next((module / "templates").iterdir())
    template.write_text(template.read_text() + "\n# edited\n")
    assert module_content_hash(module) != before  # a bundled template is


def test_lookup_answers_by_exact_content(tmp_path):
    module = _copy(tmp_path)
    digest = module_content_hash(module)
    registry = tmp_path / "registry.json"
    row = ["samtools/sort", interface_of(module).hash, True, True, True, True]
    registry.write_text(json.dumps({"version": REGISTRY_VERSION, "fields": list(FIELDS), "modules": {digest: row}}))
    entry = lookup(module, registry=registry)
    assert entry is not None and entry.verified and entry.module == "samtools/sort"
    assert lookup(digest, registry=registry) == entry
    assert entry.summary().startswith("verified as samtools/sort") and "stub-run ok" in entry.summary()
    (module / "main.nf").write_text((module / "main.nf").read_text() + "\n")
    assert lookup(module, registry=registry) is None
    failing = dict(zip(FIELDS, row), wrapper_v2=False)
    registry.write_text(json.dumps({"version": REGISTRY_VERSION, "modules": {digest: list(failing.values())}}))
    assert lookup(digest, registry=registry).verified is False
    not_run = dict(zip(FIELDS, row), stub=None)
    registry.write_text(json.dumps({"version": REGISTRY_VERSION, "modules": {digest: list(not_run.values())}}))
    assert lookup(digest, registry=registry).verified is False and "stub-run -" in lookup(digest, registry=registry).summary()


def test_shipped_registry_covers_the_corpus(tmp_path):
    if not CORPUS.is_dir():
        unavailable(f"the shared corpus is not at {CORPUS}")
    summary = registry_summary()
    assert summary["modules"] == len(list(CORPUS.rglob("main.nf")))
    sample = sorted(CORPUS.rglob("main.nf"))[::200]
    found = [lookup(p.parent) for p in sample]
    assert all(e is not None for e in found)
    assert [e.module for e in found] == [str(p.parent.relative_to(CORPUS)) for p in sample]
    verified = next(p for p in sorted(CORPUS.rglob("main.nf")) if (e := lookup(p.parent)) is not None and e.verified)
    copy = tmp_path / "copy"
    shutil.copytree(verified.parent, copy)
    info = pynf.inspect(copy)
    assert info["verified"]["verified"] is True and info["verified"]["registry"]["module"] == lookup(copy).module
    (copy / "main.nf").write_text((copy / "main.nf").read_text() + "\n")
    info = pynf.inspect(copy)
    assert info["verified"]["verified"] is False and info["verified"]["registry"] is None and lookup(copy) is None


def test_registry_rows_carry_the_nfcore_stub_test_flag_and_old_rows_still_read(tmp_path):
    module = _copy(tmp_path)
    digest = module_content_hash(module)
    registry = tmp_path / "registry.json"
    row = ["samtools/sort", interface_of(module).hash, True, True, True, True]
    for flag, words in ((True, "agrees with nf-core's stub test"), (False, "disagrees with nf-core's stub test")):
        registry.write_text(json.dumps({"version": REGISTRY_VERSION, "modules": {digest: row + [flag]}}))
        entry = lookup(digest, registry=registry)
        assert entry.nfcore_stub_tests is flag and entry.summary().endswith("; " + words)
        assert entry.verified  # the flag is reported beside, not part of, "verified"
    registry.write_text(json.dumps({"version": REGISTRY_VERSION, "modules": {digest: row}}))  # six fields: older
    old = lookup(digest, registry=registry)
    assert old is not None and old.nfcore_stub_tests is None and "nf-core" not in old.summary()


def test_inspect_says_a_module_agrees_with_nfcores_stub_test():
    if not CORPUS.is_dir():
        unavailable(f"the shared corpus is not at {CORPUS}")
    agreeing = next((p.parent for p in sorted(CORPUS.rglob("main.nf"))
                     if (e := lookup(p.parent)) is not None and e.nfcore_stub_tests), None)
    assert agreeing is not None, "the shipped registry holds no module that agrees with nf-core's stub test"
    from click.testing import CliRunner

    from pynf.cli.main import cli

    out = CliRunner().invoke(cli, ["inspect", str(agreeing)])
    assert out.exit_code == 0, out.output
    assert "agrees with nf-core's stub test" in out.output
    assert pynf.inspect(agreeing)["verified"]["registry"]["nfcore_stub_tests"] is True
