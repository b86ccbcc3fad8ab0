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

from ..api import iter_fix
from ..settings_file import Resolver
from ..text import printable
from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
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


def fix_paths_reporting(
    args: argparse.Namespace, resolver: Resolver, write: bool, out: TextIO | None
) -> tuple[int, int]:
    """Fix (or diff) every file, saying what happened to each as soon as it is done."""
    changed = errors = 0
    others: set[str] = set()  # a file several configs' fixes rewrite (the editor schema) is named once
    with _stop_between_files() as stop_if_interrupted:
        for report in iter_fix(
            args.paths, write=write, jobs=args.jobs, only_configs=args.only_configs, resolver=resolver
        ):
            if report.error is not None:
                errors += 1
                print(printable(f"{report.display}: not fixed: {report.error}"), file=sys.stderr, flush=True)
            elif report.changed:
                changed += 1
                if out is not None:
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
    return changed, errors


def run(args: argparse.Namespace, out: TextIO) -> int:
    resolver = resolver_from(args)
    changed, errors = fix_paths_reporting(args, resolver, write=not args.diff, out=out)
    verb = "would fix" if args.diff else "fixed"
    print(
        f"{verb} {changed} file{'' if changed == 1 else 's'}" + (f", {errors} not fixed" if errors else ""),
        file=sys.stderr if args.diff else out,
    )
    if errors or plugin_errors(resolver):
        return EXIT_ERROR
    return EXIT_FINDINGS if args.diff and changed else EXIT_OK
