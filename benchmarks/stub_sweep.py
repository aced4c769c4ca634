"""Run every corpus module that has a ``stub:`` block under stub-run on the embedded engine.

For each module: synthesize inputs from the IR, add version shims to the bundle's ``bin/``, run it
with ``stub=True`` in this process's long-lived JVM, and check that the manifest lists at least one
item for every declared non-optional output.

    python benchmarks/stub_sweep.py --corpus ../shared/corpus/nf-core-modules [--limit N] [--json]

Prints ``{"modules": N, "succeeded": N, "failed": [{"module", "error"}], "seconds": S}``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from stub_inputs import synthesize_inputs, version_shims, with_shims  # noqa: E402

from pynf.compile import compile_bundle  # noqa: E402
from pynf.compiler import parse  # noqa: E402
from pynf.errors import PynfError, TaskFailedError  # noqa: E402


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


def check_one(module_dir: Path, work: Path, backend) -> str | None:
    """Stub-run one module; None on success, else the reason."""
    module = parse(module_dir)
    process = module.process()
    inputs = synthesize_inputs(process, work / "inputs")
    bundle = compile_bundle(module, inputs=inputs, module_id=module_dir.name)
    bundle = with_shims(bundle, version_shims(process))
    try:
        result = backend.submit(bundle, stub=True, run_dir=work / "run")
    except TaskFailedError as e:
        return f"task failed (exit {e.exit_status}): {e.stderr_tail.strip()[-300:] or str(e)[:300]}"
    except PynfError as e:
        return f"{type(e).__name__}: {str(e)[:300]}"
    missing = [ch.key for ch in process.outputs if not ch.optional and not result.outputs.get(ch.key)]
    if result.manifest is None:
        return "no manifest written"
    if missing:
        return f"non-optional outputs without items: {', '.join(missing)}"
    return None


def run(corpus: Path, limit: int | None, seed: int | None = None) -> dict:
    from pynf.backends.local import LocalBackend

    modules = stub_modules(corpus)
    if limit is not None and limit < len(modules):
        modules = sorted(random.Random(seed).sample(modules, limit)) if seed is not None else modules[:limit]
    backend = LocalBackend()
    failed = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pynf-stub-") as tmp:
        for i, module_dir in enumerate(modules):
            name = str(module_dir.relative_to(corpus))
            try:
                error = check_one(module_dir, Path(tmp) / f"m{i}", backend)
            except PynfError as e:
                error = f"{type(e).__name__}: {str(e)[:300]}"
            if error:
                failed.append({"module": name, "error": error})
    return {"modules": len(modules), "succeeded": len(modules) - len(failed), "failed": failed,
            "seconds": round(time.perf_counter() - start, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Stub-run corpus modules on the embedded engine.")
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--limit", type=int, help="run at most N modules")
    ap.add_argument("--seed", type=int, help="with --limit: sample N modules at random with this seed")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    report = run(args.corpus, args.limit, args.seed)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['succeeded']}/{report['modules']} stub runs succeeded in {report['seconds']} s")
        for f in report["failed"]:
            print(f"  {f['module']}: {f['error']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
