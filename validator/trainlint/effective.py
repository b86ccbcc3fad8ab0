"""The effective config: the preset's values overlaid by the config's own.

Steps are resolved from the image count, which comes from the dataset folder when it
exists (images counted there) and from `dataset.images` otherwise.
"""

import math
import os
import re
import stat as stat_mod
import time
from pathlib import Path
from typing import Any, NamedTuple

from . import reads
from .catalog import TRAINING_KEYS, Preset
from .inputs.base import SAMPLES_PER_STEP, Adapted
from .paths import is_inside, shown_name

IMAGE_SUFFIXES = frozenset({"jpg", "jpeg", "png", "webp"})  # lower-cased, without the dot
# masks that trainers read beside an image (OneTrainer's `-masklabel.png`, the `_mask.png` of masked
# training scripts): no training image of their own, and no caption is expected for them
MASK_ENDINGS = ("-masklabel", "_mask")
DEFAULT_CAPTION_EXTENSION = ".txt"
# kohya's image folders: `<repeats>_<name>` (`10_mascot`), read one level below the dataset folder
REPEAT_FOLDER = re.compile(r"([0-9]+)_(.+)")
# how much of each caption is kept for the content checks, and of all captions of a folder together
CAPTION_BYTES = 1024
CAPTIONS_BYTES = 1 << 20
# entries listed beyond the image limit (captions, masks, other files): a folder far larger than any
# dataset is not listed to its end
ENTRIES_PER_IMAGE = 8


class Dataset(NamedTuple):
    declared: int | None = None
    path: Path | None = None
    exists: bool = False
    found: int | None = None  # training images (masks not counted)
    uncaptioned: tuple[str, ...] = ()
    truncated: bool = False
    outside: bool = False  # the folder lies outside the repository: not listed at all
    problem: str | None = None  # why a path that exists could not be listed ("is not a folder", "cannot be read: ...")
    empty_captions: tuple[str, ...] = ()  # caption files with nothing but blanks in them
    orphan_captions: tuple[str, ...] = ()  # caption files with no image of their name
    # (image name, its caption's first CAPTION_BYTES, decoded) of every captioned image, while they fit
    # CAPTIONS_BYTES; None when they did not (the content checks then say nothing)
    captions: tuple[tuple[str, str], ...] | None = ()
    repeats: tuple[tuple[str, int], ...] = ()  # kohya's `N_name` folders read, with their repeats
    caption_extension: str = DEFAULT_CAPTION_EXTENSION

    @property
    def images(self) -> int | None:
        return self.found if self.exists and not self.truncated else self.declared


class Listing(NamedTuple):
    """What listing a dataset folder found (see `_listing`)."""

    images: int
    uncaptioned: tuple[str, ...]
    empty_captions: tuple[str, ...]
    orphan_captions: tuple[str, ...]
    captions: tuple[tuple[str, str], ...] | None
    repeats: tuple[tuple[str, int], ...]


def caption_extension(raw: Any) -> str:
    """The caption extension a dataset mapping names (`caption_extension: .caption`), else `.txt`."""
    value = raw.get("caption_extension") if isinstance(raw, dict) else None
    if isinstance(value, str) and len(value) > 1 and value.startswith(".") and "/" not in value:
        return value.lower()
    return DEFAULT_CAPTION_EXTENSION


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
    extension = caption_extension(raw)
    rel = raw.get("path")
    if not isinstance(rel, str) or not rel:
        return Dataset(declared=declared, caption_extension=extension)
    path = base_dir / rel
    base = Dataset(declared=declared, path=path, caption_extension=extension)
    if root is not None:
        try:
            inside = is_inside(path, root)
        except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
            return base
        if not inside:
            return base._replace(outside=True)
    reads.looked_at(reads.FOLDER, path)
    try:
        listing = _listing(path, max_files, None if root is None else str(root), extension)
    except FileNotFoundError:  # missing: the count comes from `images`
        return base
    except NotADirectoryError:
        return base._replace(problem="is not a folder")
    except OSError as exc:  # it is there, but may not be listed (permissions): saying "not found" would mislead
        return base._replace(problem=f"cannot be read: {exc.strerror or exc}")
    if listing is None:
        return base._replace(exists=True, truncated=True)
    return base._replace(
        exists=True,
        found=listing.images,
        uncaptioned=listing.uncaptioned,
        empty_captions=listing.empty_captions,
        orphan_captions=listing.orphan_captions,
        captions=listing.captions,
        repeats=listing.repeats,
    )


