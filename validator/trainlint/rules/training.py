"""The advanced training parameters: the heart of Scenario's guide.

Thresholds are data (`thresholds`), overridable per project; the numbers are in each
rule's Why, and where they come from in its Source.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, ClassVar

from ..diagnostics import ConfigPath, Finding, Severity
from ..diagnostics import fmt_number as _n
from ..inputs.base import number
from .base import Context, Rule, finding, fmt_ratio
from .reading import _VALID
from .trainer_traps import (
    SIMPLETUNER_DATA,
    Example,
    ai_toolkit,
    diffusers,
    example,
    kohya_ss,
    onetrainer,
    scenario,
    sd_scripts,
    simpletuner,
)

_CUSTOM = _VALID.replace("classification: sdxl/style", "classification: Custom")
_LABELS = {
    "steps": "steps",
    "learning_rate_unet": "UNet learning rate",
    "learning_rate_text_encoder": "text encoder learning rate",
    "text_encoder_ratio": "text encoder ratio",
}


# trainers whose text encoder, when it trains at the UNet's own setting, has no learning rate of its own:
# ai-toolkit trains every part at `train.lr`, diffusers' SD 1.5 DreamBooth scripts at --learning_rate (the
# other trainers fall back to their main rate only while their text-encoder rate is left unset)
_ONE_RATE = ("ai-toolkit", "diffusers")


def _te_rate_judged(ctx: Context) -> bool:
    """Whether the text encoder's learning rate is a setting to judge on its own: in a trainer's config, not
    when the text encoder is not trained, nor when it can only train at the UNet's rate (judged as such)."""
    if ctx.adapted is None:
        return True
    if ctx.effective.values.get("text_encoder_ratio") == 0:
        return False
    te, unet = ctx.adapted.values.get("learning_rate_text_encoder"), ctx.adapted.values.get("learning_rate_unet")
    shared = te is not None and unet is not None and (te.key, te.path) == (unet.key, unet.path)
    return not (shared and ctx.adapted.input_format in _ONE_RATE)


def _written(data: Any, path: ConfigPath) -> Any:
    """The value written at `path` in a trainer's data (None when the path does not lead to one)."""
    for step in path:
        found = (
            step in data
            if isinstance(data, dict)
            else (isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data))
        )
        if not found:
            return None
        data = data[step]
    return data


def _ratio_setting(ctx: Context, ratio: float, low: float, high: float) -> str:
    """For a trainer's config, how to bring the text encoder ratio between `low` and `high`: the trainer's
    own setting (a stop step or epoch, a fraction) scaled in proportion, where the ratio is a part of the run."""
    share = f"train the text encoder for {low:.0%}-{high:.0%} of the run"
    value = ctx.adapted.values.get("text_encoder_ratio") if ctx.adapted is not None else None
    if value is None or value.path is None or not value.key or not 0 < ratio < 1:
        return share
    written = number(_written(ctx.config, value.path))
    if written is None or written <= 0:
        return share
    lowest, highest = written * low / ratio, written * high / ratio
    if isinstance(_written(ctx.config, value.path), int):  # a step or epoch count
        lowest, highest = math.ceil(lowest), math.floor(highest)
        return f"{share}: `{value.key}` between {lowest} and {highest}" if lowest <= highest else share
    return f"{share}: `{value.key}` between {lowest:.2g} and {highest:.2g}"


def _what(ctx: Context, key: str, label: str | None = None) -> str:
    """A value as a message names it: trainlint's label, and in a trainer's config the trainer's own
    key and whether the value is that trainer's default (the file does not set it)."""
    label = label or _LABELS[key]
    value = ctx.adapted.values.get(key) if ctx.adapted is not None else None
    if value is None:
        return label
    named = f"{label} (`{value.key}`)" if value.key else label
    return named + (
        f", the {ctx.adapted.input_format} default," if ctx.adapted and value.source == "trainer-default" else ""
    )


# The examples in the trainers' formats: each trainer's smallest config on its preset for the 10 images
# beside it (`files`; 40 for TL404), the text encoder left out (`te=False`, style) or trained at 1e-5:
# SD 1.5 in kohya_ss and OneTrainer, SDXL in sd-scripts, SimpleTuner and diffusers, FLUX.1 in ai-toolkit and Scenario.


