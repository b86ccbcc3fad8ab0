"""The dataset: the guide asks for good images and captions before any tuning."""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Finding, Severity, plural
from ..effective import Dataset
from .base import Context, Rule, finding
from .reading import _VALID

_WITH_PATH = _VALID.replace("  images: 24", "  path: ./data")
_CAPTIONED = {f"data/{i:02}.png": "" for i in range(12)} | {
    f"data/{i:02}.txt": "a watercolor landscape" for i in range(12)
}


def _folder_hint(raw: object, usual: str) -> str:
    """The hint for a dataset folder that is not there: a Windows path (backslashes, a drive letter) says
    what to write instead, since trainers and CI read it on Linux, where a backslash is part of a name."""
    if isinstance(raw, str) and "\\" in raw:
        forward = raw.replace("\\", "/")
        drive = len(forward) > 1 and forward[1] == ":" and forward[0].isalpha()
        return f"use forward slashes: `{forward}`" + (
            "; a backslash is part of a file name on Linux and macOS, where trainers and CI run"
            if not drive
            else "; `C:` is a Windows drive: give the path relative to this file, inside the repository"
        )
    return usual


def _info_when_declared(dataset: Dataset) -> dict[str, Severity]:
    """A folder that cannot be counted matters less when `dataset.images` says how many images there are."""
    return {"severity": Severity.INFO} if dataset.declared else {}


class DatasetPathMissing(Rule):
    """`dataset.path` does not exist, is not a folder, cannot be read, or holds no images (jpg, jpeg, png, webp).

    Why: Without images there is no image count, and every steps check depends on it.
    When `dataset.images` is also given (the images live on the training machine),
    the declared count is used and this is only informational.

    Source: docs/reference.md, "The config (schema version 1)": the image count is the
    number of images in `dataset.path` when that folder exists, else `dataset.images`.
    """

    code, name = "TL301", "dataset-path-missing"
    formats = ("trainlint",)
    severity = Severity.ERROR
    fails = _VALID.replace("  images: 24", "  path: ./nowhere")
    passes = _WITH_PATH.replace("  path: ./data", "  path: ./data\n  images: 12")
    files = _CAPTIONED

    def check(self, ctx: Context) -> Iterable[Finding]:
        dataset = ctx.effective.dataset
        if dataset.path is None or dataset.outside:  # TL305 says why it was not looked at
            return
        where = ("dataset", "path")
        soft = _info_when_declared(dataset)
        if dataset.problem is not None:  # it is there: say what is wrong with it, not that it is missing
            yield finding(
                self,
                f"dataset folder '{ctx.config['dataset']['path']}' {dataset.problem}",
                where,
                hint="point it at a folder trainlint may list, or declare `dataset.images`",
                **soft,
            )
        elif not dataset.exists:
            yield finding(
                self,
                f"dataset folder '{ctx.config['dataset']['path']}' not found",
                where,
                hint=_folder_hint(
                    ctx.config["dataset"]["path"],
                    "fix the path (it is relative to this file), or declare `dataset.images`",
                ),
                **soft,
            )
        elif dataset.found == 0:
            yield finding(self, "dataset folder holds no images (jpg, jpeg, png, webp)", where, **soft)


class DatasetOutsideRepository(Rule):
    """`dataset.path` leads out of the repository (`../..`, an absolute path, a symlink out).

    Why: A config arrives in pull requests, and CI checks it with the runner's file system
    at hand; listing a folder outside the repository would reveal file names and
    counts from that machine. The folder is not looked at, and the declared
    `dataset.images` is used instead. Keep datasets inside the repository, or declare
    the count: with `dataset.images` given (the images live on the training
    machine) this is only informational.

    Source: docs/reference.md, "Safety limits and hostile input"; SECURITY.md.
    """

    code, name = "TL305", "dataset-outside-repository"
    formats = ("trainlint",)
    severity = Severity.ERROR
    fails = _VALID.replace("  images: 24", "  path: ../../data")
    passes = _WITH_PATH.replace("  path: ./data", "  path: ./data\n  images: 12")
    files = _CAPTIONED

    def check(self, ctx: Context) -> Iterable[Finding]:
        dataset = ctx.effective.dataset
        if dataset.outside:
            yield finding(
                self,
                f"dataset folder '{ctx.config['dataset']['path']}' is outside the repository; it was not read",
                ("dataset", "path"),
                hint="move the images into the repository, or declare `dataset.images`",
                **_info_when_declared(dataset),
            )


