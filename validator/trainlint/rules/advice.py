"""What a hint may advise: the values of a key that no rule reports, so that following a hint never leads
straight into another finding.

The bounds are the rules' own thresholds as the project configured them (`Context.thresholds_of`): the steps
stay inside TL403's range (lowered on a large dataset as TL403 lowers it), TL404's steps per image past its
image count and TL407's extremes, and move with the learning rate, never the same way (TL401); a learning rate
stays inside TL406's and TL407's range and on its side of the other rate (TL408); a text encoder ratio inside
TL402's usual range for the training type as well. Numbers are rounded inwards to what a person writes
(two significant digits, whole steps), so the number a hint shows is the number that passes.
"""

from __future__ import annotations

import math

from ..diagnostics import Advice, ConfigPath
from ..diagnostics import fmt_number as _n
from .base import Context

Range = tuple[float, float]


def _round(value: float, up: bool, digits: int = 2) -> float:
    """`value` to `digits` significant digits, rounded up or down, as the float its decimal spelling reads."""
    if value <= 0:
        return 0.0
    exponent = math.floor(math.log10(value)) - digits + 1
    mantissa = value / 10.0**exponent
    whole = math.ceil(mantissa - 1e-9) if up else math.floor(mantissa + 1e-9)
    return float(f"{whole}e{exponent}")


def inward(low: float, high: float, digits: int = 2) -> Range | None:
    """The range with its ends rounded inwards; None when nothing is left of it."""
    lo, hi = _round(low, True, digits), _round(high, False, digits)
    return (lo, hi) if lo <= hi else None


def _clip(bounds: Range, low: float | None = None, high: float | None = None) -> Range:
    lo, hi = bounds
    return max(lo, low) if low is not None else lo, min(hi, high) if high is not None else hi


# --- steps ----------------------------------------------------------------------------------------------


def samples_range(ctx: Context, lr_ratio: float | None = None) -> Range | None:
    """The images a run may show (steps x samples per step) without a steps rule reporting it: TL403's
    range around the preset's steps, TL407's steps per image, TL404's per image past its image count (where
    that leaves anything), and, given the learning rate's move (`lr_ratio`), no move the same way (TL401)."""
    eff = ctx.effective
    base, images = eff.preset_values.get("steps"), eff.images
    if not base or not images:
        return None
    far, large, extreme = ctx.thresholds_of("TL403"), ctx.thresholds_of("TL404"), ctx.thresholds_of("TL407")
    low = far["low"]
    if images > large["images"]:
        low = min(low, large["low"] / (base / images))
    bounds: Range = (low * base, far["high"] * base)
    per_image = extreme["ranges"].get("steps_per_image")
    if per_image:
        bounds = _clip(bounds, per_image[0] * images, per_image[1] * images)
    if images > large["images"] and large["high"] * images >= bounds[0]:
        bounds = _clip(bounds, high=large["high"] * images)
    if lr_ratio is not None:
        tol = ctx.thresholds_of("TL401")["tolerance"]
        if lr_ratio > 1 + tol:
            bounds = _clip(bounds, high=(1 + tol) * base)
        elif lr_ratio < 1 - tol:
            bounds = _clip(bounds, low=(1 - tol) * base)
    return bounds if bounds[0] <= bounds[1] else None


class Steps:
    """A number of steps in the unit the config wrote them: the key, its label, and what writing `count`
    of that unit sets (both keys where the config writes `steps` and `steps_per_image`, TL405). A plain
    class: a NamedTuple here would compile its annotations at start-up (diagnostics.py says why that costs)."""

    __slots__ = ("key", "label", "per_image", "paths", "per_step")

    def __init__(
        self, key: str, label: str, per_image: bool, paths: tuple[ConfigPath, ...], per_step: float = 1.0
    ) -> None:
        self.key = key  # "steps" or "steps_per_image" (in a trainer's config, trainlint's "steps")
        self.label = label  # how the hint names it: "steps", "steps_per_image", "`max_train_steps`"
        self.per_image = per_image
        self.paths = paths  # where the numbers go; none where the trainer derives the steps
        self.per_step = per_step  # samples one step shows (batch size x accumulation)

    def text(self, count: float, images: int | None) -> str:
        """A count with what it means per image: steps per image, or samples per image where a step shows
        more than one."""
        if not images:
            return _n(count)
        shown = count * self.per_step / (1 if self.per_image else images)
        if self.per_step != 1:
            return f"{_n(count)} ({_n(round(shown))} samples per image)"
        if self.per_image or shown < 1:
            return _n(count)
        return f"{_n(count)} ({_n(round(shown))} per image)"

    def sets(self, count: float, images: int | None) -> tuple[tuple[ConfigPath, float], ...]:
        """The values writing `count` sets, by path."""
        out = []
        for path in self.paths:
            if path[-1] == "steps_per_image" or not self.per_image:
                out.append((path, float(count)))
            elif images:
                out.append((path, float(count * images)))
        return tuple(out)


