"""The typed run request: a :class:`Target` (what to run) and a frozen :class:`RunSpec` (how to run it).

A target is anything that yields a :class:`~pynf.render.bundle.Bundle` (a module with its inputs, a
:class:`pynf.Workflow` with its params, or a precompiled bundle, which is its own target). The spec holds
what every backend understands (stub, resume, where outputs and work go, waiting, timeout, progress);
backend-specific settings live on the backend instance (``SeqeraBackend(config=..., config_profiles=...)``).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pynf.errors import InputError
from pynf.render.bundle import Bundle

__all__ = ["RunPaths", "RunSpec", "Target"]


@runtime_checkable
class Target(Protocol):
    """What to run: anything that compiles into one :class:`~pynf.render.bundle.Bundle`."""

    def to_bundle(self) -> Bundle:
        """The bundle to run (a module or workflow is resolved, pinned and drift-checked first)."""


def _check(name: str, value: Any, types: tuple[type, ...], what: str, *, optional: bool = True) -> None:
    if (value is None and optional) or (isinstance(value, types) and not (bool not in types and isinstance(value, bool))):
        return
    raise InputError(f"{name}: expected {what}, got {type(value).__name__} {value!r}"[:200])


@dataclass(frozen=True)
class RunPaths:
    """Where one run goes, resolved in one step: its run directory, outdir and Nextflow work dir."""

    run_dir: Path
    outdir: Path
    work_dir: Path


@dataclass(frozen=True)
class RunSpec:
    """How to run a target, whatever the backend (checked when built).

    Paths (``outdir``, ``work_dir``, ``run_dir``) are the caller's: relative ones are relative to the
    current directory locally, and remote paths for a remote backend (Seqera: a relative ``outdir`` goes
    under the compute environment's work dir). ``wait=False`` returns a remote backend's run handle at once.
    ``command_line`` is what was called (``pynf.run('fastqc', ...)``): the report's "Nextflow command".
    """

    stub: bool = False
    resume: bool | str = False
    outdir: str | os.PathLike[str] | None = None
    work_dir: str | os.PathLike[str] | None = None
    run_dir: str | os.PathLike[str] | None = None
    run_name: str | None = None
    progress: Callable[[Any], Any] | None = None
    check: bool = True
    wait: bool = True
    timeout: float | None = None
    command_line: str | None = None

    def __post_init__(self) -> None:
        for name in ("run_name", "command_line"):
            _check(name, getattr(self, name), (str,), "a string")
        for name in ("outdir", "work_dir", "run_dir"):
            _check(name, getattr(self, name), (str, os.PathLike), "a path")
        for name in ("stub", "check", "wait"):
            _check(name, getattr(self, name), (bool,), "True or False", optional=False)
        _check("resume", self.resume, (bool, str), "True/False or a session id", optional=False)
        if self.timeout is not None and (isinstance(self.timeout, bool) or not isinstance(self.timeout, (int, float))
                                         or self.timeout < 0):
            raise InputError(f"timeout: expected seconds (a number >= 0), got {self.timeout!r}")
        if self.progress is not None and not callable(self.progress):
            raise InputError(f"progress: expected a callable, got {type(self.progress).__name__}")

    def but(self, **changes: Any) -> RunSpec:
        """A copy with ``changes``; an unknown field is an :class:`~pynf.errors.InputError`."""
        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            raise InputError(f"unknown run option(s): {', '.join(unknown)}")
        return dataclasses.replace(self, **changes) if changes else self

    def local_paths(self, run_dir: Path, bundle_outdir: Any) -> RunPaths:
        """The run's paths on this machine: ``outdir`` and ``work_dir`` of the spec are relative to the current
        directory; the bundle's own outdir param (default ``results``) is relative to ``run_dir``."""
        if self.outdir is not None:
            outdir = Path(self.outdir).expanduser().absolute()
        else:
            outdir = Path(bundle_outdir or "results").expanduser()
            outdir = outdir if outdir.is_absolute() else run_dir / outdir
        work = Path(self.work_dir).expanduser().absolute() if self.work_dir is not None else run_dir / "work"
        return RunPaths(run_dir=run_dir, outdir=outdir, work_dir=work)

    def remote_paths(self) -> tuple[str | None, str | None]:
        """``(outdir, work_dir)`` as remote path text (None when not given)."""
        return (None if self.outdir is None else str(self.outdir),
                None if self.work_dir is None else str(self.work_dir))
