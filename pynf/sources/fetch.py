"""Fetch just enough of a module repository: commits and trees shallowly, blobs of one module only."""

from __future__ import annotations

import io
import re
import shutil
import tarfile
import warnings

from pynf.errors import ModuleSourceError, SourceWarning
from pynf.sources.cache import RemoteCache
from pynf._util.git import GitError, git, git_bytes, git_reason

__all__ = ["GitSource"]

_SHA = re.compile(r"^[0-9a-f]{40}$")
_SHORT = re.compile(r"^[0-9a-f]{4,40}$")


#: Appended to "cannot fetch" errors: how to use another remote, or none at all.
UNREACHABLE_HINT = ("  To use another module repository (a mirror, a fork, a local clone) pass --git-remote URL "
                    "or set PYNF_MODULES_REMOTE=URL; to work without the network pass --offline or set "
                    "PYNF_OFFLINE=1 (modules pinned in pynf.lock and already in the cache keep working).")


class GitSource:
    """One module remote and its cache; network git calls happen only when ``offline`` is False.

    Methods that touch the cache must be called with ``self.cache.lock()`` held.
    """

    def __init__(self, remote: str, *, offline: bool = False, cache: RemoteCache | None = None):
        self.remote = remote
        self.offline = offline
        self.cache = cache or RemoteCache(remote)

    # -- repository ------------------------------------------------------------------------------
    def _g(self, *args: str, network: bool = False) -> str:
        if network and self.offline:
            raise ModuleSourceError(
                f"offline: cannot contact {self.remote} (need 'git {args[2] if args[0] == '-c' else args[0]}'); "
                "run the same command once while online to fill the cache, or unset PYNF_OFFLINE")
        try:
            return git(*args, cwd=self.cache.repo, network=network)
        except GitError as exc:
            if network:
                raise ModuleSourceError(
                    f"cannot fetch from module remote {self.remote}: "
                    f"{git_reason(exc.stderr) if exc.stderr else exc}\n{UNREACHABLE_HINT}"
                ) from exc
            raise

    def ensure_repo(self) -> None:
        """Create the bare partial repository for this remote if it is missing or damaged."""
        repo = self.cache.repo
        if (repo / "HEAD").is_file():
            try:
                git("rev-parse", "--git-dir", cwd=repo)
                return
            except GitError:
                warnings.warn(f"module cache repository {repo} is damaged; recreating it", SourceWarning, stacklevel=3)
                self.cache.forget_repo()
        repo.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(repo, ignore_errors=True)
        git("init", "--bare", "--quiet", "--template=", str(repo))
        for key, value in (("remote.origin.url", self.remote), ("remote.origin.promisor", "true"),
                           ("remote.origin.partialclonefilter", "blob:none"),
                           ("core.repositoryformatversion", "1"), ("extensions.partialClone", "origin"),
                           ("gc.auto", "0"), ("maintenance.auto", "false")):
            git("config", key, value, cwd=repo)

    # -- commits ---------------------------------------------------------------------------------
    def remote_head(self, branch: str) -> str:
        """Ask the remote which commit ``branch`` points to (one network call) and remember it."""
        out = self._g("ls-remote", "--heads", "origin", f"refs/heads/{branch}", network=True)
        for line in out.splitlines():
            sha, _, ref = line.partition("\t")
            if ref == f"refs/heads/{branch}":
                self.cache.record_head(branch, sha)
                return sha
        heads = self._g("ls-remote", "--heads", "origin", network=True)
        names = sorted(line.split("\t")[1].removeprefix("refs/heads/") for line in heads.splitlines() if "\t" in line)
        raise ModuleSourceError(f"branch '{branch}' does not exist on {self.remote}; branches: {', '.join(names) or 'none'}")

    def has_commit(self, sha: str) -> bool:
        """True when commit ``sha`` and its trees were fetched (marked by ``refs/pynf/commits/<sha>``).

        A ref file check rather than an object lookup: in a partial clone, looking up a missing
        object would start a lazy fetch.
        """
        return (self.cache.repo / "refs" / "pynf" / "commits" / sha).is_file()

    def fetch_commit(self, sha: str) -> None:
        """Get commit ``sha`` (40 hex) with its trees but without blobs, unless already present."""
        if not self.has_commit(sha):
            self._g("-c", "fetch.negotiationAlgorithm=noop", "fetch", "--quiet", "--no-tags",
                    "--no-write-fetch-head", "--depth", "1", "--filter=blob:none", "origin", sha, network=True)
            try:
                git("update-ref", f"refs/pynf/commits/{sha}", sha, cwd=self.cache.repo)
            except GitError as exc:
                raise ModuleSourceError(f"{self.remote} did not deliver commit {sha}") from exc

    def expand_sha(self, sha: str, branch: str) -> str:
        """Turn a full or abbreviated commit SHA into the full one (fetching branch history if needed)."""
        sha = sha.strip().lower()
        if not _SHORT.match(sha):
            raise ModuleSourceError(f"'{sha}' is not a commit SHA (expected 4 to 40 hex digits)")
        if _SHA.match(sha):
            return sha
        try:
            return git("rev-parse", "--verify", "--quiet", f"{sha}^{{commit}}", cwd=self.cache.repo)
        except GitError:
            pass
        # An abbreviated SHA cannot be fetched directly: get the branch's commit history (no trees).
        shallow = git("rev-parse", "--is-shallow-repository", cwd=self.cache.repo) == "true"
        self._g("fetch", "--quiet", "--no-tags", "--filter=tree:0", *(["--unshallow"] if shallow else []),
                "origin", f"+refs/heads/{branch}:refs/pynf/history/{branch}", network=True)
        try:
            return git("rev-parse", "--verify", "--quiet", f"{sha}^{{commit}}", cwd=self.cache.repo)
        except GitError as exc:
            raise ModuleSourceError(f"no commit {sha} on branch '{branch}' of {self.remote}") from exc

    # -- modules -------------------------------------------------------------------------------
    def module_names(self, sha: str) -> list[str]:
        """Module names (``org/tool[/sub]``, each a directory holding main.nf) at commit ``sha``."""
        cached = self.cache.listing(sha)
        if cached is not None:
            return cached
        self.fetch_commit(sha)
        out = git("ls-tree", "-r", "--name-only", sha, "--", "modules/", cwd=self.cache.repo)
        names = sorted({p[len("modules/"):-len("/main.nf")] for p in out.splitlines()
                        if p.startswith("modules/") and p.endswith("/main.nf") and p.count("/") >= 3})
        self.cache.record_listing(sha, names)
        return names

    def extract(self, sha: str, path: str) -> str:
        """Extract directory ``path`` of commit ``sha`` into the cache; return its content hash."""
        self.fetch_commit(sha)
        try:
            tree = git("rev-parse", "--verify", "--quiet", f"{sha}:{path}", cwd=self.cache.repo)
        except GitError as exc:
            raise ModuleSourceError(f"{path} does not exist at commit {sha[:12]} of {self.remote}") from exc
        listing = git("rev-list", "--objects", "--missing=print", tree, cwd=self.cache.repo)
        missing = [line[1:].split()[0] for line in listing.splitlines() if line.startswith("?")]
        if missing:
            # "noop" negotiation, as git's own lazy fetch: advertising the commit we hold would make
            # the server assume we already have its blobs.
            self._g("-c", "fetch.negotiationAlgorithm=noop", "fetch", "--quiet", "--no-tags",
                    "--no-write-fetch-head", "--filter=blob:none", "origin", *missing, network=True)
        data = git_bytes("archive", "--format=tar", tree, cwd=self.cache.repo)
        staging = self.cache.staging_dir()
        try:
            try:
                with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                    tar.extractall(staging, filter="data")
            except (tarfile.TarError, OSError) as exc:
                raise ModuleSourceError(f"cannot unpack {path} at commit {sha[:12]} of {self.remote}: {exc}") from exc
            if not (staging / "main.nf").is_file():
                raise ModuleSourceError(f"{path} at commit {sha[:12]} of {self.remote} has no main.nf")
            return self.cache.install(sha, path, staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def fsck(self) -> bool:
        """True when ``git fsck`` finds the local repository sound (missing promisor blobs are fine)."""
        try:
            git("fsck", "--connectivity-only", "--no-dangling", cwd=self.cache.repo)
            return True
        except GitError:
            return False

