"""`trainlint rule CODE`: a rule's documentation."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..docs import rule_markdown
from ..errors import UsageError
from ..rules import get
from . import EXIT_OK
from .options import plugin_errors, resolver_from


def run(args: argparse.Namespace, out: TextIO) -> int:
    resolver = resolver_from(args)
    resolver.config_for(Path.cwd() / "-")  # loads the plugins the configuration here allows
    rule = get(args.code)
    if rule is None:
        from ..plugins import CODE_PATTERN, installed

        plugin_errors(resolver)
        if CODE_PATTERN.match(args.code.upper()):
            raise UsageError(
                f"unknown rule {args.code!r}: the plugin range, and no allowed plugin defines it; allow its "
                f"plugin with `plugins = [...]` in the configuration (installed: {', '.join(installed()) or 'none'})"
            )
        raise UsageError(f"unknown rule {args.code!r} (see `trainlint rules`)")
    out.write(rule_markdown(rule, heading="#"))
    return EXIT_OK
