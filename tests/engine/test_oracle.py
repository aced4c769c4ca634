"""benchmarks/oracle.py end to end on our own fixture modules: a clean JSON report on stdout."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from ..paths import FIXTURES, MODULE_FIXTURES, REPO
from ..support import require_engine

pytestmark = pytest.mark.engine

# Module forms Nextflow 25.04's strict (v2) parser rejects: `stdout` inside a tuple (a false error,
# fixed upstream in 25.04.5) and an unquoted `env X` declaration.
V2_REJECTS = {"stdin_stdout", "legacy_forms"}


def test_oracle_reports_clean_json_over_the_fixtures(tmp_path):
    require_engine()
    corpus = tmp_path / "corpus"
    names = sorted(p.name for p in MODULE_FIXTURES.iterdir() if (p / "main.nf").is_file())
    for name in names:
        shutil.copytree(MODULE_FIXTURES / name, corpus / name)
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "oracle.py"), "--corpus", str(corpus), "--json"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)  # nothing but the report on stdout
    assert report["modules"] == len(names) and report["agree"] == len(names), report["disagree"]
    assert report["wrapper_v1_ok"] == len(names)
    failures = {f["module"]: f for f in report["wrapper_failures"]}
    assert set(failures) == V2_REJECTS & set(names)
    assert "`stdout` is not defined" in failures["stdin_stdout"]["v2"]
    assert report["wrapper_v2_ok"] == len(names) - len(failures)


def test_oracle_names_the_cause_of_an_nf_lang_failure(tmp_path):
    """A module only the v1 parser accepts: the report carries nf-lang's own message, not an object name."""
    require_engine()
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "v1_forms" / "command_chain", corpus / "command_chain")
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "oracle.py"), "--corpus", str(corpus), "--json",
                           "--no-wrappers"], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (entry,) = json.loads(proc.stdout)["disagree"]
    assert "nextflow failed: nf-lang: Unexpected input: 'optional'" in entry["diff"], entry
    assert "SyntaxErrorMessage@" not in entry["diff"]


def test_oracle_compares_element_options():
    """arity / stageAs / an element's own optional are part of what is compared (pynf side, no JVM)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import oracle

    sig = oracle.ir_signature(MODULE_FIXTURES / "optional_outputs" / "main.nf")
    (proc,) = sig.values()
    options = [el[2] for ch in proc["inputs"] + proc["outputs"] for el in ch["elements"] if el[2]]
    assert options == [{"stageAs": "input/*"}, {"arity": "0..*"}, {"arity": "1..*"}]
