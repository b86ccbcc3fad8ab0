"""`trainlint import FILE|FOLDER`: trainers' configs as trainlint configs (`import` is Python's word,
hence the module's name)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from ..discovery import discover
from ..errors import UsageError
from ..importer import NotATrainerConfig, import_file, output_name
from ..paths import is_inside
from ..settings_file import Resolver
from ..text import printable
from . import EXIT_ERROR, EXIT_OK
from .options import resolver_from


def run(args: argparse.Namespace, out: TextIO) -> int:
    source = Path(args.path)
    resolver = resolver_from(args)
    output: Path | None = args.output
    if source.is_dir():
        if output is None:
            raise UsageError("importing a folder writes one config per file: name the folder with -o DIR")
        return _folder(args, source, output, resolver, out)
    if not source.is_file():
        raise UsageError(f"{args.path}: no such file or folder")
    settings = resolver.settings_for(source)
    out_dir = (output.parent if output is not None else Path.cwd()).resolve()
    imported = import_file(source, args.path, settings, out_dir)
    if output is None:
        out.write(imported.text)
        return EXIT_OK
    _write(output, imported.text, args.force)
    print(f"wrote {printable(str(output))} from {printable(args.path)} ({imported.preset})", file=out)
    return EXIT_OK


def _write(path: Path, text: str, force: bool) -> None:
    if path.is_symlink():  # writing through it would put the config wherever it points
        raise UsageError(f"{path} is a symbolic link; not written")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "w" if force else "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageError(f"{path} exists; pass --force to overwrite it") from None


def _folder(args: argparse.Namespace, source: Path, output: Path, resolver: Resolver, out: TextIO) -> int:
    """One config per trainer file below `source`, at the same place below `output` (never above it); a
    file that cannot be imported is named on stderr and the others go on (exit 2 at the end)."""
    failed = written = 0
    root = output.resolve()
    top = source.resolve()
    for target in discover([str(source)]):
        path = Path(target.path)
        try:
            rel = Path(target.real).relative_to(top)
        except ValueError:  # reached through a symlink out of the folder: not imported
            continue
        dest = root / rel.parent / output_name(path)
        if not is_inside(dest, root) or dest.resolve() == Path(target.real):
            failed += 1
            print(
                f"trainlint: {printable(str(dest))}: not written: it lies outside {printable(str(output))}",
                file=sys.stderr,
            )
            continue
        settings = resolver.settings_for(path)
        try:
            imported = import_file(path, target.display, settings, dest.parent, explicit=False)
        except NotATrainerConfig:
            continue
        except UsageError as exc:
            failed += 1
            print(f"trainlint: {printable(str(exc))}", file=sys.stderr)
            continue
        try:
            _write(dest, imported.text, args.force)
        except UsageError as exc:
            failed += 1
            print(f"trainlint: {printable(str(exc))}", file=sys.stderr)
            continue
        written += 1
        print(f"wrote {printable(str(dest))} from {printable(target.display)} ({imported.preset})", file=out)
    print(
        f"imported {written} file{'' if written == 1 else 's'}" + (f", {failed} not imported" if failed else ""),
        file=out,
    )
    return EXIT_ERROR if failed else EXIT_OK
