"""Scenario API training payloads (JSON) as trainlint's effective values.

The file is the body of `PUT /models/{modelId}/train` (`{"parameters": {...}}`), a model as
created or updated (`{"type": "flux.1-lora", "parameters": {...}}`), or a model as the API returns
it (`{"model": {"type": ..., "trainingImagesNumber": 12, "parameters": {...}}}`). Field meanings,
defaults and ranges are those of Scenario's API reference (knowledge/scenario.py); where the
reference states no default, the value is None with that said, never filled in:

- steps: `maxTrainSteps`; for Flux it defaults to training images x 100, known only when the file
  carries `trainingImagesNumber`; SD 1.5/SDXL state no default.
- learning rates: `learningRate` (legacy `learningRateUnet`), `learningRateTextEncoder`; the
  documented per-family defaults otherwise.
- text encoder ratio: the legacy `textEncoderTrainingRatio` (a fraction of the steps, trained
  first, then the UNet alone), else `numTextTrainSteps` over the steps, with the open question of
  trainer-formats.md §9 (whether those steps count inside `maxTrainSteps`) stated in the note.
- family from the model `type`; the current enum trains FLUX.1, FLUX.2, Qwen-Image and Z-Image
  LoRAs; legacy `sd-xl*` and `sd-1_5*` types map to SDXL and SD 1.5.
"""

from __future__ import annotations

import difflib
import math
from typing import Any

from ..diagnostics import ConfigPath, fmt_number
from ..document import Document, Limits
from .base import (
    NOT_MINE,
    NUMBER_AS_STRING,
    UNKNOWN_KEY,
    UNSUPPORTED_MODEL,
    ZERO_LEARNING_RATE,
    Adapted,
    BaseModel,
    Hints,
    Method,
    Note,
    TrainerValue,
    Workspace,
    json_number,
    samples_per_step,
)
from .knowledge import scenario as S
from .readers.json_reader import read_json

NAME = "scenario"

_FLUX_TE_FIELD = "learningRateTextEncoder is its only text-encoder field"
_SIGNATURES = tuple(f'"{field}"'.encode() for field in S.SIGNATURE_FIELDS)
_TYPES = tuple(f'"{name}"'.encode() for name in S.TYPES)


def _looks_json(raw: bytes) -> bool:
    return raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class ScenarioFormat:
    """Scenario API training payloads (see the module docstring)."""

    name = NAME
    suffixes = (".json",)

    def detect(self, raw: bytes, suffix: str) -> bool:
        """A JSON object with `parameters` and a field or model type only Scenario spells so."""
        if not _looks_json(raw) or b'"parameters"' not in raw:
            return False
        return any(token in raw for token in _SIGNATURES) or any(token in raw for token in _TYPES)

    def read(self, raw: bytes, file: str, limits: Limits) -> Document:
        """JSON with positions (the API takes JSON bodies); never raises."""
        return read_json(raw, file, limits)

    def adapt(self, doc: Document, workspace: Workspace, hints: Hints) -> Adapted | None:
        """The payload's effective values; NOT_MINE when it holds no Scenario training fields."""
        data = doc.data
        if not isinstance(data, dict):
            return NOT_MINE
        prefix: ConfigPath = ()
        root = data
        if isinstance(data.get("model"), dict) and ("parameters" in data["model"] or "type" in data["model"]):
            prefix, root = ("model",), data["model"]
        parameters = root.get("parameters")
        kind = root.get("type")
        known_type = isinstance(kind, str) and (kind in S.TYPES or kind in S.NOT_TRAINED)
        if not isinstance(parameters, dict):
            if not known_type:
                return NOT_MINE
            parameters = {}
        elif not known_type and not any(key in S.PARAMETER_KEYS for key in parameters):
            return NOT_MINE
        reading = _Reading(prefix, root, parameters)
        return reading.adapted(hints)


