"""The backend interface: the :class:`Result` protocol and :class:`Backend`.

One run path for every entry point (``pynf.run``, ``pynf.api.run_module``, ``pynf.seqera.run_module_remote``,
``Workflow.run``, ``pynf run``): a :class:`~pynf.backends.spec.Target` and a :class:`~pynf.backends.spec.RunSpec`
go through :func:`pynf.dispatch.execute`, which hands the target's bundle to ``backend.submit(bundle, spec)``.
A backend's own settings are arguments of its constructor (``SeqeraBackend(config=..., config_profiles=...)``);
backends are found by name through :mod:`pynf.backends.registry`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Protocol, runtime_checkable

from pynf.backends.spec import RunSpec
from pynf.render.bundle import Bundle

__all__ = ["Backend", "CliOption", "Result", "RunRequest"]

#: The former name of :class:`~pynf.backends.spec.RunSpec`.
RunRequest = RunSpec

#: One option a backend adds to ``pynf run``: its flags and the keywords of ``click.option``.
CliOption = tuple[tuple[str, ...], dict[str, Any]]


@runtime_checkable
class Result(Protocol):
    """What every backend's result offers (``RunResult`` locally, ``SeqeraResult`` remotely)."""

    status: str
    manifest: dict | None

    @property
    def succeeded(self) -> bool:
        """True when the run succeeded."""

    @property
    def outputs(self) -> dict[str, list]:
        """Outputs by channel (decoded from the manifest; ``{}`` without one)."""

    @property
    def topics(self) -> dict[str, list]:
        """Topic channel items by topic name."""

    def get_output_files(self) -> list:
        """Every output file (paths locally, URIs remotely)."""

    def get_workflow_outputs(self) -> Any:
        """Where the outputs are (the outdir) or the decoded outputs."""

    def get_execution_report(self) -> dict:
        """Status, timings and identity of the run as a dict."""

    def get_task_workdirs(self) -> dict:
        """Task work directories by task name."""

    def get_stdout(self) -> str:
        """What the run printed on stdout."""


class Backend(ABC):
    """Runs bundles. Subclasses implement :meth:`_submit`; their settings are constructor arguments.

    ``name`` identifies the backend (as registered); ``cli_options`` are the options it adds to ``pynf run``
    (given to :meth:`from_cli` by their parameter names); ``cli_progress`` says how ``pynf run`` shows progress
    (``"table"``: a live table of tasks, ``"line"``: one status line).
    """

    name: ClassVar[str] = ""
    cli_options: ClassVar[tuple[CliOption, ...]] = ()
    cli_progress: ClassVar[str] = "table"

    @classmethod
    def from_cli(cls, **values: Any) -> Backend:
        """The backend set up from its ``cli_options`` values (None: not given)."""
        return cls()

    def submit(self, bundle: Bundle, spec: RunSpec | None = None, **changes: Any) -> Result:
        """Run ``bundle`` as ``spec`` says (fields may also be given as keywords) and return the result."""
        return self._submit(bundle, (spec or RunSpec()).but(**changes))

    @abstractmethod
    def _submit(self, bundle: Bundle, spec: RunSpec) -> Result:
        """Backend-specific run of ``bundle``."""
