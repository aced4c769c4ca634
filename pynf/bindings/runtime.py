"""What generated bindings import: the type aliases of their signatures, the typed result and step bases, typed
channel references, and :class:`Bound`, which turns a call into a run (:func:`pynf.run`) or a workflow step
(:meth:`pynf.Workflow.add`) after checking the binding's pin."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, Union

from . import adapter
from .adapter import ChannelRef, Gather, Queue, RunOptions, Workflow

__all__ = ["Meta", "PathLike", "PathArg", "Scalar", "Flow", "Pin", "Bound", "BindingResult", "BindingStep",
           "BindingOutputs", "Chan", "Queue", "RunOptions", "Workflow"]

#: A ``meta`` map (``{"id": "s1", "single_end": True}``).
Meta = Mapping[str, Any]
#: One file: a path string (or URL) or an ``os.PathLike``.
PathLike = Union[str, "os.PathLike[str]"]
#: A ``path`` element: one file, or a sequence of files (``[]`` for no file).
PathArg = Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]]
#: An ``env``/``stdin`` value.
Scalar = Union[str, int, float]
#: What a workflow step takes from other steps: a channel reference (``step.out.bam``) or a gather.
Flow = Union[ChannelRef, Gather]

T = TypeVar("T")
R = TypeVar("R", bound="BindingResult")
S = TypeVar("S", bound="BindingStep[Any]")


@dataclass(frozen=True)
class Pin:
    """Where a binding came from: the module reference it runs, the commit (Git modules) and the interface."""

    module: str
    module_id: str
    process: str
    select_process: bool
    sha: str | None
    interface_hash: str
    interface: str

    def check(self, run_args: Mapping[str, Any]) -> None:
        """Raise :class:`~pynf.errors.InterfaceDriftError` when the module's interface is no longer this one."""
        adapter.check_pin(self.module, self.process, self.interface_hash, self.interface, self.sha, run_args)


class BindingResult:
    """A run's (or a workflow step's) result with one typed attribute per output; ``run`` is pynf's own result."""

    _OUTPUTS: ClassVar[dict[str, tuple[str, Any]]] = {}

    def __init__(self, run: Any):
        self.run = run
        outputs = run.outputs
        for attr, (key, item) in self._OUTPUTS.items():
            values = outputs.get(key, [])
            setattr(self, attr, [item(*v) for v in values] if item is not None else list(values))

    @property
    def status(self) -> str:
        """``SUCCEEDED``, ``PARTIAL`` or ``FAILED`` (a workflow step: the workflow's)."""
        return str(getattr(self.run, "status", ""))

    @property
    def succeeded(self) -> bool:
        return self.status == "SUCCEEDED"

    @property
    def outdir(self) -> Any:
        return getattr(self.run, "outdir", None)

    @property
    def summary(self) -> str:
        return str(getattr(self.run, "summary", ""))

    @property
    def failed_items(self) -> list[Any]:
        return list(getattr(self.run, "failed_items", []))

    @property
    def topics(self) -> dict[str, list[Any]]:
        return dict(self.run.topics)

    @property
    def versions(self) -> dict[str, str]:
        return dict(self.run.versions)

    @property
    def outputs(self) -> dict[str, list[Any]]:
        """The untyped outputs by emit name (or position), as :func:`pynf.run` gives them."""
        return dict(self.run.outputs)

    def __repr__(self) -> str:
        counts = ", ".join(f"{attr}: {len(getattr(self, attr))}" for attr in self._OUTPUTS)
        return f"<{type(self).__name__} {self.status} ({counts})>"


class Chan(ChannelRef, Generic[T]):
    """A typed channel reference: ``step.out.bam`` of a binding's step; ``T`` is the type of one item."""

    __slots__ = ()


class BindingOutputs:
    """``step.out`` of a binding's step: one typed channel reference (:class:`Chan`) per output."""

    _KEYS: ClassVar[dict[str, str]] = {}

    def __init__(self, step: Any):
        for attr, key in self._KEYS.items():
            ref = step.out[key]
            setattr(self, attr, Chan(ref.step, ref.channel))

    def __dir__(self) -> list[str]:
        return list(self._KEYS)


class BindingStep(Generic[R]):
    """A step a binding added to a :class:`pynf.Workflow`: ``out`` holds typed channel references,
    ``result(workflow_result)`` reads the step's outputs through typed attributes."""

    _RESULT: ClassVar[type[BindingResult]] = BindingResult
    _OUT: ClassVar[type[BindingOutputs]] = BindingOutputs

    def __init__(self, step: Any):
        self.step = step
        self.name: str = step.name
        self.out = self._OUT(step)

    def result(self, workflow_result: Any) -> R:
        """This step's part of a finished workflow run, typed."""
        return self._RESULT(workflow_result[self.name])  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


@dataclass(frozen=True)
class Bound(Generic[R, S]):
    """A binding's call: parameter name -> (input key, may be left out), control names, result and step classes."""

    pin: Pin
    params: dict[str, tuple[str, bool]]
    controls: dict[str, str]
    result: type[R]
    step: type[S]

    def __call__(self, given: Mapping[str, Any]) -> R | S:
        c = {name: given[py] for name, py in self.controls.items()}
        self._check_controls(c)
        run_args = dict(c["run_args"] or {})
        self.pin.check(run_args)
        inputs = {key: given[py] for py, (key, omittable) in self.params.items()
                  if not (omittable and given[py] is None)}
        process = self.pin.process if self.pin.select_process else None
        if c["workflow"] is not None:
            step = adapter.add_step(c["workflow"], self.pin.module, inputs, process=process, name=c["name"],
                                    options=c["options"], run_args=run_args)
            return self.step(step)
        result = adapter.run_module(self.pin.module, inputs, process=process, run_args=run_args,
                                    options=c["options"], outdir=c["outdir"], stub=c["stub"], resume=c["resume"],
                                    backend=c["backend"], check=c["check"], timeout=c["timeout"])
        return self.result(result)

    def _check_controls(self, c: Mapping[str, Any]) -> None:
        from pynf.errors import InputError

        if c["workflow"] is None:
            if c["name"] is not None:
                raise InputError("name= names a workflow step: give workflow= too", input=self.controls["name"])
            return
        given = [self.controls[k] for k, default in _RUN_ONLY.items() if c[k] != default]
        if given:
            raise InputError(f"{', '.join(given)}: run settings; a workflow step takes them from "
                             "workflow.run(...)", input=given[0])


_RUN_ONLY = {"outdir": None, "stub": False, "resume": False, "backend": "local", "check": True, "timeout": None}
