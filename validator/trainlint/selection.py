"""The rules a run applies, worked out once per settings: which codes are reported, at which
severity, and the rules stage's checks with their thresholds.

Selection follows ruff: `select` and `ignore` take codes or prefixes (`TL4`), and the most
specific match wins, so `select=["TL4"], ignore=["TL40"]` with `extend_select=["TL401"]`
runs TL401 alone among the TL4xx rules. Codes of plugins the settings do not allow stay
off, whatever the selection says; what reading the file found (`codes.always_reported`:
syntax, duplicate keys, tags, encoding, numbers, the safety limits) is always on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

from . import codes, plugins
from .diagnostics import Finding, Severity
from .document import Document
from .rules import Context, Rule, iter_rules
from .settings import Settings

Check = Callable[[Context], Iterable[Finding]]


class Selection:
    """Built once per settings object and set of registered rules (`of`); read-only after."""

    __slots__ = ("settings", "registered", "_enabled", "_checks", "_document_checks")  # _checks: by input format

    def __init__(self, settings: Settings, registered: tuple[str, ...]) -> None:
        self.settings, self.registered = settings, registered
        self._enabled: dict[str, bool] = {}
        self._checks: dict[str, list[tuple[Check, Mapping[str, Any]]]] = {}
        self._document_checks: list[Callable[[Document], Iterable[Finding]]] | None = None

    @classmethod
    def of(cls, settings: Settings) -> Selection:
        registered = tuple(Rule.registry)
        memo = settings.__dict__.get("_selection")  # not a field: eq, repr and pickling ignore it
        if memo is None or memo.registered != registered:
            memo = settings.__dict__["_selection"] = cls(settings, registered)
        return memo

    def enabled(self, code: str) -> bool:
        """Whether findings of this code are reported; memoised, as every rule of every file asks."""
        if code not in self._enabled:
            self._enabled[code] = self._decide(code)
        return self._enabled[code]

    def _decide(self, code: str) -> bool:
        s = self.settings
        if codes.always_reported(code):  # what reading the file found: never deselected (as ruff's syntax errors)
            return True
        if code.startswith(s.file_ignore) or plugins.owner(code) not in (None, *s.plugins):
            return False
        best_len, best = -1, False
        for prefixes, verdict in ((s.select + s.extend_select, True), (s.ignore, False)):
            for prefix in prefixes:
                prefix = prefix.upper()
                if code.startswith(prefix) and len(prefix) >= best_len:
                    best_len, best = len(prefix), verdict
        return best

    def severity_of(self, code: str, default: Severity) -> Severity:
        """The override for the code or its most specific prefix (`TL3 = "error"`), else the default."""
        overrides = self.settings.severity
        matches = [prefix for prefix in overrides if code.startswith(prefix)]
        return overrides[max(matches, key=len)] if matches else default

    def checks(self, input_format: str) -> list[tuple[Check, Mapping[str, Any]]]:
        """The enabled rules of the rules stage that apply to the input format, in code order, each as
        what to call (plugins.checker) with its thresholds (the rule's own under the configuration's).
        Read-only: a rule cannot change what the next file sees."""
        if input_format not in self._checks:
            overrides = self.settings.thresholds
            self._checks[input_format] = [
                (plugins.checker(rule), MappingProxyType({**rule.thresholds, **overrides.get(rule.code, {})}))
                for rule in iter_rules()
                if rule.stage == "rules"
                and self.enabled(rule.code)
                and (rule.formats is None or input_format in rule.formats)
            ]
        return self._checks[input_format]

    def document_checks(self) -> list[Callable[[Document], Iterable[Finding]]]:
        """The enabled loader-stage rules that judge a document as read (`Rule.check_document`)."""
        if self._document_checks is None:
            self._document_checks = [
                rule().check_document
                for rule in iter_rules()
                if rule.stage == "loader" and rule.check_document is not Rule.check_document and self.enabled(rule.code)
            ]
        return self._document_checks
