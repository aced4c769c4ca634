"""Container settings in the rendered config: the registry as nf-core sets it, a mirror, the engine's run
options; image names as Docker/Podman get them from Nextflow (issue 20)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pynf.cli.main import cli
from pynf.compiler import parse
from pynf.errors import OptionsError
from pynf.render import RenderOptions, render
from pynf.render.containers import REGISTRY_SCOPES, declared_images, docker_image_name, docker_images
from pynf.render.options import RunOptions

from ..paths import CORPUS, MODULE_FIXTURES

SEQTK = MODULE_FIXTURES / "seqtk_seq"


def config(**run) -> str:
    return render(parse(SEQTK), RenderOptions(inputs={"meta": {}, "fastx": "/f"}, check_files=False,
                                              run=RunOptions(**run))).config_text


@pytest.mark.parametrize("engine", ["docker", "podman", "singularity", "apptainer", "conda"])
def test_container_config_snapshots(engine, snapshot):
    assert config(container=engine) == snapshot


@pytest.mark.parametrize("engine", ["docker", "podman", "singularity", "apptainer"])
def test_every_registry_scope_is_quay_io_as_in_nf_core(engine):
    text = config(container=engine)
    assert [f"{scope}.registry = 'quay.io'" in text for scope in REGISTRY_SCOPES] == [True] * 5


def test_a_mirror_replaces_quay_io_and_none_leaves_the_engines_default():
    text = config(container="podman", container_registry="mirror.example.org:5000")
    assert [f"{scope}.registry = 'mirror.example.org:5000'" in text for scope in REGISTRY_SCOPES] == [True] * 5
    assert "quay.io" not in text
    assert ".registry" not in config(container="docker", container_registry=None)
    assert ".registry" not in config() and ".registry" not in config(container="conda")


def test_container_options_are_the_engines_run_options():
    assert "docker.runOptions = '-u $(id -u):$(id -g)'" in config(container="docker")
    text = config(container="docker", container_options="--pull=never -u 1000:1000")
    assert "docker.runOptions = '--pull=never -u 1000:1000'" in text and "$(id -u)" not in text
    assert "podman.runOptions = '--pull=never'" in config(container="podman", container_options="--pull=never")
    assert "runOptions" not in config(container="podman")


@pytest.mark.parametrize("kwargs", [
    {"container_registry": "https://quay.io"}, {"container_registry": "quay io"}, {"container_registry": ""},
    {"container_registry": 5}, {"container": "none", "container_options": "-u 0"},
    {"container": "conda", "container_options": "-u 0"}, {"container": "docker", "container_options": ["-u"]},
])
def test_bad_container_settings_raise_options_error(kwargs):
    with pytest.raises(OptionsError, match="container_"):
        RunOptions(**kwargs)


@pytest.mark.parametrize(("name", "registry", "expected"), [
    ("biocontainers/seqtk:1.4--he4a0461_1", "quay.io", "quay.io/biocontainers/seqtk:1.4--he4a0461_1"),
    ("ubuntu:24.04", "quay.io", "quay.io/ubuntu:24.04"),  # as Nextflow does: no host, so the registry's
    ("biocontainers/seqtk:1.4", "mirror.example.org:5000/", "mirror.example.org:5000/biocontainers/seqtk:1.4"),
    ("community.wave.seqera.io/library/fastp:1.3.6--4df8d6c11b471bde", "quay.io",
     "community.wave.seqera.io/library/fastp:1.3.6--4df8d6c11b471bde"),
    ("localhost:5000/tools:1", "quay.io", "localhost:5000/tools:1"),
    ("https://depot.galaxyproject.org/singularity/samtools:1.21--h50ea8bc_0", "quay.io",
     "https://depot.galaxyproject.org/singularity/samtools:1.21--h50ea8bc_0"),
    ("biocontainers/seqtk:1.4", None, "biocontainers/seqtk:1.4"),
])
def test_image_names_follow_nextflows_registry_rule(name, registry, expected):
    assert docker_image_name(name, registry) == expected


def test_declared_images_read_both_arms_of_nf_cores_choice():
    [process] = parse(MODULE_FIXTURES / "samtools_view").processes
    assert declared_images(process) == ("https://depot.galaxyproject.org/singularity/samtools:1.21--h50ea8bc_0",
                                        "biocontainers/samtools:1.21--h50ea8bc_0")
    assert docker_images([process]) == ("quay.io/biocontainers/samtools:1.21--h50ea8bc_0",)
    assert docker_images(parse(SEQTK).processes, "m.example") == ("m.example/biocontainers/seqtk:1.4--he4a0461_1",)


def test_nf_core_wave_images_keep_their_host():
    if not (CORPUS / "fastp" / "main.nf").is_file():
        pytest.skip(f"the nf-core modules corpus is not at {CORPUS}")
    assert docker_images(parse(CORPUS / "fastp").processes) == \
        ("community.wave.seqera.io/library/fastp:1.3.6--4df8d6c11b471bde",)


@pytest.mark.parametrize(("args", "wanted", "unwanted"), [
    (["--container", "docker"], "docker.registry = 'quay.io'", None),
    (["--container", "docker", "--container-registry", "mirror.example.org"], "podman.registry = 'mirror.example.org'",
     "quay.io"),
    (["--container", "podman", "--container-registry", ""], "podman.enabled = true", ".registry"),
    (["--container", "podman", "--container-options", "--pull=never"], "podman.runOptions = '--pull=never'", None),
])
def test_cli_container_options(args, wanted, unwanted, tmp_path):
    result = CliRunner().invoke(cli, ["compile", str(SEQTK), "--emit", "config", "--out", str(tmp_path), *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "nextflow.config").read_text()
    assert wanted in text and (unwanted is None or unwanted not in text)


def test_cli_rejects_a_registry_url(tmp_path):
    result = CliRunner().invoke(cli, ["compile", str(SEQTK), "--emit", "config", "--container", "docker",
                                      "--container-registry", "https://quay.io"])
    assert result.exit_code == 1 and "container_registry" in result.output
