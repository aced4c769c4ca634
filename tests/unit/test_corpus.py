"""The shared nf-core corpus: every module parses and renders; the IR agrees with meta.yml.

Skipped (with the reason) where ../shared/corpus/nf-core-modules is absent.
"""

from __future__ import annotations

import sys

import pytest

from pynf.compiler import parse
from pynf.errors import ModuleSyntaxError
from pynf.render.renderer import render_config, render_wrapper


def test_corpus_parses_and_renders(corpus_dir):
    paths = sorted(corpus_dir.rglob("main.nf"))
    assert len(paths) > 1000
    failures, mismatched, documented = [], {}, 0
    for path in paths:
        name = str(path.parent.relative_to(corpus_dir))
        try:
            module = parse(path)
            for process in module.processes:
                wrapper = render_wrapper(module, process)
                assert process.name in wrapper
                render_config(process)
        except ModuleSyntaxError as e:
            assert e.line >= 1 and e.column >= 1, f"{name}: error without position: {e}"
            failures.append((name, str(e).splitlines()[0]))
            continue
        if (path.parent / "meta.yml").is_file():
            documented += 1
            if module.warnings:
                mismatched[name] = module.warnings
    ok = len(paths) - len(failures)
    agreement = (documented - len(mismatched)) / documented
    report = [f"corpus: {ok}/{len(paths)} modules parse and render; IR agrees with meta.yml for "
              f"{documented - len(mismatched)}/{documented} ({agreement:.2%})"]
    report += [f"  parse failure {n}: {e}" for n, e in failures]
    report += [f"  meta.yml mismatch {n}: {'; '.join(w)[:300]}" for n, w in sorted(mismatched.items())]
    print("\n".join(report), file=sys.stderr)
    assert ok / len(paths) >= 0.995, "\n".join(report)
    # The mismatches examined so far are meta.yml's errors (missing elements, stale names);
    # the parser itself agrees with Nextflow's own parser (benchmarks/oracle.py).
    assert agreement >= 0.99, "\n".join(report)


@pytest.mark.parametrize("module", ["samtools/view", "fastqc", "bwa/mem", "custom/dumpsoftwareversions"])
def test_well_known_modules(corpus_dir, module):
    path = corpus_dir / module
    if not path.is_dir():
        pytest.skip(f"{module} not in this corpus")
    ir = parse(path)
    p = ir.process()
    assert p.inputs and p.outputs and p.body is not None
    assert ir.warnings == (), ir.warnings
