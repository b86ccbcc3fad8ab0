"""What a run is asked to do: rule selection, severities, thresholds and limits.

Selection follows ruff: `select` and `ignore` take codes or prefixes (`TL4`), and the
most specific match wins, so `select=["TL4"], ignore=["TL40"]` with
`extend_select=["TL401"]` runs TL401 alone among the TL4xx rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Severity
from .load import Limits


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ("TL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.WARNING
    severity: dict[str, Severity] = field(default_factory=dict)
    thresholds: dict[str, dict[str, Any]] = field(default_factory=dict)
    limits: Limits = Limits()
    # preset files and dataset folders must stay under this folder (None: the config's repository)
    root: Path | None = None
    # codes that `per-file-ignores` switch off for this one file: they win over any select
    file_ignore: tuple[str, ...] = ()
    # plugins (entry-point names) whose rules may run; rules of other plugins stay off
    plugins: tuple[str, ...] = ()
    # folders searched for a repository preset file the config names but does not hold beside it
    preset_dirs: tuple[Path, ...] = ()
    # the configuration file these settings came from, for messages (None: defaults / command line)
    config_file: Path | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Fields only: what is memoised on a settings object (`_`-names) is rebuilt where it is used."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def enabled(self, code: str) -> bool:
        """Whether findings of this code are reported; memoised, as every rule of every file asks."""
        memo: dict[str, bool] = self.__dict__.setdefault("_enabled_memo", {})  # not a field: eq, repr ignore it
        if code not in memo:
            memo[code] = self._decide(code)
        return memo[code]

    def _decide(self, code: str) -> bool:
        from .plugins import owner

        if code.startswith(self.file_ignore) or owner(code) not in (None, *self.plugins):
            return False
        best_len, best = -1, False
        for prefixes, verdict in ((self.select + self.extend_select, True), (self.ignore, False)):
            for prefix in prefixes:
                prefix = prefix.upper()
                if code.startswith(prefix) and len(prefix) >= best_len:
                    best_len, best = len(prefix), verdict
        return best

    def severity_of(self, code: str, default: Severity) -> Severity:
        """The override for the code or its most specific prefix (`TL3 = "error"`), else the default."""
        matches = [prefix for prefix in self.severity if code.startswith(prefix)]
        return self.severity[max(matches, key=len)] if matches else default
