"""Compare pynf's Lark IR with Nextflow's own parser (nf-lang ``ScriptParser``) over a corpus.

For every module: input/output kinds, element kinds and names or patterns (a closure as
``{closure}``), element options (``arity``, ``stageAs``, an element's own ``optional``), emit,
optional (by Groovy truth, as Nextflow decides it) and topic must agree exactly.  With ``--wrappers`` (the default) every rendered wrapper is also
compiled by Nextflow's v1 (Groovy) and v2 (strict) script loaders.

    python benchmarks/oracle.py --corpus ../shared/corpus/nf-core-modules [--json] [--limit N]

Prints ``{"modules": N, "agree": N, "disagree": [...], "wrapper_v1_ok": N, "wrapper_v2_ok": N,
"wrapper_failures": [...], "seconds": S}``.
"""

from __future__ import annotations

#: Quick mode for the test suite (tests/benchmark_runner.py): small sizes, JSON on stdout.
QUICK_ARGS = ["--corpus", "{corpus}", "--limit", "4", "--json"]
#: Keys the JSON report always has.
EXPECTED_KEYS = frozenset({"modules", "agree", "disagree", "seconds", "wrapper_v1_ok", "wrapper_v2_ok",
                           "wrapper_failures"})
#: What the quick mode needs from the machine ("engine", "corpus", "tools:a,b").
NEEDS = ("engine", "corpus")

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pynf.compiler import parse  # noqa: E402
from pynf.compiler.parser import _unquote  # noqa: E402
from pynf.errors import PynfError  # noqa: E402


# ---------------------------------------------------------------- pynf side
def ir_signature(path: Path) -> dict:
    """The comparable shape of every process, from pynf's IR."""
    module = parse(path, with_meta=False)
    out = {}
    for p in module.processes:
        out[p.name] = {
            "inputs": [_ir_channel(c) for c in p.inputs],
            "outputs": [_ir_channel(c) for c in p.outputs],
        }
    return out


#: Options compared per element; a non-tuple channel's own named options count for its element.
ELEMENT_OPTIONS = ("arity", "stageAs", "optional")
_CHANNEL_LEVEL = ("arity", "stageAs")


def _ir_channel(c) -> dict:
    elements = []
    for e in c.elements:
        value = e.name if e.name is not None else e.pattern
        if value is None and e.expr.startswith("{"):
            value = "{closure}"
        opts = {k: v for k, v in e.options if k in (ELEMENT_OPTIONS if c.kind in ("tuple", "each") else _CHANNEL_LEVEL)}
        if c.kind != "tuple":
            opts.update({k: v for k, v in c.options if k in _CHANNEL_LEVEL})
        elements.append([e.kind, _norm(value), {k: _norm(_unquote(v)) for k, v in sorted(opts.items())}])
    return {
        "kind": c.kind,
        "elements": elements,
        "emit": c.emit,
        "optional": c.optional,
        "topic": c.topic,
    }


def _norm(text: str | None) -> str | None:
    return None if text is None else "".join(text.split())


