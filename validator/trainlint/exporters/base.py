"""The records an exporter works with: what to train (`Target`), what it writes (`Plan`) and what it
could not write as asked (`Change`).

An exporter is one module per trainer (`exporters/<trainer>.py`) holding, as data with the trainer's
source, how that trainer expresses trainlint's values (which key holds the steps, whether the text
encoder can stop part way, which default must be overridden), and one function `plan(target)` that
turns a target into key assignments at the paths the trainer's reader uses for them (the same paths
`doc.spans` holds, so `--into` can edit an existing file where those keys stand).
"""

import math
from typing import Any, NamedTuple

from ..diagnostics import ConfigPath, fmt_number


class Target(NamedTuple):
    """What a trainlint config trains: its effective values (effective.py) and what they need."""

    name: str
    base_model: str  # sd-1.5 | sdxl | flux.1
    training_type: str | None
    steps: float
    learning_rate_unet: float
    learning_rate_text_encoder: float
    text_encoder_ratio: float
    images: int | None  # distinct training images; None when neither the folder nor a count gives them
    dataset: str | None  # the dataset folder as the written file should name it (relative to it), if any
    # how the config's run shows its images: batch_size x gradient_accumulation_steps (1: a batch of one, what
    # the presets' steps are for), and the optimizer it names (None: the trainer's default)
    samples_per_step: float = 1.0
    optimizer: str | None = None


class Change(NamedTuple):
    """A value the trainer cannot hold as asked, and the nearest one it can: refused without
    `--approximate`, written (and said) with it."""

    key: str  # trainlint's key: steps, learning_rate_unet, learning_rate_text_encoder, text_encoder_ratio
    wanted: float
    written: float
    why: str  # the trainer's limit, with its source

    def describe(self) -> str:
        return f"{self.key} {fmt_number(self.wanted)} -> {fmt_number(self.written)}: {self.why}"


class Missing(NamedTuple):
    """Something the export needs and the config does not give (an image count): always refused."""

    what: str


class Plan(NamedTuple):
    """What an exporter writes: values by trainer path, in writing order; `trains` is what the
    written file trains in trainlint's keys (None: that part is not trained, so it has no rate),
    which reading the file back through the trainer's adapter must give."""

    assign: dict[ConfigPath, Any]
    trains: dict[str, float | None]
    changes: tuple[Change, ...] = ()
    missing: tuple[Missing, ...] = ()
    notes: tuple[str, ...] = ()  # what the user must still fill in (model files, captions) and why
    extra: dict[str, Any] = {}  # other files the main one names: file name -> data (written by its suffix)
    remove: tuple[ConfigPath, ...] = ()  # keys that would override the managed ones (--into removes them)


def companion(stem: str | None, role: str, suffix: str) -> str | None:
    """The name of a file written beside the main one (`style-dataset.toml` beside `style.toml`);
    None when the main file goes to standard output, where only one file can go."""
    return None if stem is None else f"{stem}-{role}{suffix}"


def whole_steps(target: Target) -> tuple[int, list[Change]]:
    """The step count as a whole number: a trainer counts whole steps (a fractional count comes from
    `steps_per_image` times the images)."""
    steps = round(target.steps)
    if math.isclose(steps, target.steps, abs_tol=1e-9):
        return steps, []
    return steps, [Change("steps", target.steps, steps, "a trainer counts whole steps")]


def on_or_off(target: Target, why: str) -> tuple[float, list[Change]]:
    """The text encoder's share where the trainer trains it for the whole run or not at all: 0 and 1
    are exact; anything between is a change to the nearer end (0.5 trains it)."""
    ratio = target.text_encoder_ratio
    if ratio in (0, 1):
        return ratio, []
    written = 1.0 if ratio >= 0.5 else 0.0
    return written, [Change("text_encoder_ratio", ratio, written, why)]


def one_rate(target: Target, ratio: float, why: str) -> tuple[float | None, list[Change]]:
    """The text encoder's rate where the trainer trains every part at one rate: the U-Net's."""
    if not ratio:
        return None, []
    wanted = target.learning_rate_text_encoder
    if math.isclose(wanted, target.learning_rate_unet, rel_tol=1e-12):
        return wanted, []
    return target.learning_rate_unet, [Change("learning_rate_text_encoder", wanted, target.learning_rate_unet, why)]


def whole_run(target: Target, why: str) -> tuple[int, float, list[Change]]:
    """Steps and text encoder share for a trainer that trains the text encoder for the whole run or not at all."""
    steps, changes = whole_steps(target)
    ratio, more = on_or_off(target, why)
    return steps, ratio, changes + more


def finish(
    target: Target,
    assign: dict[ConfigPath, Any],
    steps: int,
    ratio: float,
    changes: list[Change],
    notes: list[str],
    extra: dict[str, Any] | None = None,
    te_rate: float | None = None,
    remove: tuple[ConfigPath, ...] = (),
) -> Plan:
    """The plan of a trainer that holds the U-Net's rate as asked (`te_rate`: the text encoder's, if not as asked)."""
    te = target.learning_rate_text_encoder if te_rate is None else te_rate
    return Plan(
        assign,
        trains(steps, target.learning_rate_unet, te, ratio),
        tuple(changes),
        notes=tuple(notes),
        extra=extra or {},
        remove=remove,
    )


def trains(steps: float, unet: float, te: float | None, ratio: float) -> dict[str, float | None]:
    return {
        "steps": float(steps),
        "learning_rate_unet": unet,
        "learning_rate_text_encoder": te if ratio else None,
        "text_encoder_ratio": ratio,
    }


# the model each base model trains from, by its Hub id: what a trainer's file names when the trainlint config
# names only the family (the user points it at a local file where they keep one)
HUB_MODELS = {
    "sd-1.5": "stable-diffusion-v1-5/stable-diffusion-v1-5",
    "sdxl": "stabilityai/stable-diffusion-xl-base-1.0",
    "flux.1": "black-forest-labs/FLUX.1-dev",
}
