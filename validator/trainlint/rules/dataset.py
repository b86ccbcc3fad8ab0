"""The dataset: the guide asks for good images and captions before any tuning."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import ClassVar

from ..diagnostics import Finding, Fix, Severity, plural
from ..effective import Dataset
from ..inputs.yaml_edit import set_number
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
    severity_note = "info when `dataset.images` is declared"
    fails = _VALID.replace("  images: 24", "  path: ./nowhere")
    passes = _WITH_PATH.replace("  path: ./data", "  path: ./data\n  images: 12")
    files = _CAPTIONED

    def check(self, ctx: Context) -> Iterable[Finding]:
        dataset = ctx.effective.dataset
        if dataset.path is None or dataset.outside:  # TL305 says why it was not looked at
            return
        where = ("dataset", "path")
        soft = _info_when_declared(dataset)
        declared = (
            f"; the declared {dataset.declared} images are used meanwhile"
            if dataset.declared
            else ", or declare `dataset.images`"
        )
        if dataset.problem is not None:  # it is there: say what is wrong with it, not that it is missing
            yield finding(
                self,
                f"dataset folder '{ctx.config['dataset']['path']}' {dataset.problem}",
                where,
                hint=f"point it at a folder trainlint may list{declared}",
                **soft,
            )
        elif not dataset.exists:
            yield finding(
                self,
                f"dataset folder '{ctx.config['dataset']['path']}' not found",
                where,
                hint=_folder_hint(
                    ctx.config["dataset"]["path"],
                    f"fix the path (it is relative to this file){declared}",
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
    severity_note = "info when `dataset.images` is declared"
    fails = _VALID.replace("  images: 24", "  path: ../../data")
    passes = _WITH_PATH.replace("  path: ./data", "  path: ./data\n  images: 12")
    files = _CAPTIONED

    def check(self, ctx: Context) -> Iterable[Finding]:
        dataset = ctx.effective.dataset
        if dataset.outside:
            hint = (
                f"the declared {dataset.declared} images are used; move the images into the repository to have "
                "them counted and their captions checked"
                if dataset.declared
                else "move the images into the repository, or declare `dataset.images`"
            )
            yield finding(
                self,
                f"dataset folder '{ctx.config['dataset']['path']}' is outside the repository; it was not read",
                ("dataset", "path"),
                hint=hint,
                **_info_when_declared(dataset),
            )


class ImageCountMismatch(Rule):
    """`dataset.images` disagrees with the number of images found in `dataset.path`.

    Why: Steps scale with the image count (175 per image on SD 1.5), so a stale count
    silently changes the training length. The images found win. Masks
    (`-masklabel.png`, `_mask.png`) are not counted: they are no training images.

    Fix safety: `trainlint fix` writes the count found in place of the declared one
    (`images: 20` becomes `images: 12`) when the folder was counted to its end and the
    number is written plainly there (not quoted, not an alias). Nothing trains
    differently: the count found is what trainlint already used, and the declared one
    is what a reader of the file is told. Before anything is written, ruamel.yaml reads
    the old and the new text, which must hold the same data apart from
    `dataset.images`, and it must stay a whole number.

    Source: Scenario's guide, "175 training steps for every image" (the catalog's
    `scenario-guide`); docs/reference.md, "The config (schema version 1)".
    """

    code, name = "TL302", "image-count-mismatch"
    formats = ("trainlint",)
    severity = Severity.WARNING
    fixable = True
    fails = _WITH_PATH.replace("  path: ./data", "  path: ./data\n  images: 20")
    passes = _WITH_PATH.replace("  path: ./data", "  path: ./data\n  images: 12")
    files = _CAPTIONED | {"data/00-masklabel.png": "", "data/01_mask.png": ""}

    def check(self, ctx: Context) -> Iterable[Finding]:
        dataset = ctx.effective.dataset
        if dataset.exists and dataset.found and dataset.declared and dataset.found != dataset.declared:
            edits = set_number(ctx.doc, ("dataset", "images"), dataset.found)
            yield finding(
                self,
                f"dataset.images says {dataset.declared} but {plural(dataset.found, 'image')} "
                f"{'is' if dataset.found == 1 else 'are'} in '{ctx.config['dataset']['path']}'; "
                f"the {dataset.found} found {'is' if dataset.found == 1 else 'are'} used",
                ("dataset", "images"),
                hint=f"set images: {dataset.found}",
                fix=Fix(f"set images: {dataset.found}", edits) if edits else None,
            )


class MissingCaptions(Rule):
    """Images in the dataset folder without a sidecar caption (`image.png` + `image.txt`, or the `caption_extension`).

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
    severity_note = "error on a Custom config"
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
            f"{len(dataset.uncaptioned)} of {plural(dataset.found or 0, 'image')} "
            f"{'has' if len(dataset.uncaptioned) == 1 else 'have'} no caption: {names}"
            + (f" and {more} more" if more > 0 else ""),
            ("dataset", "path"),
            hint=f"add a {dataset.caption_extension} caption beside each image"
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
                f"{plural(images, 'image')} {'is' if images == 1 else 'are'} outside the usual {usual['min']}-{usual['max']} for {kind} training",
                ("dataset",),
                on_key=True,
            )


