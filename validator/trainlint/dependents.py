"""Which configs a changed file can change the verdict of: the dependents of images, captions, preset
files and trainers' side files, for the hooks and for `check` given such a file.

A trainlint config is a leaf: nothing reads it. Everything else a commit can touch may change what a
config trains or how it is judged: an image or caption in a dataset folder (the image count, TL303,
the caption checks), a repository preset file (every config whose `extends` chain passes through
it), a trainer's dataset config, concepts file or data backend list (the trainer configs that name
it). So when `check` is given such a file (named, or staged with `--staged`, deletions included), the
configs of its repository are read, and those that use it are checked with the others:

- **How a use is found.** Each config of the repository is read as a check reads it: a trainlint
  config uses its `dataset.path` folder (its `N_name` sub-folders and everything in them) and the
  preset files of its `extends` chain; a trainer's config uses every file and folder its input format
  looked at while working out what it trains (its dataset config, its image folders), recorded by the
  workspace the format reads through. A changed path is used when it is one of those files or lies in
  one of those folders.
- **Bounded.** The configs are found by the folder search of `trainlint check` on the repository
  root (the configuration's `exclude`, the skipped folders, the size limits), so this costs about
  what checking the whole repository costs, once per run, and only when a changed file is not itself
  a trainlint config.
- **Safe.** Nothing outside the repository is read: the search does not follow symlinks out of it,
  the workspace refuses paths that leave it, and changed paths outside it are ignored. File names
  from git are never options: they are paths joined to the repository root.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .catalog import preset_files
from .discovery import SKIP_DIRS, Target
from .document import Document
from .engine import adapt_trainer, preset_dir, trainer_data
from .errors import UsageError
from .inputs import SEARCHED_SUFFIXES
from .inputs.workspace import FolderWorkspace
from .inputs.yaml_reader import load_bytes
from .paths import is_inside
from .repository import read_candidate, repo_root
from .settings import Settings
from .settings_file import Resolver


class RecordingWorkspace(FolderWorkspace):
    """A workspace that remembers every file and folder an adapter asked about."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.used: set[Path] = set()

    def _note(self, path: str) -> None:
        full = self._inside(path)
        if full is not None:
            self.used.add(Path(os.path.realpath(full)))

    def read(self, path: str, format_name: str) -> Document | None:
        self._note(path)
        return super().read(path, format_name)

    def count_images(self, folder: str, recursive: bool = False, suffixes: frozenset[str] | None = None) -> int | None:
        self._note(folder)
        return super().count_images(folder, recursive, suffixes)

    def subfolders(self, folder: str) -> list[str] | None:
        self._note(folder)
        return super().subfolders(folder)


def uses(target: Target, settings: Settings) -> set[Path]:
    """The real paths of the files and folders a config (or preset file) reads besides its own text."""
    path = Path(target.path)
    try:
        candidate = read_candidate(path, settings, target.explicit, target.link)
    except OSError:
        return set()
    if candidate is None:
        return set()
    root = settings.root or repo_root(path.parent)
    if candidate.trainer is not None:
        doc = candidate.trainer.read(candidate.raw, target.display, settings.limits)
        workspace = RecordingWorkspace(path.parent, root, settings.limits)
        if trainer_data(doc):
            try:
                adapt_trainer(doc, candidate.trainer, workspace, settings)
            except Exception:  # noqa: BLE001 - its check reports what went wrong; here it just uses nothing more
                pass
        return workspace.used
    doc = load_bytes(candidate.raw, target.display, settings.limits)
    data = doc.data if isinstance(doc.data, dict) else {}
    found: set[Path] = set()
    ref = data.get("extends" if candidate.preset else "preset")
    if isinstance(ref, str):
        start = path.parent if candidate.preset else preset_dir(ref, path.parent, settings)
        found.update(preset_files(ref, start, root, settings.limits, settings.preset_dirs))
    dataset = data.get("dataset")
    folder = dataset.get("path") if isinstance(dataset, dict) else None
    if isinstance(folder, str) and folder and "\x00" not in folder:
        try:
            full = path.parent / folder
            if is_inside(full, root):
                found.add(Path(os.path.realpath(full)))
        except (OSError, RuntimeError, ValueError):
            pass
    return found


