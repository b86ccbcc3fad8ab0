"""Checking many paths: discovery, then one result per file, in a stable order."""

from __future__ import annotations

from collections.abc import Iterable

from .discovery import discover
from .engine import FileResult, check_file
from .settings import Settings


def check_paths(paths: Iterable[str], settings: Settings = Settings()) -> list[FileResult]:
    """Check files, folders (recursively) and globs; raises engine.UsageError for a bad path."""
    return [check_file(t.path, t.display, settings, t.explicit) for t in discover(list(paths))]
