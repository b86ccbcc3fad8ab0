"""`trainlint show CONFIG`: the effective config, value by value."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..show import render_effective
from .options import plugin_errors, resolver_from


def run(args: argparse.Namespace, out: TextIO) -> int:
    path = Path(args.file)
    resolver = resolver_from(args)
    settings = resolver.settings_for(path) if path.is_file() else None
    code = render_effective(path, out, settings, fmt=args.format or "text", display=args.file)
    return code or plugin_errors(resolver)
