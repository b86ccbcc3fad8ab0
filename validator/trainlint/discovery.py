"""Which files a run checks: named files, folders searched recursively, and globs.

Files named explicitly are always checked (a non-config gets TL006); files found in
folders or by globs are checked only when they look like trainlint configs, so a
repository's workflows, compose files and preset files are left alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .engine import UsageError
from .paths import real_path

YAML_SUFFIXES = (".yaml", ".yml")
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"})


@dataclass(frozen=True)
class Target:
    path: Path
    display: str
    explicit: bool


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(YAML_SUFFIXES):
                yield Path(folder) / name


def discover(args: list[str], only_configs: bool = False) -> list[Target]:
    """Expand the command line into files, in a stable order, each once.

    `only_configs` treats named files like found ones (skipped unless they look like
    configs): pre-commit names every staged YAML file, workflows included.
    """
    seen: set[str] = set()
    out: list[Target] = []

    def add(path: Path, explicit: bool) -> None:
        key = real_path(path)
        if key not in seen:
            seen.add(key)
            out.append(Target(path, os.path.normpath(str(path)), explicit))

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
                    for found in _walk(m):
                        add(found, False)
                elif m.name.endswith(YAML_SUFFIXES):
                    add(m, False)
        elif path.is_dir():
            for found in _walk(path):
                add(found, False)
        elif path.exists() or path.is_symlink():
            add(path, not only_configs)
        else:
            raise UsageError(f"{arg}: no such file or folder")
    return out
