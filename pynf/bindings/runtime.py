"""What generated bindings import: the type aliases of their signatures, the typed result and step bases, typed
channel references, and :class:`Bound`, which turns a call into a run (:func:`pynf.run`) or a workflow step
(:meth:`pynf.Workflow.add`) after checking the binding's pin."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, Union

from . import adapter
from .adapter import Backend, ChannelRef, Gather, Queue, RunOptions, Workflow

__all__ = ["Meta", "PathLike", "PathArg", "Scalar", "Flow", "Pin", "Binding", "BindingResult", "BindingStep",
           "BindingOutputs", "Chan", "Queue", "RunOptions", "Workflow", "Backend"]

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
        """True when the status is SUCCEEDED."""
        return self.status == "SUCCEEDED"

    @property
    def outdir(self) -> Any:
        """Where the outputs were published."""
        return getattr(self.run, "outdir", None)

    @property
    def summary(self) -> str:
        """One line: status and item counts."""
        return str(getattr(self.run, "summary", ""))

    @property
    def failed_items(self) -> list[Any]:
        """The items whose tasks failed."""
        return list(getattr(self.run, "failed_items", []))

    @property
    def topics(self) -> dict[str, list[Any]]:
        """Topic channels by name (e.g. ``versions``)."""
        return dict(self.run.topics)

    @property
    def versions(self) -> dict[str, str]:
        """``{tool: version}`` over every item."""
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
            setattr(self, attr, adapter.retype(step.out[key], Chan))

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


class Binding(Generic[R, S]):
    """A module's binding: calling it runs the module (:func:`pynf.run`) and returns the typed result;
    ``.step(workflow, ...)`` adds a step to a :class:`pynf.Workflow` and returns it. Both check the pin first.

    Generated subclasses declare ``__call__`` and ``step`` with the module's typed keyword parameters.
    """

    def __init__(self, name: str, pin: Pin, params: dict[str, tuple[str, bool]], controls: dict[str, str],
                 result: type[R], step: type[S]):
        self.__name__ = self.__qualname__ = name
        self.pin = pin
        self._params = params  # python name -> (input key as pynf.run takes it, may be left out)
        self._controls = controls  # setting -> python name
        self._result = result
        self._step_class = step

    def _inputs(self, given: Mapping[str, Any]) -> dict[str, Any]:
        return {key: given[py] for py, (key, omittable) in self._params.items()
                if not (omittable and given[py] is None)}

    def _setting(self, given: Mapping[str, Any], name: str) -> Any:
        return given[self._controls[name]]

    def _run(self, given: Mapping[str, Any]) -> R:
        run_args = dict(self._setting(given, "run_args") or {})
        self.pin.check(run_args)
        settings = {k: self._setting(given, k) for k in ("options", "outdir", "stub", "resume", "backend", "check",
                                                          "timeout")}
        result = adapter.run_module(self.pin.module, self._inputs(given), process=self._process, run_args=run_args,
                                    **settings)
        return self._result(result)

    def _step(self, workflow: Workflow, given: Mapping[str, Any]) -> S:
        run_args = dict(self._setting(given, "run_args") or {})
        self.pin.check(run_args)
        step = adapter.add_step(workflow, self.pin.module, self._inputs(given), process=self._process,
                                name=self._setting(given, "name"), options=self._setting(given, "options"),
                                run_args=run_args)
        return self._step_class(step)

    @property
    def _process(self) -> str | None:
        return self.pin.process if self.pin.select_process else None

    def __repr__(self) -> str:
        return f"<binding {self.__name__} of {self.pin.module_id} ({self.pin.process}), {self.pin.interface_hash[:19]}…>"
