"""How fast the Seqera client gives up where retrying cannot help (issue 11, items 12 and 14).

* a wrapper-repository push refused by a pre-receive hook (a real bare repository on file://);
* an API endpoint that refuses connections (a closed port on 127.0.0.1);
* an API endpoint whose host name does not resolve (``nonexistent.invalid``).

    python benchmarks/seqera_fail_fast.py [--json]

Prints seconds until the typed error, and the connection attempts made. Targets: refused push < 5 s,
unreachable endpoint < 10 s (the issue's acceptance bounds).
"""

from __future__ import annotations

#: Quick mode for the test suite (tests/benchmark_runner.py): small sizes, JSON on stdout.
QUICK_ARGS = ["--json"]
#: Keys the JSON report always has.
EXPECTED_KEYS = frozenset({"refused_push", "connection_refused", "name_not_resolved"})
#: What the quick mode needs from the machine ("engine", "corpus", "tools:a,b").
NEEDS: tuple[str, ...] = ()

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

__all__ = ["main"]


def _refused_push(tmp: Path) -> dict:
    from pynf.backends.seqera.wrapper_repo import WrapperRepo, WrapperRepoError
    from pynf.render.bundle import Bundle

    remote = tmp / "w.git"
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(remote)], check=True)
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    bundle = Bundle(module_id="bench/x", process="X", main_nf="workflow { }\n", param_values={}, config_text="")
    start = time.monotonic()
    try:
        WrapperRepo(remote.as_uri(), cache_dir=tmp / "cache").publish(bundle)
        message = None
    except WrapperRepoError as exc:
        message = str(exc)
    return {"seconds": round(time.monotonic() - start, 3), "hook_message_shown": bool(message and "protected branch" in message)}


def _unreachable(endpoint: str) -> dict:
    import urllib3.util.connection as conn

    from pynf.backends.seqera.client import SeqeraClient
    from pynf.errors import SeqeraUnavailable

    attempts = []
    real = conn.create_connection

    def counting(address, *a, **kw):
        attempts.append(address)
        return real(address, *a, **kw)

    conn.create_connection = counting
    try:
        start = time.monotonic()
        try:
            SeqeraClient("bench-token", endpoint).user_info()
            failed = False
        except SeqeraUnavailable:
            failed = True
        return {"seconds": round(time.monotonic() - start, 3), "attempts": len(attempts), "failed": failed}
    finally:
        conn.create_connection = real


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        report = {"refused_push": _refused_push(Path(tmp)),
                  "connection_refused": _unreachable(f"http://127.0.0.1:{port}/api"),
                  "name_not_resolved": _unreachable("http://nonexistent.invalid/api")}
    print(json.dumps(report, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in report.items()))
    return report


if __name__ == "__main__":
    main()
