"""Which files a run checks: named files, folders searched recursively, and globs.

Files named explicitly are always checked (a non-config gets TL006); files found in
folders or by globs are checked only when they look like trainlint configs, so a
repository's workflows, compose files and preset files are left alone.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from .errors import UsageError
from .inputs import SEARCHED_SUFFIXES
from .paths import real_path

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"})


class Target(NamedTuple):
    path: str  # as found; the process that checks the file makes the Path (thousands of them cost ms here)
    display: str
    explicit: bool
    real: str  # the real path, worked out once here for de-duplication and reused to find the configuration
    link: bool | None = None  # whether the file is a symlink, when the folder listing told (None: not known)


def _walk(folder: str, real: str) -> Iterator[tuple[str, str, bool]]:
    """Files below `folder` that some input format may read (by suffix: YAML, JSON, TOML, shell, env), in sorted order (a folder's files, then its sub-folders), each
    with its real path and whether it is a symlink. `real` is the folder's own: below it, a name
    that is no symlink adds itself to its folder's real path, so only symlinks cost a resolve.
    Symlinked folders are not entered; unreadable folders are passed over, as `os.walk` does;
    depth costs no recursion."""
    pending = [(folder, real)]
    while pending:
        folder, real = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        below = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            link = entry.is_symlink()
            if is_dir:
                if not link and entry.name not in SKIP_DIRS and not entry.name.startswith("."):
                    below.append((entry.path, os.path.join(real, entry.name)))
            elif entry.name.lower().endswith(SEARCHED_SUFFIXES):
                yield entry.path, real_path(entry.path) if link else os.path.join(real, entry.name), link
        pending.extend(reversed(below))


def discover(args: list[str], only_configs: bool = False) -> list[Target]:
    """Expand the command line into files, in a stable order, each once.

    `only_configs` treats named files like found ones (skipped unless they look like
    configs): pre-commit names every staged YAML file, workflows included.
    """
    seen: set[str] = set()
    out: list[Target] = []

    def add(path: str | Path, explicit: bool, key: str | None = None, link: bool | None = None) -> None:
        key = key or real_path(path)
        if key not in seen:
            seen.add(key)
            text = os.fspath(path)
            out.append(Target(text, os.path.normpath(text), explicit, key, link))

    for arg in args:
        path = Path(arg)
        if any(ch in arg for ch in "*?[") and not (path.exists() or path.is_symlink()):
            import glob  # only for patterns: it costs a few ms of start-up on every hook run

            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                raise UsageError(f"{arg}: no files match this pattern")
            for match in matches:
                m = Path(match)
                if m.is_dir():
                    for found, real, link in _walk(match, real_path(match)):
                        add(found, False, real, link)
                elif m.name.lower().endswith(SEARCHED_SUFFIXES):
                    add(m, False)
        elif path.is_dir():
            for found, real, link in _walk(arg, real_path(arg)):
                add(found, False, real, link)
        elif path.exists() or path.is_symlink():
            add(path, not only_configs)
        else:
            raise UsageError(f"{arg}: no such file or folder")
    return out
