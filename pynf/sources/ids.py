"""Module IDs (``fastqc``, ``samtools/view``, ``nf-core/fastqc``), local-path detection and settings."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from pynf.errors import ModuleSourceError

__all__ = [
    "DEFAULT_REMOTE",
    "DEFAULT_BRANCH",
    "ModuleId",
    "parse_module_id",
    "is_local_module",
    "local_module_id",
    "normalize_remote",
    "default_remote",
    "default_branch",
    "offline_default",
]

#: The Git remote module IDs resolve against unless told otherwise.
DEFAULT_REMOTE = "https://github.com/nf-core/modules.git"
#: The branch of the remote that IDs follow unless told otherwise.
DEFAULT_BRANCH = "master"

_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def local_module_id(path: str | os.PathLike[str]) -> str:
    """A local module's ID: its directory's name (``fixtures/modules/seqtk_seq[/main.nf]`` -> ``seqtk_seq``),
    or the file's stem for a script not named ``main.nf`` (``work/foo.nf`` -> ``foo``)."""
    p = Path(path)
    if p.suffix == ".nf" and p.name != "main.nf":
        return p.stem or "module"
    directory = p.parent if p.name == "main.nf" else p
    return directory.absolute().resolve().name or "module"


@dataclass(frozen=True)
class ModuleId:
    """A parsed module ID: its slash-separated parts as written (1 to 3 of them)."""

    text: str
    parts: tuple[str, ...]

    def candidates(self, orgs: frozenset[str], default_org: str | None) -> list[str]:
        """Repository-relative module names (``org/tool[/sub]``) this ID may mean, best first."""
        p = self.parts
        out: list[str] = []
        if len(p) == 3:
            out.append("/".join(p))
        elif len(p) == 2:
            if p[0] in orgs:
                out.append("/".join(p))
            if default_org:
                out.append(f"{default_org}/{p[0]}/{p[1]}")
        elif default_org:
            out.append(f"{default_org}/{p[0]}")
        return out

    def matches(self, name: str) -> bool:
        """True when the repository module ``org/tool[/sub]`` could be what this ID names."""
        parts = tuple(name.split("/"))
        return parts == self.parts or parts[1:] == self.parts


def parse_module_id(text: str) -> ModuleId:
    """Parse an nf-core-style module ID; raise ModuleSourceError when it is not one."""
    raw = text.strip()
    parts = tuple(raw.split("/")) if raw else ()
    if not parts or len(parts) > 3 or not all(_PART.match(x) for x in parts) or any(x in (".", "..") for x in parts):
        raise ModuleSourceError(
            f"'{text}' is neither an existing module path nor a module ID "
            "(IDs look like 'fastqc', 'samtools/view' or 'nf-core/fastqc')"
        )
    return ModuleId(raw, parts)


def is_local_module(module: str | os.PathLike[str]) -> bool:
    """True when ``module`` names a local file or module directory (these bypass Git sources)."""
    if isinstance(module, os.PathLike):
        return True
    text = str(module)
    path = Path(text)
    if path.is_file() or (path.is_dir() and any(path.glob("*.nf"))):
        return True
    return text.startswith(("/", "./", "../", "~", ".\\")) or text.endswith(".nf") or "\\" in text


def normalize_remote(remote: str) -> str:
    """Canonical form of a remote: local directories become ``file://`` URLs, trailing slashes go."""
    text = remote.strip()
    if not text:
        raise ModuleSourceError("the module Git remote is empty")
    if "://" not in text and not re.match(r"^[\w.\-]+@[\w.\-]+:", text):
        path = Path(text).expanduser()
        if path.exists():
            return path.resolve().as_uri()
    return text.rstrip("/")


def default_remote() -> str:
    """The remote from PYNF_MODULES_REMOTE, else nf-core/modules on GitHub."""
    return os.environ.get("PYNF_MODULES_REMOTE") or DEFAULT_REMOTE


def default_branch() -> str:
    """The branch from PYNF_MODULES_BRANCH, else ``master``."""
    return os.environ.get("PYNF_MODULES_BRANCH") or DEFAULT_BRANCH


def offline_default() -> bool:
    """True when PYNF_OFFLINE is set to a true value (1/true/yes/on)."""
    return os.environ.get("PYNF_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
