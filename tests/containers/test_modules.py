"""A fixture module and three nf-core modules run in their own images with Docker and with Podman.

Each image is the test image of scripts/containers.sh (Debian trixie's tools) under the exact name the
module declares; the machine's own tools are bookworm's.  So a version a task reports that equals the
image's and differs from the machine's shows the tool answered from inside the image.  The outputs equal
those of the same module run without a container.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import pynf
from pynf.errors import TaskFailedError

from ..paths import MODULE_FIXTURES
from ..support import require_tools
from .cases import CASES, Inputs, index_records, records
from .engines import ENGINES, host_version, image_version
from .images import MIRROR, SEQTK, module_images

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def inputs(data, bwa_index, tmp_path_factory) -> Inputs:
    """The modules' inputs; the BAM for samtools/index is aligned and sorted with this machine's tools."""
    require_tools("bwa", "samtools")
    bam = tmp_path_factory.mktemp("containers-bam") / "s1.bam"
    aligned = subprocess.run(["bwa", "mem", str(bwa_index / "genome"), str(data.reads["s1"])], check=True,
                             capture_output=True).stdout
    subprocess.run(["samtools", "sort", "-o", str(bam), "-"], input=aligned, check=True, capture_output=True)
    return Inputs(data=data, bwa_index=bwa_index, bam=bam)


@pytest.fixture(scope="module")
def plain_runs(inputs, tmp_path_factory):
    """Each module run without a container (the machine's tools), run on first use."""
    runs: dict[str, pynf.RunResult] = {}

    def get(name: str):
        if name not in runs:
            case = CASES[name]
            root = tmp_path_factory.mktemp(f"plain-{name}")
            runs[name] = pynf.run(case.module, case.inputs(inputs), run_dir=root)
        return runs[name]

    return get


def versions(result) -> dict[str, str]:
    return {tool: version for _, tool, version in result.topics["versions"]}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", list(CASES))
def test_module_runs_in_its_own_image(name, engine, images, inputs, plain_runs, tmp_path, request):
    case = CASES[name]
    if case.module != SEQTK:
        request.getfixturevalue("corpus")
    [image] = module_images(case.module)
    result = pynf.run(case.module, case.inputs(inputs), run_dir=tmp_path, options=pynf.RunOptions(container=engine))
    [task] = result.tasks
    assert (task.container, task.container_engine) == (image, engine)
    assert f"{engine} run" in (Path(task.workdir) / ".command.run").read_text()

    plain = plain_runs(name)
    [(meta, out)] = result.outputs[case.emit]
    [(plain_meta, plain_out)] = plain.outputs[case.emit]
    assert meta == plain_meta
    if name == "samtools_index":
        assert index_records(inputs.bam, out) == index_records(inputs.bam, plain_out)
        assert index_records(inputs.bam, out)[0].split("\t")[2] != "0"  # mapped reads counted
    else:
        assert records(out) == records(plain_out) and records(out)

    ran, host_ran = versions(result), versions(plain)
    for tool in case.tools:
        inside = image_version(engine, image, tool)
        assert ran[tool] == inside, f"{tool}: the task reported {ran[tool]}, the image's {tool} is {inside}"
        assert host_ran[tool] == host_version(tool) != inside, \
            f"{tool}: the image must hold another version than this machine's to show where the tool ran"


@pytest.mark.parametrize("engine", ENGINES)
def test_missing_image_fails_at_once_naming_it(engine, images, tmp_path):
    """The fixture samtools_index declares an image no test builds: the engine's refusal ends the run."""
    module = MODULE_FIXTURES / "samtools_index"
    [image] = module_images(module)
    (tmp_path / "x.bam").write_bytes(b"")
    with pytest.raises(TaskFailedError) as caught:
        pynf.run(module, meta={"id": "x"}, input=str(tmp_path / "x.bam"), run_dir=tmp_path / "run",
                 options=pynf.RunOptions(container=engine), timeout=120)
    err = caught.value
    assert err.container == image and err.exit_status == 125
    assert f"container: {image} ({engine})" in str(err)
    said = {"docker": f"Unable to find image '{image}' locally", "podman": f"Trying to pull {image}..."}[engine]
    assert said in err.stderr_tail and said in str(err)
    assert "no such host" in err.stderr_tail or "Error" in err.stderr_tail


@pytest.mark.parametrize("engine", ENGINES)
def test_registry_option_points_at_a_mirror(engine, images, inputs, tmp_path):
    """container_registry: the image is looked up on the mirror (tagged there by scripts/containers.sh)."""
    result = pynf.run(SEQTK, meta={"id": "m"}, fastx=str(inputs.data.reads["s1"]), run_dir=tmp_path,
                      options=pynf.RunOptions(container=engine, container_registry=MIRROR))
    [task] = result.tasks
    assert task.container == f"{MIRROR}/biocontainers/seqtk:1.4--he4a0461_1" == module_images(SEQTK, MIRROR)[0]
    assert versions(result)["seqtk"] == image_version(engine, task.container, "seqtk")


def test_without_the_registry_the_nf_core_name_is_not_found(images, inputs, tmp_path):
    """What pynf did before it set the registry: Docker looked the bare name up on Docker Hub."""
    with pytest.raises(TaskFailedError) as caught:
        pynf.run(SEQTK, meta={"id": "n"}, fastx=str(inputs.data.reads["s1"]), run_dir=tmp_path, timeout=120,
                 options=pynf.RunOptions(container="docker", container_registry=None))
    assert caught.value.container == "biocontainers/seqtk:1.4--he4a0461_1"
    assert "Unable to find image 'biocontainers/seqtk:1.4--he4a0461_1' locally" in caught.value.stderr_tail


@pytest.mark.parametrize(("engine", "said"), [("docker", "No such image: "), ("podman", "image not known")])
def test_container_options_reach_the_engine(engine, said, images, tmp_path):
    """``container_options="--pull=never"``: the engine does not even try a registry for the missing image."""
    module = MODULE_FIXTURES / "samtools_index"
    (tmp_path / "x.bam").write_bytes(b"")
    with pytest.raises(TaskFailedError) as caught:
        pynf.run(module, meta={"id": "x"}, input=str(tmp_path / "x.bam"), run_dir=tmp_path / "run", timeout=120,
                 options=pynf.RunOptions(container=engine, container_options="--pull=never"))
    assert said in caught.value.stderr_tail and "Trying to pull" not in caught.value.stderr_tail
    assert "--pull=never" in (Path(caught.value.workdir) / ".command.run").read_text()
