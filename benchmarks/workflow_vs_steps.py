#!/usr/bin/env python3
"""One workflow run vs one ``pynf.run`` per step, on the same nf-core chain and simulated samples.

The chain (tests/variant_chain.py): fastp -> bwa/index + bwa/mem -> samtools/index -> samtools/stats and
bcftools/mpileup.  The engine is warmed first (a stub run of the chain), then the two ways are timed,
alternating ``--repeat`` times (load drift on a shared machine hits both alike); the median is reported.

    python benchmarks/workflow_vs_steps.py --samples 8 --json
    -> {"steps", "samples", "workflow_s", "steps_s", "ratio", "launches_workflow", "launches_steps", ...}

Needs the nf-core modules corpus (``--corpus`` or ``PYNF_SHARED_DIR``/corpus/nf-core-modules) and the Debian
tools fastp, bwa, samtools, bcftools, tabix, wgsim.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

#: Quick mode for the test suite (tests/benchmark_runner.py): small sizes, JSON on stdout.
QUICK_ARGS = ["--samples", "1", "--reads", "200", "--json"]
#: Keys the JSON report always has.
EXPECTED_KEYS = frozenset({"steps", "samples", "workflow_s", "steps_s", "ratio", "launches_workflow",
                           "launches_steps", "tasks"})
#: What the quick mode needs from the machine ("engine", "corpus", "tools:a,b").
NEEDS = ("engine", "corpus", "tools:fastp,bwa,samtools,bcftools,tabix,wgsim")


def _load() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    from tests.paths import CORPUS
    from tests.variant_chain import STEPS, build_workflow, run_steps, simulate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--reads", type=int, default=1200, help="reads per sample")
    parser.add_argument("--repeat", type=int, default=1, help="timed rounds of both ways (median reported)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args(argv)
    if not (args.corpus / "bcftools" / "mpileup" / "main.nf").is_file():
        print(f"no nf-core modules corpus at {args.corpus}", file=sys.stderr)
        return 2

    root = Path(tempfile.mkdtemp(prefix="pynf-wf-bench-"))
    data = simulate(root / "data", args.samples, reads=args.reads)
    # warm the engine (JVM start, class loading) with a stub run of the whole chain
    build_workflow(args.corpus, data, "warmup").run(stub=True, run_dir=root / "warm", outdir=root / "warm" / "out")

    wf_times, step_times, launches_wf, launches_steps = [], [], 0, 0
    load_before = _load()
    for n in range(args.repeat):
        start = time.perf_counter()
        result = build_workflow(args.corpus, data).run(run_dir=root / f"wf{n}", outdir=root / f"wf{n}" / "out")
        wf_times.append(time.perf_counter() - start)
        launches_wf = len({result.run.run_name})
        start = time.perf_counter()
        steps = run_steps(args.corpus, data, root / f"steps{n}")
        step_times.append(time.perf_counter() - start)
        launches_steps = len({r.run_name for r in steps.values()})
    workflow_s, steps_s = statistics.median(wf_times), statistics.median(step_times)
    report = {"steps": len(STEPS), "samples": args.samples, "workflow_s": round(workflow_s, 2),
              "steps_s": round(steps_s, 2), "ratio": round(workflow_s / steps_s, 3),
              "launches_workflow": launches_wf, "launches_steps": launches_steps,
              "tasks": len(result.run.tasks), "cpus": os.cpu_count(), "load_before": load_before,
              "load_after": _load(), "workflow_runs_s": [round(t, 2) for t in wf_times],
              "steps_runs_s": [round(t, 2) for t in step_times]}
    if args.json:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            print(f"{key:>18}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
