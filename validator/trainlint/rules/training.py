"""The advanced training parameters: the heart of Scenario's guide.

Thresholds are data (`thresholds`), overridable per project; the numbers are in each
rule's Why, and where they come from in its Source.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, ClassVar

from ..diagnostics import Advice, ConfigPath, Finding, Severity
from ..diagnostics import fmt_number as _n
from ..inputs.base import TE_RATIO_USUAL, number
from . import advice
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


def base_model(ctx: Context) -> str | None:
    """The base model the config trains: the trainer's, else the config's, else its preset's."""
    if ctx.adapted is not None:
        return ctx.adapted.base_model
    model = ctx.config.get("base_model")
    return model if isinstance(model, str) else (ctx.effective.preset.base_model if ctx.effective.preset else None)


def denoiser(ctx: Context) -> str:
    """What trains beside the text encoder: FLUX.1 has a transformer, SD 1.5 and SDXL a UNet (trainlint's
    key keeps the name `learning_rate_unet` for both, docs/reference.md)."""
    return ctx.catalog.denoiser(base_model(ctx))


def _label(ctx: Context, key: str) -> str:
    return f"{denoiser(ctx)} learning rate" if key == "learning_rate_unet" else _LABELS[key]


def _rates_judged(ctx: Context) -> bool:
    """Whether learning rates are step sizes to judge: not with an adaptive optimizer (Prodigy, D-Adaptation),
    whose learning rate is a multiplier of the step size it estimates (1.0 the usual value)."""
    return not ctx.effective.adaptive


def band_moved(ctx: Context, key: str) -> str:
    """Where the preset's value depends on the image count (FLUX.1's learning rate) and the config keeps
    the value of another band: which band, and, where the dataset grew past it, that the preset's value
    moved with the image count (the config did not move)."""
    eff = ctx.effective
    spec = eff.preset.values.get(key) if eff.preset is not None else None
    value, now = eff.values.get(key), eff.preset_values.get(key)
    if spec is None or not spec.bands or value is None or now is None or eff.images is None:
        return ""
    band = spec.band_of(value)
    if band is None or math.isclose(value, now, rel_tol=1e-9):
        return ""
    first, last = band
    counts = f"{first}-{last} images" if last is not None else f"{first}+ images"
    if last is not None and last < eff.images:  # the dataset grew past the band the config's value is from
        return (
            f"; the preset's value moved with the image count: {_n(value)} is its {_label(ctx, key)} for {counts}, "
            f"{_n(now)} at {eff.images}"
        )
    return f"; {_n(value)} is the preset's {_label(ctx, key)} for {counts}, and at {eff.images} images it is {_n(now)}"


def _nearer(usual: dict[str, float]) -> float:
    """Of training the text encoder not at all (0) or throughout (1), the nearer to the usual range."""
    return min((0.0, 1.0), key=lambda r: max(usual["min"] - r, r - usual["max"], 0))


