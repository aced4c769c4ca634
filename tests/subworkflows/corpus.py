"""The shared nf-core subworkflows corpus, laid out as in nf-core/modules for tests (read at test time).

``nfcore_tree(tmp)`` links ``modules/nf-core`` and ``subworkflows/nf-core`` to the two corpus folders
(so a subworkflow's ``../../../modules/nf-core/...`` includes resolve); ``subworkflow_repo(tmp, names)``
builds a real Git repository served over ``file://`` holding those subworkflows and every module and
subworkflow they include (copied at test time into the temporary folder, never into the repository).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ..gitrepos import ModuleRepo
from ..paths import CORPUS, SHARED
from ..support import unavailable

__all__ = ["SUBWORKFLOWS", "require_corpus", "subworkflow_dirs", "nfcore_tree", "subworkflow_repo", "source_names"]

SUBWORKFLOWS = SHARED / "corpus" / "nf-core-subworkflows"

_INCLUDE = re.compile(r"include\s*\{[^}]*\}\s*from\s*['\"](\.{1,2}/[^'\"]+)['\"]")


def require_corpus() -> None:
    """Skip (fail under CI=true) unless both corpus folders are there."""
    for folder in (CORPUS, SUBWORKFLOWS):
        if not folder.is_dir():
            unavailable(f"the nf-core corpus folder {folder} is absent (set PYNF_SHARED_DIR)")


def subworkflow_dirs() -> list[Path]:
    """Every corpus subworkflow folder with a main.nf, sorted."""
    require_corpus()
    return sorted(p.parent for p in SUBWORKFLOWS.glob("*/main.nf"))


def nfcore_tree(root: Path) -> Path:
    """``root`` with modules/nf-core and subworkflows/nf-core linked to the corpus; returns root."""
    require_corpus()
    for kind, target in (("modules", CORPUS), ("subworkflows", SUBWORKFLOWS)):
        (root / kind).mkdir(parents=True, exist_ok=True)
        link = root / kind / "nf-core"
        if not link.exists():
            link.symlink_to(target, target_is_directory=True)
    return root


def _needed(name: str) -> set[str]:
    """Repository folders (``subworkflows/nf-core/x``, ``modules/nf-core/y/z``) ``name`` needs, transitively."""
    todo, seen = [f"subworkflows/nf-core/{name}"], set()
    while todo:
        folder = todo.pop()
        if folder in seen:
            continue
        seen.add(folder)
        kind, _, rest = folder.split("/", 2)
        source = (SUBWORKFLOWS if kind == "subworkflows" else CORPUS) / rest / "main.nf"
        for target in _INCLUDE.findall(source.read_text()) if kind == "subworkflows" else ():
            parts = Path(folder, target).as_posix().split("/")
            norm: list[str] = []
            for part in parts:
                if part == "..":
                    norm.pop()
                elif part != ".":
                    norm.append(part)
            if norm[-1] == "main" or norm[-1].endswith(".nf"):
                norm.pop()
            todo.append("/".join(norm))
    return seen


def subworkflow_repo(path: Path, names: list[str], *, modules: tuple[str, ...] = ()) -> ModuleRepo:
    """A Git repository over file:// with the named corpus subworkflows, everything they include, and the
    extra corpus ``modules`` (``tool`` or ``tool/sub``), committed once."""
    require_corpus()
    repo = ModuleRepo(path)
    repo.write("README.md", "test repository in the nf-core/modules layout\n")
    folders = set().union(*(_needed(n) for n in names)) | {f"modules/nf-core/{m}" for m in modules}
    for folder in sorted(folders):
        kind, _, rest = folder.split("/", 2)
        source = (SUBWORKFLOWS if kind == "subworkflows" else CORPUS) / rest
        # the module folder's own files (subtool folders are modules of their own)
        target = path / folder
        target.mkdir(parents=True, exist_ok=True)
        for item in source.iterdir():
            if item.is_file():
                shutil.copy2(item, target / item.name)
            elif item.name in ("templates", "resources"):
                shutil.copytree(item, target / item.name, dirs_exist_ok=True)
    repo.commit("subworkflows and their modules")
    return repo


def source_names(main: Path) -> tuple[list[str], list[str]]:
    """Take and emit names read from the text by lines (an oracle independent of pynf's parser): the
    words between ``take:`` and ``main:``, and the names before ``=`` (or the bare word) after ``emit:``."""
    text = re.sub(r"/\*.*?\*/", "", main.read_text(), flags=re.S)
    lines = [re.sub(r"//.*$", "", line).strip() for line in text.splitlines()]
    start = next(i for i, line in enumerate(lines) if re.match(r"workflow\s+[A-Z]", line))
    takes, emits, section = [], [], None
    for line in lines[start + 1:]:
        if line in ("take:", "main:", "emit:"):
            section = line[:-1]
            continue
        if line == "}" and section == "emit":
            break
        if not line:
            continue
        if section == "take":
            takes.append(line.split()[0])
        elif section == "emit":
            m = re.match(r"(\w+)\s*=", line) or re.fullmatch(r"(\w+)", line)
            if m:
                emits.append(m.group(1))
    return takes, emits
