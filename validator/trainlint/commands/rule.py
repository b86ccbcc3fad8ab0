"""`trainlint rule CODE|NAME`: a rule's documentation, by its code (TL401) or its name (lr-and-steps-raised)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..docs import rule_markdown
from ..errors import UsageError
from ..rules import get, iter_rules
from ..text import did_you_mean
from . import EXIT_OK
from .options import plugin_errors, resolver_from


def run(args: argparse.Namespace, out: TextIO) -> int:
    resolver = resolver_from(args)
    resolver.config_for(Path.cwd() / "-")  # loads the plugins the configuration here allows
    rule = get(args.code) or next((r for r in iter_rules() if r.name == args.code.lower()), None)  # a code or a name
    if rule is None:
        from ..plugins import CODE_PATTERN, installed

        plugin_errors(resolver)
        if CODE_PATTERN.match(args.code.upper()):
            raise UsageError(
                f"unknown rule {args.code!r}: the plugin range, and no allowed plugin defines it; allow its "
                f"plugin with `plugins = [...]` in the configuration (installed: {', '.join(installed()) or 'none'})"
            )
        known = [name for r in iter_rules() for name in (r.code, r.name)]
        raise UsageError(f"unknown rule {args.code!r}{did_you_mean(args.code, known)} (see `trainlint rules`)")
    out.write(rule_markdown(rule, heading="#"))
    return EXIT_OK
