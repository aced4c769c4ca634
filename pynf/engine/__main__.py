"""``python -m pynf.engine install|info|classpath``: manage the embedded Nextflow engine."""

from __future__ import annotations

import argparse
import json
import os
import sys

from ..errors import PynfError
from . import info, install

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(prog="python -m pynf.engine", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_install = sub.add_parser("install", help="resolve and download the Nextflow engine")
    p_install.add_argument("--version", default=None, help="Nextflow version (default: newest 25.04.x on Central)")
    p_install.add_argument("--repo", action="append", default=[], help="extra Maven repository URL")
    p_install.add_argument("--seqera-repo", action="store_true", help="also use Seqera's Maven repository")
    p_install.add_argument("--force", action="store_true", help="resolve again even if installed")
    p_install.add_argument("--quiet", action="store_true")
    p_info = sub.add_parser("info", help="show the engine in use")
    p_info.add_argument("--json", action="store_true")
    sub.add_parser("classpath", help="print the engine classpath")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "install":
            eng = install(args.version, progress=not args.quiet, repositories=args.repo,
                          seqera=args.seqera_repo, force=args.force)
            print(f"Nextflow {eng.version} ({eng.source}): {eng.location}")
        elif args.cmd == "info":
            eng = info()
            if args.json:
                print(json.dumps(eng.to_dict(), indent=2))
            else:
                print(f"version:  {eng.version}\nsource:   {eng.source}\nlocation: {eng.location}\n"
                      f"jars:     {len(eng.classpath)}")
                for ga, v in eng.substitutions.items():
                    print(f"substituted: {ga} -> {v} (not published for this version)")
                for ga in eng.excluded:
                    print(f"excluded: {ga} (not published; unused by local runs)")
        else:
            print(os.pathsep.join(info().classpath))
    except PynfError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
