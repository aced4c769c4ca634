"""CI runs exactly the README's test command: ``.ci/run`` has the command the README gives under
"Two commands" (after its ``# the tests`` comment) as one of its lines, unchanged."""

from __future__ import annotations

from ..paths import REPO


def readme_test_command(readme: str) -> str:
    """The line after ``# the tests`` in the README's "Two commands" block."""
    block = readme.split("\n## Two commands\n", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = block.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("# the tests"))
    return lines[at + 1].strip()


def test_ci_runs_the_readme_test_command():
    command = readme_test_command((REPO / "README.md").read_text(encoding="utf-8"))
    assert "pytest" in command, command
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in [line.strip() for line in ci], f".ci/run does not run the README's test command: {command}"
