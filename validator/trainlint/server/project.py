"""The open files' configuration, and checking and fixing an editor's buffer through the API.

A buffer is checked as `trainlint check` checks its file found in a folder search, from the
workspace's root: the closest configuration file (select, ignore, per-file-ignores, severities,
thresholds, plugins, include and exclude), then `api.check_source`, the engine's one code path
for every input format; fixed as `trainlint fix` fixes it, through `api.fix_buffer`. A file no
format claims (other YAML, JSON or TOML) gets no diagnostics, as a folder search skips it.

The configuration is read again when it changes: before each check, the configuration file
names (`.trainlint.toml`, `trainlint.toml`, `pyproject.toml`) are looked up with one `stat`
each in the file's folder and the folders above it, and when any of them appeared, changed or
went away since the last check, every configuration is read anew. A client that watches files
(`workspace/didChangeWatchedFiles`) makes the server check its open files again at once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from ..api import check_source, fix_buffer
from ..errors import FixError, UsageError
from ..fixer import FixOutcome
from ..results import FileResult
from ..settings import Settings
from ..settings_file import NAMES, Resolver
from ..text import printable

Stamp = tuple[tuple[str, int, int, int] | None, ...]


class Checked(NamedTuple):
    """One version of a buffer, checked: `result` is None when no format claims the file or the
    configuration leaves it out; `error` says why the configuration file could not be used."""

    version: int | None
    text: str
    result: FileResult | None
    settings: Settings | None
    error: str | None = None


def _stat(path: str) -> tuple[str, int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (path, info.st_ino, info.st_size, info.st_mtime_ns)


def config_stamp(folder: Path) -> Stamp:
    """What the configuration files a file in `folder` could use look like on disk now."""
    found: list[tuple[str, int, int, int] | None] = []
    for candidate in (folder, *folder.parents):
        found.extend(_stat(os.path.join(candidate, name)) for name in NAMES)
    return tuple(found)


class Project:
    """Configuration discovery shared by the open files, dropped when a configuration file changes."""

    def __init__(self) -> None:
        self.resolver = Resolver()
        self._stamps: dict[Path, Stamp] = {}
        self.reported_plugin_errors: set[str] = set()

    def reload(self) -> None:
        """Forget every configuration read so far."""
        self.resolver = Resolver()
        self._stamps.clear()

    def _fresh(self, path: Path) -> None:
        folder = path.parent
        stamp = config_stamp(folder)
        known = self._stamps.get(folder)
        if known is not None and known != stamp:
            self.reload()
        self._stamps[folder] = stamp

    def settings(self, path: Path) -> Settings | None:
        """The file's settings, None when its configuration's globs leave it out; UsageError (a
        ConfigError) when the configuration file cannot be used."""
        self._fresh(path)
        return self.resolver.lookup(path, explicit=False)

    def plugin_errors(self) -> list[str]:
        """Plugins that could not be used and were not reported yet."""
        new = [e for e in self.resolver.plugin_errors if e not in self.reported_plugin_errors]
        self.reported_plugin_errors.update(new)
        return new

    def check(self, path: Path, text: str, version: int | None = None) -> Checked:
        try:
            settings = self.settings(path)
        except UsageError as exc:
            return Checked(version, text, None, None, printable(str(exc)))
        if settings is None:
            return Checked(version, text, None, None)
        result = check_source(encode(text), path, display(path), settings, explicit=False)
        return Checked(version, text, None if result.skipped else result, settings)

    def fixed(self, path: Path, text: str, code: str | None = None) -> FixOutcome | None:
        """What `trainlint fix` would write (the buffer's text without a BOM, and the other files its
        fixes rewrite), with `code` what `trainlint fix --select CODE` would; None when the file is not
        fixed (no format claims it, or fix leaves it alone: FixError)."""
        try:
            settings = self.settings(path)
        except UsageError:
            return None
        if settings is None:
            return None
        if code is not None:
            settings = settings.replace(select=(code,), extend_select=())
        try:
            return fix_buffer(encode(text), path, display(path), settings)
        except (FixError, OSError):
            return None


def encode(text: str) -> bytes:
    """The buffer as the bytes a reader decodes: UTF-8; a lone surrogate, which no file can hold in
    UTF-8, is kept so that decoding reports it as the file's encoding problem."""
    return text.encode("utf-8", "surrogatepass")


def display(path: Path) -> str:
    """The file as the CLI run from the workspace's root names it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
