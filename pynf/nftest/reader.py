"""Read nf-core's nf-test files: the stub tests of a module, their inputs, params and ``ext`` settings.

A test is a *stub test* when it (or its file) has ``options "-stub"`` (or ``-stub-run``).  Its ``when {
process { \"\"\" input[i] = ... \"\"\" } }`` assignments are evaluated by :mod:`pynf.nftest.groovy`; the
``ext.*`` settings of the config it names (``process { withName: NAME { ext.args = ... } }``) whose selector
matches the process are kept as config text.  What cannot be translated raises ``Untranslatable``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pynf.nftest.blocks import block_after, blocks, statement_end
from pynf.nftest.groovy import Untranslatable, evaluate

__all__ = ["NfTest", "Untranslatable", "read_tests", "ext_settings", "TESTDATA_BASE"]

#: what ``params.modules_testdata_base_path`` stands for (never fetched: inputs become local empty files)
TESTDATA_BASE = "https://raw.githubusercontent.com/nf-core/test-datasets/modules/data/"
_DEFAULT_PARAMS = {"modules_testdata_base_path": TESTDATA_BASE, "outdir": "results",
                   "modules_testdata_base_path_new": TESTDATA_BASE}


@dataclass
class NfTest:
    """One test of a ``main.nf.test``: its name, whether it is a stub test, and its raw parts."""

    module_dir: Path
    name: str
    process: str
    stub: bool
    body: str
    config: Path | None
    problem: str | None = None          # why it cannot be translated (a countable cause), else None
    params: dict[str, Any] = field(default_factory=dict)

    def inputs(self) -> dict[int, Any]:
        """``{index: value}`` of the ``input[i] = ...`` assignments (raises Untranslatable)."""
        when = block_after(self.body, r"\bwhen")
        if when is None:
            raise Untranslatable("no when block")
        proc = block_after(when[0], r"\bprocess")
        if proc is None:
            return {}
        found = re.search(r'"""(.*?)"""|\'\'\'(.*?)\'\'\'', proc[0], re.S)
        if found is None:
            raise Untranslatable("unsupported expression", "process block without a string")
        return _assignments(found.group(1) if found.group(1) is not None else found.group(2), self.params)

    def snapshot_key(self) -> str:
        """The snapshot's entry: ``.match("name")`` when the then block names one, else the test's name."""
        then = block_after(self.body, r"\bthen")
        found = re.search(r"\.match\s*\(\s*[\"']([^\"']+)[\"']\s*\)", then[0]) if then else None
        return found.group(1) if found else self.name

    def snapshot_args(self) -> str | None:
        """The text inside ``snapshot(...)`` of the then block, else None."""
        then = block_after(self.body, r"\bthen")
        if then is None:
            return None
        m = re.search(r"\bsnapshot\s*\(", then[0])
        if m is None:
            return None
        end = statement_end(then[0], m.end())
        text = then[0][m.end():end]
        depth = 0
        for i, ch in enumerate(text):  # up to the parenthesis closing snapshot(
            depth += ch == "("
            if ch == ")":
                if depth == 0:
                    return text[:i]
                depth -= 1
        return text


_STATEMENT = re.compile(r"input\s*\[\s*(\d+)\s*\]\s*=|(?:def\s+)?([A-Za-z_]\w*)\s*=(?!=)")
_BLANK = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.S)


def _assignments(code: str, params: dict[str, Any]) -> dict[int, Any]:
    """``input[i] = EXPR`` statements, and ``[def] name = EXPR`` ones whose names later statements use."""
    out: dict[int, Any] = {}
    variables: dict[str, Any] = {}
    pos = _BLANK.match(code, 0).end()
    while pos < len(code):
        m = _STATEMENT.match(code, pos)
        if m is None:
            raise Untranslatable("statement in process block", code[pos:].split("\n")[0][:60])
        end = statement_end(code, m.end())
        value = evaluate(code[m.end():end], params, variables)
        if m.group(1) is not None:
            out[int(m.group(1))] = value
        else:
            variables[m.group(2)] = value
        pos = _BLANK.match(code, end).end()
    return out


def _assign_params(text: str, params: dict[str, Any], prefix: str = "") -> None:
    for m in re.finditer(rf"^\s*{prefix}(\w+)\s*=(?!=)", text, re.M):
        end = statement_end(text, m.end())
        try:
            params[m.group(1)] = evaluate(text[m.end():end], params)
        except Untranslatable:
            params[m.group(1)] = None


def _params(body: str, config: Path | None) -> dict[str, Any]:
    """Params as the test sees them: pynf's defaults, then the config's ``params``, then the test's block."""
    params = dict(_DEFAULT_PARAMS)
    if config is not None and config.is_file():
        text = config.read_text()
        for _, block in blocks(text, r"(?m)^\s*params"):
            _assign_params(block, params)
        _assign_params(text, params, prefix=r"params\.")
    found = block_after(block_after(body, r"\bwhen")[0], r"\bparams") if block_after(body, r"\bwhen") else None
    if found is not None:
        _assign_params(found[0], params)
    return params


