"""Export to a SimpleTuner `config.json`, with the data backend list it names when the dataset
folder is known.

SimpleTuner counts optimizer steps (`max_train_steps` above 0 wins over epochs,
knowledge/simpletuner.py STEPS_SOURCE) and has no text encoder stop: `train_text_encoder` trains it
for the whole run or not at all.
"""

from typing import Any

from ..diagnostics import ConfigPath
from ..inputs.knowledge import simpletuner as K
from .base import HUB_MODELS, Plan, Target, companion, finish, whole_run

NAME = "simpletuner"
SUFFIX = ".json"
# what `--into` writes; the batch size, the data backends, the model and the rest stay
MANAGED = frozenset({"max_train_steps", "learning_rate", "train_text_encoder", "text_encoder_lr"})

FAMILIES = {"sd-1.5": "sd1x", "sdxl": "sdxl", "flux.1": "flux"}
# trainlint's steps are steps of one image (the guide's steps per image): SimpleTuner's default batch is 4
BATCH = 1
WHOLE_RUN = f"SimpleTuner has no text encoder stop: train_text_encoder trains it for the whole run or not at all ({K.KEYS['train_text_encoder'].source})"


def plan(target: Target, stem: str | None = None) -> Plan:
    steps, ratio, changes = whole_run(target, WHOLE_RUN)
    assign: dict[ConfigPath, Any] = {
        ("model_family",): FAMILIES[target.base_model],
        ("model_type",): "lora",
        ("pretrained_model_name_or_path",): HUB_MODELS[target.base_model],
        ("max_train_steps",): steps,
        ("train_batch_size",): BATCH,
        ("learning_rate",): target.learning_rate_unet,
        ("train_text_encoder",): bool(ratio),
    }
    if ratio:
        assign[("text_encoder_lr",)] = target.learning_rate_text_encoder
    notes = []
    backends = companion(stem, "multidatabackend", ".json")
    extra: dict[str, Any] = {}
    if target.dataset is not None and backends is not None:
        assign[("data_backend_config",)] = backends
        extra[backends] = [
            {
                "id": target.name,
                "type": "local",
                "instance_data_dir": target.dataset,
                # a sidecar .txt per image, as trainlint's datasets caption (documentation/DATALOADER.md:263-278)
                "caption_strategy": "textfile",
                "cache_dir_vae": "cache/vae",
            },
            {
                "id": "text-embeds",
                "type": "local",
                "dataset_type": "text_embeds",
                "default": True,
                "cache_dir": "cache/text",
            },
        ]
    else:
        why = "no dataset folder in the config" if target.dataset is None else "written beside the file with -o"
        notes.append(f"no data backend list ({why}): set data_backend_config")
    if ratio and target.base_model == "flux.1":
        notes.append(f"SimpleTuner never trains FLUX.1's T5 encoder ({K.T5_SOURCE})")
    return finish(target, assign, steps, ratio, changes, notes, extra)
