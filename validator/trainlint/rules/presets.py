"""Preset resolution and the classification tag."""

from __future__ import annotations

from collections.abc import Iterable

from .. import codes
from ..diagnostics import Finding, Fix, Severity
from ..inputs.yaml_edit import set_top_level_key
from .base import Context, Rule, finding
from .reading import _VALID
from .training import band_moved

_HOUSE = (
    "extends: sdxl/style@1\ndescription: our house style, a little slower\ntraining:\n  learning_rate_unet: 8.0e-5\n"
)


class PresetRule(Rule):
    stage = "preset"
    severity = Severity.ERROR
    passes = _VALID


class UnknownPreset(PresetRule):
    """`preset` names no built-in preset, or a preset file that does not exist.

    Why: Every check compares the config with its preset; without one there is nothing
    to compare with. Preset files must live inside the repository.

    Source: The preset catalog, schema/presets.yaml; docs/reference.md, "Presets" (preset files
    and `preset-paths`).
    """

    code, name = codes.UNKNOWN_PRESET, "unknown-preset"
    fails = _VALID.replace("preset: sdxl/style", "preset: ./presets/missing.yaml").replace(
        "classification: sdxl/style", "classification: Custom"
    )


class PresetCycle(PresetRule):
    """Repository preset files `extends` each other in a loop, or the chain is too deep (32 files).

    Why: A preset's values come from its parents; a loop has no values at all.

    Source: docs/reference.md, "Presets".
    """

    code, name = codes.PRESET_CYCLE, "preset-cycle"
    fails = _VALID.replace("preset: sdxl/style", "preset: ./presets/a.yaml").replace(
        "classification: sdxl/style", "classification: Custom"
    )
    passes = _VALID.replace("preset: sdxl/style", "preset: ./presets/house.yaml").replace(
        "classification: sdxl/style", "classification: ./presets/house.yaml"
    )
    files = {
        "presets/a.yaml": "extends: ./b.yaml\n",
        "presets/b.yaml": "extends: ./a.yaml\n",
        "presets/house.yaml": _HOUSE,
    }


class PresetParentMissing(PresetRule):
    """A repository preset file `extends` a preset that does not exist.

    Why: A preset file holds only what differs from the preset it extends; without that
    parent, the values it does not set, and so the config's, are unknown.

    Source: docs/reference.md, "Presets".
    """

    code, name = codes.PRESET_PARENT_MISSING, "preset-parent-missing"
    fails = PresetCycle.fails.replace("a.yaml", "child.yaml")
    passes = PresetCycle.passes
    files = {"presets/child.yaml": "extends: ./gone.yaml\n", "presets/house.yaml": _HOUSE}


class InvalidPresetFile(PresetRule):
    """A repository preset file is not a preset, or its schema refuses it (an unknown key, a quoted number, a misspelt `extends`).

    Why: Preset files hold only what differs from the preset they extend, using the same
    keys as a config's `training` block; a config that names a broken one has no values
    to start from. The config's finding names the preset file, the line and column of its
    first problem and how many more there are; `trainlint check` on the preset file shows
    each at its own place, with the closest key or preset name.

    Source: docs/reference.md, "Presets"; schema/v1/preset.schema.json.
    """

    code, name = codes.INVALID_PRESET_FILE, "invalid-preset-file"
    fails = PresetCycle.fails.replace("a.yaml", "odd.yaml")
    passes = PresetCycle.passes
    files = {
        "presets/odd.yaml": "extends: sdxl/style\ntraining:\n  learning_rate_unet: fast\n",
        "presets/house.yaml": _HOUSE,
    }


class BaseModelMismatch(Rule):
    """`base_model` differs from the base model of the preset.

    Why: Preset values are tuned per base model: SDXL's 350 steps per image are not SD
    1.5's 175, and Flux's learning rates depend on the image count. A config that
    names one model and a preset for another trains with the wrong defaults.

    Source: The preset catalog, schema/presets.yaml: 175 steps per image from Scenario's guide
    (`scenario-guide`), 350 on SDXL from Scenario's "Understanding the training interface"
    (`scenario-training-interface`), Flux's learning rates by image count from Scenario's
    "Advanced parameters" (`scenario-advanced-parameters`).
    """

    code, name = codes.BASE_MODEL_MISMATCH, "base-model-mismatch"
    formats = ("trainlint",)
    severity = Severity.ERROR
    fails = _VALID.replace("base_model: sdxl", "base_model: sd-1.5")
    passes = _VALID

    def check(self, ctx: Context) -> Iterable[Finding]:
        preset = ctx.preset
        model = ctx.config.get("base_model")
        if isinstance(model, str) and model != preset.base_model:
            yield finding(
                self,
                f"base_model is {model} but preset {preset.ref} is for {preset.base_model}",
                ("base_model",),
                hint=f"use a {model} preset, or set base_model: {preset.base_model}",
            )