def _images(count: int) -> dict[str, str]:
    return {f"img/10_style/{n:02}.png": "" for n in range(count)}


def _kohya(te: bool = False, **fields: Any) -> str:
    return kohya_ss(
        **{
            "max_train_steps": 1750,
            "learning_rate": 1e-4,
            "unet_lr": 1e-4,
            "text_encoder_lr": 1e-5,
            "additional_parameters": None if te else "--network_train_unet_only",
            **fields,
        }
    )


def _sd(te: bool = False, **keys: Any) -> str:
    return sd_scripts(
        **{"max_train_steps": 3500, **({"text_encoder_lr": 1e-5} if te else {"network_train_unet_only": True}), **keys}
    )


def _ait(te: bool = False, **train: Any) -> str:
    return ai_toolkit(**{"steps": 1000, "lr": 1e-4, **({"train_text_encoder": True} if te else {}), **train})


def _ot(epochs: int = 175, te: float = 0.2, **fields: Any) -> str:
    """OneTrainer stops the text encoder after the epoch that ends the fraction `te` of the run."""
    return onetrainer(
        **{
            "epochs": epochs,
            "text_encoder": {
                "train": True,
                "stop_training_after": round(epochs * te),
                "stop_training_after_unit": "EPOCH",
                "learning_rate": 1e-5,
            },
            **fields,
        }
    )


def _st(te: bool = False, **options: Any) -> str:
    return simpletuner(
        **{"max_train_steps": 3500, **({"train_text_encoder": True, "text_encoder_lr": 1e-5} if te else {}), **options}
    )


def _df(te: bool = False, **options: Any) -> str:
    return diffusers(
        *(["train_text_encoder"] if te else []),
        **{"max_train_steps": 3500, "learning_rate": 1e-4, **({"text_encoder_lr": 1e-5} if te else {}), **options},
    )


def _sc(**parameters: Any) -> str:
    return scenario(**{"maxTrainSteps": 1000, "learningRate": 1e-4, **parameters})


def _in(trainer: str, training_type: str, fails: str, passes: str) -> Example:
    return example(trainer, fails, passes, training_type, SIMPLETUNER_DATA if trainer == "simpletuner" else None)


class LearningRateAndStepsSameDirection(Rule):
    """The UNet learning rate and the steps both moved the same way from the preset.

    Why: Scenario's guide, twice: "When increasing the learning rate, decrease the
    training steps, and vice versa." Both raised trains harder on two axes at once
    and risks overtraining (burnt, copy-paste outputs); both lowered risks a model
    that has barely learnt. Moves within `tolerance` of the preset do not count.

    Source: Scenario, "Optimizing Advanced Training Parameters for Creatives", the best
    practices for the training steps and for the learning rate (the catalog's `scenario-guide`).
    """

    code, name = "TL401", "lr-steps-same-direction"
    severity = Severity.WARNING
    thresholds: ClassVar[dict[str, Any]] = {"tolerance": 0.05}
    fails = _CUSTOM + "training:\n  steps: 12600\n  learning_rate_unet: 2.0e-4\n"
    passes = _CUSTOM + "training:\n  steps: 4200\n  learning_rate_unet: 2.0e-4\n"
    files = _images(10)
    more_examples = (
        _in(
            "kohya_ss",
            "style",
            _kohya(unet_lr=1.5e-4, max_train_steps=2600),
            _kohya(unet_lr=1.5e-4, max_train_steps=1170),
        ),
        _in(
            "sd-scripts",
            "style",
            _sd(learning_rate=1.5e-4, max_train_steps=5200),
            _sd(learning_rate=1.5e-4, max_train_steps=2330),
        ),
        _in("ai-toolkit", "style", _ait(lr=1.5e-4, steps=1500), _ait(lr=1.5e-4, steps=670)),
        _in("onetrainer", "style", _ot(learning_rate=1.5e-4, epochs=260), _ot(learning_rate=1.5e-4, epochs=117)),
        _in(
            "simpletuner",
            "style",
            _st(learning_rate=1.5e-4, max_train_steps=5200),
            _st(learning_rate=1.5e-4, max_train_steps=2330),
        ),
        _in(
            "diffusers",
            "style",
            _df(learning_rate=1.5e-4, max_train_steps=5200),
            _df(learning_rate=1.5e-4, max_train_steps=2330),
        ),
        _in(
            "scenario",
            "style",
            _sc(learningRate=1.5e-4, maxTrainSteps=1500),
            _sc(learningRate=1.5e-4, maxTrainSteps=670),
        ),
    )

    def check(self, ctx: Context) -> Iterable[Finding]:
        eff = ctx.effective
        lr, steps = eff.ratio("learning_rate_unet"), eff.ratio("steps")
        tol = ctx.thresholds["tolerance"]
        if lr is None or steps is None:
            return
        if lr > 1 + tol and steps > 1 + tol:
            moved, risk, advice = "raised", "overtraining", "when you raise the learning rate, lower the steps"
        elif lr < 1 - tol and steps < 1 - tol:
            moved, risk, advice = "lowered", "undertraining", "when you lower the learning rate, raise the steps"
        else:
            return
        base = eff.preset_values["steps"] or 0
        target = base / lr
        per_image = eff.per_image(base)
        keep = f"keep steps at {_n(base)}" + (f" ({_n(per_image)} per image)" if per_image else "")
        verb = "lower" if moved == "raised" else "raise"
        what = (
            "learning rate and steps"
            if ctx.adapted is None
            else f"{_what(ctx, 'learning_rate_unet')} and {_what(ctx, 'steps')}"
        )
        yield finding(
            type(self),
            f"{what} both {moved} from preset {eff.preset.ref if eff.preset else ''} "
            f"(lr {fmt_ratio(lr)}, steps {fmt_ratio(steps)}): {risk} risk; {advice}",
            ctx.where("steps"),
            on_key=True,
            hint=f"{keep} or {verb} them to about {_n(round(target, -1 if target > 100 else 0))} with this learning rate",
        )


