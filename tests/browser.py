"""Headless Chromium for the report tests: the rendered DOM, a screenshot, and the page's console.

Chromium (Debian's ``chromium``, installed by scripts/setup.sh) runs as root with its sandbox off, a fresh
profile and every background network feature off, so it never reaches the network; console messages
(``console.*`` and uncaught errors) come from its log on stderr (``--enable-logging=stderr``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .support import unavailable

__all__ = ["Page", "chromium", "render_page", "table_rows"]

_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-default-apps", "--enable-logging=stderr", "--v=0", "--hide-scrollbars"]
_CONSOLE = re.compile(r":CONSOLE(?::\d+)?(?:\(\d+\))?\] (.*)")


def chromium() -> str:
    """Path of the chromium binary (skip, or fail in CI, when it is not installed)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        unavailable("chromium is not installed (bash scripts/setup.sh installs Debian's chromium)")
    return path


@dataclass
class Page:
    """What Chromium made of one page: the DOM after its scripts ran, console lines, the screenshot."""

    dom: str
    console: list[str]
    screenshot: Path | None

    @property
    def errors(self) -> list[str]:
        """Console lines that report an error (uncaught exceptions, console.error, failed loads)."""
        return [line for line in self.console if re.search(r"error|uncaught|failed", line, re.IGNORECASE)]


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="pynf-chromium-") as profile:
        return subprocess.run([chromium(), *_FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=timeout)


def render_page(path: Path, screenshot: Path | None = None, *, size: str = "1400,2400",
                budget_ms: int = 5000, timeout: float = 180) -> Page:
    """Load ``path`` in headless Chromium; its DOM and console, and a PNG at ``screenshot`` when given."""
    url = path.absolute().as_uri()
    budget = f"--virtual-time-budget={budget_ms}"
    dom = _run([budget, "--dump-dom", url], timeout)
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [m.group(1) for line in dom.stderr.splitlines() if (m := _CONSOLE.search(line))]
    if screenshot is not None:
        shot = _run([budget, f"--window-size={size}", f"--screenshot={screenshot}", url], timeout)
        assert shot.returncode == 0 and screenshot.is_file(), shot.stderr[-2000:]
        console += [m.group(1) for line in shot.stderr.splitlines() if (m := _CONSOLE.search(line))]
    return Page(dom=dom.stdout, console=console, screenshot=screenshot)


class _Rows(HTMLParser):
    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.depth, self.rows = table_id, 0, []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            if self.depth or dict(attrs).get("id") == self.table_id:
                self.depth += 1
        elif self.depth == 1 and tag == "tr":
            self._row = []
        elif self.depth == 1 and tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif tag == "td" and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(dom: str, table_id: str) -> list[list[str]]:
    """The body rows (cell texts) of the table with ``id=table_id`` in a rendered DOM."""
    parser = _Rows(table_id)
    parser.feed(dom)
    return parser.rows