# ---------------------------------------------------------------- Nextflow side
class NextflowOracle:
    """Reads modules with nf-lang's ScriptParser inside the embedded JVM."""

    def __init__(self) -> None:
        from pynf.backends.local.jvm import start_jvm

        start_jvm()
        import jpype

        self.jpype = jpype
        self.File = jpype.JClass("java.io.File")
        self.ScriptParser = jpype.JClass("nextflow.script.control.ScriptParser")
        self.MethodCall = jpype.JClass("org.codehaus.groovy.ast.expr.MethodCallExpression")
        self.Variable = jpype.JClass("org.codehaus.groovy.ast.expr.VariableExpression")
        self.Constant = jpype.JClass("org.codehaus.groovy.ast.expr.ConstantExpression")
        self.GString = jpype.JClass("org.codehaus.groovy.ast.expr.GStringExpression")
        self.MapExpr = jpype.JClass("org.codehaus.groovy.ast.expr.MapExpression")
        self.Closure = jpype.JClass("org.codehaus.groovy.ast.expr.ClosureExpression")
        self.JString = jpype.JClass("java.lang.String")
        self.JBoolean = jpype.JClass("java.lang.Boolean")
        self.JNumber = jpype.JClass("java.lang.Number")
        self.ListExpr = jpype.JClass("org.codehaus.groovy.ast.expr.ListExpression")

    def signature(self, path: Path) -> dict:
        source = self.ScriptParser().parse(self.File(str(path)))
        errors = source.getErrorCollector()
        if errors.hasErrors():
            raise RuntimeError("nf-lang: " + _error_text(errors.getErrors().get(0))[:300])
        out = {}
        for p in source.getAST().getProcesses():
            out[str(p.getName())] = {
                "inputs": [self._channel(s.getExpression()) for s in _statements(p.inputs)],
                "outputs": [self._channel(s.getExpression()) for s in _statements(p.outputs)],
            }
        return out

    def _args(self, call) -> tuple[list, dict]:
        positional, named = [], {}
        for arg in call.getArguments().getExpressions():
            if isinstance(arg, self.MapExpr):
                for entry in arg.getMapEntryExpressions():
                    named[str(entry.getKeyExpression().getText())] = entry.getValueExpression()
            else:
                positional.append(arg)
        return positional, named

    def _value(self, expr) -> str | None:
        if isinstance(expr, self.Variable):
            return str(expr.getName())
        if isinstance(expr, self.Closure):
            return "{closure}"
        if isinstance(expr, self.Constant):
            v = expr.getValue()
            if isinstance(v, self.JBoolean):
                return "true" if v.booleanValue() else "false"
            return None if v is None else str(v)
        if isinstance(expr, self.GString):
            return str(expr.getText())
        return str(expr.getText())

    def _truth(self, expr) -> bool:
        """Groovy truth of an option value as Nextflow applies it: only false literals are false."""
        if isinstance(expr, self.Constant):
            v = expr.getValue()
            if v is None:
                return False
            if isinstance(v, self.JString):  # any non-empty string, 'false' included, is true
                return len(str(v)) > 0
            if isinstance(v, self.JBoolean):
                return bool(v.booleanValue())
            if isinstance(v, self.JNumber):
                return v.doubleValue() != 0
            return True
        if isinstance(expr, self.ListExpr):
            return expr.getExpressions().size() > 0
        if isinstance(expr, self.MapExpr):
            return expr.getMapEntryExpressions().size() > 0
        return True  # a closure, a non-empty string, a variable or any other expression

    def _options(self, named: dict, keys) -> dict:
        return {k: _norm(self._value(named[k])) for k in sorted(keys) if k in named}

    def _element(self, expr) -> list:
        if isinstance(expr, self.MethodCall):
            positional, named = self._args(expr)
            return [str(expr.getMethodAsString()), _norm(self._value(positional[0])) if positional else None,
                    self._options(named, ELEMENT_OPTIONS)]
        if isinstance(expr, self.Variable):  # e.g. bare `stdout` inside a tuple
            return [str(expr.getName()), None, {}]
        return ["?", _norm(str(expr.getText())), {}]

    def _channel(self, call) -> dict:
        kind = str(call.getMethodAsString())
        positional, named = self._args(call)
        if kind == "tuple":
            elements = [self._element(e) for e in positional]
        elif kind == "each" and positional and isinstance(positional[0], self.MethodCall):
            elements = [self._element(positional[0])]
        else:
            elem_kind = "val" if kind == "each" else kind
            elements = [[elem_kind, _norm(self._value(positional[0])) if positional else None,
                         self._options(named, _CHANNEL_LEVEL)]]

        def opt(name: str):
            return None if name not in named else self._value(named[name])

        return {
            "kind": kind,
            "elements": elements,
            "emit": opt("emit"),
            "optional": "optional" in named and self._truth(named["optional"]),
            "topic": opt("topic"),
        }