class ImageCountMismatch(Rule):
    """`dataset.images` disagrees with the number of images found in `dataset.path`.

    Why: Steps scale with the image count (175 per image on SD 1.5), so a stale count
    silently changes the training length. The images found win.

    Source: Scenario's guide, "175 training steps for every image" (the catalog's
    `scenario-guide`); docs/reference.md, "The config (schema version 1)".
    """

    code, name = "TL302", "image-count-mismatch"
    formats = ("trainlint",)
    severity = Severity.WARNING
    fails = _WITH_PATH.replace("  path: ./data", "  path: ./data\n  images: 20")
    passes = _WITH_PATH.replace("  path: ./data", "  path: ./data\n  images: 12")
    files = _CAPTIONED

    def check(self, ctx: Context) -> Iterable[Finding]:
        dataset = ctx.effective.dataset
        if dataset.exists and dataset.found and dataset.declared and dataset.found != dataset.declared:
            yield finding(
                self,
                f"dataset.images says {dataset.declared} but {dataset.found} images are in "
                f"{ctx.config['dataset']['path']!r}; the {dataset.found} found are used",
                ("dataset", "images"),
                hint=f"set images: {dataset.found}",
            )


class MissingCaptions(Rule):
    """Images in the dataset folder without a sidecar caption (`image.png` + `image.txt`).

    Why: Scenario's guide: "It is recommended to improve your captions and your dataset
    while still using the Scenario training presets before adjusting advanced
    training settings." The text encoder learns from captions. This is an error on
    a Custom config: fix the dataset before tuning parameters.

    Source: Scenario, "Optimizing Advanced Training Parameters for Creatives" (the catalog's
    `scenario-guide`).
    """

    code, name = "TL303", "missing-captions"
    formats = ("trainlint",)
    severity = Severity.WARNING
    fails = _WITH_PATH.replace("./data", "./raw")
    passes = _WITH_PATH
    files = _CAPTIONED | {f"raw/{i:02}.png": "" for i in range(12)} | {f"raw/{i:02}.txt": "x" for i in range(10)}
    thresholds = {"listed": 3}

    def check(self, ctx: Context) -> Iterable[Finding]:
        dataset = ctx.effective.dataset
        if not dataset.uncaptioned:
            return
        names = ", ".join(dataset.uncaptioned[: ctx.thresholds["listed"]])
        more = len(dataset.uncaptioned) - ctx.thresholds["listed"]
        extra = {"severity": Severity.ERROR} if ctx.is_custom else {}
        yield finding(
            self,
            f"{len(dataset.uncaptioned)} of {dataset.found} images have no caption: {names}"
            + (f" and {more} more" if more > 0 else ""),
            ("dataset", "path"),
            hint="add a .txt caption beside each image"
            + ("; the guide says to fix captions before tuning a Custom config" if ctx.is_custom else ""),
            **extra,
        )


class DatasetSizeUnusual(Rule):
    """The image count is outside the usual range for the training type.

    Why: Scenario's dataset guides suggest 10-30 images for a style and 5-15 for a
    character, subject or object. More is not wrong, but more images usually want
    fewer steps per image (see TL404).

    Source: Scenario's dataset-curation notes and blog posts (the catalog's
    `scenario-dataset-guides`).
    """

    code, name = "TL304", "dataset-size-unusual"
    formats = ("trainlint",)
    severity = Severity.INFO
    fails = _VALID.replace("images: 24", "images: 3")
    passes = _VALID

    def check(self, ctx: Context) -> Iterable[Finding]:
        if not ctx.effective.images:
            return
        kind = ctx.preset.training_type
        usual = ctx.catalog.training_types.get(kind, {}).get("dataset_images")
        images = ctx.effective.images
        if usual and not usual["min"] <= images <= usual["max"]:
            yield finding(
                self,
                f"{plural(images, 'image')} is outside the usual {usual['min']}-{usual['max']} for {kind} training",
                ("dataset",),
                on_key=True,
            )
