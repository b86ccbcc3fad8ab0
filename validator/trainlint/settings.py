"""What a run is asked to do: rule selection, severities, thresholds and limits.

Selection follows ruff: `select` and `ignore` take codes or prefixes (`TL4`), and the
most specific match wins, so `select=["TL4"], ignore=["TL40"]` with
`extend_select=["TL401"]` runs TL401 alone among the TL4xx rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .diagnostics import Severity
from .document import Limits


class Settings:
    """Immutable once made; `replace` makes a changed copy. A plain class rather than a
    dataclass (start-up cost, see diagnostics.py) that also holds the memos of `enabled`
    and of the engine under `_`-names, which equality, repr and pickling leave out."""

    select: tuple[str, ...]
    extend_select: tuple[str, ...]
    ignore: tuple[str, ...]
    fail_on: Severity
    severity: dict[str, Severity]
    thresholds: dict[str, dict[str, Any]]
    limits: Limits
    # preset files and dataset folders must stay under this folder (None: the config's repository)
    root: Path | None
    # codes that `per-file-ignores` switch off for this one file: they win over any select
    file_ignore: tuple[str, ...]
    # plugins (entry-point names) whose rules may run; rules of other plugins stay off
    plugins: tuple[str, ...]
    # folders searched for a repository preset file the config names but does not hold beside it
    preset_dirs: tuple[Path, ...]
    # the configuration file these settings came from, for messages (None: defaults / command line)
    config_file: Path | None

    def __init__(self, select: tuple[str, ...] = ("TL",), extend_select: tuple[str, ...] = (),
                 ignore: tuple[str, ...] = (), fail_on: Severity = Severity.WARNING,
                 severity: dict[str, Severity] | None = None, thresholds: dict[str, dict[str, Any]] | None = None,
                 limits: Limits = Limits(), root: Path | None = None, file_ignore: tuple[str, ...] = (),
                 plugins: tuple[str, ...] = (), preset_dirs: tuple[Path, ...] = (), config_file: Path | None = None) -> None:
        self.__dict__.update(
            select=select, extend_select=extend_select, ignore=ignore, fail_on=fail_on,
            severity={} if severity is None else severity, thresholds={} if thresholds is None else thresholds,
            limits=limits, root=root, file_ignore=file_ignore, plugins=plugins, preset_dirs=preset_dirs,
            config_file=config_file,
        )

    def fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def replace(self, **changes: Any) -> Settings:
        return Settings(**{**self.fields(), **changes})

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Settings are immutable: use replace({name}=...)")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Settings) and self.fields() == other.fields()

    __hash__ = None  # type: ignore[assignment]  # holds dicts

    def __repr__(self) -> str:
        return "Settings(" + ", ".join(f"{k}={v!r}" for k, v in self.fields().items()) + ")"

    def __getstate__(self) -> dict[str, Any]:
        """Fields only: what is memoised on a settings object is rebuilt where it is used."""
        return self.fields()

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

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
