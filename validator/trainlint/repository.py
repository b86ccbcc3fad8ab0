"""Which files are ours to read: the repository boundary, and symlinks that leave it."""

import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from .inputs import TRAINLINT_SUFFIXES, detect_trainer, trainer_format
from .inputs.base import InputFormat
from .inputs.trainlint import is_preset_file, marker, may_be_preset
from .inputs.yaml_reader import load_bytes, read_head
from .paths import is_inside
from .paths import repo_root as repo_root  # its home is paths.py; re-exported for the callers that import it here
from .settings import Settings


class Candidate(NamedTuple):
    """A file to check: its bytes, whether they carry trainlint's config marker, and the trainer
    format that claims it (None: trainlint's own format, or no format at all for a named file)."""

    raw: bytes
    marked: bool
    trainer: InputFormat | None = None
    preset: bool = False  # a repository preset file (`extends` and `training`), checked on its own


def read_candidate(
    path: Path | str,
    settings: Settings,
    explicit: bool,
    link: bool | None = None,
    seen: Callable[[bytes], None] | None = None,
) -> Candidate | None:
    """The file's bytes and which format reads it; None for a file found by a folder search that
    is not ours to read (a symlink out of the repository) or no config of any format. One read
    serves the decision and the check or fix that follows. A YAML file is trainlint's when the loader
    would read a top-level `schema_version` in it: the byte test decides (`inputs.trainlint.marker`),
    and where it cannot tell, the parsed document does. OSError propagates. `link`: whether
    the file is a symlink, when the folder listing already said. `settings.input_format` forces
    a format (`--input-format`). `seen` is handed the bytes read (the results cache keys on them)."""
    if not explicit and outside_repository(path, settings, link):
        return None
    raw = read_head(path, settings.limits)
    if seen is not None:
        seen(raw)
    return claim(raw, path, settings, explicit)


def claim(raw: bytes, path: Path | str, settings: Settings, explicit: bool = True) -> Candidate | None:
    """`read_candidate` on bytes already read (standard input, named by `--stdin-filename`): which
    format reads them, decided by their content and the suffix of `path`, as for a file there."""
    forced = settings.input_format
    if forced is not None:
        return Candidate(raw, forced == "trainlint", None if forced == "trainlint" else trainer_format(forced))
    suffix = _suffix(os.fspath(path), explicit)
    if explicit or suffix in TRAINLINT_SUFFIXES:
        found = marker(raw)
        if found is None:  # only the parsed document can tell; the loader's limits bound what that costs
            doc = load_bytes(raw, str(path), settings.limits)
            found = doc.ok and "schema_version" in doc.data
        if found:
            return Candidate(raw, True)
        if may_be_preset(raw):
            doc = load_bytes(raw, str(path), settings.limits)
            if doc.ok and is_preset_file(raw, doc):
                return Candidate(raw, False, None, preset=True)
    trainer = detect_trainer(raw, suffix)
    if trainer is not None:
        return Candidate(raw, False, trainer)
    return Candidate(raw, False) if explicit else None


# what a template's name adds after the suffix of the file it stands for (`config.json.example`)
TEMPLATE_SUFFIXES = frozenset({".example", ".sample", ".template", ".dist", ".default"})


def _suffix(path: str, explicit: bool) -> str:
    """The suffix that tells the format: for a file named on the command line, the one before a
    template's (`config.json.example` is JSON); folder searches leave templates alone."""
    stem, suffix = os.path.splitext(path)
    if explicit and suffix.lower() in TEMPLATE_SUFFIXES:
        suffix = os.path.splitext(stem)[1] or suffix
    return suffix.lower()


def outside_repository(path: Path | str, settings: Settings, link: bool | None = None) -> bool:
    """A file found by a folder search that is a symlink out of the repository: neither read nor fixed.
    A symlink loop leads nowhere, so not out: reading it fails, and its check says so (TL090).

    A file that is no symlink lies in its own folder, and the repository root is that
    real folder or one above it (see `repo_root`): only a symlink, or a root set from
    outside, needs its real path worked out, so the common case costs one `lstat`, or none
    when the folder listing said whether it is a symlink (`link`).
    """
    if settings.root is None and not (os.path.islink(path) if link is None else link):
        return False
    path = Path(path)
    return not _inside(path, settings.root or repo_root(path.parent))


def _inside(path: Path, root: Path) -> bool:
    try:
        return is_inside(path, root)
    except (OSError, RuntimeError):  # a symlink loop: reading it fails and is reported
        return True