class TextEncoderRatioRange(Rule):
    """The text encoder ratio is outside the usual range for the training type.

    Why: Scenario's guide: "it is typically advised to keep the text encoder training
    ratio lower for style training" and "it is important to increase the ratio for
    subject training, where the concept being learned has very specific details".
    The ranges per training type live in the preset catalog (community numbers:
    style 10-30 %, subject, character and object 40-80 %, after TheLastBen's
    DreamBooth notebook).

    Source: Scenario's guide, "Text Encoder Training Ratio" (the catalog's `scenario-guide`);
    the ranges: TheLastBen/fast-stable-diffusion, `fast-DreamBooth.ipynb` (the catalog's
    `thelastben-notebook`, community).
    """

    code, name = "TL402", "text-encoder-ratio-range"
    severity = Severity.WARNING
    fails = _CUSTOM + "training:\n  text_encoder_ratio: 0.6\n"
    passes = _CUSTOM + "training:\n  text_encoder_ratio: 0.2\n"
    files = _images(10)
    more_examples = (
        _in("kohya_ss", "style", _kohya(te=True), _kohya()),
        _in("sd-scripts", "style", _sd(te=True), _sd()),
        _in("ai-toolkit", "style", _ait(te=True), _ait()),
        _in("onetrainer", "style", _ot(te=0.6), _ot()),
        _in("simpletuner", "style", _st(te=True), _st()),
        _in("diffusers", "style", _df(te=True), _df()),
        _in(
            "scenario",
            "style",
            scenario("sd-xl-lora", maxTrainSteps=3500, learningRate=1e-4, numTextTrainSteps=2100),
            scenario("sd-xl-lora", maxTrainSteps=3500, learningRate=1e-4, numTextTrainSteps=525),
        ),
    )

    def check(self, ctx: Context) -> Iterable[Finding]:
        eff = ctx.effective
        ratio = eff.values.get("text_encoder_ratio")
        if ratio is None:
            return
        kind = ctx.training_type
        usual = ctx.catalog.training_types.get(kind, {}).get("text_encoder_ratio") if kind else None
        if not usual or usual["min"] <= ratio <= usual["max"]:
            return
        side = "high" if ratio > usual["max"] else "low"
        why = (
            "styles are lower: the model already knows most concepts"
            if kind == "style"
            else "subjects are higher: their details must stay consistent"
        )
        hint = f"try a value between {usual['min']:g} and {usual['max']:g}"
        if ctx.adapted is not None and not ctx.adapted.text_encoder_stop:
            # the trainer can only train the text encoder for the whole run or not at all: advise
            # the one of the two nearer the usual range, and stay quiet when that is already set
            nearer = min((0.0, 1.0), key=lambda r: max(usual["min"] - r, r - usual["max"], 0))
            if ratio == nearer:
                return
            how = ctx.adapted.text_encoder_switch
            hint = (
                f"this trainer trains the text encoder for the whole run or not at all, and "
                f"{'leaving it out' if nearer == 0 else 'training it'} is the nearer to the usual range"
                + (f": {how[0 if nearer == 0 else 1]}" if how else "")
            )
        elif ctx.adapted is not None:
            hint = _ratio_setting(ctx, ratio, usual["min"], usual["max"])
        yield finding(
            type(self),
            f"{_what(ctx, 'text_encoder_ratio')} {ratio:g} is {side} for {kind} training "
            f"(usual {usual['min']:g}-{usual['max']:g}); {why}",
            ctx.where("text_encoder_ratio"),
            on_key=True,
            hint=hint,
        )