def _what(ctx: Context, key: str, label: str | None = None) -> str:
    """A value as a message names it: trainlint's label, and in a trainer's config the trainer's own
    key and whether the value is that trainer's default (the file does not set it)."""
    label = label or _label(ctx, key)
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
        **{
            "max_train_steps": 3500,
            "learning_rate": 1e-4,
            "train_batch_size": 1,  # the script's default is 4: a step would show four images
            **({"text_encoder_lr": 1e-5} if te else {}),
            **options,
        },
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
    that has barely learnt. Moves within `tolerance` of the preset do not count. The steps
    compare as samples seen per image (steps x `batch_size` x `gradient_accumulation_steps`);
    with an adaptive optimizer (`optimizer: prodigy`) the learning rate is a multiplier and the
    rule does not apply.

    The hint keeps the preset's steps, or moves them against the learning rate, in the unit
    the config wrote (`steps_per_image` when written); where the steps cannot go as far as the
    learning rate asks without another finding (TL403's range, TL404 and TL407 per image), it
    stops there and brings the learning rate back as well, inside TL406's range. Where the
    preset's value depends on the image count (FLUX.1's learning rate) and the config keeps
    the value of another band, the message says so instead of saying the config moved.

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
        if lr is None or steps is None or not _rates_judged(ctx):
            return
        if lr > 1 + tol and steps > 1 + tol:
            moved, risk, advice_ = "raised", "overtraining", "when you raise the learning rate, lower the steps"
        elif lr < 1 - tol and steps < 1 - tol:
            moved, risk, advice_ = "lowered", "undertraining", "when you lower the learning rate, raise the steps"
        else:
            return
        hint, given = self._hint(ctx, lr, moved)
        what = (
            "learning rate and steps"
            if ctx.adapted is None
            else f"{_what(ctx, 'learning_rate_unet')} and {_what(ctx, 'steps')}"
        )
        band = band_moved(ctx, "learning_rate_unet")
        ref = eff.preset.ref if eff.preset else ""
        samples = "" if eff.samples_per_step == 1 else ", as images shown"
        if band:  # the config did not move: the preset's value did
            side, wants = ("above", "fewer") if moved == "raised" else ("below", "more")
            head = f"{what} are both {side} preset {ref}'s for {eff.images} images"
            advice_ = f"a {'higher' if moved == 'raised' else 'lower'} learning rate wants {wants} steps{band}"
        else:
            head = f"{what} both {moved} from preset {ref}"
        yield finding(
            type(self),
            f"{head} (lr {fmt_ratio(lr)}, steps {fmt_ratio(steps)}{samples}): {risk} risk; {advice_}",
            ctx.where("steps"),
            on_key=True,
            hint=hint,
            advice=given,
        )

    @staticmethod
    def _hint(ctx: Context, lr: float, moved: str) -> tuple[str, Advice]:
        """Keep the preset's steps (where the steps rules accept them), or move them against the learning rate
        as far as TL403, TL404 and TL407 allow, and where that is not far enough, bring the learning rate back
        as well (inside TL406's range)."""
        eff = ctx.effective
        base = eff.preset_values["steps"] or 0
        unit = advice.steps_unit(ctx)
        verb = "lower" if moved == "raised" else "raise"
        them = "it" if unit.per_image else "them"  # steps_per_image, or the steps
        given: list[tuple[tuple[ConfigPath, float], ...]] = []

        def offer(*values: tuple[ConfigPath, float], count: float) -> None:
            if unit.paths:
                given.append(unit.sets(count, eff.images) + values)

        bounds = advice.samples_range(ctx)
        target = base / lr
        if bounds is None:
            return (
                f"keep {unit.label} at the preset's or {verb} {them} to about {_n(round(target, -1 if target > 100 else 0))}",
                (),
            )
        counts = advice.steps_counts(ctx, unit, bounds)
        keep_count = advice.steps_count(ctx, unit, base)
        options = []
        if counts is not None and keep_count is not None and counts[0] <= keep_count <= counts[1]:
            options.append(f"keep {unit.label} at {unit.text(keep_count, eff.images)}")
            offer(count=keep_count)
        clamped = min(max(target, bounds[0]), bounds[1])
        count = advice.steps_count(ctx, unit, clamped)
        if counts is not None and count is not None:
            count = min(max(count, counts[0]), counts[1])
        if count is None or counts is None:
            return " or ".join(options) or f"{verb} the steps", tuple(given)
        moved_to = unit.text(count, eff.images)
        if math.isclose(clamped, target, rel_tol=0.01):
            offer(count=count)
            options.append(f"{verb} {them} to about {moved_to} with this learning rate")
            return " or ".join(options), tuple(given)
        # the steps cannot move far enough without another finding: the learning rate comes back too
        shown = count * eff.samples_per_step * ((eff.images or 1) if unit.per_image else 1)
        rates = advice.value_range(ctx, "learning_rate_unet", steps_ratio=shown / base)
        preset_lr = eff.preset_values.get("learning_rate_unet")
        label = _label(ctx, "learning_rate_unet")
        if rates is None or not preset_lr:
            options.append(f"{verb} {them} to {moved_to} and {verb} the {label} as well")
            return ", or ".join(options), ()
        rate = min(max(float(f"{preset_lr * base / shown:.2g}"), rates[0]), rates[1])
        if ctx.adapted is None:
            offer((("training", "learning_rate_unet"), rate), count=count)
        elif _written_value(ctx, "learning_rate_unet"):
            offer((ctx.where("learning_rate_unet"), rate), count=count)
        options.append(
            f"{verb} {them} to {moved_to}, the furthest the steps rules accept, and the {label} to about {_n(rate)}"
        )
        return ", or ".join(options), tuple(given)


def _written_value(ctx: Context, key: str) -> bool:
    """In a trainer's config, whether the file writes the value itself (advice may set it there)."""
    value = ctx.adapted.values.get(key) if ctx.adapted is not None else None
    return value is not None and value.source == "config" and value.path is not None