def steps_unit(ctx: Context) -> Steps:
    """The unit of the steps the config wrote: `steps_per_image` in trainlint's format when written (then
    `steps` too, if it is written beside it), else steps under the trainer's or trainlint's key."""
    per_step = ctx.effective.samples_per_step
    paths: tuple[ConfigPath, ...]
    if ctx.adapted is not None:
        value = ctx.adapted.values.get("steps")
        written = value is not None and value.source == "config" and value.path is not None
        label = f"`{value.key}`" if value is not None and value.key else "steps"
        paths = (value.path,) if written and value is not None and value.path else ()
        return Steps("steps", label, False, paths, per_step)
    training = ctx.training
    if "steps_per_image" in training:
        paths = (("training", "steps_per_image"),)
        if "steps" in training:
            paths += (("training", "steps"),)
        return Steps("steps_per_image", "steps_per_image", True, paths, per_step)
    return Steps("steps", "steps", False, (("training", "steps"),), per_step)


def steps_counts(ctx: Context, unit: Steps, samples: Range) -> tuple[int, int] | None:
    """A range of images shown, as whole counts of the unit the config wrote, rounded inwards."""
    eff = ctx.effective
    per_step, images = eff.samples_per_step, eff.images
    if not images:
        return None
    scale = per_step * (images if unit.per_image else 1)
    lo, hi = math.ceil(samples[0] / scale - 1e-9), math.floor(samples[1] / scale + 1e-9)
    return (lo, hi) if 0 < lo <= hi else None


def steps_count(ctx: Context, unit: Steps, samples: float) -> int | None:
    """Images shown as the nearest whole count of the unit the config wrote."""
    eff = ctx.effective
    if not eff.images:
        return None
    count = round(samples / (eff.samples_per_step * (eff.images if unit.per_image else 1)))
    return count if count > 0 else None


# --- learning rates and the text encoder ratio ----------------------------------------------------------


def value_range(ctx: Context, key: str, steps_ratio: float | None = None) -> Range | None:
    """The values of a learning rate or of the text encoder ratio that no rule reports: TL406's range
    around the preset's, TL407's extremes, the UNet rate at or above the text encoder's and that one at or
    below it (TL408), the UNet rate not moved the way the steps moved (`steps_ratio`, TL401), the ratio
    within TL402's usual range for the training type. Rounded inwards; None when nothing is left."""
    eff = ctx.effective
    preset = eff.preset_values.get(key)
    if not preset:
        return None
    large = ctx.thresholds_of("TL406")
    bounds: Range = (large["low"] * preset, large["high"] * preset)
    extreme = ctx.thresholds_of("TL407")["ranges"].get(key)
    if extreme:
        bounds = _clip(bounds, extreme[0], extreme[1])
    # TL408 judges the two rates in trainlint's format whatever the ratio, in a trainer's where the text encoder trains
    te_trained = ctx.adapted is None or eff.values.get("text_encoder_ratio") != 0
    if key == "learning_rate_unet":
        te = eff.values.get("learning_rate_text_encoder")
        if te_trained and te:
            bounds = _clip(bounds, low=te)
        steps = eff.ratio("steps") if steps_ratio is None else steps_ratio
        tol = ctx.thresholds_of("TL401")["tolerance"]
        if steps is not None and steps > 1 + tol:
            bounds = _clip(bounds, high=(1 + tol) * preset)
        elif steps is not None and steps < 1 - tol:
            bounds = _clip(bounds, low=(1 - tol) * preset)
    elif key == "learning_rate_text_encoder":
        unet = eff.values.get("learning_rate_unet")
        if unet:
            bounds = _clip(bounds, high=unet)
    elif key == "text_encoder_ratio":
        bounds = _clip(bounds, high=1.0)
        usual = usual_ratio(ctx)
        if usual is not None:
            bounds = _clip(bounds, usual[0], usual[1])
    if bounds[0] > bounds[1]:
        return None
    return inward(*bounds)


def usual_ratio(ctx: Context) -> Range | None:
    """TL402's usual text encoder ratio for the config's training type, from the catalog."""
    kind = ctx.training_type
    usual = ctx.catalog.training_types.get(kind, {}).get("text_encoder_ratio") if kind else None
    return (usual["min"], usual["max"]) if usual else None


def between(path: ConfigPath | None, bounds: Range) -> Advice:
    """A range as advice: its two ends, each an alternative."""
    if path is None:
        return ()
    return (((path, bounds[0]),), ((path, bounds[1]),))
