"""Every shared nf-core subworkflow through pynf: parse, load its includes, compile, and stub-run it.

The corpus folders are linked into a temporary tree in the nf-core/modules layout (``modules/nf-core``,
``subworkflows/nf-core``) so the subworkflows' relative includes resolve. For each subworkflow: parse and
load it with every module and subworkflow it includes (a missing include is reported), compile the
wrapper with synthesized inputs (``pynf.stubcheck.subworkflow``: a take whose shape pynf could not infer gets
a queue of one ``[meta, file, ...]`` sized by the first closure over it, a plain-value take ``false``),
and, when every process it runs has a ``stub:`` block, stub-run it on the embedded engine (one long-lived JVM,
at most ``STUB_TIMEOUT`` seconds) with version shims for the ``eval`` version commands, under each of
Nextflow's syntax parsers (``--parsers v1,v2``: ``NXF_SYNTAX_PARSER`` pushed onto the engine's environment
for each run). Where no stub run passed, ``nextflow run -preview`` (Nextflow's CLI, one JVM each) under that
parser tells whether Nextflow compiles the wrapper.

    python benchmarks/subworkflow_sweep.py --subworkflows ../shared/corpus/nf-core-subworkflows \\
        --modules ../shared/corpus/nf-core-modules [--names a,b] [--no-stub] [--parsers v1,v2] [--json]

Prints ``{"subworkflows", "loaded", "compiled", "stub_eligible", "stub_passed" (v1), "parsers": {parser:
{"stub_passed", "nextflow_compiled", "previewed"}}, "failed": [{"subworkflow", "stage", "error"}], "seconds"}``.

Measured on the 45 shared subworkflows (2 shared cores; 1306 s with both parsers): 44 loaded and compiled
(the 45th, fastq_align_dedup_bwamem, includes bam_sort_stats_samtools and fastq_align_bwa, absent from the
corpus); 44 stub-eligible. v1: 27 stub runs passed, 41 passed a stub run or -preview; the 3 other previews
fail in the subworkflows' own code at run time (choice values, ``Channel.empty`` on a boolean take), so
44/44 compile. The 17 stub failures are the subworkflows' own code rejecting the synthesized inputs
(closures destructuring more elements, required meta fields or choice values, a join of takes with
different keys). v2: 24 stub runs passed, 34 passed a stub run or -preview, 2 previews fail at run time as
under v1 (36/44 compile); 8 do not compile, on nf-core code the strict parser rejects: 5 subworkflows' own
nextflow.config reading ``meta``/``quant_type`` in closures, 2 nested closures using the implicit ``it``,
``groovy.json.JsonGenerator.Options`` in utils_nextflow_pipeline. No failure is the wrapper's, and none is
``emit: name = expr`` any more (pynf stages those rewritten, see pynf.compiler.subworkflow_emits).
"""

from __future__ import annotations

#: Quick mode for the test suite (tests/benchmark_runner.py): two subworkflows, JSON on stdout.
QUICK_ARGS = ["--subworkflows", "{corpus}/../nf-core-subworkflows", "--modules", "{corpus}",
              "--names", "bam_stats_samtools,fasta_bgzip_index_dict_samtools", "--json"]
#: Keys the JSON report always has.
EXPECTED_KEYS = frozenset({"subworkflows", "loaded", "compiled", "stub_eligible", "stub_passed", "parsers",
                           "failed", "seconds"})
#: What the quick mode needs from the machine.
NEEDS = ("engine", "corpus")
#: The test that runs the quick mode with its own checks.
TESTED_BY = "tests/subworkflows/test_sweep.py"

import argparse
import contextlib
import dataclasses
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pynf.compiler.ir import Process  # noqa: E402
from pynf.compiler.subworkflow_module import SubworkflowModule, load_subworkflow  # noqa: E402
from pynf.errors import PynfError  # noqa: E402
from pynf.render.compile import compile_bundle  # noqa: E402
from pynf.stubcheck.run import STUB_RESOURCES  # noqa: E402
from pynf.stubcheck.subworkflow import subworkflow_inputs, subworkflow_stub_check  # noqa: E402


#: Nextflow's syntax parsers: v1 (the default) and the strict v2 (``NXF_SYNTAX_PARSER=v2``).
PARSERS = ("v1", "v2")
#: Seconds a stub run may take (a subworkflow whose operators wait for more items never ends on its own).
STUB_TIMEOUT = 300


def tree(root: Path, subworkflows: Path, modules: Path) -> Path:
    """``root`` with ``modules/nf-core`` and ``subworkflows/nf-core`` linked to the corpus folders."""
    for kind, target in (("modules", modules), ("subworkflows", subworkflows)):
        (root / kind).mkdir(parents=True, exist_ok=True)
        (root / kind / "nf-core").symlink_to(target.resolve(), target_is_directory=True)
    return root


@contextlib.contextmanager
def syntax_parser(parser: str):
    """Nextflow's script and config parser for the embedded runs inside: ``NXF_SYNTAX_PARSER`` pushed onto the
    engine's environment (Nextflow reads it when it loads a script)."""
    from pynf.backends.local.jvm import start_jvm
    from pynf.backends.local.jvm_state import J

    start_jvm()
    env = J.HashMap(J.SysEnv.get())
    env.put("NXF_SYNTAX_PARSER", parser)
    J.SysEnv.push(env)
    try:
        yield
    finally:
        J.SysEnv.pop()


def stub_run(module: SubworkflowModule, bundle, work: Path, backend, parser: str) -> str | None:
    """One stub run with version shims under ``parser``; None when it succeeded with a manifest, else why not."""
    with syntax_parser(parser):
        return subworkflow_stub_check(module, module.processes[0].name, work, backend, bundle=bundle,
                                      run_dir=work / f"run-{parser}", timeout=STUB_TIMEOUT)


