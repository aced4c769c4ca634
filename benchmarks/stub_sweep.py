"""Run every corpus module that has a ``stub:`` block under stub-run on the embedded engine.

For each module: synthesize inputs from the IR, add version shims (``pynf/stubcheck/shims.py``), run it with
``stub=True`` in this process's long-lived JVM (one CPU, 2 GB, as a pipeline's resource labels would
give), and check that the manifest lists at least one item for every declared non-optional output.
Stubs branch on their inputs, so when a run fails the next input variant (``pynf.stubcheck.inputs.VARIANTS``:
default, blank, sparse, alternate) is tried; a module fails only when every variant does, and the
reason reported is the default variant's.

    python benchmarks/stub_sweep.py --corpus ../shared/corpus/nf-core-modules [--limit N] [--json] [--workers N]

With ``--workers N`` the modules are split over N worker processes, each one long-lived JVM; a
worker whose run produces nothing for ``--stall-seconds`` is killed, that module is reported as
hung, and a fresh worker goes on with the rest.

Prints ``{"modules": N, "succeeded": N, "failed": [{"module", "error"}], "succeeded_by_variant": {...},
"seconds": S}``.
"""

from __future__ import annotations

#: Quick mode for the test suite (tests/benchmark_runner.py): a sample of 30 modules, JSON on stdout.
QUICK_ARGS = ["--corpus", "{corpus}", "--limit", "30", "--seed", "2026", "--json"]
#: Keys the JSON report always has.
EXPECTED_KEYS = frozenset({"modules", "succeeded", "failed", "succeeded_by_variant", "seconds"})
#: What the quick mode needs from the machine ("engine", "corpus", "tools:a,b").
NEEDS = ("engine", "corpus")
#: The test file that runs the quick mode (the sampled sweep, with its own checks on the report).
TESTED_BY = "tests/engine/test_stub_sweep.py"

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from pynf.compiler import parse  # noqa: E402
from pynf.errors import PynfError  # noqa: E402
from pynf.stubcheck.inputs import VARIANTS  # noqa: E402
from pynf.stubcheck.run import stub_check  # noqa: E402

def stub_modules(corpus: Path) -> list[Path]:
    """Module directories under ``corpus`` whose (only) process has a stub block."""
    out = []
    for main in sorted(corpus.rglob("main.nf")):
        try:
            module = parse(main)
        except PynfError:
            continue
        if len(module.processes) == 1 and module.processes[0].stub is not None:
            out.append(main.parent)
    return out


def check_one(module_dir: Path, work: Path, backend) -> tuple[str | None, str | None]:
    """Stub-run one module with each input variant in turn until one succeeds (``pynf.stubcheck.run.stub_check``)."""
    module = parse(module_dir)
    return stub_check(module, module.process(), module_dir.name, work, backend)


def select(corpus: Path, limit: int | None, seed: int | None) -> list[Path]:
    """The stub modules to run: all, the first ``limit``, or ``limit`` sampled with ``seed``."""
    modules = stub_modules(corpus)
    if limit is not None and limit < len(modules):
        modules = sorted(random.Random(seed).sample(modules, limit)) if seed is not None else modules[:limit]
    return modules


def run_in_process(corpus: Path, modules: list[Path], out=None) -> list[dict]:
    """Stub-run ``modules`` one after another in this process's JVM; one JSON line per module to ``out``."""
    from pynf.backends.local.backend import LocalBackend

    backend = LocalBackend()
    results = []
    with tempfile.TemporaryDirectory(prefix="pynf-stub-") as tmp:
        for i, module_dir in enumerate(modules):
            name = str(module_dir.relative_to(corpus))
            start = time.perf_counter()
            variant = None
            try:
                error, variant = check_one(module_dir, Path(tmp) / f"m{i}", backend)
            except PynfError as e:
                error = f"{type(e).__name__}: {str(e)[:300]}"
            row = {"module": name, "error": error, "variant": variant,
                   "seconds": round(time.perf_counter() - start, 2)}
            results.append(row)
            if out is not None:
                out.write(json.dumps(row) + "\n")
                out.flush()
    return results


