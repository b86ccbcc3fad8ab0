"""Export to kohya-ss/sd-scripts: a `--config_file` TOML for the LoRA script of the base model
(`train_network.py`, `sdxl_train_network.py`, `flux_train_network.py`), and, when the dataset
folder is known, a `--dataset_config` TOML naming it.

sd-scripts flattens the tables of a config file (knowledge/sd_scripts.py CONFIG_FILE_LOADER), so
the keys are written at the top level.
"""

from typing import Any

from ..diagnostics import ConfigPath
from .base import HUB_MODELS, Plan, Target, companion, finish, whole_run

NAME = "sd-scripts"
SUFFIX = ".toml"
# what `--into` writes (and max_train_epochs, which it takes out); the model, the dataset and the rest stay
MANAGED = frozenset({"max_train_steps", "learning_rate", "unet_lr", "text_encoder_lr", "network_train_unet_only"})

# the LoRA module per family: networks.lora for SD 1.x and SDXL, networks.lora_flux for FLUX.1
# (train_network.py:1785-1796; flux_train_network.py takes networks.lora_flux, docs/flux_train_network.md)
NETWORK_MODULES = {"sd-1.5": "networks.lora", "sdxl": "networks.lora", "flux.1": "networks.lora_flux"}
SCRIPTS = {"sd-1.5": "train_network.py", "sdxl": "sdxl_train_network.py", "flux.1": "flux_train_network.py"}
# trainlint's datasets caption each image with a sidecar .txt; sd-scripts' default is .caption
# (train_util.py:4493, config_util.py:85)
CAPTION_EXTENSION = ".txt"
WHOLE_RUN = (
    "the LoRA scripts train the text encoder for the whole run or not at all (no stop option; "
    "network_train_unet_only leaves it out, train_network.py:1809-1811, :221-222)"
)


def plan(target: Target, stem: str | None = None) -> Plan:
    """`stem`: the main file's name without its suffix, which names the dataset config beside it."""
    steps, ratio, changes = whole_run(target, WHOLE_RUN)
    assign: dict[ConfigPath, Any] = {
        ("pretrained_model_name_or_path",): HUB_MODELS[target.base_model],
        ("network_module",): NETWORK_MODULES[target.base_model],
        ("max_train_steps",): steps,
        ("learning_rate",): target.learning_rate_unet,
        ("unet_lr",): target.learning_rate_unet,
    }
    if ratio:
        assign[("text_encoder_lr",)] = target.learning_rate_text_encoder
    assign[("network_train_unet_only",)] = not ratio
    extra, notes = companions(target, stem, assign)
    notes.insert(0, f"run it with {SCRIPTS[target.base_model]} --config_file FILE")
    # max_train_epochs replaces max_train_steps (train_network.py:798-805)
    return finish(target, assign, steps, ratio, changes, notes, extra, remove=(("max_train_epochs",),))


def companions(target: Target, stem: str | None, assign: dict[ConfigPath, Any]) -> tuple[dict[str, Any], list[str]]:
    """The dataset config the file names, and what the user must still fill in."""
    extra, notes = dataset_config(target, stem)
    if extra:
        assign[("dataset_config",)] = next(iter(extra))
    if target.base_model == "flux.1":
        notes.append("FLUX.1 also needs the ae, clip_l and t5xxl files: set their paths")
    return extra, notes


def dataset_config(target: Target, stem: str | None) -> tuple[dict[str, Any], list[str]]:
    """A `--dataset_config` TOML of one subset, the dataset folder with its .txt captions (the
    schema: knowledge DATASET_KEYS; docs/config_README-en.md), by its file name; or why there is none."""
    name = companion(stem, "dataset", ".toml")
    if target.dataset is None or name is None:
        why = "no dataset folder in the config" if target.dataset is None else "written beside the file with -o"
        return {}, [f"no dataset config ({why}): set dataset_config or train_data_dir"]
    subset = {"image_dir": target.dataset, "caption_extension": CAPTION_EXTENSION}
    return {name: {"datasets": [{"subsets": [subset]}]}}, []
