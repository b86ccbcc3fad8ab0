"""The effective config: the preset's values overlaid by the config's own.

Steps are resolved from the image count, which comes from the dataset folder when it
exists (images counted there) and from `dataset.images` otherwise.
"""

import math
import os
import time
from pathlib import Path
from typing import Any, NamedTuple

from . import reads
from .catalog import TRAINING_KEYS, Preset
from .inputs.base import Adapted
from .paths import is_inside, shown_name

IMAGE_SUFFIXES = frozenset({"jpg", "jpeg", "png", "webp"})  # lower-cased, without the dot


class Dataset(NamedTuple):
    declared: int | None = None
    path: Path | None = None
    exists: bool = False
    found: int | None = None
    uncaptioned: tuple[str, ...] = ()
    truncated: bool = False
    outside: bool = False  # the folder lies outside the repository: not listed at all
    problem: str | None = None  # why a path that exists could not be listed ("is not a folder", "cannot be read: ...")

    @property
    def images(self) -> int | None:
        return self.found if self.exists and not self.truncated else self.declared


def scan_dataset(raw: Any, base_dir: Path, max_files: int, root: Path | None = None) -> Dataset:
    """Count images and find those without a sidecar caption; never follows symlinked folders.

    With a `root`, a folder that resolves outside it (`../../etc`, `/home`, a symlink
    out of the repository) is not listed, and an entry that is a symlink out of it is no
    image: a config from a pull request must not make CI reveal what lies beyond the
    repository, not even file names, counts or whether a path exists.
    """
    if not isinstance(raw, dict):
        return Dataset()
    declared = raw.get("images")
    declared = declared if isinstance(declared, int) and not isinstance(declared, bool) and declared > 0 else None
    rel = raw.get("path")
    if not isinstance(rel, str) or not rel:
        return Dataset(declared=declared)
    path = base_dir / rel
    if root is not None:
        try:
            inside = is_inside(path, root)
        except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
            return Dataset(declared=declared, path=path)
        if not inside:
            return Dataset(declared=declared, path=path, outside=True)
    reads.looked_at(reads.FOLDER, path)
    try:
        listing = _listing(path, max_files, None if root is None else str(root))
    except FileNotFoundError:  # missing: the count comes from `images`
        return Dataset(declared=declared, path=path)
    except NotADirectoryError:
        return Dataset(declared=declared, path=path, problem="is not a folder")
    except OSError as exc:  # it is there, but may not be listed (permissions): saying "not found" would mislead
        return Dataset(declared=declared, path=path, problem=f"cannot be read: {exc.strerror or exc}")
    if listing is None:
        return Dataset(declared=declared, path=path, exists=True, truncated=True)
    found, uncaptioned = listing
    return Dataset(declared, path, True, found, uncaptioned)


# (device, inode, mtime, limit, root) of a dataset folder -> what its listing says; configs of a repository
# share a handful of dataset folders, and adding, removing or renaming an entry changes the folder's mtime
_LISTINGS: dict[tuple[int, int, int, int, str | None], tuple[int, tuple[str, ...]] | None] = {}
_MAX_LISTINGS = 512
# a folder changed this recently may change again within the clock's granularity without its mtime
# moving (git calls this "racily clean"): such a listing is used once and not remembered
_SETTLED_NS = 2_000_000_000


def _listing(path: Path, max_files: int, root: str | None = None) -> tuple[int, tuple[str, ...]] | None:
    """The folder's image count and uncaptioned images, None past `max_files` entries; OSError
    when it cannot be listed. Memoised per folder state: one `stat` instead of one listing per config.
    Names are as reports show them (`paths.shown_name`); a symlink whose target is not inside `root`
    counts as no image, whether that target exists or not."""
    stat = os.stat(path)
    key = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, max_files, root)
    if key in _LISTINGS:
        return _LISTINGS[key]
    images: list[tuple[str, str]] = []  # (stem, name)
    texts: set[str] = set()
    seen = 0
    result: tuple[int, tuple[str, ...]] | None = None
    with os.scandir(path) as entries:
        for entry in entries:
            seen += 1
            if seen > max_files:
                break
            name = entry.name
            stem, _, suffix = name.rpartition(".")
            if not stem.strip("."):  # no suffix, as os.path.splitext sees it (`.png` is a hidden file)
                continue
            suffix = suffix.lower()
            if suffix in IMAGE_SUFFIXES and _is_file(entry, root):  # not a folder, a dangling link or a loop
                images.append((stem, shown_name(name)))
            elif suffix == "txt":
                texts.add(stem)
        else:
            result = len(images), tuple(sorted(name for stem, name in images if stem not in texts))
    if time.time_ns() - stat.st_mtime_ns > _SETTLED_NS:
        if len(_LISTINGS) >= _MAX_LISTINGS:
            _LISTINGS.clear()
        _LISTINGS[key] = result
    return result