def run(corpus: Path, limit: int | None, seed: int | None = None, *, workers: int = 0,
        stall_seconds: float = 600) -> dict:
    """Stub-run the selected modules; ``workers=0`` runs them in this process (one JVM), ``workers=N``
    in N worker processes, each one long-lived JVM, restarted only if a run hangs for ``stall_seconds``."""
    modules = select(corpus, limit, seed)
    start = time.perf_counter()
    rows = sweep(corpus, modules, workers=workers, stall_seconds=stall_seconds)
    failed = [{"module": r["module"], "error": r["error"]} for r in rows if r["error"]]
    variants = {v.name: sum(1 for r in rows if r.get("variant") == v.name) for v in VARIANTS}
    return {"modules": len(modules), "succeeded": len(modules) - len(failed), "failed": failed,
            "succeeded_by_variant": variants, "seconds": round(time.perf_counter() - start, 1)}


def sweep(corpus: Path, modules: list[Path], *, workers: int = 0, stall_seconds: float = 600) -> list[dict]:
    """One row per module (``module``, ``error`` None when a variant passed, ``variant``, ``seconds``)."""
    if workers <= 0:
        return run_in_process(corpus, modules)
    return _run_workers(corpus, modules, workers, stall_seconds)


def _run_workers(corpus: Path, modules: list[Path], workers: int, stall_seconds: float) -> list[dict]:
    import subprocess

    shards = [modules[i::workers] for i in range(workers)]
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="pynf-stub-workers-") as tmp:
        pending = [list(shard) for shard in shards if shard]
        procs: list[tuple[subprocess.Popen, Path, list[Path], int, float]] = []

        def launch(shard: list[Path], idx: int):
            listing = Path(tmp) / f"shard{idx}-{len(rows)}.txt"
            listing.write_text("\n".join(str(m) for m in shard))
            out = Path(tmp) / f"out{idx}-{len(rows)}.jsonl"
            proc = subprocess.Popen([sys.executable, __file__, "--corpus", str(corpus), "--worker", str(listing),
                                     "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append((proc, out, shard, 0, time.monotonic()))

        for idx, shard in enumerate(pending):
            launch(shard, idx)
        while procs:
            time.sleep(2)
            for k, (proc, out, shard, seen, since) in list(enumerate(procs))[::-1]:
                lines = out.read_text().splitlines() if out.exists() else []
                if len(lines) > seen:
                    procs[k] = (proc, out, shard, len(lines), time.monotonic())
                    seen, since = len(lines), time.monotonic()
                done = proc.poll() is not None
                stalled = not done and time.monotonic() - since > stall_seconds
                if not done and not stalled:
                    continue
                if stalled:
                    proc.kill()
                    proc.wait()
                got = [json.loads(line) for line in lines]
                rows.extend(got)
                del procs[k]
                rest = shard[len(got):]
                if rest:  # the worker hung or died on rest[0]: record it and go on with a fresh worker
                    reason = f"hung: no result in {stall_seconds:.0f} s" if stalled else f"worker died (exit {proc.returncode})"
                    rows.append({"module": str(rest[0].relative_to(corpus)), "error": reason, "seconds": None})
                    if rest[1:]:
                        launch(rest[1:], k + 100 * len(rows))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Stub-run corpus modules on the embedded engine.")
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--limit", type=int, help="run at most N modules")
    ap.add_argument("--seed", type=int, help="with --limit: sample N modules at random with this seed")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--workers", type=int, default=0,
                    help="worker processes (each one long-lived JVM); 0 = run in this process")
    ap.add_argument("--stall-seconds", type=float, default=600, help="with --workers: a run silent this long is hung")
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        modules = [Path(line) for line in args.worker.read_text().splitlines() if line]
        with args.out.open("a") as out:
            run_in_process(args.corpus, modules, out)
        return 0
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    report = run(args.corpus, args.limit, args.seed, workers=args.workers, stall_seconds=args.stall_seconds)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['succeeded']}/{report['modules']} stub runs succeeded in {report['seconds']} s")
        for f in report["failed"]:
            print(f"  {f['module']}: {f['error']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