def _listed(names: tuple[str, ...] | list[str], shown: int) -> str:
    """The first `shown` names, and how many more there are."""
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


_TRIGGER_FILES = {f"tagged/{i:02}.png": "" for i in range(6)} | {
    f"tagged/{i:02}.txt": f"{'tlmascot, ' if i < 4 else ''}a round orange fox mascot" for i in range(6)
}
_SUBJECT = _VALID.replace("training_type: style", "training_type: subject").replace("sdxl/style", "sdxl/subject")


class _FolderFiles(Rule):
    """A rule that names files of the dataset folder the listing set apart (one list per rule)."""

    formats = ("trainlint",)
    severity = Severity.WARNING
    thresholds = {"listed": 3}
    noun: ClassVar[str]
    verbs: ClassVar[tuple[str, str]]  # after one file, after more
    advice: ClassVar[str]

    def names(self, dataset: Dataset) -> tuple[str, ...]:
        raise NotImplementedError

    def check(self, ctx: Context) -> Iterable[Finding]:
        names = self.names(ctx.effective.dataset)
        if names:
            yield finding(
                self,
                f"{plural(len(names), self.noun)} {self.verbs[len(names) != 1]}: "
                + _listed(names, ctx.thresholds["listed"]),
                ("dataset", "path"),
                hint=self.advice,
            )


class EmptyCaptions(_FolderFiles):
    """Caption files that hold nothing but blanks.

    Why: An empty caption trains the image with no words at all: the text encoder learns
    nothing from it, and the image's content leaks into whatever the model associates
    with an empty prompt. Scenario's guide asks to improve captions before tuning
    parameters; an empty file is usually a caption someone meant to write.

    Source: Scenario, "Optimizing Advanced Training Parameters for Creatives" (the catalog's
    `scenario-guide`), and Scenario's captioning guides (docs/reference.md, "Presets").
    """

    code, name = "TL306", "empty-captions"
    fails = _WITH_PATH.replace("./data", "./blank")
    passes = _WITH_PATH
    files = (
        _CAPTIONED
        | {f"blank/{i:02}.png": "" for i in range(12)}
        | {f"blank/{i:02}.txt": "a landscape" if i else " \n" for i in range(12)}
    )
    noun, verbs = "caption file", ("is empty", "are empty")
    advice = "describe what varies in each image (pose, setting, lighting), or remove the image"

    def names(self, dataset: Dataset) -> tuple[str, ...]:
        return dataset.empty_captions


class CaptionsWithoutImage(_FolderFiles):
    """Caption files whose image is not in the dataset folder.

    Why: A trainer reads captions only for the images it finds, so such a caption trains
    nothing; it usually means an image was renamed or deleted and its caption was not,
    or that the image beside it has another name than the caption (`01.PNG.txt`).

    Source: kohya-ss/sd-scripts and ai-toolkit read a caption as the image's name with the
    caption extension (library/train_util.py, `read_caption`); docs/reference.md, "The config
    (schema version 1)".
    """

    code, name = "TL307", "captions-without-image"
    fails = _WITH_PATH.replace("./data", "./left")
    passes = _WITH_PATH
    files = (
        _CAPTIONED
        | {f"left/{i:02}.png": "" for i in range(10)}
        | {f"left/{i:02}.txt": "a landscape" for i in range(12)}
    )
    noun, verbs = "caption", ("has no image", "have no image")
    advice = "delete the caption, or restore or rename its image to the caption's name"

    def names(self, dataset: Dataset) -> tuple[str, ...]:
        return dataset.orphan_captions


def _mentions(word: str) -> Callable[[str], bool]:
    """Whether a caption names `word`: case-insensitive, as a word of its own (`ohwx`, not `ohwxy`)."""
    pattern = re.compile(rf"(?<!\w){re.escape(word.strip())}(?!\w)", re.IGNORECASE)
    return lambda text: pattern.search(text) is not None


