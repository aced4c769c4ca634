"""Parse and render every module under a corpus directory; print counts, failures and timings.

    python benchmarks/compile_corpus.py --corpus ../shared/corpus/nf-core-modules [--json] [--jobs N]

Prints ``{"modules": N, "parsed": N, "rendered": N, "failures": [{"module", "error"}],
"seconds": S, "median_ms": M, "jobs": J}``.  Rendering covers the wrapper main.nf, configText and
sidecars of every process (paramsText needs run inputs, so it is rendered with the module's
inputs left out).  ``--jobs`` splits the corpus over worker processes (default: CPU count).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pynf.compiler import parse  # noqa: E402
from pynf.errors import PynfError  # noqa: E402
from pynf.render.renderer import collect_sidecars, render_config, render_wrapper  # noqa: E402

#: Quick mode for the test suite (tests/benchmark_runner.py): small sizes, JSON on stdout.
QUICK_ARGS = ["--corpus", "{corpus}", "--limit", "25", "--jobs", "1", "--json"]
#: Keys the JSON report always has.
EXPECTED_KEYS = frozenset({"modules", "parsed", "rendered", "failures", "seconds", "median_ms", "jobs"})
#: What the quick mode needs from the machine ("engine", "corpus", "tools:a,b").
NEEDS = ("corpus",)


def compile_one(path: str) -> tuple[str, bool, bool, str | None, float]:
    """(module, parsed, rendered, error, milliseconds) for one main.nf."""
    start = time.perf_counter()
    parsed = rendered = False
    error = None
    try:
        module = parse(path)
        parsed = True
        for process in module.processes:
            render_wrapper(module, process)
            render_config(process)
        collect_sidecars(Path(path).parent)
        rendered = True
    except PynfError as e:
        error = f"{type(e).__name__}: {e}"
    except Exception as e:  # noqa: BLE001 - a crash is a failure to report, with its type
        error = f"CRASH {type(e).__name__}: {e}"
    return path, parsed, rendered, error, (time.perf_counter() - start) * 1000


def run(corpus: Path, jobs: int, limit: int | None = None) -> dict:
    paths = [str(p) for p in sorted(corpus.rglob("main.nf"))][:limit]
    start = time.perf_counter()
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(compile_one, paths, chunksize=32))
    else:
        results = [compile_one(p) for p in paths]
    seconds = time.perf_counter() - start
    failures = [{"module": str(Path(p).parent.relative_to(corpus)), "error": e[:500]}
                for p, _, _, e, _ in results if e]
    return {
        "modules": len(paths),
        "parsed": sum(r[1] for r in results),
        "rendered": sum(r[2] for r in results),
        "failures": failures,
        "seconds": round(seconds, 2),
        "median_ms": round(statistics.median(r[4] for r in results), 2) if results else 0.0,
        "jobs": jobs,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Parse and render every module in a corpus.")
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: CPUs)")
    ap.add_argument("--limit", type=int, help="only the first N modules (sorted by path)")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    report = run(args.corpus, max(1, args.jobs), args.limit)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['parsed']}/{report['modules']} parsed, {report['rendered']} rendered in "
              f"{report['seconds']} s (median {report['median_ms']} ms/module, {report['jobs']} jobs)")
        for f in report["failures"]:
            print(f"  {f['module']}: {f['error']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