# (device, inode, mtime, limit, root, caption extension) of a dataset folder -> what its listing says;
# configs of a repository share a handful of dataset folders, and adding, removing or renaming an entry
# changes the folder's mtime (a caption edited in place does not: its content is read each time the
# folder is listed anew, and the listing is remembered only once the folder has settled, see below)
_LISTINGS: dict[tuple[int, int, int, int, str | None, str], Listing | None] = {}
_MAX_LISTINGS = 512
# a folder changed this recently may change again within the clock's granularity without its mtime
# moving (git calls this "racily clean"): such a listing is used once and not remembered
_SETTLED_NS = 2_000_000_000


def _listing(
    path: Path, max_files: int, root: str | None = None, extension: str = DEFAULT_CAPTION_EXTENSION
) -> Listing | None:
    """The folder's training images (masks not counted), uncaptioned images, empty and orphan captions
    and caption texts, with kohya's `N_name` sub-folders read as part of it; None past `max_files`
    images (or ENTRIES_PER_IMAGE times as many entries); OSError when it cannot be listed. Memoised per
    folder state: one `stat` instead of one listing per config. Names are as reports show them
    (`paths.shown_name`, a sub-folder's images as `10_name/01.png`); a symlink whose target is not
    inside `root` counts as no image and no caption, whether that target exists or not."""
    stat = os.stat(path)
    key = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, max_files, root, extension)
    if key in _LISTINGS:
        return _LISTINGS[key]
    state = _Scan(max_files, root, extension)
    result: Listing | None = None
    if state.folder(path, "") and all(state.folder(path / name, name + "/") for name, _ in state.repeats):
        result = state.listing()
    if time.time_ns() - stat.st_mtime_ns > _SETTLED_NS:
        if len(_LISTINGS) >= _MAX_LISTINGS:
            _LISTINGS.clear()
        _LISTINGS[key] = result
    return result


class _Scan:
    """One dataset folder being listed: its images and captions by stem, sub-folder by sub-folder."""

    def __init__(self, max_files: int, root: str | None, extension: str) -> None:
        self.max_files, self.root, self.extension = max_files, root, extension
        self.images: list[tuple[str, str]] = []  # (prefix + stem, shown name)
        self.texts: dict[str, tuple[str, str]] = {}  # prefix + stem -> (shown name, path)
        self.repeats: list[tuple[str, int]] = []
        self.seen = 0

    def folder(self, path: Path, prefix: str) -> bool:
        """List one folder (the dataset's, or one of its `N_name` folders); False past the limits."""
        with os.scandir(path) as entries:
            for entry in entries:
                self.seen += 1
                if len(self.images) > self.max_files or self.seen > self.max_files * ENTRIES_PER_IMAGE:
                    return False
                name = entry.name
                if not prefix and (match := REPEAT_FOLDER.fullmatch(name)) and _is_folder(entry, self.root):
                    self.repeats.append((name, int(match.group(1)[:9])))
                    continue
                stem, dot, suffix = name.rpartition(".")
                if not stem.strip("."):  # no suffix, as os.path.splitext sees it (`.png` is a hidden file)
                    continue
                suffix = suffix.lower()
                if suffix in IMAGE_SUFFIXES:
                    if not stem.lower().endswith(MASK_ENDINGS) and _is_file(entry, self.root):
                        self.images.append((prefix + stem, prefix + shown_name(name)))
                elif dot + suffix == self.extension and _is_file(entry, self.root):
                    self.texts[prefix + stem] = (prefix + shown_name(name), entry.path)
        return len(self.images) <= self.max_files

    def listing(self) -> Listing:
        stems = {stem for stem, _ in self.images}
        uncaptioned = tuple(sorted(name for stem, name in self.images if stem not in self.texts))
        orphans = tuple(sorted(name for stem, (name, _) in self.texts.items() if stem not in stems))
        empty, captions, kept = [], [], 0
        for stem, shown in sorted(self.images, key=lambda item: item[1]):
            if stem not in self.texts:
                continue
            text = _caption(self.texts[stem][1])
            if text is None:
                continue
            if not text.strip():
                empty.append(self.texts[stem][0])
            kept += len(text)
            captions.append((shown, text))
        return Listing(
            len(self.images),
            uncaptioned,
            tuple(empty),
            orphans,
            tuple(captions) if kept <= CAPTIONS_BYTES else None,
            tuple(sorted(self.repeats)),
        )


