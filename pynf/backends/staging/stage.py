"""Local inputs of remote runs (any remote backend): classify every input path, upload local files, rewrite
the bundle's params.

Every ``path``/``file`` value in a bundle's ``pynf_inputs`` is one of:

* ``uri`` -- ``s3://``, ``gs://``, ``az://``, ``https://`` ... : the compute environment reads it itself;
* ``shared`` -- a local path under one of the backend's ``shared_paths`` (a filesystem the compute
  environment mounts at the same path): sent as it is;
* ``local`` -- any other local file or directory: the compute environment cannot read it, so it is
  uploaded to ``<staging>/pynf-inputs/<sha256>/<name>`` and the staged URI goes into paramsText.

The staging location is the backend's ``staging_dir`` (Seqera: ``PYNF_SEQERA_STAGING_DIR``, ``--staging-dir``),
else the run's work dir (by default the compute environment's) when it is a cloud URI or a shared path.
Uploads are content-addressed (a file already there is not uploaded again), run in a small thread pool
and show a progress bar for large transfers. Without a usable location -- or with ``stage_inputs=False``
-- a local input is a :class:`~pynf.errors.StagingError` before anything is pushed or launched.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pynf.errors import StagingError
from pynf.render.bundle import Bundle
from pynf.backends.staging.storage import filesystem, is_uri, scheme_of

__all__ = ["local_path", "safe_name", "InputPath", "StagingReport", "Stager", "classify", "input_paths", "staging_location", "stage_bundle",
           "STAGING_PREFIX"]

log = logging.getLogger("pynf.seqera")

#: Folder under the staging location that holds staged inputs.
STAGING_PREFIX = "pynf-inputs"
#: Show a progress bar when a run uploads at least this many bytes (and stderr is a terminal).
PROGRESS_MIN_BYTES = 64 * 1024 * 1024
_PATH_KINDS = ("path", "file")
_CHUNK = 1 << 20

_HOW = ("either give them as URIs the compute environment can read (s3://, gs://, az://, https://), "
        "or set a staging location pynf uploads them to: SeqeraConfig(staging_dir='s3://bucket/prefix'), "
        "`--staging-dir`, or the environment variable PYNF_SEQERA_STAGING_DIR (by default the compute "
        "environment's work dir is used when it is a cloud URI). Paths on a filesystem the compute "
        "environment mounts at the same path can be declared with SeqeraConfig(shared_paths=[...]) or "
        "PYNF_SEQERA_SHARED_PATHS")


@dataclass(frozen=True)
class InputPath:
    """One path value of ``pynf_inputs``: the input channel it belongs to, the value and its class."""

    channel: str
    value: str
    kind: str  # "uri" | "shared" | "local"


@dataclass
class StagingReport:
    """What staging did: local path -> staged URI, and which of them were uploaded now."""

    location: str | None = None
    staged: dict[str, str] = field(default_factory=dict)
    uploaded: list[str] = field(default_factory=list)
    bytes_uploaded: int = 0


def local_path(value: str) -> str:
    """The absolute local path of an input value (a plain path or a ``file://`` URL)."""
    local = value[len("file://"):] if value.startswith("file://") else value
    return os.path.abspath(os.path.expanduser(local))


def _under(path: str, prefixes: Iterable[str]) -> bool:
    for prefix in prefixes:
        root = os.path.abspath(os.path.expanduser(prefix)).rstrip(os.sep) or os.sep
        if path == root or path.startswith(root if root.endswith(os.sep) else root + os.sep):
            return True
    return False


def classify(value: str, shared_paths: Iterable[str] = ()) -> str:
    """``"uri"``, ``"shared"`` (under one of ``shared_paths``) or ``"local"``."""
    if is_uri(value):
        return "uri"
    return "shared" if _under(local_path(value), shared_paths) else "local"


def _map_value(value: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, (list, tuple)):
        return [_map_value(v, fn) for v in value]
    return value


def _looks_local(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return bool(value) and all(_looks_local(v) for v in value)
    return isinstance(value, str) and (value.startswith("file://") or (os.path.isabs(value) and os.path.exists(value)))


def _map_inputs(bundle: Bundle, fn: Callable[[str, str], str]) -> list:
    """The bundle's ``pynf_inputs`` entries with every path value replaced by ``fn(channel, value)``.

    Path elements are known from ``bundle.input_kinds``; for a bundle without them (hand-made), values
    that are ``file://`` URLs or absolute paths of existing local files are taken for paths.
    """
    kinds = dict(bundle.input_kinds)
    entries = []
    for entry in bundle.param_values.get("pynf_inputs") or []:
        if not isinstance(entry, Mapping):
            entries.append(entry)
            continue
        name = str(entry.get("name"))
        element_kinds = kinds.get(name)
        items = []
        for item in entry.get("items") or []:
            if not isinstance(item, (list, tuple)):
                items.append(item)
                continue
            out = []
            for i, value in enumerate(item):
                if element_kinds is not None:
                    is_path = i < len(element_kinds) and element_kinds[i] in _PATH_KINDS
                else:
                    is_path = _looks_local(value)
                out.append(_map_value(value, lambda v, n=name: fn(n, v)) if is_path else value)
            items.append(out)
        entries.append({**entry, "items": items})
    return entries


def input_paths(bundle: Bundle, shared_paths: Iterable[str] = ()) -> list[InputPath]:
    """Every path value in the bundle's ``pynf_inputs``, classified (see :func:`classify`)."""
    shared = tuple(shared_paths)
    found: list[InputPath] = []

    def record(channel: str, value: str) -> str:
        found.append(InputPath(channel, value, classify(value, shared)))
        return value

    _map_inputs(bundle, record)
    return found


def staging_location(staging_dir: str | None, work_dir: str | None, shared_paths: Iterable[str] = ()) -> str | None:
    """Where inputs go: ``staging_dir`` when set, else ``work_dir`` if it is a URI or a shared path."""
    if staging_dir:
        return staging_dir if is_uri(staging_dir) else local_path(staging_dir)
    if work_dir and (is_uri(work_dir) or _under(local_path(work_dir), shared_paths)):
        return work_dir if is_uri(work_dir) else local_path(work_dir)
    return None


#: characters a staged name keeps besides letters and digits; any other becomes ``_`` (see safe_name)
_SAFE_PUNCT = frozenset("._-+=,@~")


def safe_name(name: str) -> str:
    """``name`` as it is staged: letters, digits and ``._-+=,@~`` kept, every other character ``_``.

    ``?``, ``#``, ``%``, spaces and control characters mean something in URIs or to object-store clients
    (s3fs reads ``?versionId=`` as an object version), so a key holding them would not be the key the
    paramsText URI names. The result is a function of the name alone, so staged URIs stay stable.
    """
    out = "".join(c if c.isalnum() or c in _SAFE_PUNCT else "_" for c in name)
    return "_" + out[1:] if out in (".", "..") else out


def _safe_rel(rel: str) -> str:
    return "/".join(safe_name(part) for part in rel.split("/"))


def _file_sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class _Upload:
    source: Path
    target: str  # path inside the staging filesystem
    size: int


class _Bar:
    """fsspec-style callback feeding one rich progress task (and the stager's byte count)."""

    def __init__(self, stager: Stager, progress: Any, task: Any):
        self.stager, self.progress, self.task = stager, progress, task

    def make(self) -> Any:
        from fsspec.callbacks import Callback

        outer = self

        class _Callback(Callback):
            def call(self, *args: Any, **kwargs: Any) -> None:
                return None

            def relative_update(self, inc: int = 1) -> None:
                with outer.stager._lock:
                    outer.stager.transferred += inc
                if outer.progress is not None:
                    outer.progress.update(outer.task, advance=inc)

        return _Callback()


class Stager:
    """Uploads local files and directories to ``<location>/pynf-inputs/<sha256>/<name>`` (content-addressed)."""

    def __init__(self, location: str, *, workers: int = 4, progress: bool | None = None):
        self.location = location.rstrip("/") or location
        self.workers = max(1, workers)
        self.progress = progress
        #: bytes the back-end reported as sent (drives the progress bar)
        self.transferred = 0
        self._lock = threading.Lock()
        self.fs, self.root = filesystem(self.location, what="staging local inputs")
        self.root = self.root.rstrip("/")

    def __repr__(self) -> str:
        return f"Stager(location={self.location!r})"

    def _plan(self, local: str) -> tuple[str, list[_Upload]]:
        """(staged URI, files it consists of) for one local file or directory."""
        path = Path(local)
        if path.is_file():
            sha = _file_sha(path)
            rel = f"{STAGING_PREFIX}/{sha}/{safe_name(path.name)}"
            return f"{self.location}/{rel}", [_Upload(path, f"{self.root}/{rel}", path.stat().st_size)]
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            h = hashlib.sha256()
            for f in files:
                h.update(f.relative_to(path).as_posix().encode() + b"\0" + _file_sha(f).encode() + b"\n")
            rel = f"{STAGING_PREFIX}/{h.hexdigest()}/{safe_name(path.name)}"
            uploads = [_Upload(f, f"{self.root}/{rel}/{_safe_rel(f.relative_to(path).as_posix())}", f.stat().st_size)
                       for f in files]
            clash = len({u.target for u in uploads}) < len(uploads)
            if clash:
                raise StagingError(f"directory {local}: two of its file names become the same staged name "
                                   "(characters other than letters, digits and ._-+=,@~ are staged as _); "
                                   "rename one of them")
            return f"{self.location}/{rel}", uploads
        raise StagingError(f"input not found (cannot stage it): {local}")

    def _present(self, upload: _Upload) -> bool:
        try:
            info = self.fs.info(upload.target)
        except FileNotFoundError:
            return False
        except Exception as exc:  # noqa: BLE001 - back-ends raise their own errors (credentials, network)
            raise StagingError(f"cannot reach the staging location {self.location}: {type(exc).__name__}: "
                               f"{exc}") from None
        return info.get("type") != "directory" and int(info.get("size") or 0) == upload.size

    def _put(self, upload: _Upload, bar: _Bar) -> None:
        parent = upload.target.rsplit("/", 1)[0]
        if "file" in (self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,)):
            self.fs.makedirs(parent, exist_ok=True)
        try:
            self.fs.put_file(str(upload.source), upload.target, callback=bar.make())
        except Exception as exc:  # noqa: BLE001 - back-ends raise their own errors (credentials, network)
            raise StagingError(f"uploading {upload.source} to {self.location} failed: {type(exc).__name__}: "
                               f"{exc}") from None

    def stage(self, paths: Iterable[str]) -> StagingReport:
        """Upload what is missing of ``paths`` (local files/dirs); returns local path -> staged URI."""
        report = StagingReport(location=self.location)
        todo: list[_Upload] = []
        for local in dict.fromkeys(paths):
            uri, uploads = self._plan(local)
            report.staged[local] = uri
            todo.extend(uploads)
        if hasattr(self.fs, "invalidate_cache"):
            self.fs.invalidate_cache()
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="pynf-stage") as pool:
            missing = [u for u, here in zip(todo, pool.map(self._present, todo)) if not here]
            total = sum(u.size for u in missing)
            show = self.progress if self.progress is not None else (total >= PROGRESS_MIN_BYTES
                                                                    and sys.stderr.isatty())
            progress = task = None
            if show and missing:
                from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn,
                                           TransferSpeedColumn)

                progress = Progress(TextColumn("staging inputs"), BarColumn(), DownloadColumn(),
                                    TransferSpeedColumn(), transient=True)
                task = progress.add_task("staging", total=total)
                progress.start()
            try:
                list(pool.map(lambda u: self._put(u, _Bar(self, progress, task)), missing))
            finally:
                if progress is not None:
                    progress.stop()
        report.uploaded = [str(u.source) for u in missing]
        report.bytes_uploaded = sum(u.size for u in missing)
        log.info("staged %d input(s) under %s: %d file(s) uploaded (%d bytes), %d already there",
                 len(report.staged), self.location, len(missing), report.bytes_uploaded, len(todo) - len(missing))
        return report


