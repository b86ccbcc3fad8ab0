"""Third-party rules: packages that register rules through the `trainlint.rules` entry points.

A plugin is any installed distribution that declares an entry point in the group
`trainlint.rules`; the entry point names a module whose `Rule` subclasses register
themselves on import, exactly like the built-in rules (same metadata, documentation and
example tests). Plugin codes live in the reserved range TL900-TL999, so they never
collide with a built-in code, today's or tomorrow's.

Nothing is imported unless a configuration allows the plugin by name (`plugins = [...]`):
installing a package must not change what a run checks. A plugin that fails to import, is
not installed, or registers a code outside its range is reported as a `PluginError` naming
it; its rules stay off and the run goes on. A plugin rule that raises while checking a file
becomes an error finding under its own code, so the other rules and files are unaffected;
`sys.exit` and KeyboardInterrupt raised by a plugin are contained the same way.
"""

import functools
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from .diagnostics import Finding, Severity

if TYPE_CHECKING:
    from .rules import Context, Rule

GROUP = "trainlint.rules"
# what a plugin's code may raise and have contained: any error, and also `sys.exit` (SystemExit) and a
# KeyboardInterrupt it raises itself, which would otherwise end the whole run without a report
CONTAINED = (Exception, SystemExit, KeyboardInterrupt)
CODE_PATTERN = re.compile(r"^TL9\d\d$")
RANGE_TEXT = "TL900-TL999"

# code -> name of the plugin that registered it
_OWNERS: dict[str, str] = {}
# plugin name -> None when loaded, else the error it raised; each plugin is tried once per process
_TRIED: "dict[str, PluginError | None]" = {}


class PluginError(NamedTuple):
    """A plugin that could not be used; `str()` is the message shown to the user."""

    plugin: str
    message: str

    def __str__(self) -> str:
        return f"plugin {self.plugin!r}: {self.message}; its rules did not run"


def owner(code: str) -> str | None:
    """The plugin that owns a code; "" for a plugin-range code no allowed plugin registered."""
    if code in _OWNERS:
        return _OWNERS[code]
    return "" if CODE_PATTERN.match(code) else None


def installed() -> list[str]:
    """Names of the installed plugins (entry points in the group), allowed or not."""
    from importlib.metadata import entry_points

    return sorted({ep.name for ep in entry_points(group=GROUP)})


def load(names: Iterable[str]) -> list[PluginError]:
    """Import the named plugins (each is tried once per process); the errors of those that cannot be used."""
    errors = []
    for name in names:
        if name not in _TRIED:
            _TRIED[name] = _load_one(name)
        error = _TRIED[name]
        if error is not None:
            errors.append(error)
    return errors


def _load_one(name: str) -> PluginError | None:
    from importlib.metadata import entry_points

    from .rules import Rule

    found = list(entry_points(group=GROUP, name=name))
    if not found:
        others = ", ".join(installed()) or "none"
        return PluginError(
            name, f"not installed (no entry point {name!r} in group {GROUP!r}; installed plugins: {others})"
        )
    entry = found[0]
    before = set(Rule.registry)
    try:
        entry.load()
    except CONTAINED as exc:  # a broken plugin must never take the run down, not even by `sys.exit`
        _forget(set(Rule.registry) - before)
        return PluginError(name, f"failed to import {entry.value!r}: {type(exc).__name__}: {exc}")
    new = set(Rule.registry) - before
    problem = _invalid(sorted(new), Rule) if new else f"{entry.value!r} defines no rule (subclass trainlint.rules.Rule)"
    if problem:
        _forget(new)
        return PluginError(name, problem)
    _OWNERS.update(dict.fromkeys(new, name))
    return None


def _invalid(codes: list[str], base: "type[Rule]") -> str | None:
    """Why the rules a plugin registered cannot be used, or None: the metadata built-ins have."""
    for code in codes:
        rule = base.registry[code]
        if not CODE_PATTERN.match(code):
            return f"rule code {code!r} is outside the range reserved for plugins ({RANGE_TEXT})"
        if not isinstance(getattr(rule, "name", None), str) or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", rule.name):
            return f"rule {code} needs a kebab-case `name`"
        if not isinstance(getattr(rule, "severity", None), Severity):
            return f"rule {code} needs a `severity` (trainlint.diagnostics.Severity)"
        if rule.stage != "rules" or rule.check is base.check:
            return f"rule {code} needs a `check(ctx)` method and stage 'rules'"
        if (
            not rule.rationale()
            or not isinstance(getattr(rule, "fails", None), str)
            or not isinstance(getattr(rule, "passes", None), str)
        ):
            return f"rule {code} needs a docstring and `fails` / `passes` examples"
    return None


def _forget(codes: set[str]) -> None:
    from .rules import Rule

    for code in codes:
        Rule.registry.pop(code, None)


def checker(rule: "type[Rule]") -> "Callable[[Context], Iterable[Finding]]":
    """What the engine calls for each file: a built-in rule's own `check` (rules keep no state, so
    one instance serves every file), a plugin's through `_run_plugin_rule`, which contains its failures."""
    plugin = _OWNERS.get(rule.code)
    if plugin is None:
        return rule().check
    return functools.partial(_run_plugin_rule, rule, plugin)


def _run_plugin_rule(rule: "type[Rule]", plugin: str, ctx: "Context") -> list[Finding]:
    """Run a plugin's rule; one that raises or returns junk becomes one error finding under its code."""
    try:
        found = list(rule().check(ctx))
    except CONTAINED as exc:  # the rest of the run must not depend on a plugin
        return [_failure(rule, plugin, f"raised {type(exc).__name__}: {exc}")]
    for item in found:
        if not (isinstance(item, Finding) and item.code == rule.code and isinstance(item.path, tuple)):
            return [_failure(rule, plugin, f"returned {item!r:.80} instead of a Finding with code {rule.code}")]
    return found


def _failure(rule: "type[Rule]", plugin: str, what: str) -> Finding:
    return Finding(
        rule.code,
        f"rule {rule.code} of plugin {plugin!r} {what}; it did not check this file",
        hint="report this to the plugin's authors, or remove the plugin from `plugins`",
        severity=Severity.ERROR,
    )
