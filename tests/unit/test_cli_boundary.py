"""The CLI's one error boundary: bad input never prints a traceback; exit codes are 0, 1 or 2 only;
a bad option value exits 1 with one ``error:`` line; pynf warnings are printed once as ``warning: ...``."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pynf.cli.main import cli

from ..paths import MALFORMED, MODULE_FIXTURES, REPO

MODULE = str(MODULE_FIXTURES / "seqtk_seq")


def _check(result, args) -> None:
    """The invariants of every CLI outcome."""
    out = result.stdout + result.stderr
    assert "Traceback" not in out, (args, out)
    assert "internal error" not in result.stderr, (args, result.stderr)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, out)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    if result.exit_code == 1:
        lines = [ln for ln in result.stderr.splitlines() if not ln.startswith(("warning: ", "note: "))]
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, result.stderr)
    if result.exit_code == 2:
        assert "Error: " in result.stderr, (args, result.stderr)  # click's usage message


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYNF_OFFLINE", "1")  # module IDs never reach a network remote
    monkeypatch.setenv("PYNF_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def test_ext_nan_is_one_error_line_exit_1():
    """Before: `pynf compile M --ext args=NaN` ended in a GroovyLiteralError traceback."""
    proc = subprocess.run([sys.executable, "-m", "pynf", "compile", MODULE, "--ext", "args=NaN"],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr == "error: ext.args: nan has no Groovy literal form\n"


def test_bad_option_files_are_errors_not_usage():
    runner = CliRunner()
    for args in (["--input", "@/nonexistent.json"], ["--input", f"@{REPO / 'README.md'}"],
                 ["--param", "=1"], ["--config", sys.executable], ["--ext", "1x=2"], ["--cpus", "0"],
                 ["--memory", "lots"], ["--ext", 'a={"k": Infinity}']):
        result = runner.invoke(cli, ["compile", MODULE, *args])
        assert result.exit_code == 1, (args, result.output)
        _check(result, args)


def test_warnings_are_printed_once(tmp_path):
    (tmp_path / "main.nf").write_text(
        "include { helper } from './lib/helper'\n\n"
        "process KEEP {\n    input:\n    val x\n\n    output:\n    stdout\n\n    script:\n"
        "    \"\"\"\n    echo $x\n    \"\"\"\n}\n\nworkflow {\n    KEEP(channel.of(1))\n}\n")
    result = CliRunner().invoke(cli, ["compile", str(tmp_path), "--input", "x=1"])
    assert result.exit_code == 0, result.output
    warned = [ln for ln in result.stderr.splitlines() if ln.startswith("warning: ")]
    assert len(warned) == 2 and "dropped include" in warned[0] and "entry workflow" in warned[1]


_MODULES = [MODULE, str(MODULE_FIXTURES / "samtools_view"), str(MODULE_FIXTURES / "two_process"),
            str(MALFORMED), "/nonexistent/module", "nf-core/fastqc", "../x", "", "-"]
_VALUE = st.one_of(
    st.sampled_from(["NaN", "Infinity", "-1", "0", "1", "1.5", "true", "null", "[", "{", "[]", "{}", '"x"', "@",
                     "@/nonexistent", f"@{REPO / 'pyproject.toml'}", "=", "a=", "=b", "a=NaN", "args=NaN",
                     'args={"a": 1}', "x=[1,2]", "4 GB", "2h", "docker", "none", "\u00e9\u2603", "a b", "--", "-x"]),
    st.sampled_from(["NaN", "-Infinity", "[1, NaN]", '{"a": Infinity}', "1e999", '{"1": {"2": [NaN]}}']),
    st.text(min_size=0, max_size=12),
)
_ASSIGNMENT = st.one_of(
    st.builds("{}={}".format, st.sampled_from(["args", "prefix", "meta", "fastx", "outdir", "0", "1a", "", " "]), _VALUE),
    _VALUE)
#: Options that take a value, and what a value of the right shape (but any content) looks like.
_SHAPED = {
    "--ext": _ASSIGNMENT, "--input": _ASSIGNMENT, "--param": _ASSIGNMENT,
    "--cpus": st.integers(-2, 64).map(str), "--max-cpus": st.integers(-2, 64).map(str),
    "--memory": _VALUE, "--time": _VALUE, "--max-memory": _VALUE, "--max-time": _VALUE,
    "--executor": _VALUE, "--queue": _VALUE, "--process": st.sampled_from(["SEQTK_SEQ", "X", ""]),
    "--container": st.sampled_from(["none", "docker", "conda"]), "--emit": st.sampled_from(["wrapper", "params", "config", "ir"]),
    "--config": st.sampled_from([str(REPO / "pyproject.toml"), sys.executable, str(REPO / "README.md"), "a\x00"]),
    "--out": st.one_of(st.sampled_from(["out", "a\x00b", str(REPO / "README.md")]), st.text(max_size=8)),
}


@st.composite
def _argv(draw, shaped: bool):
    """A command line; ``shaped``: every option gets a value of its kind (so the values, not the usage, are
    what goes wrong), else anything goes (mostly usage errors, exit 2)."""
    if shaped:
        command = draw(st.sampled_from(["compile", "compile", "export", "inspect"]))
    else:
        command = draw(st.sampled_from(["compile", "export", "inspect", "modules info", "modules pull", "nope"]))
    args = command.split()
    if shaped or draw(st.integers(0, 9)):
        args.append(draw(st.sampled_from([MODULE] * 4 + _MODULES)) if not shaped else MODULE)
    options = ["--process"] if command == "inspect" and shaped else sorted(_SHAPED)
    for _ in range(draw(st.integers(1, 4))):
        option = draw(st.sampled_from(options if shaped else options + ["--json", "--bogus"]))
        if option in ("--emit", "--out") and command != "compile":
            continue
        args.append(option)
        if option in _SHAPED and (shaped or draw(st.integers(0, 9))):
            args.append(draw(_SHAPED[option] if shaped else _ASSIGNMENT))
    if command == "export":
        args += ["-o", "OUT"]
    return args


def _invoke(argv, work, codes=(0, 1, 2)):
    argv = [str(work / "out") if a == "OUT" else a for a in argv]
    result = CliRunner().invoke(cli, argv)
    _check(result, argv)
    assert result.exit_code in codes, (argv, result.output)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=_argv(shaped=False))
def test_random_command_lines_never_print_a_traceback(argv, work):
    """Random commands, options and values: exit 0/1/2 only, no traceback, one ``error:`` line on exit 1."""
    _invoke(argv, work)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=_argv(shaped=True))
def test_random_option_values_never_print_a_traceback(argv, work):
    """Well-formed command lines with random option values (NaN, bad JSON, bad sizes, files that are not
    mappings...): exit 0 or 1 (one ``error:`` line), never a usage error or a traceback."""
    _invoke(argv, work, codes=(0, 1))
