"""Generate typed bindings for every module of a corpus, import every binding, type-check them all with
``mypy --strict``; print counts and timings.

    python benchmarks/bindings_corpus.py --corpus ../shared/corpus/nf-core-modules --json [--limit N]

Prints ``{"modules": N, "bindings": B, "seconds": S, "generate_s": G, "import_ok": I, "mypy_ok": M,
"mypy_s": T, "failures": [...]}``: ``modules`` module directories, ``bindings`` functions written (one per
process), ``import_ok`` binding files that import, ``mypy_ok`` binding files without a mypy error (the
package is checked as a whole with ``--strict``), ``failures`` the first few errors. ``--limit`` is the
test suite's quick mode.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pynf.bindings import generate  # noqa: E402
from pynf.bindings.naming import flat_name  # noqa: E402

#: Quick mode for the test suite (tests/benchmark_runner.py): small sizes, JSON on stdout.
QUICK_ARGS = ["--corpus", "{corpus}", "--limit", "12", "--json"]
#: Keys the JSON report always has.
EXPECTED_KEYS = frozenset({"modules", "bindings", "seconds", "generate_s", "import_ok", "mypy_ok", "mypy_s",
                           "failures"})
#: What the quick mode needs from the machine ("engine", "corpus", "tools:a,b").
NEEDS = ("corpus",)

_PACKAGE = "corpus_bindings"


def module_dirs(corpus: Path, limit: int | None = None) -> list[str]:
    """Every module directory (holding a main.nf, outside nf-test folders), sorted."""
    found = sorted(str(p.parent) for p in corpus.rglob("main.nf") if "tests" not in p.relative_to(corpus).parts)
    return found[:limit] if limit else found


def import_all(root: Path, names: list[str]) -> tuple[int, list[str]]:
    """Import every binding file; (how many imported, errors)."""
    sys.path.insert(0, str(root))
    ok, errors = 0, []
    for name in names:
        try:
            importlib.import_module(f"{_PACKAGE}._modules.{name}")
            ok += 1
        except Exception as e:  # noqa: BLE001 - a failed import is a figure to report
            errors.append(f"import {name}: {type(e).__name__}: {e}")
    return ok, errors


def mypy_files_with_errors(root: Path) -> tuple[set[str], list[str], float]:
    """Run ``mypy --strict`` over the package; (binding stems with an error, error lines, seconds)."""
    start = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), str(Path(__file__).resolve().parent.parent)]))
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(root / ".mypy_cache"),
                           "-p", _PACKAGE], cwd=root, env=env, capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if ": error:" in line]
    bad = {Path(line.split(":", 1)[0]).stem for line in lines}
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and not lines):
        lines.append(f"mypy exited {proc.returncode}: {(proc.stderr or proc.stdout)[-500:]}")
        bad.add("*")
    return bad, lines, time.perf_counter() - start


def run(corpus: Path, limit: int | None) -> dict:
    dirs = module_dirs(corpus, limit)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pynf-bindings-") as tmp:
        root = Path(tmp)
        generated = generate(dirs, root, package=_PACKAGE, root=corpus)
        generate_s = time.perf_counter() - start
        names = [flat_name(b.path) for b in generated.bindings]
        import_ok, failures = import_all(root, names)
        bad, lines, mypy_s = mypy_files_with_errors(root)
    mypy_ok = 0 if "*" in bad else sum(1 for n in names if n not in bad)
    return {"modules": len(dirs), "bindings": len(names), "seconds": round(time.perf_counter() - start, 2),
            "generate_s": round(generate_s, 2), "import_ok": import_ok, "mypy_ok": mypy_ok,
            "mypy_s": round(mypy_s, 2), "failures": (failures + lines)[:20]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None, help="only the first N modules (quick mode)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    report = run(args.corpus, args.limit)
    print(json.dumps(report, indent=None if args.json else 2))
    return 0 if report["import_ok"] == report["mypy_ok"] == report["bindings"] else 1


if __name__ == "__main__":
    sys.exit(main())