def stage_bundle(bundle: Bundle, *, staging_dir: str | None, work_dir: str | None, shared_paths: Iterable[str] = (),
                 stage_inputs: bool | None = None, compute_env: str | None = None,
                 workers: int = 4, progress: bool | None = None) -> tuple[Bundle, StagingReport]:
    """The bundle with local inputs replaced by staged URIs (uploading what is missing).

    Raises StagingError, naming the inputs and the ways out, when a local input cannot be staged.
    """
    shared = tuple(shared_paths)
    local = [p for p in input_paths(bundle, shared) if p.kind == "local"]
    if not local:
        return bundle, StagingReport()
    listing = "\n".join(f"  - input '{p.channel}': {local_path(p.value)}" for p in local)
    where = f"compute environment {compute_env!r}" if compute_env else "the compute environment"
    if stage_inputs is False:
        raise StagingError(f"local input(s) that {where} cannot read, and stage_inputs=False:\n{listing}\n"
                           f"Nothing was launched. {_HOW[0].upper()}{_HOW[1:]}.")
    location = staging_location(staging_dir, work_dir, shared)
    if location is None:
        raise StagingError(f"local input(s) that {where} cannot read (its work dir {work_dir!r} is not a "
                           f"cloud URI or a shared path, and no staging location is set):\n{listing}\n"
                           f"Nothing was launched. {_HOW[0].upper()}{_HOW[1:]}.")
    for p in local:
        if not os.path.exists(local_path(p.value)):
            raise StagingError(f"input '{p.channel}': file not found: {local_path(p.value)}")
    scheme = scheme_of(location)
    if scheme in ("http", "https"):
        raise StagingError(f"staging location {location!r}: pynf cannot upload over {scheme}://; give an "
                           "object store URI (s3://, gs://, az://) or a shared path")
    report = Stager(location, workers=workers, progress=progress).stage(local_path(p.value) for p in local)
    staged = report.staged
    entries = _map_inputs(bundle, lambda _c, v: staged.get(local_path(v), v) if classify(v, shared) == "local" else v)
    return bundle.with_params(pynf_inputs=entries), report
