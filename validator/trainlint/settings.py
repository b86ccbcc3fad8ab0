"""What a run is asked to do: rule selection, severities, thresholds and limits.

`select` and `ignore` take codes or prefixes (`TL4`); selection.py says how they combine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .diagnostics import Severity
from .document import Limits


class Settings:
    """Immutable once made; `replace` makes a changed copy. A plain record: what it means for
    the rules (which codes run, at which severity, with which thresholds) is worked out once
    per settings by selection.py, whose memo is kept here under a `_`-name that equality,
    repr and pickling leave out. A plain class rather than a dataclass: start-up cost, see
    diagnostics.py."""

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
    # the input format to read the file as (None: detect it from the content)
    input_format: str | None
    # what no trainer stores, for trainer configs without a `# trainlint:` directive: the training type and
    # preset to judge them by, and where that was said ("configuration" or "command line")
    training_type: str | None
    preset: str | None
    hints_source: str | None
    # whether folder searches leave out what .gitignore, .ignore and git's excludes ignore (ignore_files.py)
    respect_gitignore: bool

    def __init__(
        self,
        select: tuple[str, ...] = ("TL",),
        extend_select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        fail_on: Severity = Severity.WARNING,
        severity: dict[str, Severity] | None = None,
        thresholds: dict[str, dict[str, Any]] | None = None,
        limits: Limits = Limits(),
        root: Path | None = None,
        file_ignore: tuple[str, ...] = (),
        plugins: tuple[str, ...] = (),
        preset_dirs: tuple[Path, ...] = (),
        config_file: Path | None = None,
        input_format: str | None = None,
        training_type: str | None = None,
        preset: str | None = None,
        hints_source: str | None = None,
        respect_gitignore: bool = True,
    ) -> None:
        self.__dict__.update(
            select=select,
            extend_select=extend_select,
            ignore=ignore,
            fail_on=fail_on,
            severity={} if severity is None else severity,
            thresholds={} if thresholds is None else thresholds,
            limits=limits,
            root=root,
            file_ignore=file_ignore,
            plugins=plugins,
            preset_dirs=preset_dirs,
            config_file=config_file,
            input_format=input_format,
            training_type=training_type,
            preset=preset,
            hints_source=hints_source,
            respect_gitignore=respect_gitignore,
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
