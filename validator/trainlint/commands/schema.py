"""`trainlint schema`: print the JSON Schema of a config version or of a trainer's own config file, or
write the repository's copy for editors."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from .. import editor_schema
from ..errors import UsageError
from ..paths import from_cwd
from ..repository import repo_root
from ..resources import SUPPORTED_SCHEMA_VERSIONS, TRAINER_SCHEMAS, trainer_schema_path
from ..text import printable
from . import EXIT_OK

DEFAULT = "-"  # `--write` without a path: the repository's copy (editor_schema.SCHEMA_FILE)


def run(args: argparse.Namespace, out: TextIO) -> int:
    trainer = getattr(args, "trainer", None)
    if trainer is not None:
        if getattr(args, "write", None) is not None:
            raise UsageError("--for prints a trainer's schema; --write writes trainlint's own: give one of them")
        out.write(trainer_schema_path(_trainer(trainer)).read_text(encoding="utf-8"))
        return EXIT_OK
    if args.version not in SUPPORTED_SCHEMA_VERSIONS:
        raise UsageError(
            f"schema version {args.version} is not supported (supported: "
            f"{', '.join(map(str, SUPPORTED_SCHEMA_VERSIONS))})"
        )
    if args.write is None:
        out.write(editor_schema.shipped_text(args.version))
        return EXIT_OK
    if args.version != 1:  # the copy's path names its version; one version exists
        raise UsageError("--write writes the schema of version 1")
    target = editor_schema.default_path(repo_root(Path.cwd())) if args.write == DEFAULT else Path(args.write)
    shown = printable(from_cwd(target))
    try:
        written = editor_schema.write(target, args.version)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write {shown}: {exc.strerror or exc}") from None
    out.write(f"wrote {shown}\n" if written else f"{shown} is up to date\n")
    return EXIT_OK


def _trainer(name: str) -> str:
    if name in TRAINER_SCHEMAS:
        return name
    from ..tools.trainer_schemas import SKIPPED

    if name in SKIPPED:
        raise UsageError(f"no schema for {name}: {SKIPPED[name]}")
    raise UsageError(f"no schema for {name!r} (trainer schemas: {', '.join(TRAINER_SCHEMAS)})")
