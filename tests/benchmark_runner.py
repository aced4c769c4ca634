"""Every benchmark in ``benchmarks/`` runs in the test suite in its quick mode, so none can rot.

A benchmark declares, at module level: ``QUICK_ARGS`` (its arguments for a quick run with JSON on
stdout; ``{corpus}`` stands for the nf-core modules corpus), ``EXPECTED_KEYS`` (keys its JSON report
always has) and ``NEEDS`` (``"engine"``, ``"corpus"``, ``"tools:a,b"``); optionally ``TESTED_BY``, the
test file that already runs it in its quick mode with its own checks (then it is not run twice). The
declarations are read
without importing the benchmark (tests/unit checks every file has them); the runs happen in
tests/engine (benchmarks needing the engine) and tests/sources (the others).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from .paths import CORPUS, REPO
from .support import require_engine, require_tools, unavailable

__all__ = ["BENCHMARKS", "DECLARED", "declarations", "benchmark_files", "run_quick"]

BENCHMARKS = REPO / "benchmarks"
DECLARED = ("QUICK_ARGS", "EXPECTED_KEYS", "NEEDS")
OPTIONAL = ("TESTED_BY",)


def benchmark_files() -> list[Path]:
    """Every benchmark script (``benchmarks/*.py`` but ``__init__.py``), sorted."""
    return sorted(p for p in BENCHMARKS.glob("*.py") if p.name != "__init__.py")


def declarations(path: Path) -> dict[str, object]:
    """The module-level literal assignments of ``DECLARED`` names in ``path`` (missing ones left out)."""
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id in DECLARED + OPTIONAL and value is not None:
            if isinstance(value, ast.Call) and getattr(value.func, "id", "") == "frozenset" and value.args:
                value = value.args[0]
            found[target.id] = ast.literal_eval(value)
    return found


def names(tier: str) -> list[str]:
    """Benchmark file names for a tier: ``engine`` (needs the engine) or ``other`` (not the ones ``TESTED_BY``
    another test file)."""
    out = []
    for path in benchmark_files():
        decl = declarations(path)
        if decl.get("TESTED_BY"):
            continue
        if ("engine" in decl.get("NEEDS", ())) == (tier == "engine"):
            out.append(path.name)
    return out


def _require(needs) -> None:
    for need in needs:
        if need == "engine":
            require_engine()
        elif need == "corpus":
            if not CORPUS.is_dir():
                unavailable(f"the nf-core modules corpus is not at {CORPUS} (set PYNF_SHARED_DIR)")
        elif need.startswith("tools:"):
            require_tools(*need[len("tools:"):].split(","))


def run_quick(name: str, tmp_path: Path) -> dict:
    """Run ``benchmarks/<name>`` in its quick mode in a fresh Python; its JSON report (keys checked)."""
    path = BENCHMARKS / name
    decl = declarations(path)
    missing = [d for d in DECLARED if d not in decl]
    assert not missing, f"{name} does not declare {', '.join(missing)} (see tests/benchmark_runner.py)"
    _require(decl["NEEDS"])
    args = [str(a).replace("{corpus}", str(CORPUS)) for a in decl["QUICK_ARGS"]]
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, str(path), *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, f"{name} {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-3000:]}"
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        raise AssertionError(f"{name} did not print one JSON document:\n{proc.stdout[-2000:]}") from None
    assert isinstance(report, dict), report
    absent = sorted(set(decl["EXPECTED_KEYS"]) - set(report))
    assert not absent, f"{name}: JSON report lacks {absent}; it has {sorted(report)}"
    return report
