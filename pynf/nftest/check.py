"""Run one nf-core stub test through pynf and compare with its snapshot.

Inputs that name files (``file(params.modules_testdata_base_path + '.../test.bam')``) cannot be fetched
offline; for a stub run their contents do not matter, so each becomes a local *empty* file with the same
file name (a directory when the path ends with ``/``).  ``eval`` version queries of tools not installed
here get pynf's version shims (:mod:`pynf.stubcheck.shims`), and their values are not compared.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pynf.errors import EvalOutputError, InputError, PynfError, TaskFailedError
from pynf.nftest.groovy import FileRef, Queue, Untranslatable
from pynf.nftest.reader import NfTest, ext_settings
from pynf.nftest.snapshot import compare

__all__ = ["TestOutcome", "check_test", "expected_channels"]

MATCHED, MISMATCHED, ERROR, SKIPPED = "matched", "mismatched", "error", "skipped"

#: seconds one stub run may take
RUN_TIMEOUT = 600


@dataclass
class TestOutcome:
    """``status``: matched, mismatched, error (the run failed) or skipped (not translatable); ``cause``
    is a short countable reason, ``detail`` the specifics (differences, error text)."""

    module: str
    test: str
    status: str
    cause: str | None = None
    detail: str = ""
    diffs: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        """As a JSON line."""
        return dataclasses.asdict(self)


def _materialize(value: Any, root: Path, counter: list[int]) -> Any:
    if isinstance(value, FileRef):
        counter[0] += 1
        target = root / f"f{counter[0]}" / value.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if value.is_dir:
            target.mkdir(exist_ok=True)
        else:
            target.touch()
        return target  # a Path: a file object for a `val` input too, as file(...) is in the test
    if isinstance(value, Queue):
        from pynf.render.inputs import Queue as PynfQueue

        return PynfQueue([_materialize(v, root, counter) for v in value.items])
    if isinstance(value, list):
        return [_materialize(v, root, counter) for v in value]
    if isinstance(value, dict):
        return {k: _materialize(v, root, counter) for k, v in value.items()}
    return value


_WHOLE = re.compile(r"^\s*(sanitizeOutput\s*\(\s*)?process\.out\b(?!\s*\.\s*(?!findAll\b)\w)(?!\s*\[)")
_CHANNEL = re.compile(r"^\s*process\.out\s*(?:\.\s*(\w+)|\[\s*['\"]?(\w+)['\"]?\s*\])\s*$")


def _split_args(text: str) -> list[str]:
    args, depth, cur = [], 0, ""
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "," and depth == 0:
            args.append(cur)
            cur = ""
        else:
            cur += ch
    return args + ([cur] if cur.strip() else [])


def expected_channels(test: NfTest, process, snap: dict) -> dict[str, list]:
    """Output key -> the snapshot's channel, from what the then block snapshots (raises Untranslatable)."""
    entry = snap.get(test.snapshot_key())
    if entry is None:
        raise Untranslatable("no snapshot", test.snapshot_key())
    content = entry.get("content") or [] if isinstance(entry, dict) else []
    args_text = test.snapshot_args()
    if args_text is None:
        raise Untranslatable("no snapshot call")
    args = _split_args(args_text)
    keys = {ch.key: (i, ch.emit) for i, ch in enumerate(process.outputs)}
    if len(args) == 1 and _WHOLE.match(args[0]) and content and isinstance(content[0], dict):
        out = {}
        for key, (i, emit) in keys.items():
            if emit and emit in content[0]:
                out[key] = content[0][emit]
            elif str(i) in content[0]:
                out[key] = content[0][str(i)]
        if not out:
            raise Untranslatable("snapshot names no output of the process")
        return out
    out = {}
    for k, arg in enumerate(args):
        m = _CHANNEL.match(arg)
        if m is None or k >= len(content):
            raise Untranslatable("snapshot of derived values", arg.strip()[:60])
        name = m.group(1) or m.group(2)
        key = name if name in keys else next((kk for kk, (i, _) in keys.items() if str(i) == name), None)
        if key is None:
            raise Untranslatable("snapshot of derived values", arg.strip()[:60])
        out[key] = content[k]
    return out


def _ext_config(test: NfTest) -> str:
    lines = ext_settings(test.config, test.process)
    if not lines:
        return ""
    body = "\n".join("        " + line for line in lines)
    return f"process {{\n    withName: '{test.process}' {{\n{body}\n    }}\n}}\n"


def _json_params(params: dict) -> dict:
    """The test's params pynf can pass on; ``outdir`` is pynf's own (tests set it to nf-test's ``$outputDir``)."""
    return {k: v for k, v in params.items()
            if k != "outdir" and (v is None or isinstance(v, (str, int, float, bool)))}


def _cause(exc: Exception) -> str:
    if isinstance(exc, EvalOutputError):
        return "eval version query failed (tool not installed here)"
    if isinstance(exc, TaskFailedError):
        tail = exc.stderr_tail or ""
        if exc.exit_status == 127 or any(w in tail for w in ("command not found", "No such file or directory",
                                                             "ModuleNotFoundError", "there is no package called",
                                                             "Can't locate ")):
            return "stub runs a tool not installed here"
        return "stub task failed"
    if isinstance(exc, InputError):
        return "input refused by pynf"
    if "has been deprecated" in str(exc):
        return "deprecated module (its script stops every run)"
    return type(exc).__name__


def check_test(test: NfTest, work: Path, backend: Any, module_id: str) -> TestOutcome:
    """Translate ``test``, stub-run it under ``work`` on ``backend`` and compare with its snapshot."""
    from pynf.compiler import parse
    from pynf.render.compile import compile_bundle
    from pynf.render.options import RunOptions
    from pynf.stubcheck.shims import version_shims, with_shims

    outcome = TestOutcome(module=module_id, test=test.name, status=SKIPPED)
    try:
        if test.problem:
            raise Untranslatable(test.problem)
        module = parse(test.module_dir)
        process = module.process(test.process or None)
        given = test.inputs()
        if sorted(given) != list(range(len(process.inputs))):
            raise Untranslatable("inputs do not line up with the process",
                                 f"{sorted(given)} for {len(process.inputs)} inputs")
        snap = json.loads((test.module_dir / "tests" / "main.nf.test.snap").read_text())
        expected = expected_channels(test, process, snap)
    except Untranslatable as exc:
        outcome.cause, outcome.detail = exc.reason, exc.detail
        return outcome
    except (OSError, ValueError, PynfError) as exc:
        outcome.cause, outcome.detail = "unreadable test", f"{type(exc).__name__}: {str(exc)[:200]}"
        return outcome
    inputs = [_materialize(given[i], work / "inputs", [0]) for i in range(len(process.inputs))]
    shims = version_shims(process)
    options = RunOptions(cpus=1, memory="2 GB", extra_config=_ext_config(test) + shims.install_lib(work / "lib"))
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bundle = with_shims(compile_bundle(module, process=process.name, inputs=inputs, module_id=module_id,
                                               params=_json_params(test.params), options=options), shims)
            result = backend.submit(bundle, stub=True, run_dir=work / "run", timeout=RUN_TIMEOUT)
    except PynfError as exc:
        outcome.status, outcome.cause, outcome.detail = ERROR, _cause(exc), str(exc)[:600]
        return outcome
    outcome.diffs = compare(expected, result.outputs, process)
    outcome.status = MISMATCHED if outcome.diffs else MATCHED
    return outcome
