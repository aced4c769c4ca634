"""``pynf export``: write a compiled bundle as a self-contained directory (optionally a Git repository).

The directory holds the wrapper ``main.nf``, ``nextflow.config``, ``params.json`` (or ``params.yaml``),
the sidecars and a ``README.md`` with the exact Nextflow and Seqera Platform (``tw``) commands.
Exporting the same module with the same inputs twice gives byte-identical files, and with ``git=True``
the same commit SHA (fixed identity and dates; user and system Git config are ignored).
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from pynf._version import __version__
from pynf.render.bundle import MANIFEST_NAME, Bundle
from pynf.render.compile import compile_bundle
from pynf._util.git import git_available, run_git
from pynf.errors import ExportError, GitError
from pynf.render.inputs import PLACEHOLDER
from pynf.sources.load import LoadedModule, load_module

__all__ = ["ExportResult", "export", "export_bundle", "README_MARKER", "GIT_IDENTITY", "GIT_DATE"]

#: First line of every exported README; ``force=True`` only replaces directories that carry it.
README_MARKER = "<!-- written by pynf export -->"
#: Author and committer of the commit made by ``git=True``.
GIT_IDENTITY = ("pynf export", "pynf-export@localhost")
#: Author and committer date of that commit (fixed, so the commit SHA is reproducible).
GIT_DATE = "2000-01-01T00:00:00+0000"
_BRANCH = "main"


@dataclass(frozen=True)
class ExportResult:
    """What was written: the directory, its files (relative, sorted) and the commit SHA if ``git``."""

    directory: Path
    files: tuple[str, ...]
    params_file: str
    commit: str | None
    bundle: Bundle
    source: LoadedModule | None = None

    @property
    def is_template(self) -> bool:
        """Whether the params file still holds ``<FILL IN ...>`` placeholders (exported without inputs)."""
        return _holds_placeholder(self.bundle.param_values)

    def __repr__(self) -> str:
        """One line: where the bundle went, how many files, the commit."""
        return (f"ExportResult(directory={str(self.directory)!r}, files={len(self.files)}, "
                f"params_file={self.params_file!r}, commit={self.commit!r}, module_id={self.bundle.module_id!r})")


def _source_line(source: LoadedModule | None, bundle: Bundle) -> str:
    if source is None:
        return f"module `{bundle.module_id}`"
    if source.sha is None:
        return f"local module `{bundle.module_id}`"
    return f"module `{source.module_id}` from {source.remote} at commit `{source.sha}`"


def _holds_placeholder(value: Any) -> bool:
    """Whether a ``<FILL IN ...>`` placeholder is anywhere in the params data ``value`` (keys included)."""
    if isinstance(value, str):
        return PLACEHOLDER in value
    if isinstance(value, Mapping):
        return any(_holds_placeholder(k) or _holds_placeholder(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_placeholder(v) for v in value)
    return False


def _fill_in(bundle: Bundle, params_file: str) -> list[str]:
    """README lines listing the inputs still holding a ``<FILL IN ...>`` placeholder (a params template)."""
    entries = bundle.param_values.get("pynf_inputs") or []
    names = [e.get("name") for e in entries if isinstance(e, Mapping) and _holds_placeholder(e)]
    if not names and not _holds_placeholder(bundle.param_values):
        return []
    return [
        "## Fill in the inputs first",
        "",
        f"This bundle was exported without inputs: `{params_file}` is a template. Replace every "
        f"`{PLACEHOLDER} ...>` value under `pynf_inputs` (inputs: {', '.join(f'`{n}`' for n in names) or 'all'}) "
        "with real values of the same shape: a path where it asks for a file path (a list of paths for "
        "several files), a map such as `{\"id\": \"sample1\"}` for a map. Each entry's `items` holds one "
        "item; `\"mode\": \"queue\"` with several items runs the process once per item. Until then "
        "Nextflow stops with `pynf: input '...' still holds a <FILL IN ...> placeholder`.",
        "",
    ]


def _readme(bundle: Bundle, *, params_file: str, source: LoadedModule | None, repo_url: str | None, git: bool,
            files: list[str]) -> str:
    """The bundle's README; every path in it is relative to the bundle, so it stays true wherever the
    bundle is moved or pushed (and two exports of one module are byte-identical)."""
    if bundle.steps:
        title = f"workflow {bundle.module_id}"
        origin = (f"workflow `{bundle.module_id}`: steps {', '.join(f'`{s}`' for s in bundle.steps)} "
                  f"(processes {', '.join(f'`{p}`' for p in bundle.process.split(','))}); each step publishes "
                  "to `<outdir>/<step>/`")
    else:
        title = bundle.process
        origin = f"{_source_line(source, bundle)}, process `{bundle.process}`"
    lines = [
        README_MARKER,
        f"# {title} — standalone Nextflow bundle",
        "",
        f"Exported by pynf {__version__} from {origin}.",
        f"Bundle content hash: `{bundle.content_hash}` (wrapper and sidecars).",
        "",
        "## Files",
        "",
        *[f"- `{name}`" for name in files],
        "",
        *_fill_in(bundle, params_file),
        *_run_section(bundle, params_file),
        *_launch_section(params_file, repo_url, git),
    ]
    return "\n".join(lines)


def _run_section(bundle: Bundle, params_file: str) -> list[str]:
    """README lines: running the bundle with Nextflow, or with pynf's embedded engine."""
    run = f"nextflow run main.nf -params-file {shlex.quote(params_file)}"
    outdir = bundle.param_values.get("outdir", "results")
    return [
        "## Run it with Nextflow",
        "",
        "From this directory, with Nextflow installed:",
        "",
        "```sh",
        run,
        "```",
        "",
        "or without a Nextflow install, on the engine embedded in pynf (same arguments):",
        "",
        "```sh",
        f"pynf {run}",
        "```",
        "",
        "From elsewhere, give the paths of `main.nf` and the params file in this directory instead "
        f"(`nextflow run path/to/bundle/main.nf -params-file path/to/bundle/{params_file}`). "
        f"`nextflow.config` sits beside `main.nf`, so Nextflow reads it without `-c`. Results go to "
        f"`{outdir}` (the `outdir` entry of `{params_file}`, relative to where you launch), together with "
        f"the output manifest `{MANIFEST_NAME}`. Edit `{params_file}` to run other inputs: the wrapper "
        "does not depend on them.",
        "",
    ]


