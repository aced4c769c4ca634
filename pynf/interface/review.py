"""Reviewed modules: interface snapshots recorded in ``pynf.lock``, checked at run time and on update.

- :func:`prepare_review` resolves a module, computes its interface and stub-runs it once with
  synthesized inputs (:mod:`pynf.stubcheck`); :func:`record_review` writes the result into ``pynf.lock``
  under ``reviewed`` (interface JSON, docs, hash, module commit, content hash, date, stub result).
  :func:`review` (``pynf.review``) does both.
- :func:`check_reviewed` runs before every run: a breaking change against the reviewed snapshot
  raises :class:`~pynf.errors.InterfaceDriftError` with the diff; a compatible one warns
  (:class:`~pynf.errors.InterfaceDriftWarning`); a module never reviewed gets one hint, the first time.
- :func:`update_pins` moves pins like :func:`pynf.sources.update` but holds every pin whose interface
  change is breaking unless ``accept`` is given; a reviewed pin that moves takes its new interface along.

Git modules are keyed as in ``modules`` (``<remote>::<org>/<tool>``); local ones as ``path:<dir>``
(relative to the lock file's directory when below it).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pynf.compiler import Module
from pynf.compiler.subworkflow_module import SubworkflowModule
from pynf.compiler.subworkflow_module import parse_component as parse  # a module or a subworkflow
from pynf.errors import InterfaceDriftError, InterfaceDriftWarning, NotReviewedHint
from pynf.sources.checkout import resolve
from pynf.sources.lock import LockFile, lock_key

from .diff import InterfaceDiff, diff_interfaces
from .model import Interface, interface_of, load_interface
from .registry import RegistryEntry, lookup, module_content_hash

__all__ = ["Review", "PinMove", "review_key", "prepare_review", "record_review", "review", "check_reviewed",
           "interface_at", "update_pins"]


def review_key(directory: str | os.PathLike[str], *, module_id: str, sha: str | None, remote: str | None,
               lock: LockFile) -> str:
    """The key of a module's review record in ``pynf.lock``."""
    if sha and remote:
        return lock_key(remote, module_id)
    path = Path(directory).resolve()
    base = lock.path.resolve().parent
    return "path:" + (path.relative_to(base).as_posix() if path.is_relative_to(base) else path.as_posix())


@dataclass(frozen=True)
class Review:
    """A module's interface, its stub-run result and what the registry knows, ready to record."""

    key: str
    module_id: str
    directory: Path
    sha: str | None
    interface: Interface
    content_hash: str
    stub_passed: bool | None  # None: no process with a stub block, or the stub run was skipped
    stub_detail: str | None
    registry: RegistryEntry | None

    def record(self) -> dict[str, Any]:
        """The review record kept in ``pynf.lock``."""
        out = self.interface.to_record()
        out.update(module=self.module_id, sha=self.sha, content_hash=self.content_hash,
                   date=_dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
                   stub={"passed": self.stub_passed, "detail": self.stub_detail, "sha": self.sha})
        return out


def _subworkflow_stub(parsed: SubworkflowModule, module_id: str, backend: Any) -> tuple[bool | None, str | None]:
    """A subworkflow is stub-run as a whole when every process it runs has a stub block."""
    from pynf.stubcheck.subworkflow import missing_stubs, subworkflow_stub_check

    missing = missing_stubs(parsed)
    if missing:
        return None, f"no stub block in {', '.join(missing)}: not stub-run"
    with tempfile.TemporaryDirectory(prefix="pynf-review-") as tmp:
        error = subworkflow_stub_check(parsed, module_id, Path(tmp), backend)
    name = parsed.processes[0].name
    return (True, f"{name}: passed (synthesized inputs)") if error is None else (False, f"{name}: failed: {error}")


