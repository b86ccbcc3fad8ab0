"""bmaltais/kohya_ss: the GUI's saved JSON configs and presets (LoRA, DreamBooth, fine-tune and TI tabs).

The JSON is a flat dump of the GUI's fields. Loading it (kohya_gui/lora_gui.py:781-802) gives
each field the file's value and leaves a field the file does not name as the GUI shows it, so a
key missing from the file determines nothing here. `update_my_data` (common_gui.py:379-509)
turns strings into numbers with int()/float(), and text they cannot read into 0. When training
starts the GUI computes a step count of its own (unless epochs or a dataset config take over),
writes a TOML for sd-scripts and runs the script its model checkboxes choose, with
`additional_parameters` appended to the command line, where they override the TOML.

Which tab saved a file is not stored: `LoRA_type` marks the LoRA tab, `token_string` /
`num_vectors_per_token` the TI tab, `image_folder` / `dataset_repeats` / `sdxl_checkbox` the
fine-tune tab, anything else is read as the DreamBooth tab (trainer-formats.md section 2).
The facts and their sources are in knowledge/kohya_ss.py; sd-scripts' own behaviour (epochs,
dataset configs) is shared with sd_scripts.py.
"""

import math
from typing import Any, Literal, NamedTuple

from ..diagnostics import ConfigPath
from ..document import Document, Limits
from . import sd_scripts as sd
from .base import (
    EPOCHS_OVERRIDE_STEPS,
    NOT_MINE,
    NUMBER_AS_STRING,
    TE_RATIO_USUAL,
    TE_STOP_IGNORED,
    TE_STOP_UNIT,
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
    any_of,
    each_of,
    for_one_process,
    json_number,
    samples_per_step,
)
from .knowledge import kohya_ss as K
from .knowledge import sd_scripts as SD

NAME = "kohya_ss"

Tab = Literal["lora", "dreambooth", "finetune", "ti"]

_DETECT_BYTES = 262_144
_SIGNATURE_BYTES = each_of(tuple(f'"{key}"'.encode() for key in K.SIGNATURE_KEYS))
# other trainers' JSON: OneTrainer, SimpleTuner, ai-toolkit, Scenario
_FOREIGN_BYTES = any_of((b'"__version"', b'"model_family"', b'"training_method"', b'"job"'))
_FOREIGN_KEYS = frozenset(
    {"__version", "model_family", "training_method", "job", "config", "parameters", "concepts", "datasets"}
)
_MIN_SIGNATURE = 4
# numeric fields update_my_data does not convert; the GUI's number fields take what they can read
_OTHER_NUMBERS = frozenset(
    {
        "train_batch_size",
        "dataset_repeats",
        "stop_text_encoder_training",
        "stop_text_encoder_training_pct",
        "learning_rate_te",
        "learning_rate_te1",
        "learning_rate_te2",
        "t5xxl_lr",
    }
)
# the keys the effective values depend on: every number stored as text in them is noted
_READ = (
    frozenset(
        {
            "max_train_steps",
            "max_train_epochs",
            "epoch",
            "train_batch_size",
            "gradient_accumulation_steps",
            "learning_rate",
            "unet_lr",
            "text_encoder_lr",
        }
    )
    | _OTHER_NUMBERS
)
_MAX_COUNT = sd.MAX_COUNT
# the script each tab runs for each model checkbox ("" : none on) (lora_gui.py:1779-1791 and the other tabs)
_SCRIPTS: dict[str, dict[str, str]] = {
    "lora": {
        "sdxl": "sdxl_train_network.py",
        "flux1_checkbox": "flux_train_network.py",
        "sd3_checkbox": "sd3_train_network.py",
        "": "train_network.py",
    },
    "dreambooth": {
        "sdxl": "sdxl_train.py",
        "sd3_checkbox": "sd3_train.py",
        "flux1_checkbox": "flux_train.py",
        "": "train_db.py",
    },
    "finetune": {
        "sdxl_checkbox": "sdxl_train.py",
        "sd3_checkbox": "sd3_train.py",
        "flux1_checkbox": "flux_train.py",
        "": "fine_tune.py",
    },
    "ti": {"sdxl": "sdxl_train_textual_inversion.py", "": "train_textual_inversion.py"},
}  # beyond this no step, batch or repeat count is meant; arithmetic on it is refused


class KohyaSsFormat:
    """The `kohya_ss` input format (see the module docstring)."""

    name = NAME
    suffixes = (".json",)

    def detect(self, raw: bytes, suffix: str) -> bool:
        """A JSON object naming several of the fields the GUI writes into every file, and no other trainer's marks."""
        if suffix != ".json":
            return False
        head = raw[:_DETECT_BYTES]
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            return False
        if len(set(_SIGNATURE_BYTES.findall(head))) < _MIN_SIGNATURE:  # most JSON files: no other test needed
            return False
        return _FOREIGN_BYTES.search(head) is None

    def read(self, raw: bytes, file: str, limits: Limits) -> Document:
        """Python's json, as the GUI reads the file (json.load)."""
        from .readers.json_reader import read_json

        return read_json(raw, file, limits)

    def adapt(self, doc: Document, workspace: Workspace, hints: Hints) -> Adapted | None:
        data = doc.data
        if not isinstance(data, dict) or set(data) & _FOREIGN_KEYS:
            return NOT_MINE
        if sum(1 for key in K.SIGNATURE_KEYS if key in data) < _MIN_SIGNATURE:
            return NOT_MINE
        return _Gui(data, workspace).adapt(hints)


FORMAT = KohyaSsFormat()


def tab_of(data: dict[str, Any]) -> Tab:
    """The GUI tab that saved the file, from its keys (trainer-formats.md section 2)."""
    if "LoRA_type" in data:
        return "lora"
    if any(key in data for key in K.TI_KEYS):
        return "ti"
    if any(key in data for key in K.FINETUNE_KEYS):
        return "finetune"
    return "dreambooth"


class Num(NamedTuple):
    """A numeric field as the GUI works with it after loading: value None when not determined (see `problem`)."""

    value: float | None
    present: bool
    problem: str = ""
    path: ConfigPath | None = None


