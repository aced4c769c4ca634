"""The modules the `containers` tests run, and the image names they declare.

``scripts/containers.sh up`` runs ``python3 -m tests.containers.images`` and tags its one test image
under every name printed: the names Docker/Podman look up for these modules with the default registry,
plus (for names without a registry host) the same under :data:`MIRROR`, which the registry test uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pynf.compiler import parse
from pynf.render.containers import DEFAULT_REGISTRY, docker_images

from ..paths import CORPUS, MODULE_FIXTURES

__all__ = ["MIRROR", "MODULES", "SEQTK", "images_to_tag", "module_images"]

#: A registry name that exists nowhere: the tests' stand-in for a user's mirror.
MIRROR = "mirror.pynf.test"

SEQTK = MODULE_FIXTURES / "seqtk_seq"
#: short name -> module folder (the fixture and three nf-core modules of the shared corpus)
MODULES = {"seqtk_seq": SEQTK, "fastp": CORPUS / "fastp", "bwa_mem": CORPUS / "bwa" / "mem",
           "samtools_index": CORPUS / "samtools" / "index"}


def module_images(module: Path, registry: str | None = DEFAULT_REGISTRY) -> tuple[str, ...]:
    """The Docker/Podman image names of ``module``'s processes under ``registry``."""
    return docker_images(parse(Path(module) / "main.nf").processes, registry)


def images_to_tag() -> tuple[list[str], list[str]]:
    """(every image name to tag, module folders that are missing)."""
    names: list[str] = []
    missing: list[str] = []
    for module in MODULES.values():
        if not (module / "main.nf").is_file():
            missing.append(str(module))
            continue
        for registry in (DEFAULT_REGISTRY, MIRROR):
            names.extend(n for n in module_images(module, registry) if n not in names)
    return names, missing


def main() -> int:
    names, missing = images_to_tag()
    for path in missing:
        print(f"containers: module not found, its image is not built: {path}", file=sys.stderr)
    print("\n".join(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