def _stub(parsed: Module, module_id: str, process: str | None, backend: Any) -> tuple[bool | None, str | None]:
    from pynf.stubcheck.run import stub_check

    if isinstance(parsed, SubworkflowModule):
        return _subworkflow_stub(parsed, module_id, backend)
    processes = [parsed.process(process)] if process else list(parsed.processes)
    with_stub = [p for p in processes if p.stub is not None]
    if not with_stub:
        return None, "no stub block: not stub-run"
    notes = []
    with tempfile.TemporaryDirectory(prefix="pynf-review-") as tmp:
        for i, p in enumerate(with_stub):
            error, variant = stub_check(parsed, p, module_id, Path(tmp) / f"p{i}", backend)
            notes.append(f"{p.name}: " + (f"passed ({variant} inputs)" if error is None else f"failed: {error}"))
            if error is not None:
                return False, "; ".join(notes)
    return True, "; ".join(notes)


def prepare_review(module: str | os.PathLike[str], *, process: str | None = None, stub: bool = True,
                   lock_path: str | os.PathLike[str] | None = None, backend: Any = None, **source: Any) -> Review:
    """Resolve ``module`` (path or ID; pinned in ``pynf.lock``), compute its interface and stub-run it."""
    lock = LockFile(lock_path)
    resolved = resolve(module, lock_path=lock.path, **source)
    parsed = parse(resolved.path)
    directory = Path(resolved.path) if Path(resolved.path).is_dir() else Path(resolved.path).parent
    module_id = resolved.module_id if resolved.sha else directory.resolve().name
    passed, detail = _stub(parsed, module_id, process, backend) if stub else (None, "stub run skipped")
    return Review(key=review_key(directory, module_id=resolved.module_id, sha=resolved.sha, remote=resolved.remote,
                                 lock=lock),
                  module_id=module_id, directory=directory, sha=resolved.sha, interface=interface_of(parsed),
                  content_hash=module_content_hash(directory), stub_passed=passed, stub_detail=detail,
                  registry=lookup(directory))