def _real(path: str) -> Path:
    """The real path of a file that may be gone (deleted, staged for removal): its folder's real path."""
    head, name = os.path.split(os.path.abspath(path))
    return Path(os.path.realpath(head)) / name


# what a dataset folder holds besides configs: images (as trainers read them) and captions (`.txt`, and kohya's
# and ai-toolkit's other usual extension); a config's own `caption_extension` beyond these is not known here
DATASET_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".txt", ".caption")


def needs_search(path: str, settings: Settings) -> bool:
    """Whether a changed file (existing or deleted) may be used by a config: an image, a caption, a
    deleted file of a suffix a format reads, a preset file or a file of a trainer format whose files
    other configs name. A trainlint config is used by nothing, and other files (code, docs) by no config."""
    lowered = path.lower()
    if lowered.endswith(DATASET_SUFFIXES):
        return True
    if not lowered.endswith(SEARCHED_SUFFIXES):
        return False
    if not os.path.isfile(path):
        return True  # gone: a preset or dataset config someone may still name
    try:
        candidate = read_candidate(Path(path), settings, False)
    except OSError:
        return False
    return candidate is not None and (
        candidate.preset or (candidate.trainer is not None and candidate.trainer.name in NAMED_BY_OTHERS)
    )


# the trainer formats whose files other configs name: sd-scripts' dataset configs (named by its training
# configs and kohya_ss's), OneTrainer's concepts files, SimpleTuner's data backend lists; an ai-toolkit job,
# a diffusers script or a Scenario payload names no file of another config
NAMED_BY_OTHERS = frozenset({"sd-scripts", "onetrainer", "simpletuner"})


def dependents(changed: Iterable[str], resolver: Resolver) -> dict[str, list[str]]:
    """For each changed path (existing or not), the configs of its repository that use it, as paths
    relative to the working folder (or absolute outside it), each repository searched once."""
    by_root: dict[Path, list[tuple[str, Path]]] = {}
    for name in changed:
        real = _real(name)
        by_root.setdefault(repo_root(real.parent if real.parent.exists() else Path.cwd()), []).append((name, real))
    out: dict[str, list[str]] = {name: [] for name in changed}
    for root, names in by_root.items():
        inside = [(name, real) for name, real in names if is_inside(real, root)]
        if not inside:
            continue
        for target, settings in _configs(root, resolver):
            used = uses(target, settings)
            if not used:
                continue
            for name, real in inside:
                if any(real == u or real.is_relative_to(u) for u in used):
                    out[name].append(target.display)
    return out


def _configs(root: Path, resolver: Resolver) -> list[tuple[Target, Settings]]:
    from .api import with_settings

    shown = os.path.relpath(root)
    return with_settings([shown if not shown.startswith("..") else str(root)], None, True, resolver)


def staged(cwd: Path | None = None) -> tuple[list[str], list[str]]:
    """The files staged in the git repository of `cwd`: (those still there, every one, deletions too),
    as paths relative to the working folder. UsageError outside a git work tree."""

    def git(*args: str, at: Path | None = None) -> str:
        try:
            run = subprocess.run(
                ["git", *args],
                cwd=at or cwd,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
                encoding="utf-8",
                errors="surrogateescape",
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise UsageError(f"--staged: cannot run git: {exc}") from None
        if run.returncode != 0:
            raise UsageError(f"--staged: not in a git work tree ({run.stderr.strip()[:200]})")
        return run.stdout

    top = Path(git("rev-parse", "--show-toplevel").strip())
    names = git("diff", "--cached", "--name-only", "-z", "--no-renames", "--diff-filter=ACDMR", at=top).split("\0")
    every = [os.path.relpath(top / name) for name in names if name and not _skipped(name)]
    return [name for name in every if os.path.lexists(name)], every


def _skipped(name: str) -> bool:
    return any(part in SKIP_DIRS for part in Path(name).parts[:-1])