def _error_text(error) -> str:
    """An nf-lang error as text: the cause's message (a SyntaxErrorMessage's own text is its object name)."""
    cause = error.getCause() if hasattr(error, "getCause") else None
    if cause is not None and cause.getMessage() is not None:
        return str(cause.getMessage())
    return str(error.toString())


def _statements(block):
    """Statements of a section block; an empty section is an EmptyStatement."""
    return list(block.getStatements()) if hasattr(block, "getStatements") else []


# ---------------------------------------------------------------- wrappers
class WrapperChecker:
    """Compiles rendered wrappers with Nextflow's v1 and v2 script loaders (no run)."""

    def __init__(self) -> None:
        import jpype

        self.Session = jpype.JClass("nextflow.Session")
        self.V1 = jpype.JClass("nextflow.script.parser.v1.ScriptLoaderV1")
        self.V2 = jpype.JClass("nextflow.script.parser.v2.ScriptLoaderV2")
        self.Paths = jpype.JClass("java.nio.file.Paths")
        self.ScriptMeta = jpype.JClass("nextflow.script.ScriptMeta")
        self.System = jpype.JClass("java.lang.System")
        self.PrintStream = jpype.JClass("java.io.PrintStream")
        self.Buffer = jpype.JClass("java.io.ByteArrayOutputStream")
        self.JException = jpype.JException

    def check(self, main_nf: Path) -> dict[str, str | None]:
        """None per loader that compiles the wrapper, else its error (with what it printed)."""
        out: dict[str, str | None] = {}
        for name, loader in (("v1", self.V1), ("v2", self.V2)):
            # the v2 loader prints its diagnostics on System.out: keep them off this report's stdout
            buffer, original = self.Buffer(), self.System.out
            self.System.setOut(self.PrintStream(buffer, True, "UTF-8"))
            try:
                session = self.Session()
                loader(session).parse(self.Paths.get(str(main_nf)))
                out[name] = None
            except self.JException as e:
                printed = bytes(buffer.toByteArray()).decode("utf-8", "replace").strip()
                if not printed and e.getCause() is not None:  # the loader printed elsewhere: use the cause
                    printed = str(e.getCause().getMessage() or "").strip()
                message = str(e.getMessage() or e.toString())
                out[name] = (f"{message}: {printed}" if printed else message)[:400]
            finally:
                self.System.setOut(original)
                self.ScriptMeta.reset()
        return out


def _render_wrappers(path: Path, directory: Path) -> list[Path]:
    """Write the wrapper main.nf of every process (the wrapper does not depend on inputs)."""
    from pynf.render.includes import local_include_files
    from pynf.render.renderer import render_wrapper

    module = parse(path)
    includes = local_include_files(path, [t.text for t in module.toplevel if t.kind == "include"])
    out = []
    for p in module.processes:
        target = directory / p.name / "main.nf"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_wrapper(module, p, module_id=path.parent.name))
        for rel, data in includes.items():  # module-local includes travel with the wrapper
            (target.parent / rel).parent.mkdir(parents=True, exist_ok=True)
            (target.parent / rel).write_bytes(data)
        out.append(target)
    return out