class _Reading:
    """One payload being adapted, with the notes found on the way."""

    def __init__(self, prefix: ConfigPath, root: dict[str, Any], parameters: dict[str, Any]) -> None:
        self.prefix, self.root, self.parameters = prefix, root, parameters
        self.notes: list[Note] = []

    def path(self, *keys: str) -> ConfigPath:
        return (*self.prefix, *keys)

    def field(self, key: str) -> ConfigPath:
        return self.path("parameters", key)

    def adapted(self, hints: Hints) -> Adapted:
        family, method, family_key = self.family()
        images = self.images()
        self.key_notes()
        values: dict[str, TrainerValue] = {}
        steps = self.steps(family, images)
        values["steps"] = steps
        values["steps_per_image"] = self.per_image(steps, images)
        present, batch, _ = self.number("batchSize")
        if present:
            samples_per_step(values, batch, 1, "batchSize", self.field("batchSize"), "batchSize images a step")
        values["learning_rate_unet"] = self.unet_lr(family)
        values["learning_rate_text_encoder"] = self.te_lr(family)
        values["text_encoder_ratio"] = self.ratio(family, steps)
        return Adapted(
            NAME,
            family,
            family_key,
            method,
            images,
            values,
            tuple(self.notes),
            hints.training_type,
            hints.preset,
            hints.source,
            text_encoder_stop=True,
        )

    # --- reading fields

    def number(self, key: str) -> tuple[bool, float | None, str]:
        """(present, value, why None) for a numeric field; text is noted (NUMBER_AS_STRING)."""
        if key not in self.parameters:
            return False, None, ""
        value = self.parameters[key]
        if isinstance(value, str):
            shown = "an empty text" if not value.strip() else f"the text {value!r}"
            written = json_number(value)
            hint = f'write it as a JSON number: "{key}": {written}' if written else "write the number without quotes"
            self.notes.append(
                Note(
                    NUMBER_AS_STRING,
                    self.field(key),
                    f"`{key}` is {shown}: the Scenario API types it as a number ({S.DOCS}); what it does with text is "
                    "not documented, most likely it refuses the request",
                    hint,
                )
            )
            return True, None, f"`{key}` is {shown}, not a number"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return True, None, f"`{key}` is {value!r}, not a number"
        return True, float(value), ""

    def family(self) -> tuple[BaseModel | None, Method | None, str | None]:
        kind = self.root.get("type")
        if kind is None:
            return None, None, None
        path = self.path("type")
        if not isinstance(kind, str):
            return None, None, None
        if kind in S.TYPES:
            family, method, what = S.TYPES[kind]
        elif kind.startswith("sd-1_5") and "composition" not in kind:
            family, method, what = "sd-1.5", ("lora" if kind.endswith("-lora") else None), f"SD 1.5 ({kind}, legacy)"
        elif kind.startswith("sd-xl") and "composition" not in kind:
            family, method, what = "sdxl", ("lora" if kind.endswith("-lora") else None), f"SDXL ({kind}, legacy)"
        elif kind in S.NOT_TRAINED:
            self.notes.append(
                Note(
                    UNSUPPORTED_MODEL,
                    path,
                    f"model type `{kind}` is not a training type: Scenario trains LoRAs on the `-lora` types "
                    f"({S.TYPE_SOURCE})",
                )
            )
            return None, None, f"type {kind}"
        else:
            close = difflib.get_close_matches(kind, sorted(S.TYPES), n=1, cutoff=0.75)
            self.notes.append(
                Note(
                    UNSUPPORTED_MODEL,
                    path,
                    f"`{kind}` is not a Scenario model type ({S.TYPE_SOURCE})",
                    f"did you mean `{close[0]}`?" if close else None,
                )
            )
            return None, None, f"type {kind}"
        if family is None:
            self.notes.append(
                Note(
                    UNSUPPORTED_MODEL,
                    path,
                    f"{what} (type `{kind}`) is a model family trainlint has no advice for: its rules are written for "
                    "SD 1.5, SDXL and FLUX.1",
                )
            )
        return family, method, f"type {kind}"

    def images(self) -> int | None:
        count = self.root.get("trainingImagesNumber")
        if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
            return count
        return None

    def key_notes(self) -> None:
        for key in self.parameters:
            if not isinstance(key, str):
                continue
            path = self.field(key)
            if key in S.IGNORED:
                self.notes.append(
                    Note(
                        UNKNOWN_KEY,
                        path,
                        f"`{key}` is ignored: the API reference calls it a legacy parameter that 'will be ignored' "
                        f"({S.PARAMETERS[key].source})",
                        on_key=True,
                    )
                )
                continue
            if key in S.PARAMETER_KEYS:
                continue
            meant = S.FOREIGN_KEYS.get(key)
            if meant is None and _camel(key) in S.PARAMETER_KEYS:
                meant = _camel(key)
            if meant is None:
                close = difflib.get_close_matches(key, sorted(S.PARAMETER_KEYS), n=1, cutoff=0.75)
                meant = close[0] if close else None
            self.notes.append(
                Note(
                    UNKNOWN_KEY,
                    path,
                    f"`{key}` is not one of the training parameters the Scenario API lists for "
                    f"PUT /models/{{modelId}}/train ({S.DOCS})",
                    f"did you mean `{meant}`?" if meant else None,
                    on_key=True,
                )
            )

    # --- values

    def steps(self, family: BaseModel | None, images: int | None) -> TrainerValue:
        present, value, why = self.number("maxTrainSteps")
        key = "maxTrainSteps"
        extra = ""
        if any(k in self.parameters for k in ("nbEpochs", "nbRepeats")):
            extra = (
                "; nbEpochs/nbRepeats are set too, and how Scenario combines them with maxTrainSteps is not documented"
            )
        if present:
            if value is None:
                return TrainerValue(None, "config", key, self.field(key), why)
            note = f"maxTrainSteps {fmt_number(value)}"
            if family == "flux.1" and not 0 <= value <= S.FLUX_MAX_STEPS:
                note += f", outside the documented Flux range 0..{S.FLUX_MAX_STEPS:,}"
            return TrainerValue(value, "config", key, self.field(key), note + extra)
        if family == "flux.1":
            if images is None:
                return TrainerValue(
                    None,
                    "trainer-default",
                    key,
                    None,
                    f"the Flux default is training images x {S.FLUX_STEPS_PER_IMAGE} ({S.DOCS}) and "
                    "this file does not say how many images (trainingImagesNumber)" + extra,
                )
            return TrainerValue(
                float(images * S.FLUX_STEPS_PER_IMAGE),
                "trainer-default",
                key,
                None,
                f"the Flux default: {images} training images x {S.FLUX_STEPS_PER_IMAGE} ({S.DOCS})" + extra,
            )
        note = "no maxTrainSteps, and the API reference states no default for this model type"
        text_steps, unet_steps = self.parameters.get("numTextTrainSteps"), self.parameters.get("numUNetTrainSteps")
        if (
            isinstance(text_steps, (int, float))
            and isinstance(unet_steps, (int, float))
            and _is_number(text_steps)
            and _is_number(unet_steps)
        ):
            note += (
                f"; numTextTrainSteps + numUNetTrainSteps = {fmt_number(text_steps + unet_steps)} would be the "
                "total if the legacy phases run one after the other, as the textEncoderTrainingRatio example "
                "describes, which the reference does not state (trainer-formats.md §9)"
            )
        return TrainerValue(None, "trainer-default", key, None, note)

    def per_image(self, steps: TrainerValue, images: int | None) -> TrainerValue:
        if steps.value is None or not images:
            why = (
                "the file does not say how many training images there are (trainingImagesNumber)"
                if images is None
                else "no training images"
                if images == 0
                else "the steps are unknown"
            )
            return TrainerValue(None, "derived", steps.key, steps.path, why)
        note = f"{fmt_number(steps.value)} steps / {images} training images"
        present, batch, _ = self.number("batchSize")
        if present and batch and batch > 1:
            note += (
                f"; batchSize {fmt_number(batch)} shows {fmt_number(batch)} images a step: "
                f"{fmt_number(steps.value * batch / images)} samples per image"
            )
        return TrainerValue(steps.value / images, "derived", steps.key, steps.path, note)

    def unet_lr(self, family: BaseModel | None) -> TrainerValue:
        present, value, why = self.number("learningRate")
        legacy_present, legacy, legacy_why = self.number("learningRateUnet")
        key = "learningRate"
        if present and legacy_present and value != legacy:
            return TrainerValue(
                None,
                "config",
                key,
                self.field(key),
                "learningRate and the deprecated learningRateUnet are both set and differ; the API "
                "reference does not say which one the UNet trains at",
            )
        if present:
            self.zero(key, value, family)
            return TrainerValue(value, "config", key, self.field(key), why or f"learningRate {fmt_number(value or 0)}")
        if legacy_present:
            self.zero("learningRateUnet", legacy, family)
            return TrainerValue(
                legacy,
                "config",
                "learningRateUnet",
                self.field("learningRateUnet"),
                legacy_why or "learningRateUnet, a deprecated legacy parameter",
            )
        return self.default(key, family)

    def te_lr(self, family: BaseModel | None) -> TrainerValue:
        key = "learningRateTextEncoder"
        present, value, why = self.number(key)
        if not present:
            return self.default(key, family)
        if value is None:
            return TrainerValue(None, "config", key, self.field(key), why)
        self.zero(key, value, family)
        note = f"learningRateTextEncoder {fmt_number(value)}"
        low, high = S.TE_LEARNING_RATE_RANGE
        if family == "flux.1" and value > 0 and not low <= value <= high:
            note += f", outside the documented Flux LoRA range {fmt_number(low)}..{fmt_number(high)}"
        return TrainerValue(value, "config", key, self.field(key), note)

    def default(self, key: str, family: BaseModel | None) -> TrainerValue:
        defaults = S.DEFAULTS.get(family or "", {})
        if key in defaults:
            return TrainerValue(
                defaults[key],
                "trainer-default",
                key,
                None,
                f"the {family} default {fmt_number(defaults[key])} ({S.PARAMETERS[key].source})",
            )
        why = (
            "the file does not name the model type, on which Scenario's defaults depend"
            if family is None
            else f"not set, and the API reference states no default for {family}"
        )
        return TrainerValue(None, "trainer-default", key, None, why)

    def zero(self, key: str, value: float | None, family: BaseModel | None) -> None:
        if value is None or value > 0:
            return
        if key == "learningRateTextEncoder":
            meaning = (
                "the API reference gives Flux LoRA a minimum of 1e-6 for it, so the request is refused"
                if family == "flux.1"
                else "the API reference gives it no meaning at 0 for this model type (Flux LoRA's minimum is 1e-6)"
            )
        else:
            meaning = (
                f"the API reference requires more than 0 (exclusiveMinimum 0, {S.DOCS}), so the request is refused"
            )
        self.notes.append(
            Note(
                ZERO_LEARNING_RATE,
                self.field(key),
                f"`{key}` is {fmt_number(value)}: {meaning}",
                "leave it out to get the documented default",
            )
        )

    def ratio(self, family: BaseModel | None, steps: TrainerValue) -> TrainerValue:
        key = "textEncoderTrainingRatio"
        present, value, why = self.number(key)
        if present:
            if value is None:
                return TrainerValue(None, "config", key, self.field(key), why)
            note = (
                f"textEncoderTrainingRatio {fmt_number(value)}, a deprecated legacy parameter: the share of the "
                "steps spent on the text encoder first, the UNet training alone afterwards (the reference's "
                "example: 100 steps x 0.2 = 20 text encoder steps, then 80 UNet steps)"
            )
            if not 0 <= value <= 1:
                return TrainerValue(None, "config", key, self.field(key), note + "; outside 0..1, so not a share")
            if family == "flux.1":
                note += f"; the reference does not say whether FLUX.1 LoRA training honours it ({_FLUX_TE_FIELD})"
            return TrainerValue(value, "config", key, self.field(key), note)
        text_present, text_steps, text_why = self.number("numTextTrainSteps")
        if text_present:
            path = self.field("numTextTrainSteps")
            if text_steps is None:
                return TrainerValue(None, "config", "numTextTrainSteps", path, text_why)
            open_question = (
                "whether numTextTrainSteps counts inside maxTrainSteps or on top of it is not stated "
                "(trainer-formats.md §9)"
            )
            if steps.source == "config" and steps.value:
                share = min(text_steps / steps.value, 1.0)
                return TrainerValue(
                    share,
                    "derived",
                    "numTextTrainSteps",
                    path,
                    f"numTextTrainSteps {fmt_number(text_steps)} / maxTrainSteps "
                    f"{fmt_number(steps.value)}, reading them as inside the total; {open_question}",
                )
            unet_present, unet_steps, _ = self.number("numUNetTrainSteps")
            if unet_present and unet_steps is not None and text_steps + unet_steps > 0:
                return TrainerValue(
                    text_steps / (text_steps + unet_steps),
                    "derived",
                    "numTextTrainSteps",
                    path,
                    f"numTextTrainSteps {fmt_number(text_steps)} / (numTextTrainSteps + "
                    f"numUNetTrainSteps {fmt_number(unet_steps)}), reading the legacy phases as one "
                    f"after the other; {open_question}",
                )
            return TrainerValue(
                None,
                "config",
                "numTextTrainSteps",
                path,
                f"numTextTrainSteps {fmt_number(text_steps)} without a total to compare it with; " + open_question,
            )
        if family == "flux.1":
            why = f"the API reference does not say for how many steps Flux LoRA trains the text encoder ({_FLUX_TE_FIELD})"
        else:
            why = "not set, and the API reference states no default (trainer-formats.md §9)"
        return TrainerValue(None, "trainer-default", key, None, why)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


FORMAT = ScenarioFormat()
