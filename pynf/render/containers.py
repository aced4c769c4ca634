"""Container images as a module declares them and as Docker/Podman will look them up.

nf-core modules name their images without a registry (``biocontainers/seqtk:1.4--he4a0461_1``) and
pipelines set ``docker.registry = 'quay.io'`` (and the same for podman, singularity, apptainer,
charliecloud).  Nextflow puts the registry in front of a name unless the name's first path component is
a host (holds a ``.`` or ``:``, e.g. ``community.wave.seqera.io/library/fastp:1.3.6--...``), and leaves
URLs (``https://depot.galaxyproject.org/...``) to Singularity/Apptainer.  These helpers apply the same
rule, so tools and tests can name the image a task will run in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pynf.compiler.ir import Process
from pynf.errors import OptionsError

__all__ = ["DEFAULT_REGISTRY", "REGISTRY_SCOPES", "check_registry", "declared_images", "docker_image_name",
           "docker_images"]

#: The registry nf-core publishes its module images on (``RunOptions.container_registry``'s default).
DEFAULT_REGISTRY = "quay.io"

#: Nextflow config scopes that take a ``registry`` setting (Nextflow 25.04), as nf-core pipelines set them.
REGISTRY_SCOPES = ("docker", "podman", "singularity", "apptainer", "charliecloud")

_URL = re.compile(r"^[^/:. ]+://")  # Nextflow's IMAGE_URL_PREFIX: docker://, https://, oras://, ...
_QUOTED = re.compile(r"'([^'\\]*)'|\"([^\"\\$]*)\"")
_REGISTRY = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]+)?(/[A-Za-z0-9._-]+)*/?")


def check_registry(value: str | None) -> None:
    """Raise ``OptionsError`` unless ``value`` is None or a registry host such as ``quay.io`` or
    ``mirror.example.org:5000/path`` (no scheme, no spaces)."""
    if value is None:
        return
    if not isinstance(value, str) or not _REGISTRY.fullmatch(value):
        raise OptionsError(f"container_registry: expected a registry host such as 'quay.io' or "
                           f"'mirror.example.org:5000' (no https://, no spaces), or None, got {value!r}")


def _is_absolute(name: str) -> bool:
    head, slash, _ = name.partition("/")
    return bool(slash) and ("." in head or ":" in head)


def docker_image_name(name: str, registry: str | None = DEFAULT_REGISTRY) -> str:
    """``name`` as Docker/Podman get it from Nextflow with ``<engine>.registry = registry``."""
    if not registry or _URL.match(name) or _is_absolute(name):
        return name
    return registry.rstrip("/") + "/" + name


def declared_images(process: Process) -> tuple[str, ...]:
    """Every quoted image name in the process's ``container`` directive (both arms of nf-core's
    Singularity-or-Docker choice), in order; empty when it has none."""
    names: list[str] = []
    for directive in process.directives:
        if directive.name != "container":
            continue
        for single, double in _QUOTED.findall(directive.text):
            name = (single or double).strip()
            if name and name not in ("singularity", "apptainer") and name not in names:
                names.append(name)
    return tuple(names)


def docker_images(processes: Iterable[Process], registry: str | None = DEFAULT_REGISTRY) -> tuple[str, ...]:
    """The images Docker/Podman would run for ``processes`` (URL-named Singularity images left out)."""
    out: list[str] = []
    for process in processes:
        for name in declared_images(process):
            if _URL.match(name):
                continue
            full = docker_image_name(name, registry)
            if full not in out:
                out.append(full)
    return tuple(out)