class StepsPerImageFar(Rule):
    """The steps per image are far from the preset's (beyond `high` or below `low` times).

    Why: Scenario's default is 175 steps per image on SD 1.5 and 350 on SDXL; its guide
    asks for "small incremental adjustments". Doubling or halving the training
    length in one go is not incremental. Past 30 images the guide itself advises
    50-100 steps per image (TL404, whose default thresholds these are), so there
    down to 50 is not far.

    Source: Scenario's guide, 175 steps per image and "small incremental adjustments" (the
    catalog's `scenario-guide`); Scenario, "Understanding the training interface", 350 per image
    on SDXL and 50-100 past 30 images (`scenario-training-interface`).
    """

    code, name = "TL403", "steps-per-image-far"
    severity = Severity.WARNING
    thresholds: ClassVar[dict[str, Any]] = {"low": 0.5, "high": 2.0}
    fails = _CUSTOM + "training:\n  steps_per_image: 900\n"
    passes = _CUSTOM + "training:\n  steps_per_image: 400\n"
    files = _images(10)
    more_examples = (
        _in("kohya_ss", "style", _kohya(max_train_steps=5000), _kohya(max_train_steps=3000)),
        _in("sd-scripts", "style", _sd(max_train_steps=9000), _sd(max_train_steps=6000)),
        _in("ai-toolkit", "style", _ait(steps=3000), _ait(steps=1500)),
        _in("onetrainer", "style", _ot(epochs=500), _ot(epochs=300)),
        _in("simpletuner", "style", _st(max_train_steps=9000), _st(max_train_steps=6000)),
        _in("diffusers", "style", _df(max_train_steps=9000), _df(max_train_steps=6000)),
        _in("scenario", "style", _sc(maxTrainSteps=3000), _sc(maxTrainSteps=1500)),
    )

    def check(self, ctx: Context) -> Iterable[Finding]:
        eff = ctx.effective
        if not ({"steps", "steps_per_image"} & set(eff.overrides)):
            return
        t, ratio = ctx.thresholds, eff.ratio("steps")
        if ratio is None:
            return
        mine, base = eff.per_image(eff.values["steps"]), eff.per_image(eff.preset_values["steps"])
        low, large = t["low"], LargeDatasetSteps.thresholds
        if eff.images and eff.images > large["images"] and base:
            low = min(low, large["low"] / base)  # the guide's fewer steps per image on a large dataset
        if low <= ratio <= t["high"]:
            return
        yield finding(
            type(self),
            f"{_n(mine or 0)} steps per image is {fmt_ratio(ratio)} the preset's {_n(base or 0)}; "
            "make small, incremental adjustments",
            ctx.where("steps"),
            on_key=True,
            hint=f"stay within {t['low']:g}x-{t['high']:g}x of the preset per step of tuning",
        )