class TextEncoderRatioRange(Rule):
    """The text encoder ratio is outside the usual range for the training type.

    Why: Scenario's guide: "it is typically advised to keep the text encoder training
    ratio lower for style training" and "it is important to increase the ratio for
    subject training, where the concept being learned has very specific details".
    The ranges per training type live in the preset catalog (community numbers:
    style 10-30 %, subject, character and object 40-80 %, after TheLastBen's
    DreamBooth notebook). The hint's range stays inside TL406's and TL407's as well.

    A ratio of 0, the text encoder left out, is a deliberate and common choice (sd-scripts'
    `network_train_unet_only`, ai-toolkit's default): it gets this one finding at most, as
    information, where the training type usually trains the text encoder, and none where the
    base model's LoRAs usually train without it (FLUX.1, the catalog's
    `text_encoder_usually_trained`); there, a share outside the range is also told that leaving
    the text encoder out is the usual choice.

    Source: Scenario's guide, "Text Encoder Training Ratio" (the catalog's `scenario-guide`);
    the ranges: TheLastBen/fast-stable-diffusion, `fast-DreamBooth.ipynb` (the catalog's
    `thelastben-notebook`, community).
    """

    code, name = "TL402", "text-encoder-ratio-range"
    severity = Severity.WARNING
    severity_note = "info when the text encoder is not trained (ratio 0)"
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
        if ratio == 0:
            yield from self._left_out(ctx, kind or "", usual)
            return
        side = "high" if ratio > usual["max"] else "low"
        why = (
            "styles are lower: the model already knows most concepts"
            if kind == "style"
            else "subjects are higher: their details must stay consistent"
        )
        bounds = advice.value_range(ctx, "text_encoder_ratio") if ctx.adapted is None else None
        low, high = bounds or (usual["min"], usual["max"])
        hint = f"try a value between {low:g} and {high:g}"
        if ctx.adapted is None and _usually_untrained(ctx):
            hint += ", or leave the text encoder out (0): this base model's LoRAs are usually trained without it"
        given = advice.between(("training", "text_encoder_ratio"), bounds) if bounds else ()
        if ctx.adapted is not None and not ctx.adapted.text_encoder_stop:
            # the trainer can only train the text encoder for the whole run or not at all: advise
            # the one of the two nearer the usual range, and stay quiet when that is already set
            nearer = _nearer(usual)
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
            advice=given,
        )

    def _left_out(self, ctx: Context, kind: str, usual: dict[str, float]) -> Iterable[Finding]:
        """The text encoder not trained: a deliberate, common choice (sd-scripts' `network_train_unet_only`,
        ai-toolkit's default), and the usual one for a base model whose LoRAs train without it (FLUX.1). One
        finding at most, informational, where the training type usually trains it; none where the base
        model usually does not."""
        if _usually_untrained(ctx):
            return
        if ctx.adapted is not None and not ctx.adapted.text_encoder_stop:
            if _nearer(usual) == 0:
                return  # the nearer of what this trainer can do: TL402 judges it so everywhere
        how = ctx.adapted.text_encoder_switch if ctx.adapted is not None else None
        bounds = advice.value_range(ctx, "text_encoder_ratio") if ctx.adapted is None else None
        low, high = bounds or (usual["min"], usual["max"])
        if ctx.adapted is None:
            what = "the look" if kind == "style" else f"the {kind}'s details"
            hint = f"if the captions should teach {what}, try a value between {low:g} and {high:g}"
        elif ctx.adapted.text_encoder_stop:
            hint = "if the captions should teach the details, " + _ratio_setting(ctx, 0, low, high)
        else:
            hint = "if the captions should teach the details, train it" + (f": {how[1]}" if how else "")
        yield finding(
            type(self),
            f"the text encoder is not trained ({_what(ctx, 'text_encoder_ratio')} 0), a common choice; "
            f"{kind} training usually trains it for {usual['min']:g}-{usual['max']:g} of the run, so that "
            + ("the captions' words steer the look" if kind == "style" else "the captions' words carry the details"),
            ctx.where("text_encoder_ratio"),
            on_key=True,
            hint=hint,
            severity=Severity.INFO,
            advice=advice.between(("training", "text_encoder_ratio"), bounds) if bounds else (),
        )


