"""``python -m pynf.engine install|info|classpath|archive``: manage the embedded Nextflow engine."""

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
    p_archive = sub.add_parser("archive", help="build the engine's class-data archive (faster JVM starts)")
    p_archive.add_argument("--force", action="store_true", help="build again even if one exists")
    p_archive.add_argument("--quiet", action="store_true")
    p_archive.add_argument("--background", action="store_true", help=argparse.SUPPRESS)  # low priority, no wait
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
                      f"jars:     {len(eng.classpath)}\narchive:  {_archive_state(eng)}")
                for ga, v in eng.substitutions.items():
                    print(f"substituted: {ga} -> {v} (not published for this version)")
                for ga in eng.excluded:
                    print(f"excluded: {ga} (not published; unused by local runs)")
        elif args.cmd == "archive":
            return _archive(args)
        else:
            print(os.pathsep.join(info().classpath))
    except PynfError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _archive_state(eng) -> str:
    from . import cds

    if not cds.enabled():
        return "off (PYNF_CDS)"
    try:
        path = cds.usable_archive(eng)
    except PynfError:
        path = None
    return str(path) if path else "none yet (built by `install`, or in the background at the first JVM start)"


def _archive(args) -> int:
    from . import cds

    if args.background:
        os.nice(10)
    if not cds.enabled():
        print("error: class-data archives are turned off (PYNF_CDS)", file=sys.stderr)
        return 1
    path = cds.build(force=args.force, progress=not (args.quiet or args.background), wait=not args.background)
    if path is None:
        if not args.background:
            print("error: no class-data archive was built (see the log above)", file=sys.stderr)
        return 1
    if not args.quiet and not args.background:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