class LargeDatasetSteps(Rule):
    """A dataset of more than 30 images trains at more than 100 steps per image.

    Why: Scenario's guide: "For datasets larger than 30 images, you may usefully
    experiment with reducing the number of steps per image"; its training page
    suggests 50-100 per image there.

    Source: Scenario's guide (the catalog's `scenario-guide`); Scenario, "Understanding the
    training interface" (`scenario-training-interface`).
    """

    code, name = "TL404", "large-dataset-steps"
    severity = Severity.INFO
    thresholds: ClassVar[dict[str, Any]] = {"images": 30, "low": 50, "high": 100}
    fails = _VALID.replace("images: 24", "images: 40")
    passes = _CUSTOM.replace("images: 24", "images: 40") + "training:\n  steps_per_image: 100\n"
    files = _images(40)
    more_examples = (
        _in("kohya_ss", "style", _kohya(max_train_steps=7000), _kohya(max_train_steps=4000)),
        _in("sd-scripts", "style", _sd(max_train_steps=14000), _sd(max_train_steps=4000)),
        _in("ai-toolkit", "style", _ait(steps=4800, lr=2e-4), _ait(steps=4000, lr=2e-4)),
        _in("onetrainer", "style", _ot(epochs=175), _ot(epochs=100)),
        _in("simpletuner", "style", _st(max_train_steps=14000), _st(max_train_steps=4000)),
        _in("diffusers", "style", _df(max_train_steps=14000), _df(max_train_steps=4000)),
        _in(
            "scenario",
            "style",
            scenario(images=40, maxTrainSteps=4800, learningRate=2e-4),
            scenario(images=40, maxTrainSteps=4000, learningRate=2e-4),
        ),
    )

    def check(self, ctx: Context) -> Iterable[Finding]:
        eff, t = ctx.effective, ctx.thresholds
        if not eff.images or eff.images <= t["images"]:
            return
        per_image = eff.per_image(eff.values.get("steps"))
        if per_image is None or per_image <= t["high"]:
            return
        yield finding(
            type(self),
            f"{eff.images} images at {_n(per_image)} steps per image; past {t['images']} images, "
            f"{t['low']}-{t['high']} per image usually serve",
            ctx.where("steps"),
            on_key=True,
            hint=f"try steps between {_n(t['low'] * eff.images)} and {_n(t['high'] * eff.images)}",
        )


class StepsConflict(Rule):
    """`steps` and `steps_per_image` are both given and disagree for the image count.

    Why: Use one of them. Trainers that read only one of the two would train a different
    length than the reviewer reads.

    Source: docs/reference.md, "The config (schema version 1)".
    """

    code, name = "TL405", "steps-conflict"
    formats = ("trainlint",)
    severity = Severity.ERROR
    fails = _CUSTOM + "training:\n  steps: 8400\n  steps_per_image: 300\n"
    passes = _CUSTOM + "training:\n  steps: 7200\n  steps_per_image: 300\n"

    def check(self, ctx: Context) -> Iterable[Finding]:
        eff = ctx.effective
        if not eff.images or not {"steps", "steps_per_image"} <= set(eff.overrides):
            return
        steps, per_image = eff.overrides["steps"], eff.overrides["steps_per_image"]
        if steps != per_image * eff.images:
            yield finding(
                type(self),
                f"steps {_n(steps)} and steps_per_image {_n(per_image)} disagree: "
                f"{_n(per_image)} x {eff.images} images = {_n(per_image * eff.images)}",
                ("training", "steps"),
                on_key=True,
                hint="keep only one of the two",
            )


