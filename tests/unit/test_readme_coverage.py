"""Issue 11, item 1: every `pynf` command and every environment variable pynf reads is in the README.

Both lists come from the code: the click command tree (walked from ``pynf.cli.main:cli``, subcommands
included) and the environment variables read in ``pynf/`` (``os.environ`` / ``os.getenv`` look-ups,
``*_ENV`` constants, and the Seqera settings table)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from pynf.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: Variables that belong to pynf (or to Seqera's tooling, which pynf reads the same way).
OWN = re.compile(r"^(PYNF|TOWER)_[A-Z0-9_]+$")
_READS = [
    re.compile(r"""os\.(?:environ(?:\.get|\.pop|\.setdefault)?\(|getenv\()\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""os\.environ\[\s*["']([A-Z][A-Z0-9_]+)["']\s*\](?!\s*=[^=])"""),
    re.compile(r"""^[A-Z0-9_]*_ENV\s*(?::[^=]+)?=\s*["']([A-Z][A-Z0-9_]+)["']""", re.M),
]


def command_paths() -> list[str]:
    ctx = click.Context(cli)
    out: list[str] = []

    def walk(group: click.Group, prefix: str) -> None:
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            if cmd is None or cmd.hidden:
                continue
            out.append(f"{prefix} {name}")
            if isinstance(cmd, click.Group):
                walk(cmd, f"{prefix} {name}")

    walk(cli, "pynf")
    return out


def environment_variables() -> list[str]:
    found: set[str] = set()
    for path in (ROOT / "pynf").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in _READS:
            found.update(pattern.findall(text))
    from pynf.backends.seqera import config

    found.update(var for var, _key in config._SOURCES.values())
    return sorted(v for v in found if OWN.match(v))


def test_the_lists_come_from_the_code():
    commands = command_paths()
    assert {"pynf run", "pynf modules list", "pynf engine classpath", "pynf export", "pynf nextflow",
            "pynf cache prune", "pynf runs cancel"} <= set(commands)
    variables = environment_variables()
    assert {"PYNF_MODULES_REMOTE", "PYNF_MODULES_BRANCH", "PYNF_OFFLINE", "PYNF_CACHE_DIR",
            "TOWER_ACCESS_TOKEN", "PYNF_SEQERA_REQUEST_TIMEOUT"} <= set(variables)


@pytest.mark.parametrize("command", command_paths())
def test_every_command_is_documented(command):
    assert re.search(re.escape(command) + r"(?![\w-])", README), f"`{command}` is not in README.md"


@pytest.mark.parametrize("variable", environment_variables())
def test_every_environment_variable_is_documented(variable):
    assert re.search(r"\b" + variable + r"\b", README), f"{variable} is read by pynf but not in README.md"


def test_readme_says_which_commands_write_the_lock():
    section = README.split("**`pynf.lock`**", 1)[1].split("\n\n", 1)[0]
    assert "never create or change it" in section
    for command in ("pynf inspect", "pynf compile", "pynf modules list", "pynf modules info", "pynf run",
                    "pynf export", "pynf modules pull", "pynf modules update"):
        assert command in section
