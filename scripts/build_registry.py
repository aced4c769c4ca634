"""Build pynf's registry of verified modules from a corpus (``pynf/data/registry.json``).

For every module under ``--corpus``: Nextflow's parser oracle (``benchmarks/oracle.py``: pynf's IR
agrees with nf-lang's; the rendered wrapper compiles with the v1 and v2 script loaders) and, for the
modules with a stub block, the stub sweep (``benchmarks/stub_sweep.py``).  The result is keyed by
module content hash (``pynf.interface.registry.module_content_hash``) and holds hashes and flags only.

    python scripts/build_registry.py --corpus ../shared/corpus/nf-core-modules [--workers 1] \
        [--raw build/registry-raw.jsonl] [--out pynf/data/registry.json] [--limit N] [--from-raw]

Per-module results go to ``--raw`` (JSON lines) as they are measured; a rerun skips the modules
already there, and ``--from-raw`` only recomputes the hashes and rewrites the registry from it
(``--import-stub-rows`` first adds the rows of stub sweep workers, e.g. of a sweep cut short).
``--nfcore-raw FILE`` takes the per-test outcomes of ``benchmarks/nfcore_stub_snapshots.py --raw FILE``
(nf-core's own stub tests run through pynf) into each module's ``nfcore_stub_tests`` flag; with
``--from-registry`` it only adds that flag to the registry already at ``--out``.
A module not stub-run has ``stub: null`` and is not counted as verified.
Prints the figures (modules, nf-lang agreement, wrappers v1/v2, stub runs).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pynf import __version__  # noqa: E402
from pynf.compiler import parse  # noqa: E402
from pynf.errors import PynfError  # noqa: E402
from pynf.interface.model import interface_of  # noqa: E402
from pynf.interface.registry import FIELDS, REGISTRY_VERSION, module_content_hash  # noqa: E402


def _read_raw(raw: Path) -> dict[tuple[str, str], dict]:
    rows: dict[tuple[str, str], dict] = {}
    if raw.is_file():
        for line in raw.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                rows[(row["phase"], row["module"])] = row
    return rows


def _append(raw: Path, row: dict) -> None:
    with raw.open("a") as fh:
        fh.write(json.dumps(row) + "\n")


def run_oracle(corpus: Path, modules: list[Path], raw: Path, done: dict) -> None:
    """The oracle (with wrappers) over ``modules`` not yet in ``raw``; one raw row each."""
    from benchmarks import oracle

    todo = [m for m in modules if ("oracle", str(m.relative_to(corpus))) not in done]
    if not todo:
        return
    nf, checker = oracle.NextflowOracle(), oracle.WrapperChecker()
    with tempfile.TemporaryDirectory(prefix="pynf-registry-") as tmp:
        for i, module_dir in enumerate(todo, 1):
            row = oracle.check_module(module_dir / "main.nf", str(module_dir.relative_to(corpus)), nf, checker, Path(tmp))
            _append(raw, {"phase": "oracle", "module": row["module"], "agree": row["agree"], "diff": row["diff"],
                          "v1": row["v1"], "v2": row["v2"], "wrapper_failures": row["wrapper_failures"]})
            if i % 100 == 0:
                print(f"oracle: {i}/{len(todo)}", file=sys.stderr, flush=True)


def run_stubs(corpus: Path, modules: list[Path], raw: Path, done: dict, workers: int) -> None:
    """The stub sweep over the stub modules among ``modules`` not yet in ``raw``."""
    from benchmarks import stub_sweep

    wanted = {m.resolve() for m in modules}
    todo = [m for m in stub_sweep.stub_modules(corpus)
            if m.resolve() in wanted and ("stub", str(m.relative_to(corpus))) not in done]
    if not todo:
        return
    print(f"stub sweep: {len(todo)} modules, {workers} worker(s)", file=sys.stderr, flush=True)
    for row in stub_sweep.sweep(corpus, todo, workers=workers):
        _append(raw, {"phase": "stub", "module": row["module"], "error": row["error"], "variant": row.get("variant")})


def nfcore_verdicts(path: Path | None) -> dict[str, bool]:
    """Module -> True when every stub test of it that ran matched its snapshot (at least one), False when
    one mismatched; modules with no compared test are left out."""
    if path is None or not path.is_file():
        return {}
    tests: dict[tuple[str, str], str] = {}
    for line in path.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            tests[(row["module"], row["test"])] = row["status"]
    out: dict[str, bool] = {}
    for (module, _), status in tests.items():
        if status == "mismatched":
            out[module] = False
        elif status == "matched":
            out.setdefault(module, True)
    return out


def add_nfcore(doc: dict, verdicts: dict[str, bool]) -> dict:
    """``doc`` with every row's ``nfcore_stub_tests`` flag set from ``verdicts`` and the summary counts."""
    modules = {}
    for key, row in doc["modules"].items():
        row = list(row[:6]) + [verdicts.get(row[0])]
        modules[key] = row
    summary = dict(doc.get("summary") or {})
    summary["nfcore_compared"] = sum(1 for r in modules.values() if r[6] is not None)
    summary["nfcore_agree"] = sum(1 for r in modules.values() if r[6] is True)
    return {**doc, "fields": list(FIELDS), "summary": summary, "modules": modules}


