"""Benchmark module sources on a corpus-sized Git repository served over file://.

Builds a temporary repository with the shared nf-core corpus laid out as ``modules/nf-core/...``
(two commits), then measures a cold pull of one module (time, git calls, cache size versus a full
clone), a warm pinned resolve, and listing. Prints JSON with ``--json``.

    python benchmarks/module_sources.py --corpus ../shared/corpus/nf-core-modules [--module fastqc] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pynf.sources as sources  # noqa: E402
from pynf.sources.cache import RemoteCache  # noqa: E402

#: Quick mode for the test suite (tests/benchmark_runner.py): small sizes, JSON on stdout.
QUICK_ARGS = ["--corpus", "{corpus}", "--limit", "40", "--warm-runs", "5", "--json"]
#: Keys the JSON report always has.
EXPECTED_KEYS = frozenset({"modules_in_repo", "cold_pull_s", "cold_pull_git_calls", "cold_pull_network_calls",
                           "cache_repo_bytes", "full_clone_bytes", "module_files", "warm_resolve_median_ms",
                           "warm_resolve_git_calls", "list_s", "list_modules", "list_network_calls",
                           "second_module_pull_s"})
#: What the quick mode needs from the machine ("engine", "corpus", "tools:a,b").
NEEDS = ("corpus",)
#: Modules the benchmark pulls (always in the repository, also with --limit).
PULLED = ("fastqc", "samtools/view")


def _git(cwd: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@pynf.invalid",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@pynf.invalid")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _build_repo(corpus: Path, root: Path, limit: int | None = None, keep: tuple[str, ...] = PULLED) -> Path:
    repo = root / "remote"
    if limit is None:
        shutil.copytree(corpus, repo / "modules" / "nf-core", ignore=shutil.ignore_patterns("LICENSE"))
    else:  # the first ``limit`` modules and the ones pulled
        dirs = [p.parent.relative_to(corpus) for p in sorted(corpus.rglob("main.nf"))]
        for rel in dict.fromkeys([*dirs[:limit], *(Path(k) for k in keep)]):
            shutil.copytree(corpus / rel, repo / "modules" / "nf-core" / rel, dirs_exist_ok=True)
    _git(repo, "init", "-q", "-b", "master")
    _git(repo, "config", "uploadpack.allowFilter", "true")
    _git(repo, "config", "uploadpack.allowAnySHA1InWant", "true")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "corpus")
    (repo / "CHANGELOG.md").write_text("second commit\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "second")
    return repo


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--module", default="fastqc")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--limit", type=int, help="put only the first N corpus modules (and the pulled ones) in the repo")
    ap.add_argument("--warm-runs", type=int, default=50, help="warm resolves timed (default 50)")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="pynf-bench-") as tmp:
        root = Path(tmp)
        repo = _build_repo(args.corpus, root, args.limit, (args.module, *PULLED[1:]))
        os.environ["PYNF_CACHE_DIR"] = str(root / "cache")
        os.chdir(root)
        url = repo.as_uri()
        figures: dict[str, object] = {"modules_in_repo": sum(1 for _ in (repo / "modules").rglob("main.nf"))}

        sources.GIT_STATS.reset()
        t0 = time.perf_counter()
        res = sources.resolve(args.module, remote=url)
        figures["cold_pull_s"] = round(time.perf_counter() - t0, 3)
        figures["cold_pull_git_calls"] = sources.GIT_STATS.calls
        figures["cold_pull_network_calls"] = sources.GIT_STATS.network_calls
        cache = RemoteCache(url)
        figures["cache_repo_bytes"] = _size(cache.repo)
        full = root / "full.git"
        _git(root, "clone", "-q", "--bare", "--no-local", url, str(full))
        figures["full_clone_bytes"] = _size(full)
        figures["module_files"] = sum(1 for p in res.path.rglob("*") if p.is_file())

        sources.GIT_STATS.reset()
        runs = []
        for _ in range(max(1, args.warm_runs)):
            t0 = time.perf_counter()
            sources.resolve(args.module, remote=url)
            runs.append(time.perf_counter() - t0)
        runs.sort()
        figures["warm_resolve_median_ms"] = round(runs[len(runs) // 2] * 1000, 3)
        figures["warm_resolve_git_calls"] = sources.GIT_STATS.calls

        sources.GIT_STATS.reset()
        t0 = time.perf_counter()
        listed = sources.list_modules(remote=url)
        figures["list_s"] = round(time.perf_counter() - t0, 3)
        figures["list_modules"] = len(listed)
        figures["list_network_calls"] = sources.GIT_STATS.network_calls

        t0 = time.perf_counter()
        sources.resolve("samtools/view", remote=url)
        figures["second_module_pull_s"] = round(time.perf_counter() - t0, 3)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:>28}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
