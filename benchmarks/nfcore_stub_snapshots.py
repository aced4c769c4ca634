"""nf-core's own stub tests as a peer test suite: every stub test of the corpus (``<module>/tests/main.nf.test``
with ``options "-stub"``) translated into a pynf stub run and compared with its ``main.nf.test.snap``
(output file names and meta maps; see ``pynf/nftest``).

    python benchmarks/nfcore_stub_snapshots.py --corpus ../shared/corpus/nf-core-modules [--limit N] [--json] \
        [--raw results.jsonl] [--workers N] [--modules a b/c ...]

Prints ``{"tests", "translated", "matched", "mismatched", "errors_by_cause", "skipped_by_reason", "seconds"}``;
with ``--raw`` every test's outcome is appended as a JSON line as it is measured and a rerun skips the tests
already there (resumable; ``--from-raw`` only reports what is there); ``--details`` adds the mismatches and
errors.  ``--limit N`` takes the first N
modules that have stub tests (the test suite's quick mode).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pynf.nftest.check import ERROR, MATCHED, MISMATCHED, SKIPPED, check_test  # noqa: E402
from pynf.nftest.reader import read_tests  # noqa: E402

#: The quick mode the test suite runs (tests/engine/test_nfcore_stub_tests.py runs it with its own checks).
QUICK_ARGS = ["--corpus", "{corpus}", "--limit", "3", "--json"]
#: Keys the JSON report always has.
EXPECTED_KEYS = frozenset({"tests", "translated", "matched", "mismatched", "errors_by_cause", "skipped_by_reason"})
#: What a run needs.
NEEDS = ("engine", "corpus")
#: The test file that runs the quick mode.
TESTED_BY = "tests/engine/test_nfcore_stub_tests.py"


def stub_test_modules(corpus: Path) -> list[Path]:
    """Module directories with a ``tests/main.nf.test`` holding at least one stub test."""
    out = []
    for test_file in sorted(corpus.rglob("tests/main.nf.test")):
        text = test_file.read_text(errors="replace")
        if "-stub" in text:
            out.append(test_file.parent.parent)
    return out


def _read_raw(raw: Path | None) -> dict[tuple[str, str], dict]:
    rows = {}
    if raw is not None and raw.is_file():
        for line in raw.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                rows[(row["module"], row["test"])] = row
    return rows


def run_modules(corpus: Path, modules: list[Path], raw: Path | None) -> list[dict]:
    """Check every stub test of ``modules`` in this process (one JVM); rows already in ``raw`` are reused."""
    from pynf.backends.local.backend import LocalBackend

    done = _read_raw(raw)
    backend, rows = None, []
    with tempfile.TemporaryDirectory(prefix="pynf-nftest-") as tmp:
        for m, module_dir in enumerate(modules):
            module_id = str(module_dir.relative_to(corpus))
            try:
                tests = [t for t in read_tests(module_dir) if t.stub]
            except (OSError, UnicodeDecodeError, IndexError) as exc:
                rows.append({"module": module_id, "test": "*", "status": SKIPPED, "cause": "unreadable test file",
                             "detail": str(exc)[:200], "diffs": []})
                continue
            for k, test in enumerate(tests):
                if (module_id, test.name) in done:
                    rows.append(done[(module_id, test.name)])
                    continue
                backend = backend or LocalBackend()
                start = time.perf_counter()
                try:
                    row = check_test(test, Path(tmp) / f"m{m}-t{k}", backend, module_id).row()
                except Exception as exc:  # a test form the reader does not handle: counted, the sweep goes on
                    row = {"module": module_id, "test": test.name, "status": SKIPPED,
                           "cause": f"reader failed ({type(exc).__name__})", "detail": str(exc)[:200], "diffs": []}
                row["seconds"] = round(time.perf_counter() - start, 2)
                rows.append(row)
                if raw is not None:
                    with raw.open("a") as fh:
                        fh.write(json.dumps(row) + "\n")
    return rows


def summarize(rows: list[dict], seconds: float, details: bool = False) -> dict:
    """The JSON figures of a sweep."""
    status = Counter(r["status"] for r in rows)
    report = {
        "tests": len(rows),
        "translated": len(rows) - status[SKIPPED],
        "matched": status[MATCHED],
        "mismatched": status[MISMATCHED],
        "errors_by_cause": dict(Counter(r["cause"] for r in rows if r["status"] == ERROR).most_common()),
        "skipped_by_reason": dict(Counter(r["cause"] for r in rows if r["status"] == SKIPPED).most_common()),
        "seconds": round(seconds, 1),
    }
    if details:
        report["mismatches"] = [{k: r[k] for k in ("module", "test", "diffs")} for r in rows
                                if r["status"] == MISMATCHED]
        report["errors"] = [{k: r[k] for k in ("module", "test", "cause", "detail")} for r in rows
                            if r["status"] == ERROR]
    return report


def _workers(corpus: Path, modules: list[Path], raw: Path, workers: int) -> None:
    procs = []
    for i in range(workers):
        shard = modules[i::workers]
        listing = raw.with_suffix(f".shard{i}.txt")
        listing.write_text("\n".join(str(m) for m in shard))
        procs.append(subprocess.Popen([sys.executable, __file__, "--corpus", str(corpus), "--worker", str(listing),
                                       "--raw", str(raw.with_suffix(f".shard{i}.jsonl"))]))
    for proc in procs:
        proc.wait()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--limit", type=int, help="only the first N modules with stub tests")
    ap.add_argument("--modules", nargs="+", help="only these module ids")
    ap.add_argument("--seed", type=int, help="visit the modules in a random order with this seed (a partial sweep "
                    "then samples the whole corpus)")
    ap.add_argument("--raw", type=Path, help="per-test outcomes (JSON lines); a rerun resumes from them")
    ap.add_argument("--workers", type=int, default=0, help="worker processes (each one JVM); 0 = this process")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--details", action="store_true", help="list mismatches and errors too")
    ap.add_argument("--from-raw", action="store_true",
                    help="run nothing: report the outcomes already in --raw (e.g. of a sweep cut short)")
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        run_modules(args.corpus, [Path(p) for p in args.worker.read_text().splitlines() if p], args.raw)
        return 0
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    modules = stub_test_modules(args.corpus)
    if args.modules:
        modules = [m for m in modules if str(m.relative_to(args.corpus)) in set(args.modules)]
    if args.seed is not None:
        random.Random(args.seed).shuffle(modules)
    if args.limit is not None:
        modules = modules[: args.limit]
    start = time.perf_counter()
    if args.from_raw:
        rows = list(_read_raw(args.raw).values())
        seconds = sum(r.get("seconds") or 0 for r in rows)
        report = summarize(rows, seconds, args.details)
        report["modules"] = len({r["module"] for r in rows})
        print(json.dumps(report, indent=2))
        return 0
    if args.workers > 0:
        raw = args.raw or Path(tempfile.mkdtemp(prefix="pynf-nftest-")) / "raw.jsonl"
        _workers(args.corpus, modules, raw, args.workers)
        for shard in sorted(raw.parent.glob(raw.stem + ".shard*.jsonl")):
            with raw.open("a") as fh:
                fh.write(shard.read_text())
            shard.unlink()
        rows = run_modules(args.corpus, modules, raw)  # all measured: reads them back in module order
    else:
        rows = run_modules(args.corpus, modules, args.raw)
    report = summarize(rows, time.perf_counter() - start, args.details)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['matched']}/{report['translated']} translated stub tests match nf-core's snapshots "
              f"({report['tests']} stub tests, {report['mismatched']} mismatched)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
