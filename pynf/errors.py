"""pynf's exception hierarchy: every failure a user can meet is one of these."""

from __future__ import annotations

from typing import Any

__all__ = [
    "PynfError",
    "ModuleSyntaxError",
    "ModuleNotFound",
    "ProcessSelectionError",
    "InputError",
    "SamplesheetError",
    "OptionsError",
    "GroovyLiteralError",
    "WiringError",
    "EngineError",
    "JavaNotFound",
    "RunFailed",
    "TaskFailedError",
    "EvalOutputError",
    "RunTimeout",
    "ModuleSourceError",
    "GitError",
    "ExportError",
    "BundleError",
    "InterfaceDriftError",
    "BindingsError",
    "SeqeraError",
    "SeqeraAuthError",
    "SeqeraValidationError",
    "SeqeraNotFound",
    "SeqeraUnavailable",
    "SeqeraConfigError",
    "WrapperRepoError",
    "SeqeraWaitTimeout",
    "StagingError",
    "MissingExtraError",
    "RemoteRunFailed",
    "RemoteInputError",
    "PynfWarning",
    "ModuleWarning",
    "RenderWarning",
    "SourceWarning",
    "InterfaceDriftWarning",
    "NotReviewedHint",
    "UnknownExtKeyWarning",
    "DocumentedTypeWarning",
    "ExtraTupleValuesWarning",
    "FilledEmptyWarning",
    "ItemsFailedWarning",
    "PublishLayoutWarning",
]


class PynfError(Exception):
    """Base class of every error pynf raises on purpose."""


class ModuleSyntaxError(PynfError):
    """A module's source is not a valid Nextflow module; carries file, line, column and a snippet."""

    def __init__(self, message: str, *, file: str, line: int, column: int, source: str | None = None):
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.snippet = _snippet(source, line, column) if source is not None else ""
        text = f"{file}:{line}:{column}: {message}"
        if self.snippet:
            text += "\n" + self.snippet
        super().__init__(text)


def _snippet(source: str, line: int, column: int) -> str:
    lines = source.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1]
    if len(text) > 200:  # keep huge single-line inputs readable
        start = max(0, column - 100)
        text = text[start : start + 200]
        column = column - start
    width = len(str(line))
    return f"{line:>{width}} | {text}\n{' ' * width} | {' ' * max(column - 1, 0)}^"


class ModuleNotFound(PynfError):
    """No module exists at the given path or ID."""


class ProcessSelectionError(PynfError):
    """A file holds several processes and none (or an unknown one) was chosen."""


class InputError(PynfError):
    """Run inputs or params do not fit the module: names which input and what was expected."""

    def __init__(self, message: str, *, input: str | None = None):
        self.input = input
        super().__init__(f"input '{input}': {message}" if input else message)


class SamplesheetError(InputError):
    """A samplesheet row does not fit: names the sheet, the row (line number) and the column."""

    def __init__(self, message: str, *, sheet: str, row: int | None = None, column: str | None = None):
        self.sheet = sheet
        self.row = row
        self.column = column
        where = "".join([f", row {row}" if row is not None else "", f", column '{column}'" if column else ""])
        PynfError.__init__(self, f"samplesheet {sheet}{where}: {message}")
        self.input = column


class OptionsError(PynfError):
    """A run option has a value pynf cannot turn into configuration."""


class GroovyLiteralError(OptionsError):
    """A value has no Groovy literal form (NaN, infinity, non-string map keys, arbitrary objects)."""


class WiringError(PynfError):
    """A workflow's steps do not fit together (shape, unknown emit, cycle, pairing): names both steps."""

    def __init__(self, message: str, *, step: str | None = None, upstream: str | None = None):
        self.step = step
        self.upstream = upstream
        super().__init__(message)


class EngineError(PynfError):
    """The embedded Nextflow engine could not be resolved, started or driven."""


class JavaNotFound(EngineError):
    """No suitable Java (>= 17) was found."""


class RunFailed(PynfError):
    """A workflow run ended unsuccessfully; ``result`` is the run's result when one was collected."""

    def __init__(self, message: str, *, result: Any = None):
        self.result = result
        super().__init__(message)


class TaskFailedError(RunFailed):
    """A task of the run failed: names process, tag, exit status, stderr tail and work dir.

    Tasks run by a scheduler also carry ``job_id`` (the scheduler's job id; None when the job was never
    accepted) and ``reason`` (the scheduler's account: cancelled, out of time, refused by sbatch, ...).
    A task that ran in a container names its image in ``container``.
    """

    def __init__(self, message: str, *, process: str | None = None, tag: str | None = None,
                 exit_status: int | None = None, stderr_tail: str = "", workdir: str | None = None,
                 job_id: str | None = None, reason: str | None = None, result: Any = None,
                 container: str | None = None):
        self.process = process
        self.container = container
        self.tag = tag
        self.exit_status = exit_status
        self.stderr_tail = stderr_tail
        self.workdir = workdir
        self.job_id = job_id
        self.reason = reason
        super().__init__(message, result=result)


class EvalOutputError(TaskFailedError):
    """An ``eval`` output's command (e.g. a version query) failed: names the command, its exit status
    (``exit_status``) and its stderr (``stderr_tail``); the task's own script had succeeded."""

    def __init__(self, message: str, *, command: str, **kwargs: Any):
        self.command = command
        super().__init__(message, **kwargs)