class TrainingTypeMismatch(Rule):
    """`training_type` differs from the preset's training type.

    Why: The text encoder ratio is the main difference between presets of one model:
    low for styles, high for subjects. Characters may use a Subject preset, as
    Scenario advises ("keep the Subject preset"); the catalog lists such pairs.

    Source: Scenario, "Train a character model for beginners" (the catalog's
    `scenario-character-post`); the catalog's `compatible_presets` (schema/presets.yaml).
    """

    code, name = "TL207", "training-type-mismatch"
    formats = ("trainlint",)
    severity = Severity.WARNING
    fails = _VALID.replace("training_type: style", "training_type: subject")
    passes = _VALID.replace("training_type: style", "training_type: character").replace("sdxl/style", "sdxl/subject")

    def check(self, ctx: Context) -> Iterable[Finding]:
        preset = ctx.preset
        kind = ctx.config.get("training_type")
        if not isinstance(kind, str) or kind == preset.training_type:
            return
        compatible = ctx.catalog.training_types.get(kind, {}).get("compatible_presets", ())
        if preset.training_type not in compatible:
            yield finding(
                self,
                f"training_type is {kind} but preset {preset.ref} is a {preset.training_type} preset",
                ("training_type",),
                hint=f"use the {preset.base_model}/{kind} preset",
            )


class ClassificationOutdated(Rule):
    """`classification` is not what the config is: Custom when a value differs from the preset, else the preset's name.

    Why: Scenario's guide: "Models with adjusted training parameters will automatically
    be classified as Custom." Reviewers rely on the tag to see at a glance which
    configs left the tested presets: it says Custom when any effective value differs from
    the preset, the preset's name when none does.

    Fix safety: `trainlint fix` sets it: `Custom`, or the preset's name, in place of the value,
    and when the key is missing it adds it after `preset` (quoted like `preset`'s key; in a
    flow-style config, as the entry after it). Only that key changes, a tag for reviewers rather
    than a training value: before anything is written, ruamel.yaml reads the old and the new
    text, which must hold the same data apart from `classification`, and `classification` must
    stay a string. Every other byte of the file stays as it was.

    Source: Scenario, "Optimizing Advanced Training Parameters for Creatives" (the catalog's
    `scenario-guide`).
    """

    code, name = "TL205", "classification-outdated"
    formats = ("trainlint",)
    severity = Severity.WARNING
    fixable = True
    fails = _VALID + "training:\n  learning_rate_unet: 2.0e-4\n"
    passes = (
        _VALID.replace("classification: sdxl/style", "classification: Custom")
        + "training:\n  learning_rate_unet: 2.0e-4\n"
    )

    def check(self, ctx: Context) -> Iterable[Finding]:
        if not isinstance(ctx.config.get("preset"), str):
            return
        deviations = ctx.effective.deviations()
        if deviations is None:
            return
        expected = "Custom" if deviations else ctx.config["preset"]
        current = ctx.config.get("classification")
        if current == expected:
            return
        bands = "".join(band_moved(ctx, key) for key in deviations)
        if deviations:
            why = f"deviates from preset {ctx.preset.ref} in {', '.join(deviations)}"
        else:
            why = f"matches preset {ctx.preset.ref} in every value"
        if current is None:
            message, path = f"config {why} but has no classification{bands}", ("preset",)
        else:
            message, path = f"config {why} but is classified {current}{bands}", ("classification",)
        yield finding(
            self,
            message,
            path,
            on_key=current is None,
            hint=f"set classification: {expected}",
            fix=classification_fix(ctx, expected),
        )


def classification_fix(ctx: Context, expected: str) -> Fix | None:
    """Replace the classification value in place, or insert the key right after `preset`."""
    edits = set_top_level_key(ctx.doc, "classification", expected, after="preset")
    return Fix(f"set classification: {expected}", edits) if edits else None
