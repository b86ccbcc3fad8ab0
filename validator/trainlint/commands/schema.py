"""`trainlint schema`: print the JSON Schema of a config version, or write the repository's copy for editors."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from .. import editor_schema
from ..errors import UsageError
from ..paths import from_cwd
from ..repository import repo_root
from ..resources import SUPPORTED_SCHEMA_VERSIONS
from ..text import printable
from . import EXIT_OK

DEFAULT = "-"  # `--write` without a path: the repository's copy (editor_schema.SCHEMA_FILE)


def run(args: argparse.Namespace, out: TextIO) -> int:
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
