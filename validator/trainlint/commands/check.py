"""`trainlint check`: report findings in text, concise, json, sarif, github or junit."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from ..api import check_paths, iter_check, with_settings
from ..discovery import Target
from ..errors import UsageError
from ..reporters import FORMATS, renderer
from ..reporters.text import summary
from ..repository import read_candidate
from ..results import FileResult
from ..settings import Settings
from ..settings_file import Resolver, describe
from ..text import printable
from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from .fix import fix_paths_reporting
from .options import plugin_errors, resolver_from


def _format(args: argparse.Namespace) -> str:
    name = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if name not in FORMATS:
        raise UsageError(f"unknown format {name!r} (choose from: {', '.join(FORMATS)})")
    return name


def _kept(results: Iterable[FileResult], into: list[FileResult]) -> Iterator[FileResult]:
    for result in results:
        into.append(result)
        yield result


def run(args: argparse.Namespace, out: TextIO) -> int:
    name = _format(args)
    resolver = resolver_from(args)
    if args.show_settings:
        return _show_settings(args, resolver, out)
    if args.fix:
        fix_paths_reporting(args, resolver, write=True, out=None)
    if args.output is None:  # written while later files are still being checked
        results: list[FileResult] = []
        renderer(name)(
            _kept(iter_check(args.paths, jobs=args.jobs, only_configs=args.only_configs, resolver=resolver), results),
            out,
        )
    else:  # rendered whole once every file is checked, then written: never a half-written report
        results = check_paths(args.paths, jobs=args.jobs, only_configs=args.only_configs, resolver=resolver)
        report = io.StringIO(newline="\n")
        renderer(name)(results, report)
        try:
            write_whole(args.output, report.getvalue())
        except OSError as exc:
            raise UsageError(f"--output {args.output}: cannot write: {exc.strerror or exc}") from None
        out.write(f"{summary(results)}; {name} report written to {printable(str(args.output))}\n")
    if plugin_errors(resolver):
        return EXIT_ERROR
    failing = any(d.severity >= r.fail_on for r in results for d in r.diagnostics)
    return EXIT_FINDINGS if failing and not args.exit_zero else EXIT_OK


def write_whole(path: Path, text: str) -> None:
    """Write a report file whole or not at all: into a new file beside it, renamed over it once
    complete, so a run that fails or is killed leaves the old report or none, never an empty or
    half one. A path that is not a regular file (`/dev/stdout`, a named pipe) is written directly."""
    data = text.encode("utf-8")
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        regular = True
    if not regular:
        with open(path, "wb") as stream:
            stream.write(data)
        return
    folder, name = os.path.split(os.path.realpath(path))  # a symlink to the report: its file is replaced
    target = os.path.join(folder, name)
    temp = os.path.join(folder, f".{name}.{os.getpid()}.trainlint-report")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        with open(fd, "wb") as stream:
            stream.write(data)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _show_settings(args: argparse.Namespace, resolver: Resolver, out: TextIO) -> int:
    """Which configuration file wins for each file, and what it resolves to (with the command line on top)."""

    def considered(target: Target, settings: Settings) -> bool:  # as a check would decide
        try:
            return read_candidate(Path(target.path), settings, target.explicit, target.link) is not None
        except OSError:
            return True  # the check would report it: show what it would be checked with

    for target, settings in with_settings(args.paths, None, args.only_configs, resolver):
        if considered(target, settings):
            lines = describe(settings).split("\n")
            out.write(f"{printable(target.display)}:\n" + "".join(f"  {line}\n" for line in lines if line))
    return plugin_errors(resolver)
