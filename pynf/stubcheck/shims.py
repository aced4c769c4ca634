"""Version shims for stub runs: stand-ins for the tools that ``eval(...)`` outputs ask for their version.

A module's container has its tools; a stub run on a bare machine does not. For every command an
``eval`` output runs:

- a tool missing from PATH gets ``bin/<tool>``, a script that prints a version in the usual forms
  (``tool 1.0.0``, ``tool: 1.0.0``, ``Version: 1.0.0``, ...) and exits 0;
- an interpreter that is present but lacks the packages the command imports (``python -c "import
  torch; ..."``, ``importlib.metadata.version('x')``, ``perl -MMath::CDF``) gets placeholder
  packages in a library directory that the run's ``env`` config puts on ``PYTHONPATH`` /
  ``PERL5LIB`` (Nextflow appends a bundle's ``bin/`` to PATH, so an interpreter already on PATH
  cannot be shadowed there). Packages the real interpreter has are never shadowed.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pynf.render.bundle import Bundle
from pynf.compiler import Process

__all__ = ["CORE_TOOLS", "Shims", "command_words", "version_shims", "with_shims"]

#: Commands never shimmed: the shell utilities version commands pipe through.
CORE_TOOLS = frozenset(
    "sed grep egrep awk gawk head tail cut tr echo printf cat sort uniq xargs basename dirname wc true false "
    "gzip gunzip zcat bzip2 xz tee test env bash sh rev column paste expr ls find touch mkdir cp mv rm "
    "readlink realpath date".split()
)
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_TOOL = re.compile(r"[A-Za-z0-9_.+\-/]+")
_PYTHONS = ("python", "python3")
_VERSION = "1.0.0"


def command_words(command: str) -> list[str]:
    """The command name of every pipeline segment of a shell command (``a | b && c`` -> a, b, c)."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: take the first word only
        tokens = command.split()[:1]
    words, expect = [], True
    for tok in tokens:
        if tok and set(tok) <= set("|&;()"):
            expect = True
        elif expect:
            if _ASSIGNMENT.match(tok):
                continue
            if _TOOL.fullmatch(tok):
                words.append(tok)
            expect = False
    return words


def _tool_shim(tool: str) -> bytes:
    lines = [f"{tool} {_VERSION}", f"{tool}: {_VERSION}", f"{tool} version {_VERSION}",
             f"Version: {_VERSION}", f"Version {_VERSION}", f"version {_VERSION}"]
    body = "".join(f"echo '{line}'\n" for line in lines)
    return f"#!/bin/sh\n# pynf stub sweep: answers version queries\n{body}exit 0\n".encode()


# --- python ----------------------------------------------------------------------------------------

_IMPORT = re.compile(r"\bimport\s+([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)")
_FROM = re.compile(r"\bfrom\s+([A-Za-z_][\w.]*)\s+import\b")
_DIST = re.compile(r"\b(?:version|get_distribution|distribution|metadata)\(\s*\\?['\"]([A-Za-z0-9_.\-]+)\\?['\"]")

_PLACEHOLDER_MODULE = f'''"""pynf stub sweep placeholder: answers version queries, whatever is asked."""


class _Placeholder(str):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Placeholder("{_VERSION}")

    def __call__(self, *args, **kwargs):
        return _Placeholder("{_VERSION}")


__version__ = "{_VERSION}"
version = VERSION = _Placeholder("{_VERSION}")


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _Placeholder("{_VERSION}")
'''


@lru_cache(maxsize=None)
def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


@lru_cache(maxsize=None)
def _installed(dist: str) -> bool:
    from importlib import metadata

    try:
        metadata.distribution(dist)
        return True
    except metadata.PackageNotFoundError:
        return False


def _python_files(command: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    modules = [m.strip() for group in _IMPORT.findall(command) for m in group.split(",")] + _FROM.findall(command)
    for module in modules:
        parts = module.split(".")
        for i in range(1, len(parts) + 1):
            if _importable(".".join(parts[:i])):
                continue
            files[f"python/{'/'.join(parts[:i])}/__init__.py"] = _PLACEHOLDER_MODULE.encode()
    for dist in _DIST.findall(command):
        if _importable(dist) and _installed(dist):
            continue
        folder = re.sub(r"[-_.]+", "_", dist)
        files[f"python/{folder}-{_VERSION}.dist-info/METADATA"] = (
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {_VERSION}\n").encode()
    return files


# --- perl ------------------------------------------------------------------------------------------

_PERL_MODULE = re.compile(r"(?:^|\s)-M([A-Za-z_][\w:]*)")


@lru_cache(maxsize=None)
def _perl_has(module: str) -> bool:
    perl = shutil.which("perl")
    if perl is None:
        return False
    return subprocess.run([perl, f"-M{module}", "-e", "1"], capture_output=True).returncode == 0


def _perl_files(command: str) -> dict[str, bytes]:
    files = {}
    for module in _PERL_MODULE.findall(command):
        if not _perl_has(module):
            path = module.replace("::", "/") + ".pm"
            files[f"perl/{path}"] = f"package {module};\nour $VERSION = '{_VERSION}';\n1;\n".encode()
    return files


# --- all together ----------------------------------------------------------------------------------

def _eval_commands(process: Process) -> list[str]:
    return [el.pattern for ch in process.outputs for el in ch.elements if el.kind == "eval" and el.pattern]


@dataclass(frozen=True)
class Shims:
    """``bin/`` scripts for the bundle, and placeholder packages (``python/...``, ``perl/...``)."""

    bin: dict[str, bytes] = field(default_factory=dict)
    lib: dict[str, bytes] = field(default_factory=dict)

    def install_lib(self, lib_dir: Path) -> str:
        """Write the placeholder packages under ``lib_dir``; the ``env`` config text that uses them."""
        from pynf.templates.groovy import groovy_string

        for rel, data in self.lib.items():
            target = lib_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        lines = []
        for var, sub in (("PYTHONPATH", "python"), ("PERL5LIB", "perl")):
            if any(rel.startswith(sub + "/") for rel in self.lib):
                lines.append(f"env.{var} = {groovy_string(str(lib_dir / sub))}")
        return "\n".join(lines) + ("\n" if lines else "")


def version_shims(process: Process) -> Shims:
    """What the ``eval`` version commands of ``process`` need to answer on this machine."""
    bins: dict[str, bytes] = {}
    lib: dict[str, bytes] = {}
    for command in _eval_commands(process):
        for word in command_words(command):
            tool = word.rsplit("/", 1)[-1]
            if tool in CORE_TOOLS or "$" in word or not tool or tool[0] == "-":
                continue
            if tool in _PYTHONS and shutil.which(tool):
                lib.update(_python_files(command))
                continue
            if tool == "perl" and shutil.which("perl"):
                lib.update(_perl_files(command))
                continue
            if "/" not in word and shutil.which(tool):
                continue
            bins.setdefault(f"bin/{tool}", _tool_shim(tool))
    return Shims(bin=bins, lib=lib)


def with_shims(bundle: Bundle, shims: Shims | dict[str, bytes]) -> Bundle:
    """The bundle with the ``bin/`` shims added (the module's own files win)."""
    extra = shims.bin if isinstance(shims, Shims) else shims
    existing = dict(bundle.sidecars)
    added = {k: v for k, v in extra.items() if k not in existing}
    if not added:
        return bundle
    return dataclasses.replace(bundle, sidecars=tuple(sorted({**existing, **added}.items())),
                               executables=bundle.executables | frozenset(added))
