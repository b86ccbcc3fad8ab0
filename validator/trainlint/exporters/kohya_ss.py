"""Export to a bmaltais/kohya_ss GUI config (the JSON its LoRA tab saves and opens).

The GUI overlays a JSON on the fields it shows (a missing key keeps the field's current value,
knowledge/kohya_ss.py LOAD_OVERLAY), so the file names every field that decides what trains: the
model checkboxes, the step count with the epoch count at 0, and the three learning rates.
"""

import re
from typing import Any

from ..diagnostics import ConfigPath
from ..document import Document
from ..inputs.base import Adapted
from ..inputs.knowledge import kohya_ss as K
from .base import HUB_MODELS, Plan, Target, finish, whole_run
from .sd_scripts import companions

NAME = "kohya_ss"
SUFFIX = ".json"
# what `--into` writes: the step and epoch counts, the rates and the unet-only flag among additional_parameters;
# the model, the dataset and the rest stay (the stop field too: the LoRA tab ignores it)
MANAGED = frozenset(
    {"max_train_steps", "max_train_epochs", "learning_rate", "unet_lr", "text_encoder_lr", "additional_parameters"}
)
UNET_ONLY_FLAG = "--network_train_unet_only"
UNET_ONLY = re.compile(r"(?<!\S)--network_train_unet_only(?!\S)")

# the model checkboxes the LoRA tab reads, in its order (sdxl, then flux1_checkbox, then sd3_checkbox):
# each family's file turns its own on and the others off (K.SCRIPT_CHOICE_LORA)
CHECKBOXES: dict[str, dict[str, bool]] = {
    "sd-1.5": {"sdxl": False, "flux1_checkbox": False, "sd3_checkbox": False, "v2": False},
    "sdxl": {"sdxl": True, "flux1_checkbox": False, "sd3_checkbox": False, "v2": False},
    "flux.1": {"sdxl": False, "flux1_checkbox": True, "sd3_checkbox": False, "v2": False},
}
# LoRA_type marks the LoRA tab (knowledge KEYS); Flux1 is the kind the GUI offers for FLUX.1
LORA_TYPES = {"sd-1.5": "Standard", "sdxl": "Standard", "flux.1": "Flux1"}
# the LoRA tab passes max_train_epochs only when it is not 0, and then it overrides max_train_steps
# (lora_gui.py:2252-2255): 0 lets the step count stand
EPOCHS_OFF = 0
CAPTION_EXTENSION = ".txt"
# the stop field's off value; the LoRA tab ignores any other with a warning (K.LORA_TE_STOP_IGNORED)
STOP_OFF = 0
WHOLE_RUN = (
    "the LoRA tab trains the text encoder for the whole run or not at all: its stop field is ignored "
    f"({K.LORA_TE_STOP_IGNORED}), and a text encoder rate of 0 leaves it out ({K.LORA_LR_SWITCH})"
)


def plan_into(target: Target, doc: Document, adapted: Adapted) -> Plan:
    """The values for an existing file: its additional_parameters keep every other flag they hold."""
    data = doc.data if isinstance(doc.data, dict) else {}
    written = data.get("additional_parameters")
    return plan(target, None, written if isinstance(written, str) else "")


def switched(flags: str, off: bool) -> str:
    """additional_parameters with --network_train_unet_only added (`off`) or taken out, the rest as written."""
    held = UNET_ONLY.search(flags) is not None
    if off and not held:
        return f"{flags.rstrip()} {UNET_ONLY_FLAG}" if flags.strip() else UNET_ONLY_FLAG
    if not off and held:
        return re.sub(r"(?:^|\s+)--network_train_unet_only(?=\s|$)", "", flags).strip()
    return flags


def plan(target: Target, stem: str | None = None, flags: str = "") -> Plan:
    steps, ratio, changes = whole_run(target, WHOLE_RUN)
    assign: dict[ConfigPath, Any] = {("LoRA_type",): LORA_TYPES[target.base_model]}
    assign.update({(key,): on for key, on in CHECKBOXES[target.base_model].items()})
    assign[("v_parameterization",)] = False  # none of the three families predicts v
    assign[("pretrained_model_name_or_path",)] = HUB_MODELS[target.base_model]
    # trainlint's datasets caption each image with a sidecar .txt
    assign[("caption_extension",)] = CAPTION_EXTENSION
    assign[("max_train_steps",)] = steps
    assign[("max_train_epochs",)] = EPOCHS_OFF
    assign[("learning_rate",)] = target.learning_rate_unet
    assign[("unet_lr",)] = target.learning_rate_unet
    assign[("text_encoder_lr",)] = target.learning_rate_text_encoder
    # the text encoder left out as the GUI's own switch says to (inputs/kohya_ss.py _te_switch): the flag among the
    # command-line flags the GUI appends after its TOML (K.ADDITIONAL_PARAMETERS); a text encoder rate of 0 would do
    # it too (K.LORA_LR_SWITCH), but reads as a trap (TL506)
    assign[("additional_parameters",)] = switched(flags, not ratio)
    assign[("stop_text_encoder_training",)] = STOP_OFF
    # the GUI's train_data_dir wants N_name subfolders; a dataset config names the folder itself, and with it
    # the GUI counts nothing and passes max_train_steps on (K.STEPS_LORA)
    extra, notes = companions(target, stem, assign)
    return finish(target, assign, steps, ratio, changes, notes, extra)
