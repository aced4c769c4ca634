"""Overhead of a trivial module run: pynf warm (JVM up), pynf cold (fresh Python), Nextflow's CLI.

All three run the same bundle (a one-process module compiled by pynf) on the same engine classpath.
Warm and cold include compiling the module and reading the results, i.e. what a user waits for.

    python benchmarks/run_overhead.py [--runs 5] [--json]

Prints {"warm_s", "cold_s", "cli_s", "warm_over_cli", "cold_over_cli", ...} (medians). Targets:
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
from pynf.compile import compile_bundle
from pynf.backends.local import LocalBackend
res = LocalBackend().submit(compile_bundle(sys.argv[1], inputs={"name": "world"}), run_dir=sys.argv[2])
assert res.outputs["txt"][0].read_text() == "hello world\\n", res.outputs
"""


def _warm(module_dir: Path, root: Path, runs: int) -> list[float]:
    from pynf.backends.local import LocalBackend
    from pynf.compile import compile_bundle

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


def _cold(module_dir: Path, root: Path, runs: int) -> list[float]:
    times = []
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for i in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", COLD, str(module_dir), str(root / f"cold{i}")], env=env,
                              capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise SystemExit(f"cold run failed:\n{proc.stderr[-2000:]}")
    return times


def _cli(module_dir: Path, root: Path, runs: int) -> list[float]:
    from pynf.compile import compile_bundle
    from pynf.engine import java_cmd_for_cli, nextflow_env

    bundle = compile_bundle(module_dir, inputs={"name": "world"})
    times = []
    for i in range(runs):
        run_dir = bundle.write(root / f"cli{i}")
        cmd = java_cmd_for_cli(run_dir, ["-ansi-log", "false"])
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=run_dir, env=nextflow_env(), capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise SystemExit(f"CLI run failed:\n{proc.stdout[-2000:]}")
        assert (run_dir / "results" / "hello.txt").read_text() == "hello world\n"
    return times


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="measured runs per variant (default 5)")
    ap.add_argument("--json", action="store_true", help="print JSON only")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be >= 1")

    from pynf.engine import info

    eng = info()  # install/locate the engine before timing anything
    with tempfile.TemporaryDirectory(prefix="pynf-bench-") as tmp:
        root = Path(tmp)
        module_dir = root / "module"
        module_dir.mkdir()
        (module_dir / "main.nf").write_text(MODULE)
        cli = _cli(module_dir, root, args.runs)
        cold = _cold(module_dir, root, args.runs)
        warm = _warm(module_dir, root, args.runs)
    out = {
        "warm_s": round(statistics.median(warm), 3),
        "cold_s": round(statistics.median(cold), 3),
        "cli_s": round(statistics.median(cli), 3),
        "runs": args.runs,
        "engine": eng.version,
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    out["warm_over_cli"] = round(out["warm_s"] / out["cli_s"], 3)
    out["cold_over_cli"] = round(out["cold_s"] / out["cli_s"], 3)
    if args.json:
        print(json.dumps(out))
    else:
        for key in ("warm_s", "cold_s", "cli_s", "warm_over_cli", "cold_over_cli", "runs", "engine", "load_avg_1m"):
            print(f"{key:>14}: {out[key]}")
        print(f"{'targets':>14}: warm_over_cli <= 0.2 ({'met' if out['warm_over_cli'] <= 0.2 else 'NOT met'}), "
              f"cold_over_cli <= 1.1 ({'met' if out['cold_over_cli'] <= 1.1 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