class RunTimeout(RunFailed, TimeoutError):
    """A local run did not finish within ``timeout`` seconds and was aborted; ``waiting_for`` lists the
    processes that had no task started and the tasks still pending or running at that moment."""

    def __init__(self, message: str, *, timeout: float, waiting_for: tuple[str, ...] = (), result: Any = None):
        self.timeout = timeout
        self.waiting_for = tuple(waiting_for)
        super().__init__(message, result=result)


class ModuleSourceError(PynfError):
    """A module ID could not be resolved from its Git source (unknown ID, unreachable remote, no cache)."""


class GitError(ModuleSourceError):
    """A git command failed; carries the command, exit status and stderr tail."""

    def __init__(self, message: str, *, args: tuple[str, ...] = (), returncode: int | None = None,
                 stderr: str = "", network: bool = False):
        self.git_args = args
        self.returncode = returncode
        self.stderr = stderr
        self.network = network
        super().__init__(message)


class ExportError(PynfError):
    """An export bundle could not be written (e.g. the target directory holds other files)."""


class BundleError(PynfError):
    """A bundle is inconsistent (e.g. its params text is not a JSON object)."""


class InterfaceDriftError(PynfError):
    """A reviewed module's interface changed in a breaking way since its review; ``diff`` says how."""

    def __init__(self, message: str, *, diff: Any = None):
        super().__init__(message)
        self.diff = diff


class BindingsError(PynfError):
    """Typed bindings could not be generated (two modules would get one Python name, a target that is not ours)."""


class SeqeraError(PynfError):
    """Base class of errors from the Seqera Platform backend."""

    def __init__(self, message: str, *, status: int | None = None):
        self.status = status
        super().__init__(message)


class SeqeraAuthError(SeqeraError):
    """The platform refused the credentials (401/403)."""


class SeqeraValidationError(SeqeraError):
    """The platform rejected the request (400); carries its error codes."""

    def __init__(self, message: str, *, status: int | None = 400, codes: tuple[str, ...] = ()):
        self.codes = codes
        super().__init__(message, status=status)


class SeqeraNotFound(SeqeraError):
    """The platform has no such resource (404)."""


class SeqeraUnavailable(SeqeraError):
    """The platform could not be reached or kept failing after retries."""


class SeqeraConfigError(SeqeraError):
    """A required Seqera setting is missing; names the setting and how to give it."""


class WrapperRepoError(SeqeraError):
    """The wrapper repository could not be read or pushed to."""


class StagingError(SeqeraError):
    """Local inputs of a remote run cannot reach its compute environment (no usable staging location,
    staging turned off, or an upload/download failed); raised before anything is launched or pushed."""


class MissingExtraError(PynfError):
    """An optional dependency is not installed; the message names the ``pynf[...]`` extra to install."""


class RemoteRunFailed(RunFailed):
    """A run on Seqera Platform ended FAILED (or CANCELLED)."""

    def __init__(self, message: str, *, report: dict | None = None, result: Any = None):
        self.report = report or {}
        super().__init__(message, result=result)


class RemoteInputError(RunFailed):
    """A ``path`` input given as a URL (``https://``, ``s3://`` ...) could not be fetched when the run started:
    ``input`` names the element, ``url`` the address and ``reason`` what failed (``HTTP 404 Not Found``,
    a refused connection)."""

    def __init__(self, message: str, *, input: str, url: str, reason: str, result: Any = None):
        self.input, self.url, self.reason = input, url, reason
        super().__init__(message, result=result)


class SeqeraWaitTimeout(SeqeraError, TimeoutError):
    """Waiting for a remote run gave up after the requested timeout; the run itself keeps going.

    ``status`` is the run's last status (``RUNNING``, ``SUBMITTED`` ...), ``workflow_id`` the run's id.
    """

    def __init__(self, message: str, *, status: str | None = None, workflow_id: str | None = None):
        super().__init__(message)
        self.status = status  # type: ignore[assignment]  # the run's status, not an HTTP code
        self.workflow_id = workflow_id


class PynfWarning(UserWarning):
    """Base class of pynf's warnings (issued with :func:`warnings.warn`; also kept as data on the IR/result)."""


class ModuleWarning(PynfWarning):
    """The parser met something it keeps going past (also in ``Module.warnings``)."""


class RenderWarning(PynfWarning):
    """Rendering dropped part of the module (a local include, an entry workflow); also in ``Bundle.warnings``."""


class SourceWarning(PynfWarning):
    """Module sources fell back (cached commit, damaged cache re-fetched)."""



class InterfaceDriftWarning(PynfWarning):
    """A reviewed module's interface changed since its review, compatibly (the diff is in the message)."""


class NotReviewedHint(PynfWarning):
    """A module runs that was never reviewed (``pynf modules review ID``); given once per module."""


class ItemsFailedWarning(PynfWarning):
    """A run finished but some items failed (``error_strategy="ignore"``): names each of them."""


class FilledEmptyWarning(PynfWarning):
    """``fill_empty=True`` gave ``[]`` to inputs that were not given: names each of them."""


class UnknownExtKeyWarning(RenderWarning):
    """``RunOptions(ext=...)`` sets a ``task.ext`` key the process never reads (names the keys it does read)."""


class DocumentedTypeWarning(PynfWarning):
    """A ``val`` input's value is not of the type meta.yml documents, but Nextflow reads it the same way
    (``0.05`` for an ``integer``, ``[]`` for a ``boolean``); the message names the documented type."""


class ExtraTupleValuesWarning(PynfWarning):
    """A tuple input was given empty values (``[]``, None) after the elements it declares; they were dropped,
    as Nextflow ignores them."""


class PublishLayoutWarning(PynfWarning):
    """A step's items were published per task (``<xx>/<hash>/``), not per ``meta.id``: the ids were not unique."""
