"""`trainlint show CONFIG`: the effective config, value by value."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..show import render_effective


def run(args: argparse.Namespace, out: TextIO) -> int:
    return render_effective(Path(args.config), out)
