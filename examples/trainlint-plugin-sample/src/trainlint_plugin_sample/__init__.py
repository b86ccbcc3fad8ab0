"""Naming rules for training configs: a sample trainlint plugin.

Importing this module registers its rules; trainlint imports it only when a
configuration allows the plugin (`plugins = ["sample"]`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from trainlint.diagnostics import Finding, Severity
from trainlint.rules import Context, Rule

_BASE = """\
schema_version: 1
base_model: sdxl
training_type: style
preset: sdxl/style
classification: sdxl/style
dataset:
  images: 24
"""
_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class MissingName(Rule):
    """The config has no `name`.

    The name is what ties a trained model back to the config that produced it: in run
    dashboards, model registries and the file names of checkpoints. Without one, people fall
    back to file names, which change when configs move.
    """

    code = "TL901"
    name = "missing-name"
    severity = Severity.WARNING
    fails = _BASE
    passes = "name: watercolor-landscapes\n" + _BASE

    def check(self, ctx: Context) -> Iterator[Finding]:
        name = ctx.config.get("name")
        if not isinstance(name, str) or not name.strip():
            yield Finding(
                self.code,
                "the config has no `name`",
                ("name",) if "name" in ctx.config else (),
                hint="add `name: <short-kebab-case-name>` at the top",
            )


class NameStyle(Rule):
    """The `name` is not kebab-case, or is longer than `max_length` characters.

    Names end up in checkpoint file names, URLs and shell commands: lower-case words joined
    by hyphens survive all of them unquoted, and a short name stays readable in a table.
    """

    code = "TL902"
    name = "name-style"
    severity = Severity.INFO
    thresholds = {"max_length": 40}
    fails = "name: Watercolor Landscapes v2\n" + _BASE
    passes = "name: watercolor-landscapes-v2\n" + _BASE

    def check(self, ctx: Context) -> Iterator[Finding]:
        name = ctx.config.get("name")
        if not isinstance(name, str) or not name:
            return
        limit = ctx.thresholds["max_length"]
        if not _KEBAB.fullmatch(name):
            suggestion = "-".join(re.findall(r"[a-z0-9]+", name.lower()))
            yield Finding(
                self.code,
                f"name {name!r} is not kebab-case",
                ("name",),
                hint=f"write it as `{suggestion}`" if suggestion else "use lower-case words joined by hyphens",
            )
        elif len(name) > limit:
            yield Finding(
                self.code,
                f"name {name!r} is {len(name)} characters long (limit {limit})",
                ("name",),
                hint="shorten it; details belong in the description",
            )
