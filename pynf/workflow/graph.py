"""The workflow graph as Python builds it: :class:`Workflow` and its :class:`~pynf.workflow.step.Step` s.

``wf.add(module, ...)`` takes the arguments of :func:`pynf.run` and returns a :class:`Step`; its
``out.<emit>`` (or ``out["<emit>"]``) is a :class:`ChannelRef` that later steps take as an input,
whole or as one element of a tuple input.  Nothing is wired until :meth:`Workflow.compile`
(see :mod:`pynf.workflow.wiring`), which checks every connection before anything runs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pynf.errors import RunFailed, WiringError
from pynf.render.inputs import merge_keywords
from pynf.render.options import RunOptions
from pynf.sources.load import ModuleSource
from pynf.workflow.modules import process_names
from pynf.workflow.render import render_workflow
from pynf.workflow.step import Gather, Step, VersionsRef, refs_in as _refs

if TYPE_CHECKING:
    from pynf.backends.base import Backend
    from pynf.render.bundle import Bundle
    from pynf.workflow.result import WorkflowResult

__all__ = ["Workflow"]

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}\Z")


def _check_name(kind: str, name: Any) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise WiringError(f"{kind} name {name!r} must start with a letter and hold only letters, digits and _ "
                          "(it names the step's output folder and manifest entries)")
    return name


def _other_versions(value: Any, workflow: Workflow) -> bool:
    if isinstance(value, VersionsRef):
        return value.workflow is not workflow
    if isinstance(value, Gather):
        return any(_other_versions(s, workflow) for s in value.sources)
    if isinstance(value, Mapping):
        return any(_other_versions(v, workflow) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_other_versions(v, workflow) for v in value)
    return False


class Workflow:
    """Several module processes wired in Python and run as ONE Nextflow run.

        wf = pynf.Workflow("align")
        idx = wf.add("bwa/index", meta={"id": "ref"}, fasta="ref.fa")
        aln = wf.add("bwa/mem", reads=pynf.Queue([...]), index=idx.out.index, fasta=[{"id": "ref"}, "ref.fa"],
                     sort_bam=True)
        result = wf.run()
        result["mem"].outputs["bam"]

    ``options`` are the default :class:`~pynf.RunOptions` of steps added without their own; ``remote``,
    ``branch``, ``sha`` and ``offline`` the default module source of steps (as for :func:`pynf.run`).
    """

    def __init__(self, name: str = "workflow", *, options: RunOptions | None = None, remote: str | None = None,
                 branch: str | None = None, sha: str | None = None, offline: bool | None = None):
        self.name = _check_name("workflow", name)
        self.options = options or RunOptions()
        self.source = ModuleSource(remote, branch, sha, offline)
        self.steps: dict[str, Step] = {}

    def __repr__(self) -> str:
        return f"Workflow({self.name!r}, steps={list(self.steps)!r})"

    def __getitem__(self, name: str) -> Step:
        return self.steps[name]

    @property
    def versions(self) -> VersionsRef:
        """The ``versions`` topic of every step, merged into one MultiQC-style YAML file when gathered:
        ``pynf.collect(fastp.out.json, wf.versions)``."""
        return VersionsRef(self)

    def add(self, module: str | os.PathLike[str], inputs: Any = None, *, name: str | None = None,
            process: str | None = None, options: RunOptions | None = None, fill_empty: bool = False,
            remote: str | None = None, branch: str | None = None, sha: str | None = None,
            offline: bool | None = None,
            **keyword_inputs: Any) -> Step:
        """Add a step: ``module`` (path or ID) with inputs as for :func:`pynf.run`; returns the :class:`Step`.

        ``fill_empty=True`` gives ``[]`` to the step's inputs not given that take files (warning naming them).

        ``name`` defaults to the module ID's last part (``bwa/mem`` -> ``mem``), numbered when taken.
        ``remote``/``branch``/``sha``/``offline`` say where a module ID is looked up (default: the
        workflow's); ``pynf.lock`` is read here and written when the workflow runs or is exported.
        """
        from pynf.sources.load import load_module

        given = ModuleSource(remote, branch, sha, offline)
        source = ModuleSource(*(mine if mine is not None else default
                                for mine, default in zip(given.options().values(), self.source.options().values())))
        loaded = load_module(module, process=process, source=source)
        if name is None:
            base = re.sub(r"[^A-Za-z0-9_]", "_", loaded.module_id.rsplit("/", 1)[-1]).strip("_") or "step"
            base = base if base[0].isalpha() else "s_" + base
            name, n = base, 2
            while name in self.steps:
                name, n = f"{base}_{n}", n + 1
        _check_name("step", name)
        if name in self.steps:
            raise WiringError(f"the workflow already has a step named '{name}'; give name=", step=name)
        step = Step(self, name, loaded.module, loaded.process, loaded.module_id, str(loaded.directory),
                    merge_keywords(inputs, keyword_inputs or None), options, fill_empty=fill_empty, ref=module,
                    source=source, sha=loaded.sha)
        if _other_versions(step.inputs, self):
            raise WiringError(f"step '{name}' takes the versions of another workflow", step=name)
        for ref in _refs(step.inputs):
            if ref.step.workflow is not self:
                raise WiringError(f"step '{name}' takes {ref!r} from another workflow", step=name,
                                  upstream=ref.step.name)
        self.steps[name] = step
        return step

    def order(self) -> list[Step]:
        """Steps in an order where each comes after the steps it takes outputs from (WiringError on a cycle)."""
        done: list[Step] = []
        state: dict[str, int] = {}

        def visit(step: Step, path: list[str]) -> None:
            if state.get(step.name) == 2:
                return
            if state.get(step.name) == 1:
                cycle = path[path.index(step.name):] + [step.name]
                raise WiringError(f"the workflow has a cycle: {' -> '.join(cycle)}", step=cycle[0],
                                  upstream=cycle[-2])
            if self.steps.get(step.name) is not step:
                raise WiringError(f"step '{path[-1]}' takes outputs of step '{step.name}', which is not part of "
                                  f"workflow '{self.name}'", step=path[-1], upstream=step.name)
            state[step.name] = 1
            for up in step.upstream():
                visit(up, path + [step.name])
            state[step.name] = 2
            done.append(step)

        for step in self.steps.values():
            visit(step, [])
        return done

    def step_processes(self) -> dict[str, str]:
        """Process name -> step name, in step order (a module used twice has an aliased process)."""
        procs = process_names(self.order())
        return {proc: step for step, proc in procs.items()}

    def progress_table(self, **options: Any):
        """A live :class:`~pynf.backends.local.progress.RichProgress` with one row per step, for ``run(progress=)``.

            with wf.progress_table() as show:
                wf.run(progress=show)
        """
        from pynf.backends.local.progress import RichProgress

        return RichProgress(title=options.pop("title", self.name), labels=self.step_processes(), **options)

    def compile(self, params: Mapping[str, Any] | None = None, *, check_files: bool = True,
                pin: bool = False) -> Bundle:
        """The workflow as one :class:`~pynf.Bundle` (every connection checked; WiringError/InputError).

        With ``pin=True`` (runs and exports) every step's module is first resolved as :func:`pynf.run`
        resolves a module: pinned in ``pynf.lock`` and checked against its reviewed interface.
        """
        if pin:
            for step in self.order():
                step.load_for_run()
        return render_workflow(self, params=params, check_files=check_files)

    def export(self, directory: str | os.PathLike[str], params: Mapping[str, Any] | None = None, **options: Any):
        """Write the compiled workflow as a self-contained directory (see :func:`pynf.export.export_bundle`);
        module IDs are pinned in ``pynf.lock`` as for a run."""
        from pynf.export import export_bundle

        return export_bundle(self.compile(params, pin=True), directory, **options)

    def _call_text(self, **kwargs: Any) -> str:
        from pynf._util.calltext import call_text

        defaults = {"backend": None, "stub": False, "resume": False}
        shown = {k: v for k, v in kwargs.items() if defaults.get(k, None) != v}
        steps = ", ".join(f"{s.name}={s.process.name}" for s in self.steps.values())
        return call_text(f"pynf.Workflow({self.name!r}).run", **shown) + f"  # steps: {steps}"

    def run(self, params: Mapping[str, Any] | None = None, *, backend: str | Backend | None = None,
            stub: bool = False, resume: bool | str = False, outdir: str | os.PathLike[str] | None = None,
            work_dir: str | os.PathLike[str] | None = None, run_dir: str | os.PathLike[str] | None = None,
            progress: Callable[[Any], Any] | None = None, check: bool = True, timeout: float | None = None,
            seqera: Any = None, wait: bool = True) -> WorkflowResult:
        """Run every step in ONE Nextflow run through :func:`pynf.dispatch.execute`; a :class:`WorkflowResult`.

        ``backend``: a registered name (default ``local``) or a backend instance; ``seqera``: the settings
        given to a backend named by ``backend``.
        """
        from pynf.backends.registry import get_backend
        from pynf.backends.spec import RunSpec
        from pynf.dispatch import execute
        from pynf.workflow.result import wrap_failure, WorkflowResult

        chosen = get_backend(backend, config=seqera)
        spec = RunSpec(stub=stub, resume=resume, outdir=outdir, work_dir=work_dir, run_dir=run_dir, progress=progress,
                       check=check, timeout=timeout, wait=wait,
                       command_line=self._call_text(params=params or None, backend=backend, stub=stub, resume=resume,
                                                    outdir=outdir, work_dir=work_dir, run_dir=run_dir, timeout=timeout))
        try:
            result = execute(BoundWorkflow(self, dict(params or {})), spec, chosen)
        except RunFailed as exc:
            raise wrap_failure(self, exc) from None
        return WorkflowResult.wrap(self, result) if wait else result


@dataclass(frozen=True)
class BoundWorkflow:
    """A workflow with its params: a run target (:class:`~pynf.backends.spec.Target`) compiled at run time."""

    workflow: Workflow
    params: Mapping[str, Any]

    def to_bundle(self) -> Bundle:
        """The workflow compiled with the params, every step's module pinned and drift-checked."""
        return self.workflow.compile(self.params, pin=True)