def _py_int(raw: Any) -> int | None:
    """Python's int() on a JSON value; None where int() raises something other than ValueError."""
    if isinstance(raw, (bool, int)):
        return int(raw)
    if isinstance(raw, float):
        return int(raw) if sd.finite(raw) else None
    raise TypeError


def _bounded(value: float) -> bool:
    return abs(value) <= _MAX_COUNT


class _Gui:
    """One GUI JSON adapted: what the GUI passes to sd-scripts and what sd-scripts then does."""

    def __init__(self, data: dict[str, Any], workspace: Workspace) -> None:
        self.data, self.workspace = data, workspace
        self.tab = tab_of(data)
        self.notes: list[Note] = []
        self.values: dict[str, TrainerValue] = {}
        self.nums: dict[str, Num] = {}
        self.flags: dict[str, sd.Flag] = {}
        self.script: str | None = None  # the sd-scripts script the GUI runs; None for a family not read here

    # -- reading -------------------------------------------------------------------------------

    def num(self, key: str) -> Num:
        if key not in self.nums:
            self.nums[key] = self._read(key)
        return self.nums[key]

    def _read(self, key: str) -> Num:
        path: ConfigPath = (key,)
        if key not in self.data:
            return Num(
                None, False, f"{key} is not in the file: the GUI keeps whatever its field shows ({K.LOAD_OVERLAY})"
            )
        raw = self.data[key]
        if sd.is_refused(raw) or raw is None:
            return Num(None, True, f"{key} has no usable value", path)
        integer = key in K.INT_ON_LOAD
        if key in K.INT_ON_LOAD or key in K.FLOAT_ON_LOAD:
            if isinstance(raw, str):
                try:
                    value = float(int(raw)) if integer else float(raw)
                except ValueError:
                    value = 0.0
                if not sd.finite(value):
                    return Num(None, True, f"{key} is {raw!r}, which the GUI reads as {value}", path)
                return Num(value, True, "", path)
            try:
                read = _py_int(raw) if integer else float(raw) if isinstance(raw, (int, float)) else None
            except TypeError:
                read = None
            if read is None or not sd.finite(float(read)):
                return Num(
                    None,
                    True,
                    f"{key} is {sd._kind(raw)}: the GUI's loader cannot convert it "
                    f"({K.UPDATE_MY_DATA}) and the file does not load",
                    path,
                )
            return Num(float(read), True, "", path)
        if isinstance(raw, str):
            if raw.strip() == "":
                return Num(None, True, f"{key} is empty", path)
            try:
                value = float(raw)
            except ValueError:
                return Num(None, True, f"{key} is the text {raw!r}, not a number", path)
            return Num(value, True, "", path) if sd.finite(value) else Num(None, True, f"{key} is {raw!r}", path)
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not sd.finite(float(raw)):
            return Num(None, True, f"{key} is {sd._kind(raw)}, not a number", path)
        return Num(float(raw), True, "", path)

    def text(self, key: str) -> str | None:
        raw = self.data.get(key)
        return raw if isinstance(raw, str) else None

    def on(self, key: str) -> bool:
        """A checkbox as the GUI tests it (`if sdxl:`)."""
        raw = self.data.get(key)
        return bool(raw) and not sd.is_refused(raw)

    # -- the whole file --------------------------------------------------------------------------

    def adapt(self, hints: Hints) -> Adapted:
        self._unknown_keys()
        self._strings()
        self._additional_parameters()
        base, base_key = self._base_model()
        method: Method | None = {"lora": "lora", "dreambooth": "full", "finetune": "full", "ti": None}[self.tab]
        self._optimizer()
        images = self._steps()
        if self.tab == "lora":
            self._lora_rates(base)
        elif self.tab == "dreambooth":
            self._dreambooth_rates()
        elif self.tab == "finetune":
            self._finetune_rates()
        self._stop_notes()
        return Adapted(
            NAME,
            base,
            base_key,
            method,
            images,
            self.values,
            tuple(self.notes),
            hints.training_type,
            hints.preset,
            hints.source,
            text_encoder_stop=self.tab == "dreambooth" and self.script == "train_db.py",
            text_encoder_switch=self._te_switch(),
        )

    def _te_switch(self) -> tuple[str, str] | None:
        """How the script the GUI runs leaves the text encoder out, and how it trains it (a script without a stop)."""
        if self.tab == "lora":
            return (
                "add --network_train_unet_only to additional_parameters",
                "give text_encoder_lr a rate above 0, without --network_train_unet_only",
            )
        if self.tab == "dreambooth" and self.script == "sdxl_train.py":
            return "set learning_rate_te1 and learning_rate_te2 to 0", "give learning_rate_te1 a rate above 0"
        if self.tab == "finetune" and self.script == "fine_tune.py":
            return "turn train_text_encoder off", "turn train_text_encoder on"
        if self.tab == "finetune" and self.script == "sdxl_train.py":
            return "turn train_text_encoder off", "turn train_text_encoder on, with learning_rate_te1 above 0"
        return None

    def _unknown_keys(self) -> None:
        for key in self.data:
            if key in K.ACCEPTED_KEYS:
                continue
            self.notes.append(
                Note(
                    UNKNOWN_KEY,
                    (key,),
                    f"the kohya_ss GUI has no field named '{key}': it ignores the key when it loads the "
                    f"file ({K.LOAD_OVERLAY}), and the field keeps whatever it shows",
                    sd.did_you_mean(str(key), K.ACCEPTED_KEYS),
                    on_key=True,
                )
            )

    def _strings(self) -> None:
        """NUMBER_AS_STRING: a number stored as text, and what the GUI turns it into."""
        for key, raw in self.data.items():
            if not isinstance(raw, str) or sd.is_refused(raw):
                continue
            if key in K.INT_ON_LOAD or key in K.FLOAT_ON_LOAD:
                read = self.num(key)
                if _reads(raw, key in K.INT_ON_LOAD) or (key not in _READ and raw.strip() == ""):
                    continue  # the loader reads the text as the number it shows (int() or float()): the GUI trains it
                if raw.strip() == "":
                    what = (
                        "0, which the GUI treats as not set" if key in ("max_train_steps", "max_train_epochs") else "0"
                    )
                    message = f"{key} is an empty text: the GUI's loader turns it into {what} ({K.UPDATE_MY_DATA})"
                elif read.value == 0 and not _reads_as_zero(raw, key in K.INT_ON_LOAD):
                    message = (
                        f"{key} is the text {raw!r}, which the GUI's loader cannot read with "
                        f"{'int' if key in K.INT_ON_LOAD else 'float'}() and turns into 0 ({K.UPDATE_MY_DATA})"
                    )
                else:
                    message = (
                        f"{key} is the text {raw!r}: the GUI's loader turns it into "
                        f"{sd.fmt(read.value) if read.value is not None else 'a value it cannot use'} "
                        f"({K.UPDATE_MY_DATA})"
                    )
                self.notes.append(Note(NUMBER_AS_STRING, (key,), message, _number_hint(key, raw)))
            elif key in _OTHER_NUMBERS:
                read = self.num(key)
                if read.value is not None and _reads(raw, False) and float(raw) == read.value:
                    continue  # its number field takes the number the text shows
                what = (
                    f"its number field takes {sd.fmt(read.value)}"
                    if read.value is not None
                    else "its number field cannot read it"
                )
                self.notes.append(
                    Note(
                        NUMBER_AS_STRING,
                        (key,),
                        f"{key} is the text {raw!r}: the GUI's loader does not convert this key "
                        f"({K.UPDATE_MY_DATA}); {what}",
                        _number_hint(key, raw),
                    )
                )

    def _additional_parameters(self) -> None:
        text = self.text("additional_parameters")
        if not text:
            return
        for flag in sd.parse_flags(text):
            if flag.name in SD.ARGUMENTS or flag.name.startswith(SD.ARGUMENT_PREFIXES):
                self.flags[flag.name] = flag
                continue
            self.notes.append(
                Note(
                    UNKNOWN_KEY,
                    ("additional_parameters",),
                    f"--{flag.name} in additional_parameters is not an option of sd-scripts: argparse "
                    f'stops the training with "unrecognized arguments" ({K.ADDITIONAL_PARAMETERS})',
                    sd.did_you_mean(flag.name, SD.ARGUMENTS),
                )
            )

    def _flag_value(self, name: str, as_int: bool) -> float | None:
        flag = self.flags.get(name)
        return sd.flag_number(flag, as_int) if flag is not None else None

    def _optimizer(self) -> None:
        flag = self.flags.get("optimizer_type")
        if flag is not None and flag.values and sd.adaptive(flag.values[0]):
            self.notes.append(sd.adaptive_note(flag.values[0], ("additional_parameters",)))
        elif flag is None and sd.adaptive(self.data.get("optimizer"), self.data.get("optimizer_args")):
            self.notes.append(sd.adaptive_note(str(self.data["optimizer"]), ("optimizer",)))

    # -- model family ------------------------------------------------------------------------------

    def _base_model(self) -> tuple[BaseModel | None, str | None]:
        order = {
            "lora": ("sdxl", "flux1_checkbox", "sd3_checkbox"),
            "dreambooth": ("sdxl", "sd3_checkbox", "flux1_checkbox"),
            "finetune": ("sdxl_checkbox", "sd3_checkbox", "flux1_checkbox"),
            "ti": ("sdxl",),
        }[self.tab]
        for key in order:
            if self.on(key):
                self.script = _SCRIPTS[self.tab][key]
                if key == "sd3_checkbox":
                    return self._unsupported("Stable Diffusion 3", key)
                return ("sdxl" if key.startswith("sdxl") else "flux.1"), key
        if self.tab == "lora" and "flux1_checkbox" not in self.data and self.data.get("LoRA_type") == "Flux1":
            self.script = _SCRIPTS["lora"]["flux1_checkbox"]
            return "flux.1", "LoRA_type"
        for key in self.data:
            if (
                isinstance(key, str)
                and key.endswith("_checkbox")
                and key not in order
                and self.on(key)
                and key not in ("flux1_checkbox", "sd3_checkbox", "sdxl_checkbox")
            ):
                return self._unsupported(f"the model family of '{key}'", key)
        self.script = _SCRIPTS[self.tab][""]
        if self.on("v2"):
            return self._unsupported("Stable Diffusion 2.x", "v2")
        marks = [k for k in order if k in self.data]
        return "sd-1.5", (f"{', '.join(marks)} off: {self.script}" if marks else f"no model checkbox: {self.script}")

    def _unsupported(self, family: str, key: str) -> tuple[None, str]:
        self.notes.append(
            Note(
                UNSUPPORTED_MODEL,
                (key,),
                f"{key} is on, so the GUI trains {family}: trainlint has no advice for it and the "
                f"model-dependent rules stay silent ({K.SCRIPT_CHOICE_LORA})",
            )
        )
        return None, key

    # -- steps ---------------------------------------------------------------------------------------

    def _count(self, key: str) -> tuple[int | None, str]:
        """An integer the GUI's formulas take with int(): value, or why not."""
        read = self.num(key)
        flag = self._flag_value(key, True) if key in self.flags else None
        if flag is not None:
            return int(flag), ""
        if read.value is None:
            return None, read.problem
        if not _bounded(read.value):
            return None, f"{key} {sd.fmt(read.value)} is too large to count with"
        return int(read.value), ""

    def _steps(self) -> int | None:
        epochs = self._epochs_setting()
        steps = self._steps_setting()
        batch, batch_problem = self._count("train_batch_size")
        ga, ga_problem = self._count("gradient_accumulation_steps")
        epoch_info = self._sd_epoch(batch)
        images = epoch_info.images
        if epochs is not None:
            value, note = self._from_epochs(epochs, ga, ga_problem, epoch_info)
            where = ("additional_parameters",) if "max_train_epochs" in self.flags else ("max_train_epochs",)
            self.values["steps"] = TrainerValue(value, "derived", "max_train_epochs", where, note)
            if steps is not None and steps != 0:
                result = (
                    f"sd-scripts trains {sd.fmt(value)} steps"
                    if value is not None
                    else "the steps depend on the batches of an epoch, which could not be counted"
                )
                self.notes.append(
                    Note(
                        EPOCHS_OVERRIDE_STEPS,
                        where,
                        f"max_train_epochs {sd.fmt(epochs)} overrides max_train_steps {sd.fmt(steps)}: {result} "
                        f"({SD.EPOCHS_FORMULA})",
                        "set max_train_epochs to 0 to train max_train_steps",
                        on_key=True,
                    )
                )
        elif "max_train_steps" in self.flags:
            value = self._flag_value("max_train_steps", True)
            self.values["steps"] = TrainerValue(
                value,
                "config",
                "max_train_steps",
                ("additional_parameters",),
                "--max_train_steps in additional_parameters overrides the TOML"
                if value is not None
                else "--max_train_steps has no integer value",
            )
        else:
            self.values["steps"] = self._gui_steps(steps, batch, batch_problem, ga, ga_problem)
        if not self.text("dataset_config"):  # a dataset TOML sets its own batch sizes
            samples_per_step(
                self.values,
                batch,
                ga,
                "train_batch_size",
                ("train_batch_size",),
                "train_batch_size x gradient_accumulation_steps",
                accumulation_at=("gradient_accumulation_steps", ("gradient_accumulation_steps",)),
            )
        self._per_image(images, epoch_info)
        return images

    def _epochs_setting(self) -> float | None:
        """max_train_epochs as sd-scripts gets it: passed only when it is not 0 (lora_gui.py:2252-2254)."""
        if "max_train_epochs" in self.flags:
            return self._flag_value("max_train_epochs", True)
        read = self.num("max_train_epochs")
        return read.value if read.value else None

    def _steps_setting(self) -> float | None:
        read = self.num("max_train_steps")
        return read.value

    def _from_epochs(self, epochs: float, ga: int | None, ga_problem: str, epoch: sd.Epoch) -> tuple[float | None, str]:
        if not _bounded(epochs):
            return None, f"max_train_epochs {sd.fmt(epochs)} is too large to count with"
        if ga is None or ga == 0:
            return None, ga_problem or "gradient_accumulation_steps 0: the training cannot divide by it"
        if epoch.batches is None:
            return (
                None,
                f"max_train_epochs {sd.fmt(epochs)} x the batches of an epoch, which are not known: {epoch.note}",
            )
        processes, how = self._processes()
        per_epoch = math.ceil(epoch.batches / processes / ga)
        return epochs * per_epoch, (
            f"max_train_epochs {sd.fmt(epochs)} x ceil({epoch.batches} batches / {processes} process(es) / {ga} "
            f"accumulation) = {sd.fmt(epochs * per_epoch)} ({SD.EPOCHS_FORMULA}); {epoch.note}; {how}"
        )

    def _processes(self) -> tuple[int, str]:
        """accelerate launch --num_processes: the field when it is above 0 (class_accelerate_launch.py)."""
        read = self.num("num_processes")
        if read.value is not None and 1 <= read.value <= 4096:
            return int(read.value), f"num_processes {int(read.value)} ({K.ACCELERATE_LAUNCH})"
        return 1, for_one_process("num_processes is 0 or not in the file: accelerate's own config says how many")

    def _sd_epoch(self, batch: int | None) -> sd.Epoch:
        """What sd-scripts sees in one epoch: the dataset config, or the N_name folders (images either way)."""
        config = self.text("dataset_config")
        if config:
            other = self.workspace.read(config, sd.NAME)
            if other is None or not isinstance(other.data, dict):
                return sd.Epoch(None, None, f"dataset_config '{config}' could not be read inside the repository")
            repeats, _ = self._count("dataset_repeats")
            return sd.read_dataset_config(other.data, self.workspace, batch, repeats or 1).epoch
        if self.tab == "finetune":
            return self._finetune_epoch(batch)
        folder = self.text("train_data_dir")
        if not folder:
            return sd.Epoch(None, None, "train_data_dir is not set")
        if batch is None or batch < 1:
            return sd.Epoch(None, None, "train_batch_size is not usable")
        return sd.subdir_epoch(self.workspace, folder, self.text("reg_data_dir") or None, batch)

    def _finetune_epoch(self, batch: int | None) -> sd.Epoch:
        folder = self.text("image_folder")
        if not folder:
            return sd.Epoch(None, None, "image_folder is not set")
        count = self.workspace.count_images(folder, False, SD.IMAGE_SUFFIXES)
        if count is None:
            return sd.Epoch(None, None, f"image_folder '{folder}' could not be listed inside the repository")
        repeats, problem = self._count("dataset_repeats")
        if repeats is None or batch is None or batch < 1:
            return sd.Epoch(None, count, problem or "train_batch_size is not usable")
        batches = math.ceil(count * repeats / batch) if count * repeats > 0 else 0
        return sd.Epoch(
            batches,
            count,
            f"{count} images x {repeats} dataset_repeats in batches of {batch}: {batches} "
            "batches (fine_tune.py reads the images from the metadata file the GUI "
            "writes for image_folder)",
        )

    def _gui_steps(
        self, steps: float | None, batch: int | None, batch_problem: str, ga: int | None, ga_problem: str
    ) -> TrainerValue:
        """No epochs: max_train_steps if not 0, else sd-scripts' 1600 with a dataset config, else the GUI's count."""
        read = self.num("max_train_steps")
        source = (
            K.STEPS_FINETUNE
            if self.tab == "finetune"
            else (K.STEPS_DREAMBOOTH if self.tab == "dreambooth" else K.STEPS_LORA)
        )
        config = self.text("dataset_config")
        if steps is None:
            return TrainerValue(None, "config", "max_train_steps", read.path, read.problem)
        if steps != 0:
            if self.tab == "finetune" and self.on("flip_aug") and not config and _bounded(steps):
                halved = math.ceil(steps / 2)
                return TrainerValue(
                    float(halved),
                    "derived",
                    "max_train_steps",
                    read.path,
                    f"max_train_steps {sd.fmt(steps)} halved because flip_aug is on: ceil({sd.fmt(steps)}"
                    f" / 2) = {halved} ({source})",
                )
            return TrainerValue(steps, "config", "max_train_steps", read.path)
        if "max_train_epochs" not in self.data:
            return TrainerValue(None, "config", "max_train_steps", read.path, self.num("max_train_epochs").problem)
        if config:
            return TrainerValue(
                float(SD.KEYS["max_train_steps"].default),
                "trainer-default",
                "max_train_steps",
                read.path,
                "max_train_steps 0 with a dataset_config: the GUI passes no step count and "
                f"sd-scripts trains its default ({SD.KEYS['max_train_steps'].source})",
            )
        total, how = self._gui_samples()
        if total is None:
            return TrainerValue(None, "derived", "max_train_steps", read.path, how)
        epoch, epoch_problem = self._count("epoch")
        if epoch is None or batch is None or ga is None:
            return TrainerValue(
                None, "derived", "max_train_steps", read.path, epoch_problem or batch_problem or ga_problem
            )
        if batch == 0 or ga == 0:
            return TrainerValue(
                None,
                "derived",
                "max_train_steps",
                read.path,
                "train_batch_size or gradient_accumulation_steps is 0: the GUI's step count divides by it and fails",
            )
        reg = 2 if (self.text("reg_data_dir") or "") != "" and self.tab != "finetune" else 1
        exact = float(total) / batch / ga * epoch * reg
        if not sd.finite(exact) or abs(exact) > _MAX_COUNT:
            return TrainerValue(None, "derived", "max_train_steps", read.path, "the GUI's step count is out of range")
        value = math.ceil(exact)
        formula = f"ceil({total} {how} / {batch} batch / {ga} accumulation x {epoch} epoch" + (
            (" x 2 for reg_data_dir)" if reg == 2 else " x 1: no reg_data_dir)") if self.tab != "finetune" else ")"
        )
        if self.tab == "finetune" and self.on("flip_aug") and value:
            value = math.ceil(value / 2)
            formula += ", halved because flip_aug is on"
        if value == 0:
            return TrainerValue(
                float(SD.KEYS["max_train_steps"].default),
                "trainer-default",
                "max_train_steps",
                read.path,
                f"the GUI's count {formula} is 0, so it passes no step count and "
                f"sd-scripts trains its default ({SD.KEYS['max_train_steps'].source})",
            )
        return TrainerValue(
            float(value),
            "derived",
            "max_train_steps",
            read.path,
            f"max_train_steps 0: the GUI computes {formula} = {value} ({source})",
        )

    def _gui_samples(self) -> tuple[int | None, str]:
        """The GUI's own sample count: N x images over the N_name folders (any N int() reads), or the
        fine-tune tab's images x dataset_repeats; images are files ending .jpg/.jpeg/.png/.webp."""
        if self.tab == "finetune":
            folder = self.text("image_folder")
            if not folder:
                return None, "image_folder is not set: the GUI refuses to start"
            count = self.workspace.count_images(folder, False, K.GUI_IMAGE_SUFFIXES)
            repeats, problem = self._count("dataset_repeats")
            if count is None:
                return None, f"image_folder '{folder}' could not be listed inside the repository"
            if repeats is None:
                return None, problem
            return count * repeats, f"({count} images x {repeats} dataset_repeats)"
        if "train_data_dir" not in self.data:
            return None, f"train_data_dir is not in the file: the GUI keeps whatever its field shows ({K.LOAD_OVERLAY})"
        folder = self.text("train_data_dir")
        if not folder:
            return None, 'train_data_dir is empty: the GUI refuses to start ("Train data dir is empty")'
        names = self.workspace.subfolders(folder)
        if names is None:
            return None, f"train_data_dir '{folder}' could not be listed inside the repository"
        total, parts = 0, []
        for name in names:
            repeats = sd.leading_int(name)
            if repeats is None:
                continue
            count = self.workspace.count_images(sd.join(folder, name), False, K.GUI_IMAGE_SUFFIXES)
            if count is None:
                return None, f"'{sd.join(folder, name)}' could not be listed inside the repository"
            total += repeats * count
            parts.append(f"{repeats}x{count}")
        return total, f"samples ({' + '.join(parts) or 'no N_name folders'})"

    def _per_image(self, images: int | None, epoch: sd.Epoch) -> None:
        steps = self.values["steps"]
        if steps.value is None:
            note = "the total steps are not known"
            value = None
        elif not images:
            note = "no training images were found" if images == 0 else f"the images are not known: {epoch.note}"
            value = None
        else:
            value, note = steps.value / images, f"{sd.fmt(steps.value)} steps / {images} distinct training images"
        self.values["steps_per_image"] = TrainerValue(value, "derived", steps.key, steps.path, note)

    # -- learning rates and the text encoder -------------------------------------------------------------

    def _rate(self, key: str) -> TrainerValue:
        """A learning rate as the GUI passes it, --key in additional_parameters overriding it."""
        if key in self.flags:
            value = self._flag_value(key, False)
            return TrainerValue(
                value,
                "config",
                key,
                ("additional_parameters",),
                f"--{key} in additional_parameters overrides the field ({K.ADDITIONAL_PARAMETERS})"
                if value is not None
                else f"--{key} has no number",
            )
        read = self.num(key)
        return TrainerValue(read.value, "config", key, read.path, read.problem)

    def _lora_rates(self, base: BaseModel | None) -> None:
        """The LoRA tab's switch (lora_gui.py:909-923, 2066-2131), then additional_parameters, then sd-scripts."""
        lr, unet, te = self._rate("learning_rate"), self._rate("unet_lr"), self._rate("text_encoder_lr")
        te_ratio = TrainerValue(
            1.0,
            "derived",
            "text_encoder_lr",
            te.path,
            f"the LoRA tab trains the text encoder for the whole run unless its learning rate is "
            f"0 ({K.LORA_LR_SWITCH})",
        )
        if unet.value is None or te.value is None or lr.value is None:
            unknown = next(v for v in (unet, te, lr) if v.value is None)
            why = unknown.note or f"{unknown.key} is not usable"
            if te.value == 0 and unet.value:
                te_ratio = TrainerValue(
                    0.0,
                    "config",
                    "text_encoder_lr",
                    te.path,
                    f"text_encoder_lr 0 with unet_lr set: network_train_unet_only ({K.LORA_LR_SWITCH})",
                )
                te = TrainerValue(None, "config", "text_encoder_lr", te.path, "the text encoder is not trained")
            elif not te.value:
                te_ratio = TrainerValue(None, "config", unknown.key, unknown.path, why)
                te = TrainerValue(None, "config", "text_encoder_lr", te.path, why)
            if not unet.value:
                unet = TrainerValue(None, "config", "unet_lr", unet.path, why)
            self._lora_overrides(unet, te, te_ratio, base)
            return
        if lr.value == unet.value == te.value == 0:
            self.notes.append(
                Note(
                    ZERO_LEARNING_RATE,
                    lr.path or ("learning_rate",),
                    "learning_rate, unet_lr and text_encoder_lr are all 0: the GUI refuses to start "
                    f'("Please input learning rate values.", {K.LORA_LR_SWITCH})',
                    "set unet_lr and text_encoder_lr, or learning_rate for both",
                )
            )
            why = "all learning rates are 0: the GUI does not start"
            self.values["learning_rate_unet"] = TrainerValue(None, "config", "unet_lr", unet.path, why)
            self.values["learning_rate_text_encoder"] = TrainerValue(None, "config", "text_encoder_lr", te.path, why)
            self.values["text_encoder_ratio"] = TrainerValue(None, "config", "text_encoder_lr", te.path, why)
            return
        if te.value == 0 and unet.value != 0:
            # the LoRA tab's own way to train the U-Net only (it passes network_train_unet_only): a choice, no trap
            te = TrainerValue(
                None, "config", "text_encoder_lr", te.path, "text_encoder_lr 0: the text encoder is not trained"
            )
            te_ratio = TrainerValue(
                0.0,
                "config",
                "text_encoder_lr",
                te.path,
                f"text_encoder_lr 0 with unet_lr set: network_train_unet_only ({K.LORA_LR_SWITCH})",
            )
        elif unet.value == 0 and te.value != 0:
            self._zero(unet, "the GUI runs sd-scripts with network_train_text_encoder_only: the U-Net is not trained")
            unet = TrainerValue(None, "config", "unet_lr", unet.path, "unet_lr 0: the U-Net is not trained")
        elif unet.value == 0 and te.value == 0:
            self._zero(
                unet,
                f"with text_encoder_lr 0 as well, the GUI passes learning_rate {sd.fmt(lr.value)} to both "
                "the U-Net and the text encoder",
            )
            unet = lr._replace(
                note=f"unet_lr and text_encoder_lr are 0: both train at learning_rate ({K.LORA_LR_SWITCH})"
            )
            te = unet
        self._lora_overrides(unet, te, te_ratio, base)

    def _lora_overrides(
        self, unet: TrainerValue, te: TrainerValue, te_ratio: TrainerValue, base: BaseModel | None
    ) -> None:
        """additional_parameters come after --config_file on the command line: their flags win (section 10.2)."""
        where: ConfigPath = ("additional_parameters",)
        for key, is_te in (("unet_lr", False), ("text_encoder_lr", True)):
            if key not in self.flags:
                continue
            value = self._flag_value(key, False)
            note = f"--{key} in additional_parameters overrides the field ({K.ADDITIONAL_PARAMETERS})"
            if value == 0:
                self.notes.append(
                    Note(
                        ZERO_LEARNING_RATE,
                        where,
                        f"--{key} 0 in additional_parameters: sd-scripts drops that parameter group "
                        f"({SD.ZERO_LR_DROPS_GROUP}), so it is not trained",
                    )
                )
            new = TrainerValue(value if value else None, "config", key, where, note if value != 0 else "0: not trained")
            if is_te:
                te = new
                te_ratio = TrainerValue(0.0 if value == 0 else 1.0, "config", key, where, note)
            else:
                unet = new
        if "learning_rate" in self.flags:
            value = self._flag_value("learning_rate", False)
            note = f"--learning_rate in additional_parameters overrides the field ({K.ADDITIONAL_PARAMETERS})"
            if unet.key == "learning_rate":
                unet = TrainerValue(value, "config", "learning_rate", where, note)
            if te.key == "learning_rate":
                te = TrainerValue(value, "config", "learning_rate", where, note)
        if "network_train_unet_only" in self.flags:
            te = TrainerValue(
                None,
                "config",
                "network_train_unet_only",
                where,
                "--network_train_unet_only in additional_parameters: the text encoder is not trained",
            )
            te_ratio = TrainerValue(
                0.0,
                "config",
                "network_train_unet_only",
                where,
                f"--network_train_unet_only in additional_parameters overrides the text-encoder "
                f"learning rate ({K.ADDITIONAL_PARAMETERS}; {SD.KEYS['network_train_unet_only'].source})",
            )
        if "network_train_text_encoder_only" in self.flags:
            unet = TrainerValue(
                None,
                "config",
                "network_train_text_encoder_only",
                where,
                "--network_train_text_encoder_only in additional_parameters: the U-Net is not trained",
            )
        t5 = self.num("t5xxl_lr")
        if base == "flux.1" and te.value and t5.value:
            te = te._replace(
                note=sd._join(
                    te.note, f"the CLIP-L's rate; t5xxl_lr {sd.fmt(t5.value)} is the T5XXL's ({SD.TE_LR_LIST})"
                )
            )
        self.values["learning_rate_unet"] = unet
        self.values["learning_rate_text_encoder"] = te
        self.values["text_encoder_ratio"] = te_ratio

    def _zero(self, value: TrainerValue, meaning: str) -> None:
        self.notes.append(
            Note(
                ZERO_LEARNING_RATE,
                value.path or (value.key or "learning_rate",),
                f"{value.key} 0 in the LoRA tab: {meaning} ({K.LORA_LR_SWITCH})",
                "to train it, give it a learning rate; to say it plainly, add --network_train_unet_only "
                "or --network_train_text_encoder_only to additional_parameters",
            )
        )

    def _unet_full(self) -> None:
        """Full fine-tuning trains the U-Net at learning_rate; 0 leaves it as it is."""
        rate = self._rate("learning_rate")
        if rate.value == 0:
            self.notes.append(
                Note(
                    ZERO_LEARNING_RATE,
                    rate.path or ("learning_rate",),
                    f"learning_rate 0: {self.script or 'the script'} trains the U-Net with learning rate "
                    "0, so it never changes",
                    "give the U-Net a learning rate",
                )
            )
            rate = rate._replace(value=None, note=sd._join(rate.note, "learning rate 0: the U-Net does not change"))
        self.values["learning_rate_unet"] = rate

    def _dreambooth_rates(self) -> None:
        self._unet_full()
        if self.script == "sdxl_train.py":
            self._sdxl_te(train_flag=None)
        elif self.script != "train_db.py":
            self._te_unknown(
                f"{self.script or 'the script of this model family'}: which text encoders it trains is not read here"
            )
        else:
            te = self._te_rate("learning_rate_te")
            self.values["learning_rate_text_encoder"] = te
            self.values["text_encoder_ratio"] = self._db_ratio(te)

    def _te_unknown(self, why: str) -> None:
        self.values["learning_rate_text_encoder"] = TrainerValue(None, "config", None, None, why)
        self.values["text_encoder_ratio"] = TrainerValue(None, "config", None, None, why)

    def _te_rate(self, key: str) -> TrainerValue:
        """learning_rate_te as train_db.py / fine_tune.py get it: an empty field is not passed (learning_rate)."""
        rate = self._rate(key)
        raw = self.data.get(key)
        if isinstance(raw, str) and raw.strip() == "" and key not in self.flags:
            lr = self._rate("learning_rate")
            return lr._replace(
                note=sd._join(
                    lr.note,
                    f"{key} is empty: the GUI passes none and the text encoder trains "
                    f"at learning_rate ({SD.KEYS['learning_rate_te'].source})",
                )
            )
        return rate

    def _db_ratio(self, te: TrainerValue) -> TrainerValue:
        """train_db.py: the text encoder trains until step stop_text_encoder_training (the slider's number)."""
        if te.value == 0:
            self.notes.append(
                Note(
                    ZERO_LEARNING_RATE,
                    te.path or ("learning_rate_te",),
                    f"{te.key} 0: train_db.py gives the text encoder's parameter group learning rate 0 "
                    f"({SD.KEYS['learning_rate_te'].source}), so it never changes",
                    "leave it empty to train the text encoder at learning_rate",
                )
            )
            self.values["learning_rate_text_encoder"] = TrainerValue(
                None, "config", te.key, te.path, "learning rate 0: the text encoder does not change"
            )
            return TrainerValue(0.0, "config", te.key, te.path, "the text encoder's learning rate is 0")
        stop, where = self._stop()
        if stop.value is None:
            return TrainerValue(None, "config", "stop_text_encoder_training", stop.path, stop.problem)
        if stop.value == 0:
            return TrainerValue(
                1.0,
                "config",
                "stop_text_encoder_training",
                stop.path,
                f"0: the GUI passes no stop and train_db.py trains the text encoder for the whole run "
                f"({K.DREAMBOOTH_TE_STOP})",
            )
        if stop.value < 0:
            return TrainerValue(
                0.0,
                "config",
                "stop_text_encoder_training",
                where,
                f"{sd.fmt(stop.value)}: train_db.py does not train the text encoder "
                f"({SD.KEYS['stop_text_encoder_training'].source})",
            )
        total = self.values["steps"].value
        if not total or total <= 0:
            return TrainerValue(
                None,
                "derived",
                "stop_text_encoder_training",
                where,
                f"the text encoder stops after {sd.fmt(stop.value)} steps; the total steps are not known",
            )
        return TrainerValue(
            min(stop.value, total) / total,
            "derived",
            "stop_text_encoder_training",
            where,
            f"train_db.py stops the text encoder at step {sd.fmt(stop.value)} of {sd.fmt(total)} "
            f"({K.DREAMBOOTH_TE_STOP}; {SD.KEYS['stop_text_encoder_training'].source})",
        )

    def _stop(self) -> tuple[Num, ConfigPath | None]:
        if "stop_text_encoder_training" in self.flags:
            value = self._flag_value("stop_text_encoder_training", True)
            where: ConfigPath = ("additional_parameters",)
            return Num(
                value, True, "" if value is not None else "--stop_text_encoder_training has no integer", where
            ), where
        read = self.num("stop_text_encoder_training")
        return read, read.path

    def _sdxl_te(self, train_flag: str | None) -> None:
        """sdxl_train.py: the GUI trains the text encoders when learning_rate_te1 or _te2 is above 0
        (dreambooth_gui.py); the fine-tune tab asks train_text_encoder as well."""
        te1, te2 = self._rate("learning_rate_te1"), self._rate("learning_rate_te2")
        trained = [v for v in (te1, te2) if v.value is not None and v.value > 0]
        flag_on = self.on(train_flag) if train_flag else True
        if train_flag and not flag_on:
            why = f"{train_flag} is off"
            self.values["learning_rate_text_encoder"] = TrainerValue(
                None, "config", train_flag, (train_flag,), f"the text encoders are not trained: {why}"
            )
            self.values["text_encoder_ratio"] = TrainerValue(
                0.0, "config", train_flag, (train_flag,), f"{why} ({SD.KEYS['train_text_encoder'].source})"
            )
            return
        if not trained:
            unknown = [v for v in (te1, te2) if v.value is None]
            if unknown:
                self._te_unknown(unknown[0].note or "learning_rate_te1 / _te2 are not usable")
                return
            self.values["learning_rate_text_encoder"] = TrainerValue(
                None,
                "config",
                "learning_rate_te1",
                te1.path,
                "learning_rate_te1 and _te2 are 0: the text encoders are not trained",
            )
            self.values["text_encoder_ratio"] = TrainerValue(
                0.0,
                "config",
                "learning_rate_te1",
                te1.path,
                "learning_rate_te1 and learning_rate_te2 are 0: the GUI "
                f"does not pass train_text_encoder ({K.DREAMBOOTH_TE_LR}; "
                f"{SD.KEYS['learning_rate_te1'].source})",
            )
            return
        first = trained[0]
        self.values["learning_rate_text_encoder"] = first._replace(
            note=sd._join(
                first.note,
                "text encoder 1"
                if first.key == "learning_rate_te1"
                else "text encoder 1 is not trained; text encoder 2",
            )
        )
        self.values["text_encoder_ratio"] = TrainerValue(
            1.0,
            "config",
            first.key,
            first.path,
            f"sdxl_train.py trains the text encoders for the whole run ({SD.KEYS['learning_rate_te1'].source})",
        )

    def _finetune_rates(self) -> None:
        self._unet_full()
        if self.script == "sdxl_train.py":
            self._sdxl_te(train_flag="train_text_encoder")
            return
        if self.script != "fine_tune.py":
            self._te_unknown(
                f"{self.script or 'the script of this model family'}: which text encoders it trains is not read here"
            )
            return
        if not self.on("train_text_encoder"):
            path: ConfigPath | None = ("train_text_encoder",) if "train_text_encoder" in self.data else None
            if path is None:
                self._te_unknown(
                    f"train_text_encoder is not in the file: the GUI keeps whatever its field shows ({K.LOAD_OVERLAY})"
                )
                return
            self.values["learning_rate_text_encoder"] = TrainerValue(
                None, "config", "train_text_encoder", path, "train_text_encoder is off"
            )
            self.values["text_encoder_ratio"] = TrainerValue(
                0.0,
                "config",
                "train_text_encoder",
                path,
                "fine_tune.py trains the text encoder only with train_text_encoder",
            )
            return
        te = self._te_rate("learning_rate_te")
        self.values["learning_rate_text_encoder"] = te
        self.values["text_encoder_ratio"] = TrainerValue(
            1.0, "config", "train_text_encoder", ("train_text_encoder",), "train_text_encoder: the whole run"
        )

    def _stop_notes(self) -> None:
        """TE_STOP_IGNORED (LoRA tab, SDXL DreamBooth) where the text encoder trains, and TE_STOP_UNIT (SD 1.x
        DreamBooth) where the stop, read as the step it is, cannot be what the label's percent says."""
        trained = self.values.get("text_encoder_ratio", TrainerValue(None, "config")).value != 0
        for key in ("stop_text_encoder_training", "stop_text_encoder_training_pct"):
            read = self.num(key) if key in self.data else None
            if read is None or not read.value:
                continue
            shown = sd.fmt(read.value)
            if self.tab == "lora" and trained:
                self.notes.append(
                    Note(
                        TE_STOP_IGNORED,
                        (key,),
                        f'{key} {shown} is ignored in the LoRA tab: the GUI logs "stop text encoder '
                        f'training is not yet supported. Ignoring" and resets it to 0 '
                        f"({K.LORA_TE_STOP_IGNORED}); the text encoder trains for the whole run",
                        f"the LoRA tab trains the text encoder for the whole run or not at all: set {key} "
                        "to 0 to train it throughout, or add --network_train_unet_only to "
                        "additional_parameters to leave it out",
                        on_key=True,
                    )
                )
            elif (
                self.tab == "dreambooth"
                and key == "stop_text_encoder_training"
                and self.script == "sdxl_train.py"
                and trained
            ):
                self.notes.append(
                    Note(
                        TE_STOP_IGNORED,
                        (key,),
                        f"{key} {shown}: sdxl_train.py has no such option and ignores it; the text "
                        "encoders train for the whole run when learning_rate_te1 or _te2 is above 0",
                        f"sdxl_train.py trains the text encoders for the whole run or not at all: set {key} "
                        "to 0 to train them throughout, or learning_rate_te1 and learning_rate_te2 to 0 "
                        "to leave them out",
                        on_key=True,
                    )
                )
            elif self.tab == "dreambooth" and key == "stop_text_encoder_training" and self.script == "train_db.py":
                self._stop_unit(key, read.value)

    def _stop_unit(self, key: str, stop: float) -> None:
        """TE_STOP_UNIT: the DreamBooth slider is labelled "% of total steps" (range -1 to 100) but train_db.py
        reads its number as a step. A number the slider offers (1 to 100) is reported when the two readings
        cannot both be what the author meant: read as a step, the text encoder stops within the first tenth of
        the run (below the usual text-encoder ratio of every training type), and read as the percent the label
        says, at least twice as late (a run of 200 steps or more). Quiet when the total steps are not known,
        for a number above 100 (a step count: the slider cannot show it), for a negative one (no text-encoder
        training either way) and when --stop_text_encoder_training in additional_parameters sets the stop."""
        total = self.values["steps"].value
        if (
            "stop_text_encoder_training" in self.flags
            or not 0 < stop <= 100
            or total is None
            or not _bounded(total)
            or total < 200
            or stop * 10 >= total
        ):
            return
        shown, meant = sd.fmt(stop), math.ceil(total * stop / 100)
        low, high = TE_RATIO_USUAL
        if stop / 100 > high:  # past the usual share: the hint's step stops at the most that is not extreme
            step, share = math.floor(total * high), f"{high:.0%} of the run (more is an extreme setting, TL407)"
        elif stop / 100 < low:
            step, share = math.ceil(total * low), f"{low:.0%} of the run (less is an extreme setting, TL407)"
        else:
            step, share = meant, f"{shown}% of the run"
        self.notes.append(
            Note(
                TE_STOP_UNIT,
                (key,),
                f'{key} {shown} is labelled "% of total steps" ({K.STOP_SLIDER}) but the GUI passes it unchanged and '
                f"train_db.py reads it as a step number ({K.DREAMBOOTH_TE_STOP}): the text encoder stops after step "
                f"{shown} of {sd.fmt(total)} ({stop / total:.1%} of the run), not at {shown}% (step {meant})",
                f"to stop it at {share}, add --stop_text_encoder_training {step} to additional_parameters, "
                "which overrides the slider (the slider stops at 100)",
            )
        )


def _reads(raw: str, integer: bool) -> bool:
    """int() / float() read the text (rather than failing into update_my_data's 0)."""
    try:
        int(raw) if integer else float(raw)
    except ValueError:
        return False
    return True


def _reads_as_zero(raw: str, integer: bool) -> bool:
    try:
        return (int(raw) if integer else float(raw)) == 0
    except ValueError:
        return False


def _number_hint(key: str, raw: str) -> str | None:
    if raw.strip() == "":
        return f'write "{key}": 0 to say it is not set' if key in ("max_train_steps", "max_train_epochs") else None
    written = json_number(raw)
    return f'write it as a JSON number: "{key}": {written}' if written else None
