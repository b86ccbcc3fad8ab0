"""`trainlint fix`: apply the safe fixes, or print them as a diff."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from types import FrameType
from typing import TextIO

from ..api import FixReport, fix_source, iter_fix
from ..settings_file import Resolver
from ..text import printable
from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, stdin
from .options import plugin_errors, resolver_from


@contextlib.contextmanager
def _stop_between_files() -> Iterator[Callable[[], None]]:
    """Ctrl-C while a file is being fixed takes effect once that file is done and reported, so every
    file rewritten before the interrupt has been named (the command then exits 130). Yields the check
    to call after each report. A process forked from here (a worker of a parallel run) stops at once,
    as without this; files rewritten by a worker but not yet sent back are not named."""
    pid, interrupted = os.getpid(), []

    def defer(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != pid:
            raise KeyboardInterrupt
        interrupted.append(signum)

    def check() -> None:
        if interrupted:
            raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGINT, defer)
    except ValueError:  # not the main thread of an embedding program: interrupts arrive as they come
        yield check
        return
    try:
        yield check
    except RuntimeError:
        if interrupted:  # a worker process ended by the same Ctrl-C
            raise KeyboardInterrupt from None
        raise
    finally:
        signal.signal(signal.SIGINT, previous)


def tell_skipped(args: argparse.Namespace) -> Callable[[str, str], None]:
    """Name on stderr a file named on the command line that the run leaves alone (not with --quiet)."""

    def tell(display: str, reason: str) -> None:
        if not args.quiet:
            print(printable(f"{display}: not checked: {reason}"), file=sys.stderr, flush=True)

    return tell


def fix_paths_reporting(
    args: argparse.Namespace, resolver: Resolver, write: bool, out: TextIO | None
) -> tuple[int, int, int]:
    """Fix (or diff) every file, saying what happened to each as soon as it is done; returns the files
    rewritten (or with a diff), the files left as they were, and the findings fixed."""
    changed = errors = fixed = 0
    others: set[str] = set()  # a file several configs' fixes rewrite (the editor schema) is named once
    with _stop_between_files() as stop_if_interrupted:
        for report in iter_fix(
            args.paths or ["."],
            write=write,
            jobs=args.jobs,
            only_configs=args.only_configs,
            resolver=resolver,
            skipped=tell_skipped(args) if out is not None else None,  # check --fix names them once, itself
        ):
            if report.error is not None:
                errors += 1
                print(printable(f"{report.display}: not fixed: {report.error}"), file=sys.stderr, flush=True)
            elif report.changed:
                changed += 1
                fixed += report.fixed
                if out is not None and not (write and args.quiet):
                    out.write(report.diff if not write else f"fixed {printable(report.display)}\n")
                    out.flush()
            for name, diff in report.others:
                if name not in others:
                    others.add(name)
                    changed += 1
                    if out is not None:
                        out.write(diff if not write else f"fixed {printable(name)}\n")
                        out.flush()
            stop_if_interrupted()
    return changed, errors, fixed


def run(args: argparse.Namespace, out: TextIO) -> int:
    resolver = resolver_from(args)
    if stdin.wanted(args):
        return _fix_stdin(args, resolver, out)
    changed, errors, fixed = fix_paths_reporting(args, resolver, write=not args.diff, out=out)
    if not args.quiet:
        verb = "would fix" if args.diff else "fixed"
        print(
            f"{verb} {changed} file{'' if changed == 1 else 's'}" + (f", {errors} not fixed" if errors else ""),
            file=sys.stderr if args.diff else out,
        )
    if errors or plugin_errors(resolver):
        return EXIT_ERROR
    return EXIT_FINDINGS if args.diff and changed else EXIT_OK


def _fix_stdin(args: argparse.Namespace, resolver: Resolver, out: TextIO) -> int:
    """`fix -`: the fixed text on standard output (ruff's `-`), or with --diff the diff; the text as
    it came when there is nothing to fix, the configuration excludes it, or it cannot be fixed safely
    (named on stderr, exit 2). The bytes are written as they are: the encoding, BOM and line breaks
    of the input stay."""
    source = stdin.read(args, resolver)
    if source.settings is None:
        tell_skipped(args)(source.display, "excluded by the configuration")
        new, report = source.raw, FixReport(source.display)
    else:
        new, report = fix_source(source.raw, source.path, source.display, source.settings, diff=args.diff)
    if report.error is not None:
        print(printable(f"{report.display}: not fixed: {report.error}"), file=sys.stderr)
    if args.diff:
        out.write(report.diff)
    else:
        out.flush()
        sys.stdout.buffer.write(new)
    if report.error is not None or plugin_errors(resolver):
        return EXIT_ERROR
    return EXIT_FINDINGS if args.diff and report.changed else EXIT_OK