def _usually_untrained(ctx: Context) -> bool:
    """Whether the base model's LoRAs usually train without the text encoder (the catalog's FLUX.1)."""
    return ctx.catalog.base_models.get(base_model(ctx) or "", {}).get("text_encoder_usually_trained") is False


class StepsPerImageFar(Rule):
    """The steps per image are far from the preset's (beyond `high` or below `low` times).

    Why: Scenario's default is 175 steps per image on SD 1.5 and 350 on SDXL; its guide
    asks for "small incremental adjustments". Doubling or halving the training
    length in one go is not incremental. Past 30 images the guide itself advises
    50-100 steps per image (TL404, whose default thresholds these are), so there
    down to 50 is not far. The presets' steps are for a batch of one: a config with a
    `batch_size` or `gradient_accumulation_steps` is compared by the samples it shows each
    image (steps x batch size x accumulation / images). The hint gives the range in the unit
    the config wrote, inside TL404's and TL407's per image and not moving the way the
    learning rate moved (TL401).

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
        mine, base = eff.samples_per_image(), eff.per_image(eff.preset_values["steps"])
        low, large = t["low"], ctx.thresholds_of(LargeDatasetSteps.code)
        if eff.images and eff.images > large["images"] and base:
            low = min(low, large["low"] / base)  # the guide's fewer steps per image on a large dataset
        if low <= ratio <= t["high"]:
            return
        hint, given = steps_hint(ctx, f"stay within {t['low']:g}x-{t['high']:g}x of the preset per step of tuning")
        yield finding(
            type(self),
            f"{_n(mine or 0)} {shown_per_image(ctx)} is {fmt_ratio(ratio)} the preset's {_n(base or 0)}; "
            "make small, incremental adjustments",
            ctx.where("steps"),
            on_key=True,
            hint=hint,
            advice=given,
        )


def shown_per_image(ctx: Context) -> str:
    """How the steps per image are counted: steps, or samples where a step shows more than one image."""
    per_step = ctx.effective.samples_per_step
    return "steps per image" if per_step == 1 else f"samples per image (batch x accumulation {_n(per_step)})"


def steps_hint(ctx: Context, fallback: str) -> tuple[str, Advice]:
    """Steps that no steps rule reports, in the unit the config wrote them, moving against the learning
    rate where that moved (TL401): the numbers, else `fallback`."""
    eff = ctx.effective
    lr = eff.ratio("learning_rate_unet") if _rates_judged(ctx) else None
    bounds = advice.samples_range(ctx, lr)
    unit = advice.steps_unit(ctx)
    counts = advice.steps_counts(ctx, unit, bounds) if bounds else None
    if counts is None:
        return fallback, ()
    low, high = counts
    return (
        f"set {unit.label} between {unit.text(low, eff.images)} and {unit.text(high, eff.images)}",
        (unit.sets(low, eff.images), unit.sets(high, eff.images)) if unit.paths else (),
    )


class LargeDatasetSteps(Rule):
    """A dataset of more than 30 images trains at more than 100 steps per image.

    Why: Scenario's guide: "For datasets larger than 30 images, you may usefully
    experiment with reducing the number of steps per image"; its training page
    suggests 50-100 per image there. Counted as samples seen per image where a step
    shows more than one (`batch_size`, `gradient_accumulation_steps`).

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
        per_image = eff.samples_per_image()
        if per_image is None or per_image <= t["high"]:
            return
        fallback = f"try steps between {_n(t['low'] * eff.images)} and {_n(t['high'] * eff.images)}"
        hint, given = steps_hint(ctx, fallback)
        yield finding(
            type(self),
            f"{eff.images} images at {_n(per_image)} {shown_per_image(ctx)}; past {t['images']} images, "
            f"{t['low']}-{t['high']} per image usually serve",
            ctx.where("steps"),
            on_key=True,
            hint=hint,
            advice=given,
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
    Steps have their own rule (TL403). The hint gives the numbers: the preset's value times
    `low` to `high`, inside TL407's usual range, TL402's for the ratio, the UNet rate at or
    above the text encoder's (TL408) and not moved the way the steps moved (TL401). Not
    applied to the learning rates of an adaptive optimizer (multipliers), nor to a ratio of
    0 (the text encoder left out: TL402 judges it).

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
            if key == "text_encoder_ratio" and eff.values.get(key) == 0:
                continue  # the text encoder left out: a choice, not a step of tuning; TL402 judges it
            if key.startswith("learning_rate") and not _rates_judged(ctx):
                continue
            if key == "learning_rate_text_encoder" and not _te_rate_judged(ctx):
                continue
            preset = eff.preset_values[key] or 0
            bounds = advice.value_range(ctx, key)
            where = ctx.where(key)
            if bounds is not None:
                hint = (
                    f"set it between {_n(bounds[0])} and {_n(bounds[1])}: at most {t['high']:g}x up or "
                    f"{t['low']:g}x down from the preset's {_n(preset)} per round of tuning"
                )
                writable = ctx.adapted is None or _written_value(ctx, key)
                given = advice.between(where if ctx.adapted is not None else ("training", key), bounds)
                given = given if writable else ()
            else:
                hint, given = f"move it at most {t['high']:g}x up or {t['low']:g}x down per round of tuning", ()
            yield finding(
                type(self),
                f"{_what(ctx, key)} {_n(eff.values[key] or 0)} is {fmt_ratio(ratio)} the preset's "
                f"{_n(preset)}; the guide advises small, incremental adjustments{band_moved(ctx, key)}",
                where,
                on_key=True,
                hint=hint,
                advice=given,
            )


class ExtremeValue(Rule):
    """A value at the extreme of the usual range.

    Why: Scenario's guide: "It is very rare to require an extremely low or extremely high
    setting on any of the sliders." The usual ranges are data (`ranges`): UNet
    learning rates 1e-5 to 1e-3 (community LoRA practice, kohya sd-scripts; a trainer's
    full fine-tune, at 1e-6 to 5e-6, is not judged by them), text
    encoder learning rates 2e-6 to 5e-4 (Scenario's API allows 1e-6 to 1e-3), text
    encoder ratio 0.05 to 0.9, 25 to 1,000 steps per image (Scenario's 175-350
    defaults, 50-100 on large datasets; samples seen per image where a step shows more than
    one). Not applied to an adaptive optimizer's learning rates (multipliers) nor to a ratio
    of 0 (TL402 judges a text encoder left out).

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
            "text_encoder_ratio": list(TE_RATIO_USUAL),
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
                value, where = eff.samples_per_image(), ctx.where("steps")
            else:
                if key not in eff.overrides:
                    continue
                value, where = eff.values.get(key), ctx.where(key)
            if value is None or low <= value <= high:
                continue
            if key == "text_encoder_ratio" and (value == 0 or (ctx.adapted is not None and value == 1)):
                continue  # the text encoder left out, or a trainer's trained throughout: TL402 judges that by type
            if key.startswith("learning_rate") and not _rates_judged(ctx):
                continue
            if key == "learning_rate_text_encoder" and not _te_rate_judged(ctx):
                continue
            if (
                key.startswith("learning_rate")
                and ctx.adapted is not None
                and (ctx.adapted.method == "full" or not value)
            ):
                continue  # the usual ranges are LoRA rates (a full fine-tune trains 20-100x lower); 0 is TL506's
            side = "low" if value < low else "high"
            said = (
                f"{_n(value)} {shown_per_image(ctx)}" if key == "steps_per_image" else f"{_what(ctx, key)} {_n(value)}"
            )
            yield finding(
                type(self),
                f"{said} is extremely {side} (usual {_n(low)} to {_n(high)}); "
                "it is very rare to need an extreme setting",
                where,
                on_key=True,
            )


class TextEncoderLrAboveUnet(Rule):
    """The text encoder learning rate is higher than the UNet learning rate.

    Why: The text encoder already understands language; it is fine-tuned gently. kohya's
    sd-scripts recommend a text encoder rate "smaller than U-Net" (community), and
    every built-in preset keeps it 10x lower. On FLUX.1 the other rate is the
    transformer's. Not applied to an adaptive optimizer's rates, which are multipliers.

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
        if (ctx.adapted is not None and eff.values.get("text_encoder_ratio") == 0) or not _rates_judged(ctx):
            return  # a trainer's text encoder is not trained (its rate does nothing), or the rates are multipliers
        if te is not None and unet and te > unet:  # a UNet rate of 0 is TL506's in a trainer's config
            yield finding(
                type(self),
                f"{_what(ctx, 'learning_rate_text_encoder')} {_n(te)} is above the {denoiser(ctx)}'s {_n(unet)}",
                ctx.where("learning_rate_text_encoder"),
                on_key=True,
                hint=f"keep the text encoder rate at or below the {denoiser(ctx)} rate (presets use a tenth)",
            )