def record_review(prepared: Review, *, lock_path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Write ``prepared`` into ``pynf.lock`` as the reviewed interface; return the record."""
    record = prepared.record()
    LockFile(lock_path).put_review(prepared.key, record)
    return record


def review(module: str | os.PathLike[str], *, process: str | None = None, stub: bool = True,
           lock_path: str | os.PathLike[str] | None = None, **source: Any) -> Review:
    """Review ``module``: compute its interface, stub-run it once and record both in ``pynf.lock``.

    Calling this is the confirmation (the CLI's ``pynf modules review`` asks first). Later runs
    compare the module's interface with this snapshot (see :func:`check_reviewed`).
    """
    prepared = prepare_review(module, process=process, stub=stub, lock_path=lock_path, **source)
    record_review(prepared, lock_path=lock_path)
    return prepared


# -- at run time ----------------------------------------------------------------------------------

_hinted: set[str] = set()


def _hint_once(key: str, module_id: str) -> None:
    """One hint per module: per process, and across processes through a marker in pynf's cache."""
    if key in _hinted:
        return
    _hinted.add(key)
    from pynf._util.paths import cache_root

    marker = cache_root() / "reviews" / "hinted" / hashlib.sha256(key.encode()).hexdigest()[:24]
    if marker.exists():
        return
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(key + "\n")
    except OSError:
        pass
    warnings.warn(NotReviewedHint(f"{module_id} has no reviewed interface; `pynf modules review {module_id}` records "
                                  "it so later changes are reported (shown once)"), stacklevel=4)


def check_reviewed(parsed: Module, directory: str | os.PathLike[str], *, module_id: str, sha: str | None = None,
                   remote: str | None = None, lock_path: str | os.PathLike[str] | None = None) -> InterfaceDiff | None:
    """Compare the module about to run with its reviewed snapshot.

    Raises :class:`InterfaceDriftError` (with the diff) on a breaking change, warns
    :class:`InterfaceDriftWarning` on a compatible one and returns the diff; returns None when the
    module was never reviewed (one :class:`NotReviewedHint`, the first time) or matches its review.
    """
    lock = LockFile(lock_path)
    key = review_key(directory, module_id=module_id, sha=sha, remote=remote, lock=lock)
    record = lock.reviews().get(key)
    if record is None:
        _hint_once(key, module_id)
        return None
    try:
        reviewed = load_interface(record)
    except ValueError as exc:
        raise InterfaceDriftError(f"{lock.path}: the review record of {module_id} is damaged ({exc}); "
                                  f"review it again with `pynf modules review {module_id}`") from None
    current = interface_of(parsed)
    if current.hash == reviewed.hash:
        return None
    diff = diff_interfaces(reviewed, current)
    when = f" on {record.get('date')}" if record.get("date") else ""
    if diff.is_breaking:
        raise InterfaceDriftError(
            f"{module_id}: its interface changed in a breaking way since it was reviewed{when}:\n{diff.render()}\n"
            f"Adapt the calling code, then review it again: `pynf modules review {module_id}`", diff=diff)
    warnings.warn(InterfaceDriftWarning(f"{module_id}: its interface changed (compatibly) since it was reviewed{when}: "
                                        + "; ".join(c.line().strip() for c in diff.changes)), stacklevel=3)
    return diff


# -- diff and update ------------------------------------------------------------------------------

def interface_at(module: str | os.PathLike[str], sha: str | None = None, **source: Any) -> tuple[Interface, Any]:
    """The interface of ``module`` at commit ``sha`` (the pinned one when None), without changing pins."""
    resolved = resolve(module, sha=sha, lock_path=False, **source) if sha else resolve(module, **source)
    return interface_of(parse(resolved.path)), resolved


@dataclass(frozen=True)
class PinMove:
    """What :func:`update_pins` did with one pin: ``moved``, ``held`` (breaking, not accepted) or up to date."""

    key: str
    old_sha: str | None
    new_sha: str
    held: str | None
    diff: InterfaceDiff | None

    @property
    def name(self) -> str:
        return self.key.split("::", 1)[-1]

    @property
    def moved(self) -> bool:
        return self.old_sha != self.new_sha


def update_pins(module: str | None = None, *, accept: bool = False, remote: str | None = None,
                branch: str | None = None, lock_path: str | os.PathLike[str] | None = None,
                offline: bool | None = None) -> list[PinMove]:
    """Move pins to their branch heads, unless the interface change is breaking and ``accept`` is False.

    The change is measured from the reviewed snapshot when the module has one, else from the pinned
    commit's interface. A reviewed pin that moves records the new interface as its reviewed one
    (``accepted`` says how: ``compatible`` or ``--accept``).
    """
    from pynf.sources import update

    lock = LockFile(lock_path)
    reviews = lock.reviews()
    diffs: dict[str, InterfaceDiff] = {}
    news: dict[str, Interface] = {}
    hashes: dict[str, str] = {}

    def guard(key: str, entry: Any, old_dir: Path, new_dir: Path, new_sha: str) -> bool:
        old = load_interface(reviews[key]) if key in reviews else interface_of(old_dir)
        new = news[key] = interface_of(new_dir)
        hashes[key] = module_content_hash(new_dir)
        diffs[key] = diff_interfaces(old, new)
        return accept or not diffs[key].is_breaking

    changes = update(module, remote=remote, branch=branch, lock_path=lock.path, offline=offline, guard=guard)
    moves = [PinMove(c.key, c.old_sha, c.new_sha, c.held, diffs.get(c.key)) for c in changes]
    stamp = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()

    def carry(records: dict[str, dict]) -> None:
        for m in moves:
            if m.moved and m.key in records and m.key in news:
                rec = dict(records[m.key])
                rec.update(news[m.key].to_record(), sha=m.new_sha, date=stamp, content_hash=hashes[m.key],
                           accepted="--accept" if m.diff is not None and m.diff.is_breaking else "compatible")
                records[m.key] = rec

    if any(m.moved and m.key in reviews for m in moves):
        lock.update(lambda entries: None, carry)
    return moves
