"""Export to an ostris/ai-toolkit job file (YAML): one `sd_trainer` process with a LoRA network.

ai-toolkit counts steps directly (`train.steps`) and trains every parameter group at `train.lr`:
`train.unet_lr` and `train.text_encoder_lr` are read and never used (knowledge/ai_toolkit.py TRAIN).
"""

from typing import Any

from ..diagnostics import ConfigPath
from ..inputs.knowledge import ai_toolkit as K
from .base import HUB_MODELS, Plan, Target, finish, one_rate, whole_run

NAME = "ai-toolkit"
SUFFIX = ".yaml"
# what `--into` writes, under the process's `train`; the model, the network, the datasets and the rest stay
MANAGED = frozenset({"steps", "lr", "train_unet", "train_text_encoder"})

PROCESS: ConfigPath = ("config", "process", 0)
# model.arch per family (knowledge ARCH_FAMILY; config_modules.py:623)
ARCHS = {"sd-1.5": "sd1", "sdxl": "sdxl", "flux.1": "flux"}
# the process type of LoRA training jobs (knowledge IMAGE_TRAINERS; extensions_built_in/sd_trainer)
PROCESS_TYPE = "sd_trainer"
# caption_ext is written without its dot in ai-toolkit's examples; the dot is added (config_modules.py:941-944)
CAPTION_EXT = "txt"
WHOLE_RUN = f"ai-toolkit has no text encoder stop: train.train_text_encoder trains it for all steps or none ({K.TRAIN['train_text_encoder'].source})"
ONE_RATE = f"ai-toolkit trains every part at train.lr ({K.TRAIN['lr'].source})"


def plan(target: Target, stem: str | None = None) -> Plan:
    steps, ratio, changes = whole_run(target, WHOLE_RUN)
    te_rate, more = one_rate(target, ratio, ONE_RATE)
    changes += more
    assign: dict[ConfigPath, Any] = {
        ("job",): "extension",
        ("config", "name"): target.name,
        (*PROCESS, "type"): PROCESS_TYPE,
        (*PROCESS, "network", "type"): "lora",
        (*PROCESS, "model", "name_or_path"): HUB_MODELS[target.base_model],
        (*PROCESS, "model", "arch"): ARCHS[target.base_model],
        (*PROCESS, "train", "steps"): steps,
        (*PROCESS, "train", "lr"): target.learning_rate_unet,
        (*PROCESS, "train", "train_unet"): True,
        (*PROCESS, "train", "train_text_encoder"): bool(ratio),
    }
    notes = []
    if target.dataset is not None:
        assign[(*PROCESS, "datasets", 0, "folder_path")] = target.dataset
        assign[(*PROCESS, "datasets", 0, "caption_ext")] = CAPTION_EXT
    else:
        notes.append("no dataset: add one under datasets with its folder_path")
    return finish(target, assign, steps, ratio, changes, notes, te_rate=te_rate)
