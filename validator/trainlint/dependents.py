"""Which configs a changed file can change the verdict of: the dependents of images, captions, preset
files and trainers' side files, for the hooks and for `check` given such a file.

A trainlint config is a leaf: nothing reads it. Everything else a commit can touch may change what a
config trains or how it is judged: an image or caption in a dataset folder (the image count, TL303,
the caption checks), a repository preset file (every config whose `extends` chain passes through
it), a trainer's dataset config, concepts file or data backend list (the trainer configs that name
it). So when `check` is given such a file (named, or staged with `--staged`, deletions included), the
configs of its repository are read, and those that use it are checked with the others:

- **How a use is found.** Each config of the repository is checked, and what its check looked at
  besides its own text is recorded (`reads.py`, the record the results cache keys on): a trainlint
  config's `dataset.path` folder (its `N_name` sub-folders and everything in them) and the preset
  files of its `extends` chain, a trainer's config's files and folders that its input format looked
  at while working out what it trains (its dataset config, its image folders). A changed path is
  used when it is one of those files or lies in one of those folders.
- **Bounded.** The configs are found by the folder search of `trainlint check` on the repository
  root (the configuration's `exclude`, the skipped folders, the size limits), so this costs about
  what checking the whole repository costs, once per run, and only when a changed file is not itself
  a trainlint config; with the results cache, a config whose bytes and settings are those of its
  entry is not checked again for it (`known`: the entry kept what its check looked at).
- **Safe.** Nothing outside the repository is read: the search does not follow symlinks out of it,
  the workspace refuses paths that leave it, and changed paths outside it are ignored. File names
  from git are never options: they are paths joined to the repository root.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from . import reads
from .api import check_target, with_settings
from .discovery import SKIP_DIRS, Target
from .errors import UsageError
from .inputs import SEARCHED_SUFFIXES
from .paths import is_inside
from .repository import read_candidate, repo_root
from .settings import Settings
from .settings_file import Resolver


def uses(target: Target, settings: Settings) -> set[str]:
    """The files and folders a config (or preset file) reads besides its own text, as absolute paths:
    what its check says it looked at (reads.py), the same record the results cache keys on."""
    with reads.recording() as notes:
        check_target((target, settings))  # a file that cannot be read is a finding, not an exception
    return {path for _, path in notes}


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


# what a config looked at when it was last checked, if that is known without checking it again (the results
# cache's record, for a config whose bytes and settings are unchanged): absolute paths, or None
Known = Callable[[Target, Settings], "set[str] | None"]


def dependents(changed: Iterable[str], resolver: Resolver, known: Known | None = None) -> dict[str, list[str]]:
    """For each changed path (existing or not), the configs of its repository that use it, as paths
    relative to the working folder (or absolute outside it), each repository searched once. A config
    whose use `known` tells is not checked again for it: what it looked at depends only on its own
    bytes and settings and on paths it looked at, so a changed one of those is among them."""
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
            found = known(target, settings) if known is not None else None
            used = {Path(os.path.realpath(path)) for path in (uses(target, settings) if found is None else found)}
            if not used:
                continue
            for name, real in inside:
                if any(real == u or real.is_relative_to(u) for u in used):
                    out[name].append(target.display)
    return out


def _configs(root: Path, resolver: Resolver) -> list[tuple[Target, Settings]]:
    shown = os.path.relpath(root)
    return with_settings([shown if not shown.startswith("..") else str(root)], None, True, resolver)


def staged(cwd: Path | None = None) -> tuple[list[str], list[str]]:
    """The files staged in the git repository of `cwd`: (those still there, every one, deletions too),
    as paths relative to the working folder. UsageError outside a git work tree."""

    import subprocess  # only here: a named file costs no import of it

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