# ---------------------------------------------------------------- main
def check_module(path: Path, name: str, oracle: NextflowOracle, checker: WrapperChecker | None, tmp: Path) -> dict:
    """One module: ``agree`` (pynf's IR matches nf-lang's), ``diff`` (why not), and with a checker
    ``v1``/``v2`` (every rendered wrapper compiles with that loader) and ``wrapper_failures``."""
    row: dict = {"module": name, "agree": False, "diff": None}
    if checker is not None:
        row.update({"v1": False, "v2": False, "wrapper_failures": []})
    try:
        ours = ir_signature(path)
    except PynfError as e:
        row["diff"] = f"pynf failed: {e}"[:500]
        return row
    try:
        theirs = oracle.signature(path)
    except Exception as e:  # noqa: BLE001 - report whatever Nextflow raised
        row["diff"] = f"nextflow failed: {e}"[:500]
        return row
    row["agree"] = ours == theirs
    if not row["agree"]:
        row["diff"] = _diff(ours, theirs)
    if checker is not None:
        try:
            wrappers = _render_wrappers(path, tmp / name)
        except PynfError as e:
            row["wrapper_failures"].append({"module": name, "render": str(e)[:300]})
            return row
        results = [checker.check(w) for w in wrappers]
        row["v1"] = all(r["v1"] is None for r in results)
        row["v2"] = all(r["v2"] is None for r in results)
        row["wrapper_failures"] = [{"module": name, **{k: v for k, v in r.items() if v}}
                                   for r in results if r["v1"] or r["v2"]]
    return row


def run(corpus: Path, limit: int | None, wrappers: bool, seed: int | None = None) -> dict:
    paths = sorted(corpus.rglob("main.nf"))
    if limit is not None and limit < len(paths):
        import random

        paths = sorted(random.Random(seed).sample(paths, limit)) if seed is not None else paths[:limit]
    oracle = NextflowOracle()
    checker = WrapperChecker() if wrappers else None
    start = time.perf_counter()
    agree, disagree, v1_ok, v2_ok, wrapper_failures = 0, [], 0, 0, []
    with tempfile.TemporaryDirectory(prefix="pynf-oracle-") as tmp:
        for path in paths:
            row = check_module(path, str(path.parent.relative_to(corpus)), oracle, checker, Path(tmp))
            agree += row["agree"]
            if not row["agree"]:
                disagree.append({"module": row["module"], "diff": row["diff"]})
            if checker is not None:
                v1_ok += row["v1"]
                v2_ok += row["v2"]
                wrapper_failures.extend(row["wrapper_failures"])
    report = {"modules": len(paths), "agree": agree, "disagree": disagree, "seconds": round(time.perf_counter() - start, 2)}
    if wrappers:
        report.update({"wrapper_v1_ok": v1_ok, "wrapper_v2_ok": v2_ok, "wrapper_failures": wrapper_failures})
    return report


def _diff(ours: dict, theirs: dict) -> str:
    lines = []
    for proc in sorted(set(ours) | set(theirs)):
        a, b = ours.get(proc), theirs.get(proc)
        if a is None or b is None:
            lines.append(f"{proc}: only in {'nextflow' if a is None else 'pynf'}")
            continue
        for side in ("inputs", "outputs"):
            for i, (x, y) in enumerate(zip(a[side], b[side])):
                if x != y:
                    lines.append(f"{proc} {side}[{i}]: pynf={x} nextflow={y}")
            if len(a[side]) != len(b[side]):
                lines.append(f"{proc} {side}: pynf has {len(a[side])}, nextflow {len(b[side])}")
    return "; ".join(lines)[:1000]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--limit", type=int, help="at most N modules (the first N, or a sample with --seed)")
    ap.add_argument("--seed", type=int, help="with --limit: sample N modules at random with this seed")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-wrappers", action="store_true", help="skip compiling rendered wrappers")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    report = run(args.corpus, args.limit, wrappers=not args.no_wrappers, seed=args.seed)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"modules {report['modules']}  agree {report['agree']}  disagree {len(report['disagree'])}  "
              f"in {report['seconds']} s")
        for d in report["disagree"][:50]:
            print(f"  {d['module']}: {d['diff']}")
        if "wrapper_v1_ok" in report:
            print(f"wrappers parse: v1 {report['wrapper_v1_ok']}, v2 {report['wrapper_v2_ok']}")
            for f in report["wrapper_failures"][:30]:
                print(f"  {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