def compose(corpus: Path, modules: list[Path], raw: Path) -> dict:
    """The registry document from the raw rows (hashes computed now, from the corpus files)."""
    rows = _read_raw(raw)
    entries: dict[str, list] = {}
    counts = {"modules": 0, "nf_lang_agree": 0, "wrapper_v1": 0, "wrapper_v2": 0, "stub_capable": 0, "stub_runs": 0,
              "stub_passed": 0, "verified": 0}
    for module_dir in modules:
        name = str(module_dir.relative_to(corpus))
        checked = rows.get(("oracle", name))
        if checked is None:
            continue  # not measured (yet): not in the registry
        try:
            parsed = parse(module_dir)
            interface_hash = interface_of(parsed).hash
            counts["stub_capable"] += len(parsed.processes) == 1 and parsed.processes[0].stub is not None
        except PynfError:
            interface_hash = None
        stub_row = rows.get(("stub", name))
        stub = None if stub_row is None else stub_row["error"] is None
        row = [name, interface_hash, bool(checked["agree"]), bool(checked["v1"]), bool(checked["v2"]), stub]
        entries.setdefault(module_content_hash(module_dir), row)
        counts["modules"] += 1
        counts["nf_lang_agree"] += row[2]
        counts["wrapper_v1"] += row[3]
        counts["wrapper_v2"] += row[4]
        counts["stub_runs"] += stub is not None
        counts["stub_passed"] += stub is True
        counts["verified"] += bool(row[2] and row[3] and row[4] and stub)
    return {"version": REGISTRY_VERSION, "fields": list(FIELDS), "pynf": __version__,
            "built": _dt.date.today().isoformat(), "corpus": corpus.name, "summary": counts,
            "modules": dict(sorted(entries.items()))}


def write(doc: dict, out: Path) -> None:
    """One module per line, so the file diffs well and stays small."""
    out.parent.mkdir(parents=True, exist_ok=True)
    head = {k: v for k, v in doc.items() if k != "modules"}
    lines = [json.dumps(head, sort_keys=True)[:-1] + ', "modules": {']
    items = list(doc["modules"].items())
    for i, (key, row) in enumerate(items):
        lines.append(f"  {json.dumps(key)}: {json.dumps(row)}" + ("," if i < len(items) - 1 else ""))
    lines.append("}}")
    out.write_text("\n".join(lines) + "\n")
    json.loads(out.read_text())  # refuse to leave a file that does not parse


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "pynf" / "data" / "registry.json")
    ap.add_argument("--raw", type=Path, help="per-module results (JSON lines); default: <out>.raw.jsonl in a temp dir")
    ap.add_argument("--workers", type=int, default=1, help="stub sweep worker processes (0 = in this process)")
    ap.add_argument("--limit", type=int, help="only the first N modules (for a trial)")
    ap.add_argument("--from-raw", action="store_true", help="do not measure: rewrite the registry from --raw")
    ap.add_argument("--nfcore-raw", type=Path, help="outcomes of benchmarks/nfcore_stub_snapshots.py --raw")
    ap.add_argument("--from-registry", action="store_true",
                    help="do not measure: only add --nfcore-raw's flags to the registry at --out")
    ap.add_argument("--import-stub-rows", type=Path, nargs="+", default=[], metavar="JSONL",
                    help="add stub results written by stub_sweep.py workers (--worker/--out) to --raw first")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    if args.from_registry:
        doc = add_nfcore(json.loads(args.out.read_text()), nfcore_verdicts(args.nfcore_raw))
        write(doc, args.out)
        s = doc["summary"]
        print(f"registry: {s['nfcore_agree']} of {s['nfcore_compared']} modules compared agree with nf-core's stub "
              f"tests -> {args.out}")
        return 0
    raw = args.raw or Path(tempfile.gettempdir()) / "pynf-registry-raw.jsonl"
    raw.parent.mkdir(parents=True, exist_ok=True)
    modules = sorted(p.parent for p in args.corpus.rglob("main.nf"))
    if args.limit is not None:
        modules = modules[: args.limit]
    start = time.perf_counter()
    done = _read_raw(raw)
    for rows in args.import_stub_rows:
        for line in rows.read_text().splitlines():
            row = json.loads(line) if line.strip() else None
            if row and ("stub", row["module"]) not in done:
                done[("stub", row["module"])] = row
                _append(raw, {"phase": "stub", "module": row["module"], "error": row["error"],
                              "variant": row.get("variant")})
    if not args.from_raw:
        run_oracle(args.corpus, modules, raw, _read_raw(raw))
        run_stubs(args.corpus, modules, raw, _read_raw(raw), args.workers)
    doc = add_nfcore(compose(args.corpus, modules, raw), nfcore_verdicts(args.nfcore_raw))
    write(doc, args.out)
    s = doc["summary"]
    print(f"registry: {s['modules']} modules, nf-lang agrees on {s['nf_lang_agree']}, wrappers v1 {s['wrapper_v1']} "
          f"v2 {s['wrapper_v2']}, stub runs {s['stub_passed']}/{s['stub_runs']} passed ({s['stub_capable']} modules have a "
          f"stub block), verified {s['verified']} "
          f"-> {args.out} ({args.out.stat().st_size} bytes) in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
