"""Overhead of a trivial module run: pynf warm (JVM up), pynf cold (fresh Python), Nextflow's CLI.

All three run the same bundle (a one-process module compiled by pynf) on the same engine classpath.
Warm and cold include compiling the module and reading the results, i.e. what a user waits for.
The CLI is Nextflow's normal launch (``java <Nextflow's launcher options> -cp <engine> nextflow.cli.Launcher
run``); cold pynf is a fresh Python process, with the engine's class-data archive when one is built
(the benchmark builds it first, as ``pynf engine install`` does; ``--no-archive-build`` skips that).
CLI and cold runs alternate, so a change in machine load hits both alike.

    python benchmarks/run_overhead.py [--runs 5] [--json]

Prints {"warm_s", "cold_s", "cli_s", "warm_over_cli", "cold_over_cli", ...} (medians), whether the
cold runs' JVMs mapped the archive (``cold_cds_used``) and the load average before and after. Targets:
warm_over_cli <= 0.2 and cold_over_cli <= 1.1.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main"]

#: Quick mode for the test suite (tests/benchmark_runner.py): small sizes, JSON on stdout.
QUICK_ARGS = ["--runs", "1", "--no-archive-build", "--json"]
#: Keys the JSON report always has.
EXPECTED_KEYS = frozenset({"warm_s", "cold_s", "cli_s", "warm_over_cli", "cold_over_cli", "runs", "engine",
                           "load_avg_1m", "load_avg_1m_start", "cds_archive", "cold_cds_used", "cli_runs_s",
                           "cold_runs_s"})
#: What the quick mode needs from the machine ("engine", "corpus", "tools:a,b").
NEEDS = ("engine",)

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

MODULE = """\
process HELLO {
    tag "${name}"

    input:
    val name

    output:
    path "hello.txt", emit: txt

    script:
    \"\"\"
    echo "hello ${name}" > hello.txt
    \"\"\"
}
"""

# What the cold process does: import pynf, compile, run, read the output.
COLD = """
import sys
from pathlib import Path
from pynf.render.compile import compile_bundle
from pynf.backends.local.backend import LocalBackend
res = LocalBackend().submit(compile_bundle(sys.argv[1], inputs={"name": "world"}), run_dir=sys.argv[2])
assert res.outputs["txt"][0].read_text() == "hello world\\n", res.outputs
from pynf.backends.local.jvm import cds_status
print("CDS_USED=" + str(cds_status()["used"]))
"""


def _warm(module_dir: Path, root: Path, runs: int) -> list[float]:
    from pynf.backends.local.backend import LocalBackend
    from pynf.render.compile import compile_bundle

    backend = LocalBackend()
    times = []
    for i in range(runs + 1):  # the first run brings the JVM up; it is not counted
        start = time.perf_counter()
        res = backend.submit(compile_bundle(module_dir, inputs={"name": "world"}), run_dir=root / f"warm{i}")
        elapsed = time.perf_counter() - start
        assert res.outputs["txt"][0].read_text() == "hello world\n"
        if i:
            times.append(elapsed)
    return times


def _cold(module_dir: Path, run_dir: Path, cds_used: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", COLD, str(module_dir), str(run_dir)], env=env,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"cold run failed:\n{proc.stderr[-2000:]}")
    cds_used += [line.split("=", 1)[1] for line in proc.stdout.splitlines() if line.startswith("CDS_USED=")]
    return elapsed


def _cli(bundle, run_dir: Path) -> float:
    from pynf.backends.local.engine import java_cmd_for_cli, nextflow_env

    bundle.write(run_dir)
    cmd = java_cmd_for_cli(run_dir, ["-ansi-log", "false"])
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=run_dir, env=nextflow_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"CLI run failed:\n{proc.stdout[-2000:]}")
    assert (run_dir / "results" / "hello.txt").read_text() == "hello world\n"
    return elapsed


def _cli_and_cold(module_dir: Path, root: Path, runs: int) -> tuple[list[float], list[float], list[str]]:
    """CLI and cold runs alternately (the order flips every pair)."""
    from pynf.render.compile import compile_bundle

    bundle = compile_bundle(module_dir, inputs={"name": "world"})
    cli, cold, cds_used = [], [], []
    for i in range(runs):
        if i % 2 == 0:
            cli.append(_cli(bundle, root / f"cli{i}"))
            cold.append(_cold(module_dir, root / f"cold{i}", cds_used))
        else:
            cold.append(_cold(module_dir, root / f"cold{i}", cds_used))
            cli.append(_cli(bundle, root / f"cli{i}"))
    return cli, cold, cds_used


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="measured runs per variant (default 5)")
    ap.add_argument("--json", action="store_true", help="print JSON only")
    ap.add_argument("--no-archive-build", action="store_true",
                    help="do not build the engine's class-data archive first (cold runs use one only if it exists)")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be >= 1")

    from pynf.backends.local import cds
    from pynf.backends.local.engine import info

    eng = info()  # install/locate the engine before timing anything
    archive = cds.usable_archive(eng) if args.no_archive_build else cds.build(eng)
    load_before = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="pynf-bench-") as tmp:
        root = Path(tmp)
        module_dir = root / "module"
        module_dir.mkdir()
        (module_dir / "main.nf").write_text(MODULE)
        cli, cold, cds_used = _cli_and_cold(module_dir, root, args.runs)
        warm = _warm(module_dir, root, args.runs)
    out = {
        "warm_s": round(statistics.median(warm), 3),
        "cold_s": round(statistics.median(cold), 3),
        "cli_s": round(statistics.median(cli), 3),
        "runs": args.runs,
        "engine": eng.version,
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "load_avg_1m_start": load_before,
        "cds_archive": str(archive) if archive else None,
        "cold_cds_used": bool(archive and cds_used) and all(u == "True" for u in cds_used),
        "cli_runs_s": [round(t, 2) for t in cli],
        "cold_runs_s": [round(t, 2) for t in cold],
    }
    out["warm_over_cli"] = round(out["warm_s"] / out["cli_s"], 3)
    out["cold_over_cli"] = round(out["cold_s"] / out["cli_s"], 3)
    if args.json:
        print(json.dumps(out))
    else:
        for key in ("warm_s", "cold_s", "cli_s", "warm_over_cli", "cold_over_cli", "runs", "engine",
                    "load_avg_1m_start", "load_avg_1m", "cds_archive", "cold_cds_used", "cli_runs_s", "cold_runs_s"):
            print(f"{key:>17}: {out[key]}")
        print(f"{'targets':>17}: warm_over_cli <= 0.2 ({'met' if out['warm_over_cli'] <= 0.2 else 'NOT met'}), "
              f"cold_over_cli <= 1.1 ({'met' if out['cold_over_cli'] <= 1.1 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
