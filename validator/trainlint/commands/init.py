"""`trainlint init`: write a new config from a preset, bound to the schema."""

from __future__ import annotations

import argparse
from typing import TextIO

from .. import init
from ..errors import InitError, UsageError
from . import EXIT_OK


def run(args: argparse.Namespace, out: TextIO) -> int:
    try:
        _, message = init.run(args.path, args.preset, args.schema_ref, args.name, args.dataset, args.force, args.editor)
    except InitError as exc:
        raise UsageError(str(exc)) from None
    out.write(message)
    return EXIT_OK