def _caption(path: str) -> str | None:
    """The first CAPTION_BYTES of a caption file, decoded (undecodable bytes replaced); None when it is no
    regular file or cannot be read. Opened without blocking, as a named pipe with a caption's name would
    otherwise hold the run forever."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        if not stat_mod.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, CAPTION_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data.decode("utf-8", "replace").lstrip("\ufeff")


def _is_folder(entry: os.DirEntry[str], root: str | None = None) -> bool:
    """A real folder (a symlinked one is not followed, as the dataset folder's own listing never does)."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


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
    # images one optimizer step shows: batch size x gradient accumulation (the presets' numbers are for 1)
    samples_per_step: float = 1.0
    # training keys the config writes with a value the schema refused: what the config trains is not known
    invalid: frozenset[str] = frozenset()
    # an adaptive optimizer (Prodigy, D-Adaptation): the learning rates are multipliers, not step sizes
    adaptive: bool = False

    @property
    def images(self) -> int | None:
        return self.dataset.images

    def ratio(self, key: str) -> float | None:
        """The effective value over the preset's; for steps, the images the run shows (steps x samples per
        step) over the preset's steps, which are for a batch of one."""
        value, base = self.values.get(key), self.preset_values.get(key)
        if value is None or not base:
            return None
        return value * (self.samples_per_step if key == "steps" else 1) / base

    def per_image(self, steps: float | None) -> float | None:
        return steps / self.images if steps is not None and self.images else None

    def samples_per_image(self) -> float | None:
        """How often the run shows each image: steps x batch size x accumulation / images, the number the
        presets' steps per image stand for (they train a batch of one)."""
        per_image = self.per_image(self.values.get("steps"))
        return None if per_image is None else per_image * self.samples_per_step

    def deviations(self) -> list[str] | None:
        """Keys whose effective value differs from the preset; None when that cannot be told: a value is
        unknown, or none of the valid ones differs while one the schema refused may (a refused value never
        makes a config a preset's match)."""
        out = []
        for key in TRAINING_KEYS:
            moved = key == "steps" and ({"steps_per_image", *SAMPLE_KEYS} & set(self.overrides))
            if key not in self.overrides and not moved:
                continue
            value, base = self.values.get(key), self.preset_values.get(key)
            if value is None or base is None:
                return None
            if key == "steps":  # the images the run shows: a batch of 4 at a quarter of the steps is the preset's
                value *= self.samples_per_step
            if not math.isclose(value, base, rel_tol=1e-9, abs_tol=1e-12):
                out.append(key)
        return None if self.invalid and not out else out


# trainlint's optional keys that say how a run shows its images, besides what the presets hold
SAMPLE_KEYS = ("batch_size", "gradient_accumulation_steps")


def adaptive_optimizer(name: object) -> bool:
    """Whether trainlint's `optimizer` names one that estimates its own step size, its learning rate a multiplier
    (1.0 the usual value): a Prodigy or D-Adaptation variant, however a trainer spells it (`Prodigy`, `prodigy8bit`,
    `prodigyopt.Prodigy`, `PRODIGY_ADV`, `DAdaptAdam`, `dadaptation`, `DADAPT_LION`), as the trainers' own tables
    tell them apart (inputs/knowledge/: sd-scripts, ai-toolkit, OneTrainer, SimpleTuner, diffusers)."""
    if not isinstance(name, str):
        return False
    plain = re.sub(r"[^a-z0-9]", "", name.strip().lower().rsplit(".", 1)[-1])
    return "prodigy" in plain or plain.startswith("dadapt")


def build(config: dict[str, Any], preset: Preset, dataset: Dataset, invalid: frozenset[str] = frozenset()) -> Effective:
    """The preset overlaid by the config's training values; `invalid` are training keys whose written
    value the schema refused (left out of the values, and the config's deviations unknown)."""
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
    samples = math.prod(overrides.get(key, 1.0) for key in SAMPLE_KEYS)
    adaptive = adaptive_optimizer(training.get("optimizer"))
    return Effective(preset, dataset, values, preset_values, overrides, samples, invalid, adaptive)


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
    samples = adapted.values.get(SAMPLES_PER_STEP)
    per_step = samples.value if samples is not None and samples.value else 1.0
    return Effective(preset, dataset, values, preset_values, overrides, per_step, adaptive=ignore_learning_rates)
