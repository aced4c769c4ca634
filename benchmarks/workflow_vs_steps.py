#!/usr/bin/env python3
"""One workflow run vs one ``pynf.run`` per step, on the same nf-core chain and simulated samples.

The chain (tests/variant_chain.py): fastp -> bwa/index + bwa/mem -> samtools/index -> samtools/stats and
bcftools/mpileup, then (unless ``--no-report``) bcftools/stats per sample and ONE MultiQC over every sample
(a gather: ``pynf.collect(fastp.out.json, stats.out.stats, wf.versions)``).  The engine is warmed first (a stub
run of the chain), then the two ways are timed, alternating ``--repeat`` times (load drift on a shared machine
hits both alike); the median is reported.

Where the time goes, per way (from the task work dirs: ``.command.run`` written = submitted,
``.command.begin`` = started, ``.exitcode`` = ended): ``start_s`` (call to first task submitted: session
start and compile), ``busy_s`` (some task running), ``gaps_s`` (no task running in between: the executor's
polling and dispatch, and for the steps way each step's own session start and end), ``tail_s`` (last task
ended to the result returned: publishing, manifest, session end), ``launch_ms`` (mean submitted -> started).

    python benchmarks/workflow_vs_steps.py --samples 8 --json
    -> {"steps", "samples", "workflow_s", "steps_s", "ratio", "launches_workflow", "launches_steps",
        "workflow_time": {...}, "steps_time": {...}, ...}
    python benchmarks/workflow_vs_steps.py --quick --json     # 2 samples, few reads: for the test suite

Findings (2-core machine shared with other work; load 2-4 during the run, 8 samples, median of 3 rounds):
workflow 18.9 s (rounds 21.1 / 18.9 / 18.2) vs steps 22.9 s, ratio 0.83 (rounds 0.92 / 0.80 / 0.79).  The
workflow's time: start 3.0 s (Python ~0.2 s; Nextflow compiling the wrapper and its 8 module scripts ~1.8 s,
creating the 8 processes ~1.2 s), tasks running 15.6 s, gaps 0.18 s, tail 0.17 s; per-task launch 14 ms.  So the
executor's polling (100 ms) and per-task cost are not where the time goes, and a shorter ``--poll-interval``
cannot help; the steps way loses 6.8 s in gaps (8 session starts of ~1 s and the barriers).  The floor is the
CPU (with ``--executor-cpus 4``, 4 tasks sharing the 2 cores, the running time stayed 15.9 s, ratio 0.81):
23 s of task time on 2 cores, with serial parts in both ways (bwa index before any alignment, the one
MultiQC at the end), so the workflow's 15.6 s running time can shrink by ~3-4 s at most: a ratio of 0.7 at
8 samples on 2 cores is at the edge of what this chain allows (0.52-0.69 were measured with other work
running, which slows the steps way's many session starts more).  Compiling each module as its own included
script (modules in folders of their own) halved Nextflow's compile time of the wrapper against one big
script (session start -> first process 6-11 s vs 11-19 s, stub runs of this chain under load).

Needs the nf-core modules corpus (``--corpus`` or ``PYNF_SHARED_DIR``/corpus/nf-core-modules) and the Debian
tools fastp, bwa, samtools, bcftools, tabix, wgsim (and ``multiqc`` from PyPI for the report).
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
QUICK_ARGS = ["--quick", "--json"]  # 2 samples, no warm-up, the MultiQC gather included
#: Keys the JSON report always has.
EXPECTED_KEYS = frozenset({"steps", "samples", "workflow_s", "steps_s", "ratio", "launches_workflow",
                           "launches_steps", "tasks"})
#: What the quick mode needs from the machine ("engine", "corpus", "tools:a,b").
NEEDS = ("engine", "corpus", "tools:fastp,bwa,samtools,bcftools,tabix,wgsim,multiqc")
#: The test file that runs the quick mode (once, with its own checks on the report).
TESTED_BY = "tests/engine/test_workflow_bench.py"


def _load() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def _intervals(workdirs) -> list[tuple[float, float, float]]:
    """(submitted, started, ended) of every task that ran, from its work dir's files."""
    out = []
    for directory in workdirs:
        d = Path(directory)
        try:
            out.append(((d / ".command.run").stat().st_mtime, (d / ".command.begin").stat().st_mtime,
                        (d / ".exitcode").stat().st_mtime))
        except OSError:
            continue
    return sorted(out)


