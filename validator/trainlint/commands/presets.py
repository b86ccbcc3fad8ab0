"""`trainlint presets [NAME]`: the built-in presets, or one with its sources."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..show import render_preset, render_presets


def run(args: argparse.Namespace, out: TextIO) -> int:
    return render_preset(args.name, out) if args.name else render_presets(out)
