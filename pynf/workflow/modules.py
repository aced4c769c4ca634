"""Each module of a workflow in a folder of its own: ``modules/<id>/`` in the bundle, included by the wrapper.

Nextflow sets ``moduleDir`` of a process to the folder of the script that defines it, so a module's
code is written to ``modules/<id>/main.nf`` beside its own ``environment.yml``, ``templates/``,
``resources/`` and module-local include files, and the wrapper includes its processes from there
(``include { SAMTOOLS_SORT; SAMTOOLS_SORT as SAMTOOLS_SORT_RESORT } from './modules/...'``).
``conda "${moduleDir}/environment.yml"``, ``template 'x.sh'`` and ``"${moduleDir}/templates/..."`` then
name that module's own files.  A module used by several steps is carried once; a second use of the same
process is an alias in the include; a process name taken by another module is aliased too.
Executables in ``resources/usr/bin`` are also copied to the bundle's ``bin/`` (on every task's PATH).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pynf.errors import WiringError
from pynf.render.includes import local_include_files
from pynf.render.renderer import collect_sidecars, wrapper_blocks

if TYPE_CHECKING:
    from pynf.workflow.graph import Step

__all__ = ["ModuleLayout", "module_layout", "MODULES_DIR"]

#: Folder of the bundle holding one folder per module.
MODULES_DIR = "modules"


@dataclass
class ModuleLayout:
    """Process name per step, the wrapper's include lines, and the files of every module folder."""

    names: dict[str, str] = field(default_factory=dict)  # step -> process name in the wrapper
    includes: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # bundle path -> content
    executables: set[str] = field(default_factory=set)


def _slug(module_id: str) -> str:
    parts = [re.sub(r"[^A-Za-z0-9_.-]", "_", p).strip(".") or "m" for p in module_id.split("/") if p]
    return "/".join(parts) or "module"


def _module_files(step: Step, folder: str) -> tuple[dict[str, bytes], dict[str, bytes], set[str]]:
    """(files of the module folder, files for the bundle's bin/, executables) of ``step``'s module."""
    blocks, _ = wrapper_blocks(step.module)
    main = Path(step.module.path)
    main = main if main.name.endswith(".nf") else main / "main.nf"
    own = {f"{folder}/main.nf": ("\n\n".join(b.rstrip("\n") for b in blocks) + "\n").encode()}
    includes = local_include_files(main, [t.text for t in step.module.toplevel if t.kind == "include"])
    own.update({f"{folder}/{rel}": data for rel, data in includes.items()})
    shared: dict[str, bytes] = {}
    sidecars, executables = collect_sidecars(step.module_dir)
    for rel, data in sidecars:
        if rel in executables:
            shared[rel] = data
        else:
            own[f"{folder}/{rel}"] = data
    resources = Path(step.module_dir or "") / "resources"
    if step.module_dir and resources.is_dir():
        for path in sorted(resources.rglob("*")):
            if path.is_file():
                own[f"{folder}/{path.relative_to(resources.parent).as_posix()}"] = path.read_bytes()
    return own, shared, set(executables) | {f"{folder}/resources/usr/bin/{rel[4:]}" for rel in executables}


def module_layout(steps: list[Step], *, files: bool = True) -> ModuleLayout:
    """Where each step's module goes in the bundle and under which process name each step runs."""
    layout = ModuleLayout()
    taken: set[str] = set()
    folders: dict[tuple[str, str], str] = {}
    names: dict[tuple[str, str], dict[str, list[str]]] = {}  # module -> process -> names it is included as

    def fresh(base: str) -> str:
        name, n = base, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        return name

    for step in steps:
        mkey = (str(step.module.path), step.module.source_hash)
        if mkey not in folders:
            base, n = f"{MODULES_DIR}/{_slug(step.module_id)}", 2
            folder = base
            while folder in folders.values():
                folder, n = f"{base}_{n}", n + 1
            folders[mkey] = folder
            names[mkey] = {}
            if files:
                own, shared, exe = _module_files(step, folder)
                layout.files.update(own)
                for rel, data in shared.items():
                    if layout.files.get(rel, data) != data:
                        raise WiringError(f"step '{step.name}': its module's executable {rel} differs from another "
                                          "step's module file of the same name; one bundle cannot hold both",
                                          step=step.name)
                    layout.files[rel] = data
                layout.executables |= exe
        used = names[mkey].setdefault(step.process.name, [])
        if not used:
            name = fresh(step.process.name)
        else:
            name = fresh(re.sub(r"[^A-Za-z0-9_]", "_", f"{step.process.name}_{step.name.upper()}"))
        used.append(name)
        layout.names[step.name] = name
    for mkey, folder in folders.items():
        parts = [p if a == p else f"{p} as {a}" for p, aliases in names[mkey].items() for a in aliases]
        layout.includes.append(f"include {{ {'; '.join(parts)} }} from './{folder}/main.nf'")
    return layout
