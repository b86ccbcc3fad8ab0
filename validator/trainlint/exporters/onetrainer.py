"""Export to a OneTrainer config (the JSON `scripts/train.py --config-path` reads).

OneTrainer has no step count: a run is `epochs` times the batches of an epoch, and an epoch is
the concepts' samples (knowledge/onetrainer.py SAMPLES_SOURCE, BATCHES_SOURCE). The export
writes one inline concept of the dataset folder whose samples per epoch are a whole divisor of
the steps as near the image count as there is (`balancing_strategy: SAMPLES`), and the epochs
that make up the steps: an epoch is about one pass over the images, and the steps come out
exactly whatever the folder holds. The text encoder stops after a number of batches
(`stop_training_after_unit: STEP`), which gives any share of the run to the step.
"""

import math
from typing import Any

from ..diagnostics import ConfigPath
from ..document import Document
from ..inputs.base import Adapted
from ..inputs.knowledge import onetrainer as K
from .base import HUB_MODELS, Change, Missing, Plan, Target, trains, whole_steps

NAME = "onetrainer"
SUFFIX = ".json"
# what `--into` writes: the epochs, the rates and the parts' training and stop; the concepts, model and rest stay
MANAGED = frozenset({"epochs", "learning_rate", "train", "stop_training_after", "stop_training_after_unit"})

MODEL_TYPES = {"sd-1.5": "STABLE_DIFFUSION_15", "sdxl": "STABLE_DIFFUSION_XL_10_BASE", "flux.1": "FLUX_DEV_1"}
# the text encoders trainlint's ratio applies to; FLUX.1's second is T5, which a LoRA leaves alone as the other
# trainers do (sd-scripts trains it only with train_t5xxl, diffusers and SimpleTuner never)
TRAINED_ENCODERS = {
    "sd-1.5": ("text_encoder",),
    "sdxl": ("text_encoder", "text_encoder_2"),
    "flux.1": ("text_encoder",),
}
FROZEN_ENCODERS = {"sd-1.5": (), "sdxl": (), "flux.1": ("text_encoder_2",)}
# one batch per step: batch_size 1 and no accumulation are OneTrainer's defaults (K.KEYS)


def epochs_and_samples(steps: int, images: int) -> tuple[int, int]:
    """(epochs, samples per epoch) with epochs x samples = steps, the samples the divisor of steps nearest
    the image count (the smaller one on a tie)."""
    best = 1
    for divisor in range(1, math.isqrt(steps) + 1):
        if steps % divisor == 0:
            for candidate in (divisor, steps // divisor):
                if (abs(candidate - images), candidate) < (abs(best - images), best):
                    best = candidate
    return steps // best, best


def plan_into(target: Target, doc: Document, adapted: Adapted) -> Plan:
    """The values for an existing config, whose concepts stay: the epochs that make up the steps with the
    batches an epoch of those concepts has (read through the format), and the text encoder stop."""
    steps, changes = whole_steps(target)
    read = adapted.values.get("steps")
    epochs = doc.data.get("epochs", K.KEYS["epochs"].default) if isinstance(doc.data, dict) else None
    if read is None or read.value is None or not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 1:
        why = read.note if read is not None and read.value is None else "the file's epochs are not a count"
        return plan(target)._replace(missing=(Missing(f"the batches of an epoch of the file's concepts: {why}"),))
    per_epoch = read.value / epochs
    if per_epoch < 1 or not float(per_epoch).is_integer():
        return plan(target)._replace(missing=(Missing("the batches of an epoch of the file's concepts: none counted"),))
    count = max(1, round(steps / per_epoch))
    if count * per_epoch != steps:
        changes.append(
            Change(
                "steps",
                steps,
                count * per_epoch,
                f"OneTrainer runs whole epochs, and an epoch of the file's concepts is {per_epoch:g} batches "
                f"({K.SAMPLES_SOURCE}; {K.BATCHES_SOURCE})",
            )
        )
    return _plan(target, int(count * per_epoch), changes, count)


def plan(target: Target, stem: str | None = None) -> Plan:
    steps, changes = whole_steps(target)
    return _plan(target, steps, changes, None)


def _plan(target: Target, steps: int, changes: list[Change], epochs_given: int | None) -> Plan:
    """The plan for `steps`; `epochs_given` by an existing config's concepts (no concept then written)."""
    denoiser = K.MODEL_TYPES[MODEL_TYPES[target.base_model]].denoiser
    assign: dict[ConfigPath, Any] = {
        ("__version",): K.CONFIG_VERSION,
        ("model_type",): MODEL_TYPES[target.base_model],
        ("training_method",): "LORA",
        ("base_model_name",): HUB_MODELS[target.base_model],
        ("learning_rate",): target.learning_rate_unet,
        (denoiser, "train"): True,
        (denoiser, "learning_rate"): target.learning_rate_unet,
    }
    missing: list[Missing] = []
    notes: list[str] = []
    if epochs_given is not None:
        epochs, samples = epochs_given, 0
    elif target.images is None or steps < 1:
        missing.append(
            Missing(
                "the image count: OneTrainer counts epochs of samples, and the samples of an epoch are worked out "
                "from it (pass --images N, or give the dataset folder)"
            )
        )
        epochs, samples = steps, 1
    else:
        epochs, samples = epochs_and_samples(steps, target.images)
    assign[("epochs",)] = epochs
    if epochs_given is None:
        _concept(target, assign, notes, steps, epochs, samples)
    ratio = target.text_encoder_ratio
    kept = round(ratio * steps)
    for part in TRAINED_ENCODERS[target.base_model]:
        assign[(part, "train")] = kept > 0
        if kept > 0:
            # STEP counts batches (K.STEP_COUNTS_BATCHES), one per step here; NEVER: the whole run (K.TE_STOP_SOURCE)
            assign[(part, "stop_training_after")] = kept
            assign[(part, "stop_training_after_unit")] = "STEP" if kept < steps else "NEVER"
            assign[(part, "learning_rate")] = target.learning_rate_text_encoder
    for part in FROZEN_ENCODERS[target.base_model]:
        assign[(part, "train")] = False
    written = kept / steps if steps else 0.0
    if 0 < ratio < 1 and not math.isclose(written, ratio, rel_tol=1e-9):
        notes.append(f"the text encoder trains {kept} of {steps} steps ({written:.4g} of the run)")
    return Plan(
        assign,
        trains(steps, target.learning_rate_unet, target.learning_rate_text_encoder, written),
        tuple(changes),
        tuple(missing),
        tuple(notes),
    )


def _concept(
    target: Target, assign: dict[ConfigPath, Any], notes: list[str], steps: int, epochs: int, samples: int
) -> None:
    """One inline concept of the dataset folder, `samples` of it an epoch."""
    assign[("concepts", 0, "name")] = target.name
    assign[("concepts", 0, "path")] = target.dataset or ""
    assign[("concepts", 0, "balancing")] = samples
    assign[("concepts", 0, "balancing_strategy")] = "SAMPLES"
    if target.dataset is None:
        notes.append("the concept has no path: set concepts[0].path to the dataset folder")
    if target.images is not None and samples != target.images:
        notes.append(
            f"an epoch is {samples} samples of the {target.images} images, so that {epochs} epochs make {steps} steps"
        )
