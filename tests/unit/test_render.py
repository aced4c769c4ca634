"""Renderer: snapshots of every bundle file per fixture, determinism, sidecars, wrapper independence."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from pynf.render.bundle import MANIFEST_NAME
from pynf.render.compile import compile_bundle
from pynf.compiler import parse
from pynf.render.options import RenderOptions, RunOptions
from pynf.errors import RenderWarning
from pynf.render.renderer import render, wrapper_blocks

from ..builders import bundles_for
from ..paths import MODULE_FIXTURES, REPO, fixture_modules


@pytest.mark.parametrize("name", fixture_modules())
def test_bundle_snapshots(name, snapshot):
    for process, bundle in bundles_for(name):
        assert bundle.process == process
        assert bundle.module_id == name
        assert bundle.main_nf == snapshot(name=f"{process}-main.nf")
        assert bundle.params_text == snapshot(name=f"{process}-params.json")
        assert bundle.config_text == snapshot(name=f"{process}-nextflow.config")
        assert sorted(rel for rel, _ in bundle.sidecars) == snapshot(name=f"{process}-sidecars")


@pytest.mark.parametrize("name", fixture_modules())
def test_render_is_deterministic(name):
    first = [b.files() for _, b in bundles_for(name)]
    second = [b.files() for _, b in bundles_for(name)]
    assert first == second


def test_render_is_byte_identical_across_processes(tmp_path):
    """A fresh interpreter with another hash seed renders the same bytes (no set/dict-order leaks)."""
    code = ("import sys, hashlib; from pynf.render.compile import compile_bundle; "
            "b = compile_bundle(sys.argv[1], inputs={'meta': {'b': 1, 'a': 2}, 'input': '/x.sam', "
            "'1': [{}, []]}, check_files=False, params={'z': 1, 'a': [1, 2]}); "
            "print(hashlib.sha256(b''.join(b.files().values())).hexdigest())")
    digests = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", code, str(MODULE_FIXTURES / "samtools_view")], env=env,
                             cwd=REPO, capture_output=True, text=True, check=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_wrapper_does_not_depend_on_inputs_params_or_options(tmp_path):
    module = parse(MODULE_FIXTURES / "seqtk_seq")
    a = render(module, RenderOptions(inputs={"meta": {"id": "a"}, "fastx": "/a.fq"}, check_files=False))
    b = render(module, RenderOptions(inputs={"0": [{"id": "b", "x": "${y}"}, "/b.fq"]}, check_files=False,
                                     params={"outdir": "/elsewhere", "p": "'\""},
                                     run=RunOptions(ext={"args": "-q"}, container="docker")))
    assert a.main_nf == b.main_nf
    assert a.content_hash == b.content_hash
    assert a.params_text != b.params_text and a.config_text != b.config_text


def test_wrapper_header_names_version_source_and_hash():
    module = parse(MODULE_FIXTURES / "samtools_sort")
    bundle = render(module, RenderOptions(inputs={"meta": {}, "bam": "/x.bam"}, check_files=False,
                                          module_id="nf-core/samtools/sort"))
    head = bundle.main_nf.splitlines()[:6]
    from pynf import __version__
    assert f"pynf {__version__}" in head[1]
    assert head[2] == "// module: nf-core/samtools/sort"
    assert head[3] == f"// module source sha256: {module.source_hash}"
    assert bundle.module_id == "nf-core/samtools/sort"


def test_module_code_is_inlined_verbatim_in_source_order():
    module = parse(MODULE_FIXTURES / "helper_def")
    bundle = render(module, RenderOptions(inputs={"meta": {}, "text": "/t", "flags": []}, check_files=False))
    text = bundle.main_nf
    source = (MODULE_FIXTURES / "helper_def" / "main.nf").read_text()
    positions = []
    for top in module.toplevel:
        assert top.text in source and top.text in text
        positions.append(text.index(top.text))
    assert module.processes[0].text in text
    positions.append(text.index(module.processes[0].text))
    assert positions == sorted(positions)


def test_two_process_module_inlines_both_and_calls_the_chosen_one():
    module = parse(MODULE_FIXTURES / "two_process")
    bundle = render(module, RenderOptions(process="TWO_JOIN", inputs={"meta": {}, "chunks": []}, check_files=False))
    assert "process TWO_SPLIT {" in bundle.main_nf and "process TWO_JOIN {" in bundle.main_nf
    assert "    TWO_JOIN(ch_in_0)\n" in bundle.main_nf and "TWO_SPLIT(" not in bundle.main_nf
    assert "withName: 'TWO_JOIN'" in bundle.config_text


def test_topics_map_to_the_outputs_that_feed_them():
    bundle = compile_bundle(MODULE_FIXTURES / "bwa_mem", check_files=False, inputs={
        "meta": {}, "reads": "/r", "meta2": {}, "index": "/i", "meta3": {}, "fasta": "/f", "sort_bam": True})
    assert "['versions': ['versions_bwa', 'versions_samtools']]" in bundle.main_nf
    opt = compile_bundle(MODULE_FIXTURES / "optional_outputs", check_files=False, inputs={
        "meta": {}, "reads": [], "extra": [], "notes": "/n", "write_log": False})
    assert "['run_info': ['run_info'], 'versions': ['versions_coreutils']]" in opt.main_nf
    assert f"'{MANIFEST_NAME}'" in opt.main_nf


def test_sidecars_templates_environment_and_bin(tmp_path):
    bundle = compile_bundle(MODULE_FIXTURES / "template_greet", inputs={"meta": {}, "names": "/n"}, check_files=False)
    files = dict(bundle.sidecars)
    assert files["templates/greet.sh"] == (MODULE_FIXTURES / "template_greet/templates/greet.sh").read_bytes()
    assert files["environment.yml"] == (MODULE_FIXTURES / "template_greet/environment.yml").read_bytes()

    bundle = compile_bundle(MODULE_FIXTURES / "bin_script", inputs={"meta": {}, "text": "/t"}, check_files=False)
    assert bundle.executables == frozenset({"bin/pynf_wordfreq.sh"})
    out = bundle.write(tmp_path / "b")
    script = out / "bin" / "pynf_wordfreq.sh"
    assert script.read_bytes() == (MODULE_FIXTURES / "bin_script/resources/usr/bin/pynf_wordfreq.sh").read_bytes()
    assert script.stat().st_mode & stat.S_IXUSR
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "bin/pynf_wordfreq.sh", "environment.yml", "main.nf", "nextflow.config", "params.json"]


def test_local_include_and_entry_workflow_are_dropped_with_warning(tmp_path):
    (tmp_path / "main.nf").write_text(
        "include { helper } from './lib/helper'\n\n"
        "process KEEP {\n    input:\n    val x\n\n    output:\n    stdout\n\n    script:\n"
        "    \"\"\"\n    echo $x\n    \"\"\"\n}\n\nworkflow {\n    KEEP(channel.of(1))\n}\n")
    module = parse(tmp_path)
    blocks, warnings = wrapper_blocks(module)
    assert blocks[0] == "// pynf: dropped include of a local file: include { helper } from './lib/helper'"
    assert blocks[-1] == "// pynf: dropped the module's entry workflow"
    assert len(warnings) == 2
    with pytest.warns(RenderWarning) as caught:
        bundle = render(module, RenderOptions(inputs={"x": 1}))
    assert "KEEP(channel.of(1))" not in bundle.main_nf
    assert [str(w.message) for w in caught] == list(bundle.warnings)
    assert len(bundle.warnings) == 2 and "dropped include" in bundle.warnings[0] and "entry workflow" in bundle.warnings[1]


def test_config_sections_for_run_options():
    module = parse(MODULE_FIXTURES / "seqtk_seq")
    opts = RunOptions(ext={"args": "-q 20", "prefix": "s1", "when": False, "list": [1, "a"]}, cpus=4,
                      memory="8 GB", time="1h 30m", container="singularity", executor="slurm", queue="short",
                      cluster_options="--account=lab --qos='x y'",
                      resource_limits={"cpus": 8, "memory": "16 GB", "time": "4h"},
                      extra_config="env.FOO = 'bar'")
    text = render(module, RenderOptions(inputs={"meta": {}, "fastx": "/f"}, check_files=False, run=opts)).config_text
    assert "        ext.args = '-q 20'\n        ext.list = [1, 'a']\n        ext.prefix = 's1'\n" in text
    assert "        ext.when = false\n" in text
    assert "        cpus = 4\n        memory = '8 GB'\n        time = '1h 30m'\n" in text
    assert "    executor = 'slurm'\n    queue = 'short'\n    clusterOptions = '--account=lab --qos=\\'x y\\''\n" in text
    listed = RunOptions(cluster_options=["--account=lab", "--qos=short"])
    assert listed.cluster_options == ("--account=lab", "--qos=short")
    listed_text = render(module, RenderOptions(inputs={"meta": {}, "fastx": "/f"}, check_files=False,
                                               run=listed)).config_text
    assert "    clusterOptions = ['--account=lab', '--qos=short']\n" in listed_text
    assert "    resourceLimits = [cpus: 8, memory: '16 GB', time: '4h']\n" in text
    assert "singularity.enabled = true\nsingularity.autoMounts = true\n" in text
    assert text.endswith("// ---- extra configuration (as given) ----\nenv.FOO = 'bar'\n")
    for engine in ("docker", "podman", "apptainer", "conda"):
        text = render(module, RenderOptions(inputs={"meta": {}, "fastx": "/f"}, check_files=False,
                                            run=RunOptions(container=engine))).config_text
        assert f"\n{engine}.enabled = true\n" in text


@pytest.mark.parametrize("kwargs", [
    {"cpus": 0}, {"cpus": "2"}, {"memory": "lots"}, {"time": "soon"}, {"container": "lxc"},
    {"resource_limits": {"gpus": 1}}, {"ext": {"bad-name": 1}}, {"executor": ""}, {"extra_config": 3},
    {"cluster_options": ""}, {"cluster_options": []}, {"cluster_options": ["--a", 3]}, {"cluster_options": 5},
])
def test_bad_run_options_raise_options_error(kwargs):
    from pynf.render.options import OptionsError
    with pytest.raises(OptionsError):
        RunOptions(**kwargs)


def test_compile_bundle_accepts_path_dir_or_module(tmp_path):
    inputs = {"meta": {"id": "a"}, "bam": "/a.bam"}
    a = compile_bundle(MODULE_FIXTURES / "samtools_sort", inputs=inputs, check_files=False)
    b = compile_bundle(str(MODULE_FIXTURES / "samtools_sort" / "main.nf"), inputs=inputs, check_files=False)
    c = compile_bundle(parse(MODULE_FIXTURES / "samtools_sort"), inputs=inputs, check_files=False)
    assert a.files() == b.files() == c.files()