def breakdown(workdirs, t0: float, t1: float) -> dict:
    """Where the wall time ``t0..t1`` of one way went (see the module docstring)."""
    tasks = _intervals(workdirs)
    if not tasks:
        return {"tasks": 0}
    busy, cursor = 0.0, None
    for _, begin, end in sorted(tasks, key=lambda t: t[1]):
        if cursor is None or begin > cursor:
            busy += end - begin
            cursor = end
        elif end > cursor:
            busy += end - cursor
            cursor = end
    start = tasks[0][0] - t0
    tail = t1 - max(end for _, _, end in tasks)
    return {"tasks": len(tasks), "start_s": round(start, 2), "busy_s": round(busy, 2),
            "gaps_s": round((t1 - t0) - start - tail - busy, 2), "tail_s": round(tail, 2),
            "launch_ms": round(1000 * sum(b - s for s, b, _ in tasks) / len(tasks), 1),
            "task_sum_s": round(sum(e - b for _, b, e in tasks), 2)}


def main(argv: list[str] | None = None) -> int:
    from tests.paths import CORPUS
    from tests.variant_chain import REPORT_MODULES, STEPS, build_workflow, run_steps, simulate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--reads", type=int, default=1200, help="reads per sample")
    parser.add_argument("--repeat", type=int, default=1, help="timed rounds of both ways (median reported)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    parser.add_argument("--no-report", dest="report", action="store_false",
                        help="without bcftools/stats and the MultiQC gather")
    parser.add_argument("--poll-interval", default=None,
                        help="the local executor's polling interval for both ways (Nextflow's default: 100ms)")
    parser.add_argument("--executor-cpus", type=int, default=None,
                        help="CPUs the local executor hands out for both ways (Nextflow's default: the machine's)")
    parser.add_argument("--quick", action="store_true", help="2 samples, 150 reads, no warm-up (for the test suite)")
    args = parser.parse_args(argv)
    if args.quick:
        args.samples, args.reads, args.repeat = 2, 150, 1
    settings = ([f"    pollInterval = '{args.poll_interval}'"] if args.poll_interval else []) + (
        [f"    cpus = {args.executor_cpus}"] if args.executor_cpus else [])
    extra = "executor {\n" + "\n".join(settings) + "\n}" if settings else ""
    if not (args.corpus / "bcftools" / "mpileup" / "main.nf").is_file():
        print(f"no nf-core modules corpus at {args.corpus}", file=sys.stderr)
        return 2

    root = Path(tempfile.mkdtemp(prefix="pynf-wf-bench-"))
    data = simulate(root / "data", args.samples, reads=args.reads)
    if not args.quick:  # warm the engine (JVM start, class loading) with a stub run of the whole chain
        build_workflow(args.corpus, data, "warmup", report=args.report).run(stub=True, run_dir=root / "warm",
                                                                           outdir=root / "warm" / "out")

    wf_times, step_times, launches_wf, launches_steps = [], [], 0, 0
    wf_split, steps_split = [], []
    load_before = _load()
    for n in range(args.repeat):
        start, t0 = time.perf_counter(), time.time()
        wf = build_workflow(args.corpus, data, report=args.report, extra_config=extra)
        result = wf.run(run_dir=root / f"wf{n}", outdir=root / f"wf{n}" / "out")
        wf_times.append(time.perf_counter() - start)
        wf_split.append(breakdown(result.get_task_workdirs().values(), t0, time.time()))
        launches_wf = len({result.run.run_name})
        start, t0 = time.perf_counter(), time.time()
        steps = run_steps(args.corpus, data, root / f"steps{n}", report=args.report, extra_config=extra)
        step_times.append(time.perf_counter() - start)
        steps_split.append(breakdown([d for r in steps.values() for d in r.get_task_workdirs().values()], t0,
                                     time.time()))
        launches_steps = len({r.run_name for r in steps.values()})
    workflow_s, steps_s = statistics.median(wf_times), statistics.median(step_times)
    middle = wf_times.index(statistics.median_low(wf_times)), step_times.index(statistics.median_low(step_times))
    report = {"steps": len(STEPS) + (len(REPORT_MODULES) if args.report else 0), "samples": args.samples, "workflow_s": round(workflow_s, 2),
              "steps_s": round(steps_s, 2), "ratio": round(workflow_s / steps_s, 3),
              "launches_workflow": launches_wf, "launches_steps": launches_steps,
              "tasks": len(result.run.tasks), "cpus": os.cpu_count(), "load_before": load_before,
              "load_after": _load(), "workflow_runs_s": [round(t, 2) for t in wf_times],
              "steps_runs_s": [round(t, 2) for t in step_times],
              "round_ratios": [round(w / t, 3) for w, t in zip(wf_times, step_times)], "report": args.report,
              "poll_interval": args.poll_interval, "executor_cpus": args.executor_cpus,
              "workflow_time": wf_split[middle[0]], "steps_time": steps_split[middle[1]]}
    if args.json:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            print(f"{key:>18}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
