"""The advanced training parameters: the heart of Scenario's guide.

Thresholds are data (`thresholds`), overridable per project; the numbers and their
sources are in each rule's rationale.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..diagnostics import Finding, Severity
from ..diagnostics import fmt_number as _n
from .base import Context, Rule, finding, fmt_ratio
from .reading import _VALID

_CUSTOM = _VALID.replace("classification: sdxl/style", "classification: Custom")
_LABELS = {
    "steps": "steps",
    "learning_rate_unet": "UNet learning rate",
    "learning_rate_text_encoder": "text encoder learning rate",
    "text_encoder_ratio": "text encoder ratio",
}


class LearningRateAndStepsSameDirection(Rule):
    """The UNet learning rate and the steps both moved the same way from the preset.

    Scenario's guide, twice: "When increasing the learning rate, decrease the
    training steps, and vice versa." Both raised trains harder on two axes at once
    and risks overtraining (burnt, copy-paste outputs); both lowered risks a model
    that has barely learnt. Moves within `tolerance` of the preset do not count.
    """

    code, name = "TL401", "lr-steps-same-direction"
    severity = Severity.WARNING
    thresholds = {"tolerance": 0.05}
    fails = _CUSTOM + "training:\n  steps: 12600\n  learning_rate_unet: 2.0e-4\n"
    passes = _CUSTOM + "training:\n  steps: 4200\n  learning_rate_unet: 2.0e-4\n"

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
        yield finding(
            self,
            f"learning rate and steps both {moved} from preset {eff.preset.ref} "
            f"(lr {fmt_ratio(lr)}, steps {fmt_ratio(steps)}): {risk} risk; {advice}",
            ctx.where("steps"), on_key=True,
            hint=f"{keep} or {verb} them to about {_n(round(target, -1 if target > 100 else 0))} with this learning rate",
        )


class TextEncoderRatioRange(Rule):
    """The text encoder ratio is outside the usual range for the training type.

    Scenario's guide: "it is typically advised to keep the text encoder training
    ratio lower for style training" and "it is important to increase the ratio for
    subject training, where the concept being learned has very specific details".
    The ranges per training type live in the preset catalog (community numbers:
    style 10-30 %, subject, character and object 40-80 %, after TheLastBen's
    DreamBooth notebook).
    """

    code, name = "TL402", "text-encoder-ratio-range"
    severity = Severity.WARNING
    fails = _CUSTOM + "training:\n  text_encoder_ratio: 0.6\n"
    passes = _CUSTOM + "training:\n  text_encoder_ratio: 0.2\n"

    def check(self, ctx: Context) -> Iterable[Finding]:
        eff = ctx.effective
        ratio = eff.values.get("text_encoder_ratio")
        if ratio is None:
            return
        kind = ctx.training_type
        usual = ctx.catalog.training_types.get(kind, {}).get("text_encoder_ratio")
        if not usual or usual["min"] <= ratio <= usual["max"]:
            return
        side = "high" if ratio > usual["max"] else "low"
        why = ("styles are lower: the model already knows most concepts" if kind == "style"
               else "subjects are higher: their details must stay consistent")
        yield finding(self, f"text encoder ratio {ratio:g} is {side} for {kind} training "
                      f"(usual {usual['min']:g}-{usual['max']:g}); {why}",
                      ctx.where("text_encoder_ratio"), on_key=True,
                      hint=f"try a value between {usual['min']:g} and {usual['max']:g}")


class StepsPerImageFar(Rule):
    """The steps per image are far from the preset's (beyond `high` or below `low` times).

    Scenario's default is 175 steps per image on SD 1.5 and 350 on SDXL; its guide
    asks for "small incremental adjustments". Doubling or halving the training
    length in one go is not incremental.
    """

    code, name = "TL403", "steps-per-image-far"
    severity = Severity.WARNING
    thresholds = {"low": 0.5, "high": 2.0}
    fails = _CUSTOM + "training:\n  steps_per_image: 900\n"
    passes = _CUSTOM + "training:\n  steps_per_image: 400\n"

    def check(self, ctx: Context) -> Iterable[Finding]:
        eff = ctx.effective
        if not ({"steps", "steps_per_image"} & set(eff.overrides)):
            return
        ratio = eff.ratio("steps")
        if ratio is None or ctx.thresholds["low"] <= ratio <= ctx.thresholds["high"]:
            return
        mine, base = eff.per_image(eff.values["steps"]), eff.per_image(eff.preset_values["steps"])
        yield finding(self, f"{_n(mine or 0)} steps per image is {fmt_ratio(ratio)} the preset's {_n(base or 0)}; "
                      "make small, incremental adjustments", ctx.where("steps"), on_key=True,
                      hint=f"stay within {ctx.thresholds['low']:g}x-{ctx.thresholds['high']:g}x of the preset per step of tuning")


class LargeDatasetSteps(Rule):
    """A dataset of more than 30 images trains at more than 100 steps per image.

    Scenario's guide: "For datasets larger than 30 images, you may usefully
    experiment with reducing the number of steps per image"; its training page
    suggests 50-100 per image there.
    """

    code, name = "TL404", "large-dataset-steps"
    severity = Severity.INFO
    thresholds = {"images": 30, "low": 50, "high": 100}
    fails = _VALID.replace("images: 24", "images: 40")
    passes = _CUSTOM.replace("images: 24", "images: 40") + "training:\n  steps_per_image: 100\n"

    def check(self, ctx: Context) -> Iterable[Finding]:
        eff, t = ctx.effective, ctx.thresholds
        if not eff.images or eff.images <= t["images"]:
            return
        per_image = eff.per_image(eff.values.get("steps"))
        if per_image is None or per_image <= t["high"]:
            return
        yield finding(self, f"{eff.images} images at {_n(per_image)} steps per image; past {t['images']} images, "
                      f"{t['low']}-{t['high']} per image usually serve", ctx.where("steps"), on_key=True,
                      hint=f"try steps between {_n(t['low'] * eff.images)} and {_n(t['high'] * eff.images)}")


class StepsConflict(Rule):
    """`steps` and `steps_per_image` are both given and disagree for the image count.

    Use one of them. Trainers that read only one of the two would train a different
    length than the reviewer reads.
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
            yield finding(self, f"steps {_n(steps)} and steps_per_image {_n(per_image)} disagree: "
                          f"{_n(per_image)} x {eff.images} images = {_n(per_image * eff.images)}",
                          ("training", "steps"), on_key=True, hint="keep only one of the two")


