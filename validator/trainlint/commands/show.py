"""`trainlint show CONFIG`: the effective config, value by value."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..errors import UsageError
from ..show import render_effective
from ..text import printable
from .options import plugin_errors, resolver_from


def run(args: argparse.Namespace, out: TextIO) -> int:
    path = Path(args.file)
    if path.is_dir():
        raise UsageError(
            printable(
                f"{args.file}: is a folder; `show` takes one config file (`trainlint check {args.file}` checks a folder)"
            )
        )
    resolver = resolver_from(args)
    settings = resolver.settings_for(path) if path.is_file() else None
    code = render_effective(path, out, settings, fmt=args.format or "text", display=args.file)
    return code or plugin_errors(resolver)