def _is_file(entry: os.DirEntry[str], root: str | None = None) -> bool:
    """A regular file, or a symlink to one inside `root`; costs no system call for plain files (the type
    comes with the listing). A symlink out of `root` is not followed at all: whether its target exists
    must not show in a report."""
    try:
        if root is not None and entry.is_symlink() and not is_inside(entry.path, root):
            return False
        return entry.is_file()
    except (OSError, RuntimeError):  # a symlink loop or an unreadable link: not an image anyone can train on
        return False


def _number(value: Any) -> float | None:
    """A usable number from the config, or None for anything the schema layer reports."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or isinstance(value, str):
        return None
    return float(value) if math.isfinite(value) else None


class Effective(NamedTuple):
    preset: Preset | None  # None for a trainer's config the user named no preset or training type for
    dataset: Dataset
    values: dict[str, float | None]
    preset_values: dict[str, float | None]
    overrides: dict[str, float]

    @property
    def images(self) -> int | None:
        return self.dataset.images

    def ratio(self, key: str) -> float | None:
        value, base = self.values.get(key), self.preset_values.get(key)
        if value is None or not base:
            return None
        return value / base

    def per_image(self, steps: float | None) -> float | None:
        return steps / self.images if steps is not None and self.images else None

    def deviations(self) -> list[str] | None:
        """Keys whose effective value differs from the preset; None when that cannot be told."""
        out = []
        for key in TRAINING_KEYS:
            if key not in self.overrides and not (key == "steps" and "steps_per_image" in self.overrides):
                continue
            value, base = self.values.get(key), self.preset_values.get(key)
            if value is None or base is None:
                return None
            if not math.isclose(value, base, rel_tol=1e-9, abs_tol=1e-12):
                out.append(key)
        return out


def build(config: dict[str, Any], preset: Preset, dataset: Dataset) -> Effective:
    training = config.get("training")
    training = training if isinstance(training, dict) else {}
    overrides = {k: n for k, v in training.items() if (n := _number(v)) is not None}
    preset_values = preset.at(dataset.images)
    values = dict(preset_values)
    for key in TRAINING_KEYS:
        if key in overrides:
            values[key] = overrides[key]
    if "steps" not in overrides and "steps_per_image" in overrides:
        values["steps"] = overrides["steps_per_image"] * dataset.images if dataset.images else None
    return Effective(preset, dataset, values, preset_values, overrides)


def from_trainer(adapted: Adapted, preset: Preset | None, ignore_learning_rates: bool = False) -> Effective:
    """A trainer's values as an effective config: every value the file determines counts as set
    (a trainer default trains as surely as a written value), compared with `preset` when there
    is one. `ignore_learning_rates` when they are multipliers (adaptive optimizers), not step sizes."""
    values: dict[str, float | None] = {}
    for key in TRAINING_KEYS:
        value = adapted.values.get(key)
        values[key] = value.value if value is not None else None
    if ignore_learning_rates:
        values["learning_rate_unet"] = values["learning_rate_text_encoder"] = None
    dataset = Dataset(declared=adapted.images)
    preset_values = preset.at(adapted.images) if preset is not None else {}
    if adapted.method == "full":
        # the catalog's learning rates are LoRA rates (a full fine-tune trains at 1e-6 to 5e-6, 20-100x lower):
        # steps and the text encoder's share compare, the rates do not
        preset_values = {**preset_values, "learning_rate_unet": None, "learning_rate_text_encoder": None}
    overrides = {k: v for k, v in values.items() if v is not None}
    return Effective(preset, dataset, values, preset_values, overrides)