class LargeAdjustment(Rule):
    """A learning rate or the text encoder ratio moved more than `high` or less than `low` times the preset in one go.

    Why: Scenario's guide: "Try small, incremental adjustments." A jump beyond 2x (or
    below half) is not incremental: tune in smaller steps and compare results.
    Steps have their own rule (TL403).

    Source: Scenario, "Optimizing Advanced Training Parameters for Creatives" (the catalog's
    `scenario-guide`).
    """

    code, name = "TL406", "large-adjustment"
    severity = Severity.WARNING
    thresholds: ClassVar[dict[str, Any]] = {
        "low": 0.5,
        "high": 2.0,
        "keys": ["learning_rate_unet", "learning_rate_text_encoder", "text_encoder_ratio"],
    }
    fails = _CUSTOM + "training:\n  learning_rate_unet: 4.0e-4\n  steps: 2100\n"
    passes = _CUSTOM + "training:\n  learning_rate_unet: 1.5e-4\n  steps: 5600\n"
    files = _images(10)
    more_examples = (
        _in("kohya_ss", "style", _kohya(unet_lr=4e-4), _kohya(unet_lr=2e-4)),
        _in("sd-scripts", "style", _sd(learning_rate=4e-4), _sd(learning_rate=2e-4)),
        _in("ai-toolkit", "style", _ait(lr=4e-4), _ait(lr=2e-4)),
        _in("onetrainer", "style", _ot(learning_rate=4e-4), _ot(learning_rate=2e-4)),
        _in("simpletuner", "style", _st(learning_rate=4e-4), _st(learning_rate=2e-4)),
        _in("diffusers", "style", _df(learning_rate=4e-4), _df(learning_rate=2e-4)),
        _in("scenario", "style", _sc(learningRate=4e-4), _sc(learningRate=2e-4)),
    )

    def check(self, ctx: Context) -> Iterable[Finding]:
        eff, t = ctx.effective, ctx.thresholds
        for key in t["keys"]:
            ratio = eff.ratio(key) if key in eff.overrides else None
            if ratio is None or t["low"] <= ratio <= t["high"]:
                continue
            if key == "text_encoder_ratio" and ctx.adapted is not None and not ctx.adapted.text_encoder_stop:
                continue  # all or nothing: no small step to advise; TL402 says which of the two fits
            if key == "learning_rate_text_encoder" and not _te_rate_judged(ctx):
                continue
            yield finding(
                type(self),
                f"{_what(ctx, key)} {_n(eff.values[key] or 0)} is {fmt_ratio(ratio)} the preset's "
                f"{_n(eff.preset_values[key] or 0)}; the guide advises small, incremental adjustments",
                ctx.where(key),
                on_key=True,
                hint=f"move it at most {t['high']:g}x up or {t['low']:g}x down per round of tuning",
            )


class ExtremeValue(Rule):
    """A value at the extreme of the usual range.

    Why: Scenario's guide: "It is very rare to require an extremely low or extremely high
    setting on any of the sliders." The usual ranges are data (`ranges`): UNet
    learning rates 1e-5 to 1e-3 (community LoRA practice, kohya sd-scripts; a trainer's
    full fine-tune, at 1e-6 to 5e-6, is not judged by them), text
    encoder learning rates 2e-6 to 5e-4 (Scenario's API allows 1e-6 to 1e-3), text
    encoder ratio 0.05 to 0.9, 25 to 1,000 steps per image (Scenario's 175-350
    defaults, 50-100 on large datasets).

    Source: Scenario's guide (the catalog's `scenario-guide`); kohya-ss/sd-scripts,
    `docs/train_network.md` (`kohya-train-network`, community) for LoRA learning rates; Scenario's
    API, `PUT /models/{modelId}/train` (`scenario-api-train`), for the text encoder rates it
    allows; Scenario's steps per image (`scenario-guide`, `scenario-training-interface`).
    """

    code, name = "TL407", "extreme-value"
    severity = Severity.WARNING
    thresholds: ClassVar[dict[str, Any]] = {
        "ranges": {
            "learning_rate_unet": [1.0e-5, 1.0e-3],
            "learning_rate_text_encoder": [2.0e-6, 5.0e-4],
            "text_encoder_ratio": [0.05, 0.9],
            "steps_per_image": [25, 1000],
        }
    }
    fails = _CUSTOM + "training:\n  learning_rate_text_encoder: 1.0e-6\n"
    passes = _CUSTOM + "training:\n  learning_rate_text_encoder: 8.0e-6\n"
    files = _images(10)
    more_examples = (
        _in("kohya_ss", "style", _kohya(unet_lr=2e-3), _kohya(unet_lr=2e-4)),
        _in("sd-scripts", "style", _sd(learning_rate=2e-3), _sd(learning_rate=2e-4)),
        _in("ai-toolkit", "style", _ait(lr=2e-3), _ait(lr=2e-4)),
        _in("onetrainer", "style", _ot(learning_rate=2e-3), _ot(learning_rate=2e-4)),
        _in("simpletuner", "style", _st(learning_rate=2e-3), _st(learning_rate=2e-4)),
        _in("diffusers", "style", _df(learning_rate=2e-3), _df(learning_rate=2e-4)),
        _in("scenario", "style", _sc(learningRate=2e-3), _sc(learningRate=2e-4)),
    )

    def check(self, ctx: Context) -> Iterable[Finding]:
        eff = ctx.effective
        for key, (low, high) in ctx.thresholds["ranges"].items():
            if key == "steps_per_image":
                if not ({"steps", "steps_per_image"} & set(eff.overrides)):
                    continue
                value, where = eff.per_image(eff.values.get("steps")), ctx.where("steps")
            else:
                if key not in eff.overrides:
                    continue
                value, where = eff.values.get(key), ctx.where(key)
            if value is None or low <= value <= high:
                continue
            if ctx.adapted is not None and key == "text_encoder_ratio" and value in (0.0, 1.0):
                continue  # a trainer's text encoder left out or trained throughout: TL402 judges that by type
            if key == "learning_rate_text_encoder" and not _te_rate_judged(ctx):
                continue
            if (
                key.startswith("learning_rate")
                and ctx.adapted is not None
                and (ctx.adapted.method == "full" or not value)
            ):
                continue  # the usual ranges are LoRA rates (a full fine-tune trains 20-100x lower); 0 is TL506's
            side = "low" if value < low else "high"
            label = "steps per image" if key == "steps_per_image" else _what(ctx, key)
            yield finding(
                type(self),
                f"{label} {_n(value)} is extremely {side} (usual {_n(low)} to {_n(high)}); "
                "it is very rare to need an extreme setting",
                where,
                on_key=True,
            )