def _launch_section(params_file: str, repo_url: str | None, git: bool) -> list[str]:
    """README lines: pushing the bundle and launching it on Seqera Platform with ``tw``."""
    q = shlex.quote
    url = repo_url or "<git-url-of-this-repository>"
    tw = f"tw launch {q(url) if repo_url else url} --revision {_BRANCH} --params-file {q(params_file)}"
    return [
        "## Launch it on Seqera Platform",
        "",
        ("This directory is a Git repository with one commit on branch `main`. " if git else
         "Make this directory a Git repository (or export with `--git`). ")
        + "Push it somewhere your workspace can read, then, from this directory:",
        "",
        "```sh",
        *([] if repo_url else ["git remote add origin <git-url-of-this-repository>",
                               f"git push -u origin {_BRANCH}"]),
        tw,
        "```",
        "",
        "Add `--workspace ORG/WORKSPACE` and `--compute-env NAME` as needed. Input paths in "
        f"`{params_file}` must be readable by that compute environment (e.g. `s3://` URIs).",
        "",
    ]


def _prepare_dir(root: Path, force: bool) -> None:
    if root.is_file():
        raise ExportError(f"{root} is a file; give a directory to export into")
    if root.is_dir() and any(root.iterdir()):
        readme = root / "README.md"
        ours = readme.is_file() and readme.read_text(errors="replace").startswith(README_MARKER)
        if not force:
            raise ExportError(f"{root} is not empty; choose another directory"
                              + (" or pass --force to replace this earlier export" if ours else ""))
        if not ours:
            raise ExportError(f"{root} is not empty and was not written by pynf export; refusing to replace it")
        shutil.rmtree(root)