class LargeAdjustment(Rule):
    """A learning rate or the text encoder ratio moved more than `high` or less than `low` times the preset in one go.

    Scenario's guide: "Try small, incremental adjustments." A jump beyond 2x (or
    below half) is not incremental: tune in smaller steps and compare results.
    Steps have their own rule (TL403).
    """

    code, name = "TL406", "large-adjustment"
    severity = Severity.WARNING
    thresholds = {"low": 0.5, "high": 2.0, "keys": ["learning_rate_unet", "learning_rate_text_encoder", "text_encoder_ratio"]}
    fails = _CUSTOM + "training:\n  learning_rate_unet: 4.0e-4\n  steps: 2100\n"
    passes = _CUSTOM + "training:\n  learning_rate_unet: 1.5e-4\n  steps: 5600\n"

    def check(self, ctx: Context) -> Iterable[Finding]:
        eff, t = ctx.effective, ctx.thresholds
        for key in t["keys"]:
            ratio = eff.ratio(key) if key in eff.overrides else None
            if ratio is None or t["low"] <= ratio <= t["high"]:
                continue
            yield finding(self, f"{_LABELS[key]} {_n(eff.values[key] or 0)} is {fmt_ratio(ratio)} the preset's "
                          f"{_n(eff.preset_values[key] or 0)}; the guide advises small, incremental adjustments",
                          ("training", key), on_key=True,
                          hint=f"move it at most {t['high']:g}x up or {t['low']:g}x down per round of tuning")


class ExtremeValue(Rule):
    """A value at the extreme of the usual range.

    Scenario's guide: "It is very rare to require an extremely low or extremely high
    setting on any of the sliders." The usual ranges are data (`ranges`): UNet
    learning rates 1e-5 to 1e-3 (community LoRA practice, kohya sd-scripts), text
    encoder learning rates 2e-6 to 5e-4 (Scenario's API allows 1e-6 to 1e-3), text
    encoder ratio 0.05 to 0.9, 25 to 1,000 steps per image (Scenario's 175-350
    defaults, 50-100 on large datasets).
    """

    code, name = "TL407", "extreme-value"
    severity = Severity.WARNING
    thresholds = {"ranges": {
        "learning_rate_unet": [1.0e-5, 1.0e-3],
        "learning_rate_text_encoder": [2.0e-6, 5.0e-4],
        "text_encoder_ratio": [0.05, 0.9],
        "steps_per_image": [25, 1000],
    }}
    fails = _CUSTOM + "training:\n  learning_rate_text_encoder: 1.0e-6\n"
    passes = _CUSTOM + "training:\n  learning_rate_text_encoder: 8.0e-6\n"

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
                value, where = eff.values.get(key), ("training", key)
            if value is None or low <= value <= high:
                continue
            side = "low" if value < low else "high"
            label = "steps per image" if key == "steps_per_image" else _LABELS[key]
            yield finding(self, f"{label} {_n(value)} is extremely {side} (usual {_n(low)} to {_n(high)}); "
                          "it is very rare to need an extreme setting", where, on_key=True)


class TextEncoderLrAboveUnet(Rule):
    """The text encoder learning rate is higher than the UNet learning rate.

    The text encoder already understands language; it is fine-tuned gently. kohya's
    sd-scripts recommend a text encoder rate "smaller than U-Net" (community), and
    every built-in preset keeps it 10x lower.
    """

    code, name = "TL408", "text-encoder-lr-above-unet"
    severity = Severity.WARNING
    fails = _CUSTOM + "training:\n  learning_rate_text_encoder: 1.5e-4\n"
    passes = _CUSTOM + "training:\n  learning_rate_text_encoder: 2.0e-5\n"

    def check(self, ctx: Context) -> Iterable[Finding]:
        eff = ctx.effective
        te, unet = eff.values.get("learning_rate_text_encoder"), eff.values.get("learning_rate_unet")
        if te is not None and unet is not None and te > unet:
            yield finding(self, f"text encoder learning rate {_n(te)} is above the UNet's {_n(unet)}",
                          ctx.where("learning_rate_text_encoder"), on_key=True,
                          hint="keep the text encoder rate at or below the UNet rate (presets use a tenth)")
