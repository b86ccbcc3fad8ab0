"""What checking a file looked at besides the file itself: preset files and dataset folders.

A check's verdict depends on more than the config's bytes: the preset files it extends and the
dataset folders it counts. The code that looks at such a path says so here (`looked_at`), whether
the path exists or not (a preset file that appears later changes the verdict as much as one that
changes). Nothing is kept unless a caller asked for it with `recording()`: the results cache
(cache.py) does, to know what to look at again before it trusts an earlier result.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

FILE = "file"
FOLDER = "folder"  # the folder's entries, and those of its sub-folders

_NOTES: ContextVar[set[tuple[str, str]] | None] = ContextVar("trainlint_reads", default=None)


def looked_at(kind: str, path: Path | str) -> None:
    """Say that a check looked at `path` (FILE or FOLDER); free unless something records."""
    notes = _NOTES.get()
    if notes is not None:
        notes.add((kind, os.path.abspath(path)))


@contextmanager
def recording() -> Iterator[set[tuple[str, str]]]:
    """Collect what the checks inside the block look at, as `(kind, path)` pairs."""
    notes: set[tuple[str, str]] = set()
    token = _NOTES.set(notes)
    try:
        yield notes
    finally:
        _NOTES.reset(token)