def _git_commit(root: Path, message: str) -> str:
    env = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": GIT_IDENTITY[0], "GIT_AUTHOR_EMAIL": GIT_IDENTITY[1], "GIT_AUTHOR_DATE": GIT_DATE,
           "GIT_COMMITTER_NAME": GIT_IDENTITY[0], "GIT_COMMITTER_EMAIL": GIT_IDENTITY[1],
           "GIT_COMMITTER_DATE": GIT_DATE}

    def run(*args: str) -> str:
        if not git_available():
            raise ExportError("--git needs the git executable on PATH")
        try:
            return run_git(*args, cwd=root, env=env, isolated=True).stdout.decode(errors="replace").strip()
        except GitError as exc:
            raise ExportError(f"git {args[0]} failed in {root}: {exc.stderr.strip() or exc}") from None

    run("init", "--quiet", "--template=", "-b", _BRANCH)
    run("add", "--all")
    run("commit", "--quiet", "--no-verify", "-m", message)
    return run("rev-parse", "HEAD")


def export_bundle(bundle: Bundle, directory: str | os.PathLike[str], *, params_format: str = "json",
                  git: bool = False, force: bool = False, source: LoadedModule | None = None,
                  repo_url: str | None = None) -> ExportResult:
    """Write ``bundle`` and its README into ``directory``; with ``git`` commit it reproducibly."""
    if params_format not in ("json", "yaml"):
        raise ExportError(f"params format must be 'json' or 'yaml', not {params_format!r}")
    root = Path(directory)
    try:
        _prepare_dir(root, force)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise ExportError(f"cannot export into {str(directory)!r}: {exc}") from None
    params_file = f"params.{params_format}"
    out = bundle  # its params are serialized as the file name says (JSON or YAML) when written
    names = sorted([*out.file_names(params_name=params_file), "README.md"])
    readme = _readme(out, params_file=params_file, source=source, repo_url=repo_url, git=git, files=names)
    if "README.md" in dict(out.sidecars):
        raise ExportError("the bundle already has a README.md sidecar; cannot add the export README")
    try:
        out.write(root, params_name=params_file)
        (root / "README.md").write_text(readme)
    except OSError as exc:
        raise ExportError(f"cannot write the bundle into {root}: {exc}") from exc
    commit = None
    if git:
        commit = _git_commit(root, f"pynf export of {bundle.module_id} ({bundle.process})\n\n"
                                   f"Bundle content hash {bundle.content_hash}.\n")
    return ExportResult(directory=root, files=tuple(names), params_file=params_file, commit=commit, bundle=out,
                        source=source)


def export(module: str | os.PathLike[str], directory: str | os.PathLike[str], *, process: str | None = None,
           inputs: Any = None, params: dict[str, Any] | None = None, options: Any = None,
           params_format: str = "json", git: bool = False, force: bool = False, repo_url: str | None = None,
           remote: str | None = None, branch: str | None = None, sha: str | None = None,
           lock_path: str | os.PathLike[str] | None = None, offline: bool | None = None,
           fill_empty: bool = False) -> ExportResult:
    """Resolve ``module`` (path or ID), compile it with the inputs/params/options and export the bundle
    (``fill_empty`` as for :func:`pynf.run`)."""
    source = load_module(module, process=process, remote=remote, branch=branch, sha=sha, lock_path=lock_path,
                         offline=offline, pin=True)
    bundle = compile_bundle(source, process=process, inputs=inputs, params=dict(params or {}), options=options,
                            params_template=inputs is None, fill_empty=fill_empty)
    return export_bundle(bundle, directory, params_format=params_format, git=git, force=force, source=source,
                         repo_url=repo_url)
