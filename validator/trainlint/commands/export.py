"""`trainlint export CONFIG --to TRAINER`: the config as that trainer's config, or `--into` one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from ..errors import FixError, UsageError
from ..export import exporter, make, refusal, target_of, update, verify
from ..exporters.base import Plan, Target
from ..replace import replace_file
from ..settings import Settings
from ..text import printable
from . import EXIT_ERROR, EXIT_OK
from .options import resolver_from


def run(args: argparse.Namespace, out: TextIO) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file}: no such file")
    settings = resolver_from(args).settings_for(path)
    output: Path | None = args.output
    into: Path | None = args.into
    written_at = into or output
    out_dir = (written_at.parent if written_at is not None else Path.cwd()).resolve()
    if output is not None:
        _check_suffix(output, args.to)
    target = target_of(path, args.file, settings, args.images, out_dir)
    if into is not None:
        return _update(args, target, into, settings, out)
    plan, text, others = make(target, args.to, output.name if output is not None else None)
    why = refusal(args.to, plan, args.approximate)
    if why is not None:
        _error(why)
        return EXIT_ERROR
    verify(args.to, text, output.name if output else "exported", others, out_dir, settings, plan, target)
    _report(plan, sys.stderr)
    if output is None:
        out.write(text)
        return EXIT_OK
    if output.exists() and not args.force:
        raise UsageError(f"{args.output} exists; pass --force to overwrite it, or --into to update it in place")
    for name in others:
        if (output.parent / name).exists() and not args.force:
            raise UsageError(f"{output.parent / name} exists; pass --force to overwrite it")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8", newline="\n")
    for name, other in others.items():
        (output.parent / name).write_text(other, encoding="utf-8", newline="\n")
    shown = ", ".join(printable(str(output.parent / n)) for n in others)
    print(f"wrote {printable(str(output))}" + (f" and {shown}" if shown else ""), file=out)
    return EXIT_OK


def _update(args: argparse.Namespace, target: Target, into: Path, settings: Settings, out: TextIO) -> int:
    if not into.is_file():
        raise UsageError(f"{args.into}: no such file (--into updates a trainer config that exists)")
    updated = update(target, args.to, into, str(args.into), settings)
    why = refusal(args.to, updated.plan, args.approximate)
    if why is not None:
        _error(why)
        return EXIT_ERROR
    _report(updated.plan, sys.stderr)
    if updated.new == updated.raw:
        print(f"{printable(str(args.into))}: already up to date", file=out)
        return EXIT_OK
    try:
        replace_file(into, updated.raw, updated.new)
    except FixError as exc:
        raise UsageError(f"{args.into}: not updated: {exc}") from None
    print(f"updated {printable(str(args.into))}", file=out)
    return EXIT_OK


# the suffixes a file of each kind may have (the trainers' formats read them so: inputs/__init__.py)
_SUFFIXES = {".json": (".json",), ".toml": (".toml",), ".yaml": (".yaml", ".yml"), ".sh": (".sh", ".bash")}


def _check_suffix(output: Path, to: str) -> None:
    suffix = exporter(to).SUFFIX
    if output.suffix.lower() not in _SUFFIXES[suffix]:
        raise UsageError(f"a {to} config is written as {suffix}: name the output file so ({output.name})")


def _error(why: str) -> None:
    for number, line in enumerate(why.splitlines()):
        print(("trainlint: error: " if not number else "") + printable(line), file=sys.stderr)


def _report(plan: Plan, stream: TextIO) -> None:
    for change in plan.changes:
        print(f"changed: {printable(change.describe())}", file=stream)
    for note in plan.notes:
        print(f"note: {printable(note)}", file=stream)