class TextEncoderLrAboveUnet(Rule):
    """The text encoder learning rate is higher than the UNet learning rate.

    Why: The text encoder already understands language; it is fine-tuned gently. kohya's
    sd-scripts recommend a text encoder rate "smaller than U-Net" (community), and
    every built-in preset keeps it 10x lower.

    Source: kohya-ss/sd-scripts, `docs/train_network.md` (the catalog's `kohya-train-network`,
    community); the built-in presets, schema/presets.yaml.
    """

    code, name = "TL408", "text-encoder-lr-above-unet"
    severity = Severity.WARNING
    fails = _CUSTOM + "training:\n  learning_rate_text_encoder: 1.5e-4\n"
    passes = _CUSTOM + "training:\n  learning_rate_text_encoder: 2.0e-5\n"
    files = _images(10)
    # none in ai-toolkit, which trains the text encoder at the UNet's rate, `train.lr`
    more_examples = (
        _in("kohya_ss", "subject", _kohya(te=True, text_encoder_lr=2e-4), _kohya(te=True)),
        _in("sd-scripts", "subject", _sd(te=True, text_encoder_lr=2e-4), _sd(te=True)),
        _in("onetrainer", "subject", _ot(te=0.6, text_encoder={"train": True, "learning_rate": 2e-4}), _ot(te=0.6)),
        _in("simpletuner", "subject", _st(te=True, text_encoder_lr=2e-4), _st(te=True)),
        _in("diffusers", "subject", _df(te=True, text_encoder_lr=2e-4), _df(te=True)),
        _in("scenario", "subject", _sc(learningRateTextEncoder=2e-4), _sc(learningRateTextEncoder=1e-5)),
    )

    def check(self, ctx: Context) -> Iterable[Finding]:
        eff = ctx.effective
        te, unet = eff.values.get("learning_rate_text_encoder"), eff.values.get("learning_rate_unet")
        if ctx.adapted is not None and eff.values.get("text_encoder_ratio") == 0:
            return  # the text encoder is not trained: its rate does nothing
        if te is not None and unet and te > unet:  # a UNet rate of 0 is TL506's in a trainer's config
            yield finding(
                type(self),
                f"{_what(ctx, 'learning_rate_text_encoder')} {_n(te)} is above the UNet's {_n(unet)}",
                ctx.where("learning_rate_text_encoder"),
                on_key=True,
                hint="keep the text encoder rate at or below the UNet rate (presets use a tenth)",
            )
