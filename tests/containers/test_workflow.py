"""Three nf-core modules as ONE workflow run, each step in its own module's image (three images), with
Docker and with Podman; the outputs equal the same workflow run without containers."""

from __future__ import annotations

import pytest

import pynf

from .cases import index_records, records
from .engines import ENGINES, image_version
from .images import MODULES, module_images

pytestmark = pytest.mark.engine

#: step -> (module, the emit compared, the tools it reports)
STEPS = {"trim": ("fastp", "reads", ("fastp",)), "align": ("bwa_mem", "bam", ("bwa", "samtools")),
         "bam_index": ("samtools_index", "index", ("samtools",))}
_SAMPLE = {"id": "s1", "single_end": True}
_REF = {"id": "genome"}


def three_steps(data, bwa_index, container: str) -> pynf.Workflow:
    wf = pynf.Workflow("three_images", options=pynf.RunOptions(container=container))
    trim = wf.add(MODULES["fastp"], {"0": pynf.Queue([[_SAMPLE, str(data.reads["s1"]), []]])},
                  discard_trimmed_pass=False, save_trimmed_fail=False, save_merged=False, name="trim")
    align = wf.add(MODULES["bwa_mem"], {"1": [_REF, str(bwa_index)], "2": [_REF, str(data.ref)]},
                   reads=trim.out.reads, sort_bam=True, name="align")
    wf.add(MODULES["samtools_index"], input=align.out.bam, name="bam_index")
    return wf


@pytest.fixture(scope="module")
def plain(corpus, data, bwa_index, tmp_path_factory):
    root = tmp_path_factory.mktemp("wf-plain")
    return three_steps(data, bwa_index, "none").run(run_dir=root / "run", outdir=root / "out")


@pytest.mark.parametrize("engine", ENGINES)
def test_each_step_runs_in_its_own_modules_image(engine, images, corpus, data, bwa_index, plain, tmp_path):
    result = three_steps(data, bwa_index, engine).run(run_dir=tmp_path / "run", outdir=tmp_path / "out")
    used = {}
    for step, (module, emit, tools) in STEPS.items():
        [image] = module_images(MODULES[module])
        [task] = result[step].tasks
        assert (task.container, task.container_engine) == (image, engine), step
        used[step] = image
        [(meta, out)] = result[step].outputs[emit]
        [(plain_meta, plain_out)] = plain[step].outputs[emit]
        assert meta == plain_meta, step
        if step == "bam_index":  # each index read against its own run's BAM
            [(_, bam)] = result["align"].outputs["bam"]
            [(_, plain_bam)] = plain["align"].outputs["bam"]
            assert index_records(bam, out) == index_records(plain_bam, plain_out), step
        else:
            assert records(out) == records(plain_out) and records(out), step
        reported = {tool: v for p, tool, v in result.topics["versions"] if p == task.process}
        assert reported == {tool: image_version(engine, image, tool) for tool in tools}, step
    assert len(set(used.values())) == 3
