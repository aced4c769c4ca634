"""Issue 11, item 8: `pynf cache info` (sizes) and `pynf cache prune` (old run directories)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pynf.cli.main import cli

DAY = 86400


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("PYNF_CACHE_DIR", str(root))
    monkeypatch.setenv("PYNF_MODULES_CACHE_DIR", str(root / "modules"))
    monkeypatch.setenv("PYNF_WRAPPER_CACHE_DIR", str(root / "wrapper-repos"))
    return root


def _run(root: Path, name: str, age_days: float, size: int) -> Path:
    run = root / "runs" / name
    (run / "work" / "ab").mkdir(parents=True)
    (run / "work" / "ab" / "out.bin").write_bytes(b"x" * size)
    (run / "pynf-run.json").write_text("{}")
    when = time.time() - age_days * DAY
    for p in (run / "work" / "ab" / "out.bin", run / "work" / "ab", run / "work", run / "pynf-run.json", run):
        os.utime(p, (when, when))
    return run


def pynf(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_info_reports_sizes_per_area(cache_dir):
    (cache_dir / "engine" / "25.04").mkdir(parents=True)
    (cache_dir / "engine" / "25.04" / "a.jar").write_bytes(b"j" * 3000)
    (cache_dir / "modules" / "r").mkdir(parents=True)
    (cache_dir / "modules" / "r" / "main.nf").write_bytes(b"m" * 500)
    _run(cache_dir, "a", 1, 1000)
    _run(cache_dir, "b", 2, 2000)
    res = pynf("cache", "info", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    sizes = {k: v["bytes"] for k, v in doc["areas"].items()}
    assert sizes["engine"] == 3000 and sizes["modules"] == 500
    assert sizes["runs"] == 1000 + 2000 + 2 * len("{}") and doc["runs"] == 2
    assert doc["areas"]["runs"]["path"] == str(cache_dir / "runs")
    text = pynf("cache", "info")
    assert text.exit_code == 0 and "engine" in text.stdout and "2 run directories" in text.stdout


def test_prune_by_age_keep_and_both(cache_dir):
    runs = {name: _run(cache_dir, name, age, 10) for name, age in (("new", 0.1), ("week", 8), ("month", 30),
                                                                    ("year", 365))}
    dry = pynf("cache", "prune", "--runs-older-than", "7d", "--dry-run")
    assert dry.exit_code == 0 and dry.stdout.count("would delete") == 3 and all(p.exists() for p in runs.values())
    res = pynf("cache", "prune", "--runs-older-than", "20d", "--keep", "3")
    assert res.exit_code == 0, res.output
    assert [p.name for p in runs.values() if p.exists()] == ["new", "week", "month"]  # year: old and 4th newest
    res = pynf("cache", "prune", "--keep", "1")
    assert [p.name for p in runs.values() if p.exists()] == ["new"]
    res = pynf("cache", "prune")  # default: older than 7 days
    assert res.exit_code == 0 and runs["new"].exists()


def test_prune_rejects_a_bad_age(cache_dir):
    res = pynf("cache", "prune", "--runs-older-than", "soon")
    assert res.exit_code == 1 and "expected an age such as 7d" in res.output


@pytest.mark.parametrize("variable", ["PYNF_CACHE_DIR", "PYNF_HOME"])
def test_info_measures_the_wrapper_repos_the_seqera_backend_uses(tmp_path, monkeypatch, variable):
    """Issue 22 item 7: the wrapper-repos area follows PYNF_CACHE_DIR / PYNF_HOME like every other area."""
    from pynf.backends.seqera.wrapper_repo import WrapperRepo

    monkeypatch.delenv("PYNF_CACHE_DIR", raising=False)
    monkeypatch.delenv("PYNF_HOME", raising=False)
    monkeypatch.delenv("PYNF_WRAPPER_CACHE_DIR", raising=False)
    monkeypatch.setenv(variable, str(tmp_path / "home"))
    clone = WrapperRepo("https://git.example.org/acme/wrappers.git").local
    (clone / ".git").mkdir(parents=True)
    (clone / ".git" / "packed").write_bytes(b"w" * 700)
    res = pynf("cache", "info", "--json")
    assert res.exit_code == 0, res.output
    area = json.loads(res.stdout)["areas"]["wrapper-repos"]
    assert area["path"] == str(clone.parent) and area["bytes"] == 700
