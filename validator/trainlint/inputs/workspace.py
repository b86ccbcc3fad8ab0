"""The files an adapter may look at beyond its own: inside the repository only."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from .. import reads
from ..document import Document, Limits
from ..paths import is_inside
from . import TRAINER_FORMATS, trainer_format
from .yaml_reader import read_head

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp"})

# the configs of a repository share a few dataset configs and image folders: each is read or counted
# once per state (device, inode, change time, size) rather than once per config that names it
_MEMO: dict[tuple[object, ...], object] = {}
_MEMO_SIZE = 256


def _remembered(key: tuple[object, ...], compute: Callable[[], object]) -> object:
    if key not in _MEMO:
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.clear()
        _MEMO[key] = compute()
    return _MEMO[key]


def _state(path: Path) -> tuple[int, int, int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino, st.st_ctime_ns, st.st_size


class FolderWorkspace:
    """`Workspace` over the file system: paths resolve against the config's folder and must stay
    inside `root` (the repository), symlinks included; anything else answers None."""

    def __init__(
        self,
        base_dir: Path,
        root: Path,
        limits: Limits,
        readers: Mapping[str, Callable[[bytes, str, Limits], Document]] | None = None,
    ) -> None:
        """`readers`: how to read another file by format name (default: each trainer format's own `read`)."""
        self.base_dir, self.root, self.limits, self.readers = base_dir, root, limits, readers

    def _inside(self, path: str) -> Path | None:
        if not path or "\x00" in path:
            return None
        full = self.base_dir / os.path.expanduser(path) if not path.startswith("~") else Path(path)
        try:
            return full if is_inside(full, self.root) else None
        except (OSError, RuntimeError, ValueError):
            return None

    def read(self, path: str, format_name: str) -> Document | None:
        full = self._inside(path)
        if full is None or format_name not in (TRAINER_FORMATS if self.readers is None else self.readers):
            return None
        reads.looked_at(reads.FILE, full)
        state = _state(full)
        if state is None or self.readers is not None:
            return self._read(full, path, format_name)
        found = _remembered(
            ("read", state, path, format_name, self.limits), lambda: self._read(full, path, format_name)
        )
        return found if isinstance(found, Document) else None

    def _read(self, full: Path, path: str, format_name: str) -> Document | None:
        try:
            raw = read_head(full, self.limits)  # regular files only: a FIFO named here must not hang the run
        except (OSError, ValueError):
            return None
        if len(raw) > self.limits.max_file_bytes:
            return None
        reader = trainer_format(format_name).read if self.readers is None else self.readers[format_name]
        return reader(raw, path, self.limits)

    def count_images(self, folder: str, recursive: bool = False, suffixes: frozenset[str] | None = None) -> int | None:
        full = self._inside(folder)
        if full is None:
            return None
        reads.looked_at(reads.FOLDER, full)
        state = _state(full)
        if state is None:
            return None
        found = _remembered(
            ("count", state, recursive, suffixes, str(self.root), self.limits.max_dataset_files),
            lambda: self._count(full, recursive, suffixes),
        )
        return found if isinstance(found, int) else None

    def _count(self, full: Path, recursive: bool, suffixes: frozenset[str] | None) -> int | None:
        wanted = suffixes or IMAGE_SUFFIXES
        count = seen = 0
        pending = [full]
        try:
            while pending:
                with os.scandir(pending.pop()) as entries:
                    for entry in entries:
                        seen += 1  # the limit counts images; entries of any kind, eight times as many
                        if count > self.limits.max_dataset_files or seen > self.limits.max_dataset_files * 8:
                            return None
                        if entry.is_dir(follow_symlinks=False):
                            if recursive:
                                pending.append(Path(entry.path))
                        elif os.path.splitext(entry.name)[1].lower() in wanted and self._is_file(entry):
                            count += 1
        except OSError:
            return None
        return count if count <= self.limits.max_dataset_files else None

    def _is_file(self, entry: os.DirEntry[str]) -> bool:
        """A regular file, or a symlink to one inside the repository: a symlink out of it is not
        followed, so whether its target exists never shows in a count."""
        try:
            if entry.is_symlink() and not is_inside(entry.path, self.root):
                return False
            return entry.is_file()
        except (OSError, RuntimeError):  # a loop
            return False

    def subfolders(self, folder: str) -> list[str] | None:
        full = self._inside(folder)
        if full is None:
            return None
        reads.looked_at(reads.FOLDER, full)
        try:
            with os.scandir(full) as entries:
                return sorted(e.name for e in entries if e.is_dir(follow_symlinks=False))
        except OSError:
            return None
