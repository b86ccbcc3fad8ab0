"""Real paths at the cost of one resolve per folder, not one per file.

Discovery de-duplicates files by their real path and the engine keeps searches inside
the repository by it; `Path.resolve()` walks and `lstat`s every component of every
file, which for a repository of thousands of configs costs more than parsing them.
Here a folder is resolved once (memoised), and a file costs a single `lstat` to see
whether it is itself a symlink. The memo assumes folders are not moved or re-linked
while a run is under way.
"""

from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path


@functools.lru_cache(maxsize=8192)
def _real_folder(folder: str, cwd: str) -> str:  # cwd: a relative folder means another place in another cwd
    return str(Path(cwd, folder).resolve())


def real_path(path: Path | str) -> str:
    """`str(Path(path).resolve())`, with the folder part memoised; raises as `resolve` does (symlink loops)."""
    text = os.fspath(path)
    folder, name = os.path.split(text)
    if name in ("", ".", "..") or os.path.islink(text):
        return str(Path(text).resolve())
    cwd = "" if os.path.isabs(folder) else os.getcwd()
    return os.path.join(_real_folder(folder or ".", cwd), name)


def is_inside(path: Path | str, root: Path | str) -> bool:
    """Whether the real path of `path` is `root`'s real path or below it."""
    real, prefix = real_path(path), _prefix(os.fspath(root), "" if os.path.isabs(root) else os.getcwd())
    return real == prefix[:-1] or real.startswith(prefix) or prefix == os.sep


@functools.lru_cache(maxsize=1024)
def _prefix(root: str, cwd: str) -> str:  # every file of a repository asks about the same root
    return real_path(os.path.join(cwd, root)).rstrip(os.sep) + os.sep


def shown_name(path: str) -> str:
    """A path or file name as reports name it: bytes that are not UTF-8 (Python holds them as lone
    surrogates, which no output can encode) written as `\\xNN`, so every format prints every file."""
    if path.isascii():  # nearly every path: nothing to check, nothing to copy
        return path
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return path


def from_cwd(path: Path | str) -> str:
    """A path as messages name it: relative to the working folder (`../.trainlint/...` too), absolute only
    where no relative path leads (another drive)."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return os.fspath(path)


def repo_root(start: Path) -> Path:
    """The bound for preset and dataset paths: the enclosing git work tree, else the
    working folder when the config is below it, else the config's own folder.

    Memoised per folder and working folder: every config of a folder asks, and the
    walk up costs a resolve and a stat per level.
    """
    return _repo_root(start, os.getcwd())


@functools.lru_cache(maxsize=4096)
def _repo_root(start: Path, cwd: str) -> Path:
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    here = Path(cwd).resolve()
    return here if start.is_relative_to(here) else start


def replace_whole(target: Path | str, temp: Path | str, data: bytes, flags: int, mode: int) -> None:
    """Write `data` into `temp` (created with `os.open` flags `flags` and `mode`), then rename it over
    `target`: a reader meets the old file or the new one whole, never half of one; `temp` is removed
    when anything fails."""
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | flags, mode)
    try:
        with open(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
