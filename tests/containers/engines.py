"""Docker and Podman for the `containers` tests: are they ready, and what the image's tools answer.

The engines and images come from ``scripts/containers.sh up`` (CI runs it before the tests); a test
skips, or fails under ``CI=true``, when they are not ready.
"""

from __future__ import annotations

import subprocess

from ..paths import REPO
from ..support import unavailable

__all__ = ["ENGINES", "SCRIPT", "VERSION_COMMANDS", "host_version", "image_version", "require_images"]

SCRIPT = REPO / "scripts" / "containers.sh"
ENGINES = ("docker", "podman")

#: tool -> the shell command its module's ``versions`` eval output runs (the version string alone)
VERSION_COMMANDS = {
    "seqtk": "seqtk 2>&1 | sed -n 's/^Version: //p'",
    "fastp": 'fastp --version 2>&1 | sed -e "s/fastp //g"',
    "bwa": 'bwa 2>&1 | sed -n "s/^Version: //p"',
    "samtools": "samtools version | sed '1!d;s/.* //'",
}

_ready: dict[str, str | None] = {}


def require_images() -> None:
    """Skip (fail under CI=true) unless Docker and Podman answer and every test image is present."""
    if "status" not in _ready:
        try:
            done = subprocess.run(["bash", str(SCRIPT), "status"], capture_output=True, text=True, timeout=120)
            _ready["status"] = None if done.returncode == 0 else (done.stderr or done.stdout).strip()
        except (OSError, subprocess.TimeoutExpired) as exc:
            _ready["status"] = str(exc)
    if _ready["status"] is not None:
        unavailable("Docker/Podman or the container tests' images are not ready; run `bash scripts/containers.sh "
                    f"up` as root first (it installs both engines and builds the images from Debian):\n"
                    f"{_ready['status']}")


def image_version(engine: str, image: str, tool: str) -> str:
    """What ``tool`` in ``image`` says its version is (the engine runs the image directly)."""
    out = subprocess.run([engine, "run", "--rm", image, "bash", "-c", VERSION_COMMANDS[tool]], capture_output=True,
                         text=True, timeout=120, check=True).stdout.strip()
    assert out, f"{tool} in {image} printed no version"
    return out


def host_version(tool: str) -> str | None:
    """The version of this machine's own ``tool`` (None when it is not installed)."""
    done = subprocess.run(["bash", "-c", f"command -v {tool} >/dev/null && {VERSION_COMMANDS[tool]}"],
                          capture_output=True, text=True, timeout=60)
    return done.stdout.strip() or None if done.returncode == 0 else None
