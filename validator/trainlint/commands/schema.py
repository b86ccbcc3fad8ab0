"""`trainlint schema`: print the JSON Schema of a config version."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..errors import UsageError
from ..resources import SUPPORTED_SCHEMA_VERSIONS, schema_path
from . import EXIT_OK


def run(args: argparse.Namespace, out: TextIO) -> int:
    if args.version not in SUPPORTED_SCHEMA_VERSIONS:
        raise UsageError(
            f"schema version {args.version} is not supported (supported: "
            f"{', '.join(map(str, SUPPORTED_SCHEMA_VERSIONS))})"
        )
    out.write(schema_path(args.version).read_text(encoding="utf-8"))
    return EXIT_OK
