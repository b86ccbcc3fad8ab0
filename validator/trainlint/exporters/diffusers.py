"""Export to a diffusers DreamBooth LoRA launch script (`accelerate launch train_dreambooth_lora_*.py`).

The basic scripts train the text encoder for the whole run (`--train_text_encoder`) or not at
all; the advanced ones (examples/advanced_diffusion_training/) stop it after a fraction of the
epochs (`--train_text_encoder_frac`, floored to whole epochs, knowledge/diffusers.py TE_FRACTION):
a share between 0 and 1 takes the advanced script of the family, and the image count, which
gives the epochs.
"""

import math
from typing import Any

from ..diagnostics import ConfigPath
from ..document import Document
from ..errors import UsageError
from ..inputs.base import Adapted
from ..inputs.knowledge import diffusers as K
from .base import HUB_MODELS, Change, Missing, Plan, Target, on_or_off, one_rate, trains, whole_steps

NAME = "diffusers"
SUFFIX = ".sh"
# what `--into` writes into the command; the script, the model, the data and the rest stay
MANAGED = frozenset(
    {"--max_train_steps", "--learning_rate", "--text_encoder_lr", "--train_text_encoder", "--train_text_encoder_frac"}
)

BASIC = {
    "sd-1.5": "train_dreambooth_lora.py",
    "sdxl": "train_dreambooth_lora_sdxl.py",
    "flux.1": "train_dreambooth_lora_flux.py",
}
ADVANCED = {
    "sd-1.5": "train_dreambooth_lora_sd15_advanced.py",
    "sdxl": "train_dreambooth_lora_sdxl_advanced.py",
    "flux.1": "train_dreambooth_lora_flux_advanced.py",
}
LAUNCHER = "accelerate launch"
COMMAND: ConfigPath = ("commands", 0)
# trainlint's steps are steps of one image (the guide's steps per image); the scripts' default batch is 4
BATCH = 1


def _arg(flag: str) -> ConfigPath:
    return (*COMMAND, "args", flag)


def epochs(steps: int, images: int) -> int:
    """The epochs the scripts work out from --max_train_steps: ceil(steps / batches per epoch), one image a
    batch, no accumulation (K.STEPS_FORMULA)."""
    return math.ceil(steps / math.ceil(images / BATCH))


def fraction(kept: int, total: int) -> float:
    """The shortest decimal --train_text_encoder_frac that int(frac x epochs) floors to `kept` (K.TE_FRACTION)."""
    for digits in range(1, 18):
        scale = 10**digits
        value: float = math.ceil(kept * scale / total) / scale
        if int(value * total) == kept:
            return value
    value = kept / total
    while int(value * total) < kept:
        value = math.nextafter(value, 1.0)
    return value


def plan_into(target: Target, doc: Document, adapted: Adapted) -> Plan:
    """The values for an existing script, which keeps its script: a basic one holds a share of 0 or 1 only."""
    commands = doc.data.get("commands") if isinstance(doc.data, dict) else None
    name = commands[0].get("script", "") if isinstance(commands, list) and len(commands) == 1 else ""
    script = K.SCRIPTS.get(str(name).replace("\\", "/").rsplit("/", 1)[-1])
    if script is None or script.method != "lora":
        raise UsageError("--into updates a script that runs one DreamBooth LoRA training script of diffusers")
    return plan(target, None, script)


def plan(target: Target, stem: str | None = None, script: K.Script | None = None) -> Plan:
    steps, changes = whole_steps(target)
    ratio = target.text_encoder_ratio
    missing: list[Missing] = []
    notes: list[str] = []
    if script is None:
        script = K.SCRIPTS[BASIC[target.base_model] if ratio in (0, 1) else ADVANCED[target.base_model]]
    if not script.fraction and 0 < ratio < 1:
        ratio, more = on_or_off(
            target, f"{script.name} trains the text encoder for the whole run or not at all ({script.source})"
        )
        changes += more
    assign: dict[ConfigPath, Any] = {(*COMMAND, "launcher"): LAUNCHER, (*COMMAND, "script"): script.name}
    assign[_arg("--pretrained_model_name_or_path")] = HUB_MODELS[target.base_model]
    if target.dataset is not None:
        assign[_arg("--instance_data_dir")] = target.dataset
    else:
        notes.append("no --instance_data_dir: the config names no dataset folder")
    # required by every script; it captions every image (the .txt captions are read only from a --dataset_name)
    assign[_arg("--instance_prompt")] = target.name
    notes.append(f"--instance_prompt {target.name!r} captions every image: put the trigger words there")
    assign[_arg("--max_train_steps")] = steps
    assign[_arg("--train_batch_size")] = BATCH
    assign[_arg("--learning_rate")] = target.learning_rate_unet
    written = ratio
    if script.fraction:
        assign[_arg("--train_text_encoder_frac")] = None  # its default, 1.0: the whole run
    if 0 < ratio < 1:
        if target.images is None:
            missing.append(
                Missing(
                    "the image count: the advanced script stops the text encoder after whole epochs, and the "
                    "epochs come from it (pass --images N, or give the dataset folder)"
                )
            )
            total = 1
        else:
            total = epochs(steps, target.images)
        per_epoch = steps / total if target.images is None else math.ceil(target.images / BATCH)
        # the text encoder trains `kept` whole epochs of the run's steps (the last epoch may be cut short)
        kept = min(round(ratio * steps / per_epoch), total)
        written = min(kept * per_epoch, steps) / steps
        if not math.isclose(written, ratio, rel_tol=1e-9):
            changes.append(
                Change(
                    "text_encoder_ratio",
                    ratio,
                    written,
                    f"{script.name} stops the text encoder after whole epochs: {kept} of {total} ({K.TE_FRACTION})",
                )
            )
        if kept:
            assign[_arg("--train_text_encoder_frac")] = fraction(kept, total)
    te_rate: float | None = target.learning_rate_text_encoder if written else None
    assign[_arg("--train_text_encoder")] = bool(written)  # False: not on the command line
    if written:
        if script.text_encoder_lr:
            assign[_arg("--text_encoder_lr")] = target.learning_rate_text_encoder
        else:
            te_rate, more = one_rate(
                target, written, f"{script.name} trains the text encoder at --learning_rate ({K.SD_TE_SHARES_LR})"
            )
            changes += more
    return Plan(
        assign,
        trains(steps, target.learning_rate_unet, te_rate, written),
        tuple(changes),
        tuple(missing),
        tuple(notes),
    )
