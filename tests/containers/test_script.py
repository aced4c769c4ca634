"""scripts/containers.sh: a second `up` only checks and re-tags; every name the test modules declare is
the same one image (one root filesystem), in Docker and in Podman."""

from __future__ import annotations

import subprocess

from ..support import unavailable
from .engines import ENGINES, SCRIPT
from .images import images_to_tag


def test_up_again_is_a_no_op_and_every_name_is_one_image(images):
    done = subprocess.run(["bash", str(SCRIPT), "up"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "building" not in done.stderr and "importing" not in done.stderr and "installing" not in done.stderr
    names, missing = images_to_tag()
    if missing:
        unavailable(f"the nf-core modules corpus is missing: {', '.join(missing)}")
    assert len(names) == 5
    for engine in ENGINES:
        ids = {subprocess.run([engine, "image", "inspect", "--format", "{{.Id}}", name], capture_output=True,
                              text=True, check=True).stdout.strip() for name in names}
        assert len(ids) == 1, (engine, ids)
    status = subprocess.run(["bash", str(SCRIPT), "status"], capture_output=True, text=True, timeout=120)
    assert status.returncode == 0 and "every test image is present" in status.stderr
