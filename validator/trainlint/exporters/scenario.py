"""Export to the JSON of a Scenario training: the model's `type`, `name` and training image count,
and the `parameters` of its train call (`PUT /models/{modelId}/train`, knowledge/scenario.py).

Scenario holds a text encoder share directly (`textEncoderTrainingRatio`, a legacy field the API
still lists) and counts steps (`maxTrainSteps`). A text encoder that is not trained (a share of 0)
has no rate: `learningRateTextEncoder` is left out rather than written as a number nothing trains
at (0 is below its FLUX.1 minimum of 1e-6, so it cannot say "off" either). For FLUX.1 the reference
gives `learningRateTextEncoder` as the only text encoder field and does not say whether the legacy
share is honoured: the export says so instead of guessing.
"""

from typing import Any

from ..diagnostics import ConfigPath
from ..document import Document
from ..inputs.base import Adapted
from ..inputs.knowledge import scenario as K
from .base import Change, Plan, Target, trains, whole_steps

NAME = "scenario"
SUFFIX = ".json"
# what `--into` writes into `parameters`; the type, the name and the other parameters stay
MANAGED = frozenset({"maxTrainSteps", "learningRate", "learningRateTextEncoder", "textEncoderTrainingRatio"})

# the model types of each family (knowledge TYPES): Flux's current one, the legacy strings for SD 1.5 and SDXL
TYPES = {"sd-1.5": "sd-1_5", "sdxl": "sd-xl-lora", "flux.1": "flux.1-lora"}
PARAMETERS: ConfigPath = ("parameters",)
# what the reference leaves open for FLUX.1, said with every FLUX.1 export (knowledge PARAMETERS)
FLUX_SHARE_UNKNOWN = (
    "textEncoderTrainingRatio is a deprecated legacy parameter; Scenario's API reference does not say whether "
    "FLUX.1 LoRA training honours it, and names no other way to set how long the text encoder trains "
    f"(learningRateTextEncoder: {K.PARAMETERS['learningRateTextEncoder'].source})"
)


def plan(target: Target, stem: str | None = None) -> Plan:
    steps, changes = whole_steps(target)
    if target.base_model == "flux.1" and steps > K.FLUX_MAX_STEPS:
        changes.append(
            Change(
                "steps",
                steps,
                K.FLUX_MAX_STEPS,
                f"maxTrainSteps is at most {K.FLUX_MAX_STEPS:,} for FLUX.1 ({K.PARAMETERS['maxTrainSteps'].source})",
            )
        )
        steps = K.FLUX_MAX_STEPS
    trained = target.text_encoder_ratio > 0
    te_rate = target.learning_rate_text_encoder
    low, high = K.TE_LEARNING_RATE_RANGE
    if trained and target.base_model == "flux.1" and not low <= te_rate <= high:
        nearest = min(max(te_rate, low), high)
        changes.append(
            Change(
                "learning_rate_text_encoder",
                te_rate,
                nearest,
                f"learningRateTextEncoder lies in {low:g}..{high:g} for FLUX.1 ({K.PARAMETERS['learningRateTextEncoder'].source})",
            )
        )
        te_rate = nearest
    assign: dict[ConfigPath, Any] = {("type",): TYPES[target.base_model], ("name",): target.name}
    if target.images is not None:
        assign[("trainingImagesNumber",)] = target.images
    assign[(*PARAMETERS, "maxTrainSteps")] = steps
    assign[(*PARAMETERS, "learningRate")] = target.learning_rate_unet
    if trained:
        assign[(*PARAMETERS, "learningRateTextEncoder")] = te_rate
    assign[(*PARAMETERS, "textEncoderTrainingRatio")] = target.text_encoder_ratio
    notes = ["the training images are uploaded to the model; `parameters` is the body of its train call"]
    if target.base_model == "flux.1":
        notes.append(FLUX_SHARE_UNKNOWN)
    return Plan(
        assign,
        trains(steps, target.learning_rate_unet, te_rate, target.text_encoder_ratio),
        tuple(changes),
        notes=tuple(notes),
    )


def plan_into(target: Target, doc: Document, adapted: Adapted) -> Plan:
    """The plan for `--into`: a model as the API returns it (`{"model": {...}}`) holds its `parameters` inside
    `model`, where the reader finds them (inputs/scenario.py)."""
    made = plan(target)
    data = doc.data
    if isinstance(data, dict) and isinstance(data.get("model"), dict):
        made = made._replace(assign={("model", *path): value for path, value in made.assign.items()})
    return made
