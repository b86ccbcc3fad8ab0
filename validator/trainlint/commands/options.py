"""Turning the command line's selection and configuration options into a Resolver, and the
plugin errors a run reports at its end.
"""

from __future__ import annotations

import argparse
import sys

from ..diagnostics import Severity
from ..errors import UsageError
from ..plugins import CODE_PATTERN
from ..settings_file import Overrides, Resolver
from ..text import did_you_mean, printable
from . import EXIT_ERROR, EXIT_OK


def resolver_from(args: argparse.Namespace) -> Resolver:
    """Configuration discovery with the command line's overrides on top; plugins load as configs are found."""

    named = [*(getattr(args, "select", None) or []), *getattr(args, "extend_select", []), *getattr(args, "ignore", [])]
    for code in named:
        plugin_code = CODE_PATTERN.match(code.ljust(5, "0"))  # TL9xx belong to plugins, known once they load
        if not plugin_code and not any(r.startswith(code) for r in all_codes()):
            raise UsageError(
                f"no rule code starts with {code!r}{did_you_mean(code, all_codes())} (see `trainlint rules`)"
            )
    fail_on = None
    if getattr(args, "fail_on", None) is not None:
        try:
            fail_on = Severity.parse(args.fail_on)
        except ValueError as exc:
            raise UsageError(f"--fail-on: {exc}") from None
    select = getattr(args, "select", None)
    training_type, preset = _hints(args)
    overrides = Overrides(
        select=tuple(select) if select else None,
        extend_select=tuple(getattr(args, "extend_select", [])),
        ignore=tuple(getattr(args, "ignore", [])),
        fail_on=fail_on,
        input_format=getattr(args, "input_format", None),
        training_type=training_type,
        preset=preset,
        respect_gitignore=getattr(args, "respect_gitignore", None),
    )
    return Resolver(args.config, args.isolated, overrides)


def _hints(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """`--training-type` and `--preset`, checked against the catalog."""
    training_type, preset = getattr(args, "training_type", None), getattr(args, "preset", None)
    if training_type is None and preset is None:
        return None, None
    from ..catalog import catalog

    cat = catalog()
    if training_type is not None and training_type not in cat.training_types:
        raise UsageError(
            f"--training-type: {training_type!r} is not one of {', '.join(cat.training_types)}"
            + did_you_mean(training_type, cat.training_types)
        )
    if preset is not None and cat.get(preset) is None:
        raise UsageError(
            f"--preset: unknown preset {preset!r}{did_you_mean(preset, cat.refs())} (see `trainlint presets`)"
        )
    return training_type, preset


def plugin_errors(resolver: Resolver) -> int:
    """Report plugins that could not be used (the run went on without them): exit 2 after the report."""
    for error in resolver.plugin_errors:
        print(f"trainlint: error: {printable(error)}", file=sys.stderr)  # names the plugin as configured
    return EXIT_ERROR if resolver.plugin_errors else EXIT_OK


def all_codes() -> list[str]:
    from ..rules import iter_rules  # only a run that names codes loads the rules

    return [r.code for r in iter_rules()]
