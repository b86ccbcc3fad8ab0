"""`trainlint fix`: apply the safe fixes, or print them as a diff."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from ..api import fix_paths
from ..settings_file import Resolver
from ..text import printable
from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from .options import plugin_errors, resolver_from


def fix_paths_reporting(args: argparse.Namespace, resolver: Resolver, write: bool, out: TextIO | None) -> tuple[int, int]:
    changed = errors = 0
    for report in fix_paths(args.paths, write=write, jobs=args.jobs, only_configs=args.only_configs, resolver=resolver):
        if report.error is not None:
            errors += 1
            print(printable(f"{report.display}: not fixed: {report.error}"), file=sys.stderr)
        elif report.changed:
            changed += 1
            if out is not None:
                out.write(report.diff if not write else f"fixed {printable(report.display)}\n")
    return changed, errors


def run(args: argparse.Namespace, out: TextIO) -> int:
    resolver = resolver_from(args)
    changed, errors = fix_paths_reporting(args, resolver, write=not args.diff, out=out)
    verb = "would fix" if args.diff else "fixed"
    print(f"{verb} {changed} file{'' if changed == 1 else 's'}" + (f", {errors} not fixed" if errors else ""),
          file=sys.stderr if args.diff else out)
    if errors or plugin_errors(resolver):
        return EXIT_ERROR
    return EXIT_FINDINGS if args.diff and changed else EXIT_OK