_STUB = re.compile(r'^\s*options\s+["\'][^"\']*-stub', re.M)


def _problem(body: str) -> str | None:
    if re.search(r"^\s*setup\s*\{", body, re.M):
        return "setup block"
    return None


def read_tests(module_dir: Path) -> list[NfTest]:
    """Every test of ``module_dir/tests/main.nf.test`` (stub or not), in file order."""
    path = module_dir / "tests" / "main.nf.test"
    text = path.read_text()
    process = re.search(r'^\s*process\s+["\'](\w+)["\']', text, re.M)
    file_config = re.search(r'^\s*config\s+["\']([^"\']+)["\']', text.split("test(", 1)[0], re.M)
    found = blocks(text, r"\btest\s*\(\s*(?P<q>[\"'])(?P<name>.*?)(?P=q)\s*\)")
    header = text[:found[0][0].start()] if found else text
    file_stub = bool(_STUB.search(header))
    file_problem = "setup block" if re.search(r"^\s*setup\s*\{", header, re.M) else None
    tests = []
    for match, body in found:
        config = re.search(r'^\s*config\s+["\']([^"\']+)["\']', body, re.M) or file_config
        test = NfTest(module_dir=module_dir, name=match.group("name"), process=process.group(1) if process else "",
                      stub=file_stub or bool(_STUB.search(body)), body=body,
                      config=(path.parent / config.group(1)).resolve() if config else None,
                      problem=(file_problem or _problem(body)) if process else "no process under test")
        test.params = _params(body, test.config)
        tests.append(test)
    return tests


def ext_settings(config: Path | None, process: str) -> list[str]:
    """``ext.KEY = VALUE`` statements (as written) of ``config`` that apply to ``process``."""
    if config is None or not config.is_file():
        return []
    text = config.read_text()
    out: list[str] = []
    for m, body in blocks(text, r"\bwithName\s*:\s*(?P<sel>'[^']*'|\"[^\"]*\"|[\w.:*|]+)"):
        selector = m.group("sel").strip("'\"")
        try:
            applies = re.fullmatch(selector, process) or re.fullmatch(selector, f"NFCORE:{process}")
        except re.error:
            applies = selector == process
        if applies:
            out.extend(_ext_statements(body))
    outside = re.sub(r"\bwithName\s*:\s*('[^']*'|\"[^\"]*\"|[\w.:*|]+)\s*\{", "withName {", text)
    for _, body in blocks(outside, r"(?m)^process"):
        stripped = body
        for _, inner in blocks(body, r"\bwith(Name|Label)"):
            stripped = stripped.replace(inner, "")
        out.extend(_ext_statements(stripped))
    return out


def _ext_statements(body: str) -> list[str]:
    out = []
    for m in re.finditer(r"(?<![\w.])ext\.(\w+)\s*=", body):
        end = statement_end(body, m.end())
        out.append(f"ext.{m.group(1)} = {body[m.end():end].strip()}")
    return out