def preview(bundle, work: Path, parser: str) -> str | None:
    """``nextflow run -preview`` (the script compiled and its workflow wired, no task run) with Nextflow's CLI
    under ``parser``; None when it exits 0, else the last lines it printed."""
    from pynf.backends.local.launch import java_cmd_for_cli, nextflow_env

    folder = work / f"preview-{parser}"
    bundle.write(folder / "bundle")
    env = {**nextflow_env(), "NXF_SYNTAX_PARSER": parser}
    proc = subprocess.run(java_cmd_for_cli(folder / "bundle", ["-preview"]), cwd=folder, env=env,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode == 0:
        return None
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip() and "WARN" not in line]
    return " | ".join(lines[-3:])[:300]


def has_stubs(processes: tuple[Process, ...]) -> bool:
    """True when every process has a ``stub:`` block."""
    return all(p.stub is not None for p in processes)


def _nextflow(module: SubworkflowModule, bundle, work: Path, parsers: tuple[str, ...], counts: dict,
              failed: list[dict], backend, stub: bool) -> None:
    """Stub-run the wrapper under each parser (where every process has a stub); where no stub run passed,
    ``-preview`` tells whether Nextflow compiles it. Counts and failures are added in place."""
    name = Path(module.path).parent.name
    eligible = stub and has_stubs(module.inner)
    for parser in parsers:
        error = stub_run(module, bundle, work, backend, parser) if eligible else None
        passed = eligible and error is None
        counts[parser]["stub_passed"] += passed
        if error:
            failed.append({"subworkflow": name, "stage": f"stub ({parser})", "error": error})
        why = None if passed else preview(bundle, work, parser)
        counts[parser]["nextflow_compiled"] += why is None
        counts[parser]["previewed"] += not passed
        if why:
            failed.append({"subworkflow": name, "stage": f"preview ({parser})", "error": why})


def run(subworkflows: Path, modules: Path, names: list[str] | None, *, stub: bool = True,
        parsers: tuple[str, ...] = PARSERS) -> dict:
    """Sweep the subworkflows (all, or ``names``) and return the JSON report."""
    folders = sorted(p.parent for p in subworkflows.glob("*/main.nf") if names is None or p.parent.name in names)
    failed: list[dict] = []
    counts = dict.fromkeys(("loaded", "compiled", "stub_eligible"), 0)
    by_parser = {parser: dict.fromkeys(("stub_passed", "nextflow_compiled", "previewed"), 0) for parser in parsers}
    start = time.perf_counter()
    backend = None
    with tempfile.TemporaryDirectory(prefix="pynf-subworkflows-") as tmp:
        root = tree(Path(tmp) / "repo", subworkflows, modules)
        for folder in folders:
            work = Path(tmp) / "work" / folder.name
            work.mkdir(parents=True)
            stage = "load"
            try:
                module = load_subworkflow(root / "subworkflows" / "nf-core" / folder.name)
                counts["loaded"] += 1
                stage = "compile"
                bundle = compile_bundle(module, inputs=subworkflow_inputs(module, work), module_id=folder.name,
                                        options=STUB_RESOURCES)
                counts["compiled"] += 1
            except PynfError as e:
                failed.append({"subworkflow": folder.name, "stage": stage, "error": f"{type(e).__name__}: {str(e)[:300]}"})
                continue
            if stub and has_stubs(module.inner):
                counts["stub_eligible"] += 1
                if backend is None:
                    from pynf.backends.local.backend import LocalBackend

                    backend = LocalBackend()
            elif stub:
                missing = [p.name for p in module.inner if p.stub is None]
                failed.append({"subworkflow": folder.name, "stage": "stub",
                               "error": f"not stub-run: no stub block in {', '.join(missing)}"})
            _nextflow(module, bundle, work, parsers, by_parser, failed, backend, stub)
    return {"subworkflows": len(folders), **counts, "stub_passed": by_parser.get("v1", {}).get("stub_passed", 0),
            "parsers": by_parser, "failed": failed, "seconds": round(time.perf_counter() - start, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Parse, compile and stub-run the shared nf-core subworkflows.")
    ap.add_argument("--subworkflows", required=True, type=Path)
    ap.add_argument("--modules", required=True, type=Path)
    ap.add_argument("--names", help="comma-separated subworkflow names (default: all)")
    ap.add_argument("--no-stub", action="store_true", help="parse and compile only (no Nextflow run)")
    ap.add_argument("--parsers", default=",".join(PARSERS),
                    help="Nextflow syntax parsers to run the wrappers under (default: v1,v2)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    for folder in (args.subworkflows, args.modules):
        if not folder.is_dir():
            print(f"corpus folder not found: {folder}", file=sys.stderr)
            return 2
    parsers = tuple(p for p in args.parsers.split(",") if p)
    if not set(parsers) <= set(PARSERS):
        print(f"--parsers: expected a comma-separated subset of {', '.join(PARSERS)}", file=sys.stderr)
        return 2
    names = args.names.split(",") if args.names else None
    report = run(args.subworkflows, args.modules, names, stub=not args.no_stub, parsers=() if args.no_stub else parsers)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{report['loaded']}/{report['subworkflows']} loaded, {report['compiled']} compiled, "
              f"{report['stub_eligible']} stub-eligible in {report['seconds']} s")
        for parser, figures in report["parsers"].items():
            print(f"  {parser}: {figures['stub_passed']} stub runs passed, {figures['nextflow_compiled']} compiled by "
                  f"Nextflow ({figures['previewed']} checked with -preview)")
        for f in report["failed"]:
            print(f"  {f['subworkflow']} [{f['stage']}]: {f['error']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
