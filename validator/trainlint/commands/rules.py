"""`trainlint rules`: every rule, with the plugins the configuration allows."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..plugins import owner
from ..rules import iter_rules
from .options import plugin_errors, resolver_from


def run(args: argparse.Namespace, out: TextIO) -> int:
    resolver = resolver_from(args)
    allowed = resolver.settings_for(Path.cwd() / "-").plugins
    for r in iter_rules():
        if owner(r.code) not in (None, *allowed):
            continue
        note = f" (severity: {r.severity_note})" if r.severity_note else ""
        out.write(f"{r.code}  {r.name:<28} {str(r.severity):<8} {'fix' if r.fixable else '   '}  {r.summary()}{note}\n")
    return plugin_errors(resolver)
