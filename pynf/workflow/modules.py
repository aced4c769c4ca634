"""Each module of a workflow in a folder of its own: ``modules/<id>/`` in the bundle, included by the wrapper.

Nextflow sets ``moduleDir`` of a process to the folder of the script that defines it, so a module's
code is written to ``modules/<id>/main.nf`` beside its own ``environment.yml``, ``templates/``,
``resources/`` and module-local include files, and the wrapper includes its processes from there
(``include { SAMTOOLS_SORT; SAMTOOLS_SORT_RESORT } from './modules/...'``).
``conda "${moduleDir}/environment.yml"``, ``template 'x.sh'`` and ``"${moduleDir}/templates/..."`` then
name that module's own files.  A module used by several steps is carried once; a second use of the same
process is an alias in the include; a process name taken by another module is aliased too.
Executables in ``resources/usr/bin`` are also copied to the bundle's ``bin/`` (on every task's PATH).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pynf.compiler.ir import Process
from pynf.errors import WiringError
from pynf.render.includes import local_include_files
from pynf.render.renderer import collect_sidecars, wrapper_blocks
from pynf.workflow.step import Step

__all__ = ["ModuleLayout", "module_layout", "process_names", "MODULES_DIR"]

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


def _renamed(process: Process, name: str) -> str:
    text, n = re.subn(r"\A(\s*process\s+)" + re.escape(process.name) + r"\b", lambda m: m.group(1) + name,
                      process.text)
    if n != 1:
        raise WiringError(f"cannot rename process {process.name}: its text does not start with its declaration")
    return text


def _module_main(step: Step, rename: dict[str, str], copies: list[tuple[Process, str]]) -> bytes:
    """The module's code with processes renamed where their name is taken, plus renamed copies for further uses."""
    blocks, _ = wrapper_blocks(step.module)
    texts = {p.text: _renamed(p, rename[p.name]) for p in step.module.processes if rename[p.name] != p.name}
    out = [texts.get(b, b).rstrip("\n") for b in blocks]
    out += [_renamed(process, name).rstrip("\n") for process, name in copies]
    return ("\n\n".join(out) + "\n").encode()


def _module_files(step: Step, folder: str) -> tuple[dict[str, bytes], dict[str, bytes], set[str]]:
    """(files of the module folder but main.nf, files for the bundle's bin/, executables) of ``step``'s module."""
    main = Path(step.module.path)
    main = main if main.name.endswith(".nf") else main / "main.nf"
    includes = local_include_files(main, [t.text for t in step.module.toplevel if t.kind == "include"])
    own = {f"{folder}/{rel}": data for rel, data in includes.items()}
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

    def fresh(base: str) -> str:
        name, n = base, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        return name

    modules: dict[tuple[str, str], tuple[Step, dict[str, str], list, list[str]]] = {}
    for step in steps:
        mkey = (str(step.module.path), step.module.source_hash)
        if mkey not in folders:
            base, n = f"{MODULES_DIR}/{_slug(step.module_id)}", 2
            folder = base
            while folder in folders.values():
                folder, n = f"{base}_{n}", n + 1
            folders[mkey] = folder
            rename = {p.name: fresh(p.name) for p in step.module.processes}
            modules[mkey] = (step, rename, [], [])
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
        first, rename, copies, included = modules[mkey]
        name = rename[step.process.name]
        if name in included:  # a further use: a renamed copy of the process (config selectors stay apart)
            name = fresh(re.sub(r"[^A-Za-z0-9_]", "_", f"{step.process.name}_{step.name.upper()}"))
            copies.append((step.process, name))
        included.append(name)
        layout.names[step.name] = name
    for mkey, folder in folders.items():
        first, rename, copies, included = modules[mkey]
        layout.includes.append(f"include {{ {'; '.join(included)} }} from './{folder}/main.nf'")
        if files:
            layout.files[f"{folder}/main.nf"] = _module_main(first, rename, copies)
    return layout


def process_names(steps: list[Step]) -> dict[str, str]:
    """Each step's process name in the wrapper (a module used twice runs under an alias), without its files."""
    return module_layout(steps, files=False).names
