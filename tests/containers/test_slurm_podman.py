"""A queue of 4 items as 4 Slurm jobs on the single-node cluster, each task in Podman (the module's image)."""

from __future__ import annotations

import pytest

import pynf

from ..slurm.cluster import FAST_POLLING
from .cases import records
from .engines import image_version
from .images import SEQTK, module_images

pytestmark = [pytest.mark.engine, pytest.mark.slurm]


def test_a_queue_of_four_runs_as_slurm_jobs_in_podman(slurm_cluster, images, data, tmp_path):
    reads = str(data.reads["s1"])
    queue = pynf.Queue([[{"id": f"q{n}"}, reads] for n in range(4)])
    plain = pynf.run(SEQTK, {"0": queue}, run_dir=tmp_path / "plain")
    options = pynf.RunOptions(container="podman", executor="slurm", queue="debug", extra_config=FAST_POLLING)
    result = pynf.run(SEQTK, {"0": queue}, run_dir=tmp_path / "slurm", options=options, timeout=600)
    [image] = module_images(SEQTK)
    assert len(result.tasks) == 4
    assert {(t.executor, t.container, t.container_engine) for t in result.tasks} == {("slurm", image, "podman")}
    jobs = slurm_cluster.jobs()
    assert all(jobs[t.native_id]["JobState"] == "COMPLETED" for t in result.tasks)
    expected = {meta["id"]: records(path) for meta, path in plain.outputs["fasta"]}
    assert {meta["id"]: records(path) for meta, path in result.outputs["fasta"]} == expected
    assert len(expected) == 4
    inside = image_version("podman", image, "seqtk")
    assert {v for _, _, v in result.topics["versions"]} == {inside}
