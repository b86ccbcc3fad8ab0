"""The rule registry: importing this package registers every built-in rule.

One module per stage of the pipeline; each rule is a small class with its code,
name, severity, thresholds, examples and a docstring that is its documentation.
"""

from __future__ import annotations

from . import (  # noqa: F401  (registers the rules)
    dataset,
    editor,
    presets,
    reading,
    schema,
    trainer_traps,
    training,
    unused_suppression,
    yaml11,
)
from .base import Context, Rule, iter_rules

__all__ = ["Context", "Rule", "iter_rules", "get"]


def get(code: str) -> type[Rule] | None:
    return Rule.registry.get(code.upper())