class TriggerWordInconsistent(Rule):
    """Subject, character and object training: the trigger word is in some captions but not in all.

    Why: Scenario's captioning guides: for a subject, character or object, use the same
    trigger word in all captions or in none. A trigger in only some captions splits what
    is learnt between the word and the captions without it, so the trigger alone
    reproduces the subject less faithfully. The trigger is `dataset.trigger`; without it
    trainlint does not guess which word is meant, and says nothing.

    Source: Scenario's captioning guides (docs/reference.md and the reference values:
    "subject/character/object: the same trigger word in all captions or none").
    """

    code, name = "TL308", "trigger-word-inconsistent"
    formats = ("trainlint",)
    severity = Severity.WARNING
    fails = _SUBJECT.replace("  images: 24", "  path: ./tagged\n  trigger: tlmascot")
    passes = _SUBJECT.replace("  images: 24", "  path: ./data\n  trigger: tlmascot")
    files = _CAPTIONED | _TRIGGER_FILES
    thresholds = {"listed": 3}

    def check(self, ctx: Context) -> Iterable[Finding]:
        dataset, trigger = ctx.effective.dataset, _trigger(ctx)
        if trigger is None or not dataset.captions or ctx.training_type == "style":
            return
        has = _mentions(trigger)
        written = [(name, text) for name, text in dataset.captions if text.strip()]  # TL306 reports the empty ones
        without = [name for name, text in written if not has(text)]
        with_it = len(written) - len(without)
        if with_it and without:
            yield finding(
                self,
                f"the trigger word `{trigger}` is in {with_it} of {plural(len(written), 'caption')} "
                f"but not in the captions of " + _listed(without, ctx.thresholds["listed"]),
                ("dataset", "trigger"),
                hint=f"put `{trigger}` in every caption (or in none); for a {ctx.training_type}, the same "
                "trigger word in all captions or none",
            )


def _trigger(ctx: Context) -> str | None:
    dataset = ctx.config.get("dataset")
    trigger = dataset.get("trigger") if isinstance(dataset, dict) else None
    return trigger.strip()[:200] if isinstance(trigger, str) and trigger.strip() else None


# words of a config's name that say nothing of a style (`watercolor-style-sdxl-v2` names `watercolor`)
_GENERIC = frozenset(
    "style styles lora loras model models sdxl flux dreambooth train training config final test base "
    "dataset images image version".split()
)
_STYLE_OF = re.compile(r"(?<!\w)in the style of(?!\w)", re.IGNORECASE)


class StyleNamedInCaptions(Rule):
    """Style training: captions name the style itself.

    Why: Scenario's captioning guides: a style's captions describe what each image shows
    and never name the style, which is what the model is to learn from the images
    themselves; a caption that names it ties the look to those words. What the style is
    called is known only where the config says it: `dataset.trigger`, the words of the
    config's `name` followed by "style" (`watercolor style` in a config named
    `watercolor-landscapes`), and "in the style of". A caption that describes the look in
    other words ("soft washes of colour") cannot be told from one that describes the
    content, and is not reported.

    Source: Scenario's captioning guides (the reference values: "style: never name the style").
    """

    code, name = "TL309", "style-named-in-captions"
    formats = ("trainlint",)
    severity = Severity.WARNING
    fails = _VALID.replace(
        "classification: sdxl/style", "classification: sdxl/style\nname: watercolor-landscapes"
    ).replace("  images: 24", "  path: ./named")
    passes = fails.replace("./named", "./data")
    files = (
        _CAPTIONED
        | {f"named/{i:02}.png": "" for i in range(12)}
        | {f"named/{i:02}.txt": ("a watercolor style landscape" if i < 2 else "a lake at dawn") for i in range(12)}
    )
    thresholds = {"listed": 3}

    def check(self, ctx: Context) -> Iterable[Finding]:
        dataset = ctx.effective.dataset
        if ctx.training_type != "style" or not dataset.captions:
            return
        trigger = _trigger(ctx)
        name = ctx.config.get("name")
        words = (
            [w for w in re.split(r"[^\w]+|_", name[:200].lower()) if len(w) >= 4 and w not in _GENERIC][:16]
            if isinstance(name, str)
            else []
        )
        named = (
            re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, words))})[\s-]+style(?!\w)", re.IGNORECASE)
            if words
            else None
        )
        has_trigger = _mentions(trigger) if trigger else None
        found = [
            file
            for file, text in dataset.captions
            if (has_trigger is not None and has_trigger(text))
            or _STYLE_OF.search(text)
            or (named is not None and named.search(text))
        ]
        if found:
            said = f"`{trigger}`, " if trigger else ""
            yield finding(
                self,
                f"{plural(len(found), 'caption')} {'names' if len(found) == 1 else 'name'} the style itself "
                f'({said}a word of the config\'s name before "style", or "in the style of"): '
                + _listed(found, ctx.thresholds["listed"]),
                ("dataset", "path"),
                hint="describe what each image shows (subject, setting, colours of the scene), not the style: "
                "the model learns the style from the images",
            )
