"""Nextflow's own config parser (the v1 parser, 25.04's default, which pynf's runs use) reads the container settings pynf writes: the
registry in every scope nf-core sets, and the engine's run options exactly (Docker and Podman runs use
them for real in tests/containers)."""

from __future__ import annotations

import pytest

from pynf.render.containers import REGISTRY_SCOPES
from pynf.render.options import RenderOptions, RunOptions
from pynf.render.renderer import render

from .test_config_oracle import MODULE, _nextflow_config_json

pytestmark = pytest.mark.engine


def test_nextflow_reads_registry_and_run_options(tmp_path):
    options = "-B /data:/data --env X='a b' $(id -u)"
    run = RunOptions(container="singularity", container_registry="mirror.example.org:5000",
                     container_options=options)
    bundle = render(MODULE, RenderOptions(inputs={"meta": {}, "fastx": "/x.fq"}, check_files=False, run=run))
    (tmp_path / "nextflow.config").write_text(bundle.config_text)
    config = _nextflow_config_json(tmp_path, "v1")
    assert {scope: config[scope]["registry"] for scope in REGISTRY_SCOPES} == \
        {scope: "mirror.example.org:5000" for scope in REGISTRY_SCOPES}
    assert config["singularity"]["runOptions"] == options
    assert config["singularity"]["enabled"] is True and config["singularity"]["autoMounts"] is True
