"""The `diffusers` input format: a shell script that launches one of diffusers' DreamBooth scripts.

diffusers has no config file: a run is the command line (`accelerate launch
train_dreambooth_lora_sdxl.py --flag=value ...`), usually kept in a `.sh` file with `export` lines
before it. This format reads such a script with the shell reader and computes what the training
script will do with its flags, the way the script does (knowledge/diffusers.py cites the lines).

Choices:
- Files: `.sh` and `.bash`. Files without a suffix are not offered: a folder search would read
  every README, LICENSE and Makefile as a shell script. Naming the format for a file reads it.
- Claimed: a script in which a command runs a `train_dreambooth*.py` (through `accelerate launch`,
  `python`, `python -m accelerate.commands.launch`, `torchrun`, ...). A script that launches
  anything else (sd-scripts' `train_network.py`, a `setup.sh`) is not claimed.
- Several training commands in one script: the first is adapted, positions point into it
  (`("commands", i, ...)`); later ones are not checked. Base.py has no note kind for them yet.
- DreamBooth scripts trainlint has no tables for (SD3, Sana, HiDream, FLUX.2, ...) are claimed
  and reported as an unsupported model, with no values.
- Values the file does not determine are None with the reason: a `$VAR` not set in the script,
  an image folder outside the repository or given as `--dataset_name`, the number of processes
  `accelerate launch` starts when the command does not say (it shards the data and multiplies
  `--scale_lr`), an epoch-granular fraction whose epoch count depends on those.
"""

from __future__ import annotations

import difflib
import math
import re
from typing import Any

from ..diagnostics import ConfigPath, fmt_number
from ..document import Document, Limits
from .base import (
    ADAPTIVE_OPTIMIZER,
    NOT_MINE,
    NUMBER_AS_STRING,
    TE_FRACTION_COARSE,
    UNKNOWN_KEY,
    UNSUPPORTED_MODEL,
    ZERO_LEARNING_RATE,
    Adapted,
    BaseModel,
    Hints,
    Method,
    Note,
    Source,
    TrainerValue,
    Workspace,
    for_one_process,
    samples_per_step,
)
from .knowledge import diffusers as K
from .readers.shell_reader import read_shell

_SCRIPT = re.compile(r"(^|/)(train_dreambooth\w*\.py)$")
_DETECT = re.compile(rb"train_dreambooth\w*\.py")
_ACCELERATE = ("accelerate launch", "python -m accelerate.commands.launch")
_TORCHRUN = ("torchrun", "python -m torch.distributed.run", "python -m torch.distributed.launch")
_COARSE = 0.05  # a fraction of the run the floored fraction may miss before it is worth a note


class _Value:
    """One flag as the script reads it: its number (or text), where it came from, why it is unknown."""

    __slots__ = ("given", "number", "path", "source", "text", "why")

    def __init__(
        self,
        number: float | None,
        text: str | None,
        source: Source,
        path: ConfigPath | None,
        why: str = "",
        given: bool = False,
    ) -> None:
        self.number, self.text, self.source, self.path, self.why, self.given = number, text, source, path, why, given


class _Command:
    """The flags of one training command, resolved the way argparse resolves them."""

    def __init__(self, index: int, command: dict[str, Any], script: K.Script) -> None:
        self.index, self.command, self.script = index, command, script
        self.notes: list[Note] = []
        self.given: dict[str, str] = {}  # flag as the script names it -> flag as written
        unresolved = command.get("unresolved", {})
        self.unresolved: dict[str, list[str]] = unresolved if isinstance(unresolved, dict) else {}
        for written in command.get("args", {}):
            flag = self.resolve(written)
            if flag is not None:
                self.given[flag] = written

    def path(self, written: str) -> ConfigPath:
        return ("commands", self.index, "args", written)

    def resolve(self, written: str) -> str | None:
        """The flag argparse takes `written` for: itself, or the one flag it abbreviates; else a note."""
        accepted = self.script.accepted
        if written in accepted:
            return written
        if written.startswith("--"):
            matches = sorted(flag for flag in accepted if flag.startswith(written))
            if len(matches) == 1:
                return matches[0]
            if matches:
                self.notes.append(
                    Note(
                        UNKNOWN_KEY,
                        self.path(written),
                        f"`{written}` is ambiguous to {self.script.name}'s argument parser ({', '.join(matches[:4])}): "
                        "argparse stops the script before training",
                        hint=f"write the whole flag, such as {matches[0]}",
                        on_key=True,
                    )
                )
                return None
        close = difflib.get_close_matches(written, sorted(accepted), n=1, cutoff=0.75)
        self.notes.append(
            Note(
                UNKNOWN_KEY,
                self.path(written),
                f"`{written}` is not a flag of {self.script.name}: argparse stops the script with "
                '"unrecognized arguments"',
                hint=f"did you mean {close[0]}?" if close else None,
                on_key=True,
            )
        )
        return None

    def on(self, flag: str) -> bool:
        return flag in self.given

    def flag_path(self, flag: str) -> ConfigPath | None:
        return self.path(self.given[flag]) if flag in self.given else None

    def value(self, flag: str, kind: type = float) -> _Value:
        """The number (`kind` int or float) or text the script gets for `flag`."""
        info = self.script.keys.get(flag)
        if flag not in self.given:
            default = info.default if info is not None else None
            number = float(default) if isinstance(default, (int, float)) and not isinstance(default, bool) else None
            text = default if isinstance(default, str) else None
            why = "" if default is not None else f"{flag} is not given and has no default"
            return _Value(number, text, "trainer-default", None, why)
        written = self.given[flag]
        path = self.path(written)
        raw = self.command["args"][written]
        if written in self.unresolved:
            shown = ", ".join(self.unresolved[written])
            return _Value(None, None, "config", path, f"{written} is {shown}, set outside this file", given=True)
        if not isinstance(raw, str):
            what = "no value" if raw is True else "several values"
            return _Value(None, None, "config", path, f"{written} has {what}: argparse stops the script", given=True)
        if kind is str:
            return _Value(None, raw, "config", path, given=True)
        try:
            number = float(int(raw)) if kind is int else float(raw)
        except ValueError:
            number = None
        if number is None or not math.isfinite(number):
            name = kind.__name__
            hint = None
            try:
                as_float = float(raw)
                if kind is int and as_float.is_integer():
                    hint = f"write {int(as_float)}"
            except ValueError:
                pass
            what = "refused" if number is None else "not a finite number"
            self.notes.append(
                Note(
                    NUMBER_AS_STRING,
                    path,
                    f"argparse reads {written} with {name}(): `{raw}` is {what}"
                    + (f", so {self.script.name} stops before training" if number is None else ""),
                    hint=hint,
                )
            )
            return _Value(None, raw, "config", path, f"{written} `{raw}` is not a usable {name}", given=True)
        return _Value(number, raw, "config", path, given=True)


def _processes(command: dict[str, Any]) -> tuple[int | None, str]:
    """How many processes the launcher starts: each takes its share of the batches."""
    launcher, options = command.get("launcher", ""), command.get("launcher_args", {})

    def count(*names: str) -> str | None:
        for name in names:
            value = options.get(name)
            # ASCII digits only: `str.isdigit` takes `²`, which `int` refuses, and thousands of digits, which it refuses too
            if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 6 and int(value) > 0:
                return value
        return None

    if launcher in ("python", ""):
        return 1, "one process"
    if launcher in _ACCELERATE:
        given = count("--num_processes", "--num-processes")
        if given is not None:
            return int(given), f"--num_processes {given}"
        if options.get("--cpu") is True:
            return 1, "one process (--cpu)"
        return None, (
            "accelerate launch without --num_processes: accelerate's own config, not this file, sets the "
            "number of processes"
        )
    if launcher in _TORCHRUN:
        per_node, nodes = count("--nproc_per_node", "--nproc-per-node"), count("--nnodes") or "1"
        if per_node is not None and "--nnodes" in options and count("--nnodes") is None:
            return None, "--nnodes is not a plain number"
        if per_node is not None:
            return int(per_node) * int(nodes), f"--nproc_per_node {per_node} x --nnodes {nodes}"
        return None, f"{launcher} without --nproc_per_node"
    if launcher == "deepspeed":
        given = count("--num_gpus")
        if given is not None:
            return int(given), f"--num_gpus {given}"
        return None, "deepspeed without --num_gpus uses every GPU of the machine"
    return None, f"{launcher} starts an unknown number of processes"


def _family(model: str) -> str | None:
    """The family a model name says it is when it is not the script's own (None: the script's)."""
    lowered = model.lower()
    for pattern, family in K.MODEL_FAMILIES:
        if re.search(pattern, lowered):
            return family
    return None


class DiffusersFormat:
    """`InputFormat` for shell scripts that launch diffusers' DreamBooth scripts."""

    name = "diffusers"
    suffixes = (".sh", ".bash")

    def detect(self, raw: bytes, suffix: str) -> bool:
        """A DreamBooth script's name appears in the file (the reader then finds the command)."""
        return suffix.lower() in self.suffixes and _DETECT.search(raw) is not None

    def read(self, raw: bytes, file: str, limits: Limits) -> Document:
        return read_shell(raw, file, limits)

    def adapt(self, doc: Document, workspace: Workspace, hints: Hints) -> Adapted | None:
        data = doc.data if isinstance(doc.data, dict) else {}
        commands = data.get("commands")
        if not isinstance(commands, list):
            return NOT_MINE
        found = next(
            (
                (index, command, match)
                for index, command in enumerate(commands)
                if isinstance(command, dict) and (match := _SCRIPT.search(command.get("script", "")))
            ),
            None,
        )
        if found is None:
            return NOT_MINE
        index, command, match = found
        name = match.group(2)
        method: Method = "lora" if "_lora" in name else "full"
        script = K.SCRIPTS.get(name)
        if script is None:
            label = next((family for key, family in K.OTHER_FAMILIES if key in name), None)
            message = (
                f"{name} trains {label}: trainlint has no advice for that model family"
                if label
                else f"{name} is not a DreamBooth script trainlint knows: its model family and defaults are unknown"
            )
            note = Note(UNSUPPORTED_MODEL, ("commands", index, "script"), message)
            return Adapted(
                "diffusers",
                None,
                f"script {name}",
                method,
                None,
                {},
                (note,),
                hints.training_type,
                hints.preset,
                hints.source,
            )
        return _adapt(_Command(index, command, script), workspace, hints, method)


def _adapt(cmd: _Command, workspace: Workspace, hints: Hints, method: Method) -> Adapted:
    script, notes = cmd.script, cmd.notes
    base_model, base_key = _base_model(cmd)
    images, images_why = _images(cmd, workspace)
    processes, processes_why = _processes(cmd.command)
    values: dict[str, TrainerValue] = {}

    batch, accumulation = cmd.value("--train_batch_size", int), cmd.value("--gradient_accumulation_steps", int)
    epochs, max_steps = cmd.value("--num_train_epochs", int), cmd.value("--max_train_steps", int)
    repeats = cmd.value("--repeats", int) if "--repeats" in script.keys else _Value(1.0, None, "trainer-default", None)
    for value, flag in ((batch, "--train_batch_size"), (accumulation, "--gradient_accumulation_steps")):
        if value.number is not None and value.number < 1:
            value.why, value.number = f"{flag} {fmt_number(value.number)} is below 1", None

    # updates per epoch: ceil(ceil(len(dataset) / batch) / processes / accumulation)  (K.STEPS_FORMULA); where
    # the command does not say how many processes, for one process, and the note says so (as sd-scripts, kohya_ss)
    per_epoch: int | None = None
    per_epoch_why = ""
    one_process = for_one_process(processes_why) if processes is None else ""
    length, length_text = _dataset_length(cmd, images, images_why, repeats)
    unknown = [
        why
        for number, why in ((length, length_text), (batch.number, batch.why), (accumulation.number, accumulation.why))
        if number is None
    ]
    if unknown:
        per_epoch_why = unknown[0]
    else:
        assert length is not None and batch.number and accumulation.number
        batches = math.ceil(length / batch.number)
        per_epoch = math.ceil(math.ceil(batches / (processes or 1)) / accumulation.number)
        batches_text = f"ceil({length_text} / batch {fmt_number(batch.number)})"
        if processes is not None and processes > 1:
            batches_text = f"ceil({batches_text} / {processes} processes)"
        per_epoch_why = (
            f"ceil({batches_text} / accumulation {fmt_number(accumulation.number)}) = "
            f"{per_epoch} updates per epoch" + (f", {one_process}" if one_process else "")
        )

    # where the images a step shows come from: the flag that makes them more than one, else the script's default
    how = "--train_batch_size x --gradient_accumulation_steps, for one process"
    if "--train_batch_size" not in cmd.given:
        how += f"; --train_batch_size is not given: {fmt_number(batch.number or 0)}, the script's default ({script.source})"
    decides = next(
        (
            flag
            for flag, value in (("--train_batch_size", batch), ("--gradient_accumulation_steps", accumulation))
            if flag in cmd.given and (value.number or 1) > 1
        ),
        None,
    )
    samples_per_step(
        values,
        batch.number,
        accumulation.number,
        cmd.given[decides] if decides else "--train_batch_size",
        cmd.flag_path(decides) if decides else None,
        how,
        batch_at=(cmd.given.get("--train_batch_size", "--train_batch_size"), cmd.flag_path("--train_batch_size")),
        accumulation_at=(
            cmd.given.get("--gradient_accumulation_steps", "--gradient_accumulation_steps"),
            cmd.flag_path("--gradient_accumulation_steps"),
        ),
    )
    total: float | None
    run_epochs: float | None
    if max_steps.given:
        total, run_epochs = max_steps.number, None
        steps = TrainerValue(
            total,
            "config",
            cmd.given["--max_train_steps"],
            max_steps.path,
            max_steps.why or f"--max_train_steps wins over --num_train_epochs ({K.STEPS_FORMULA})",
        )
        if total is not None and per_epoch:
            run_epochs = math.ceil(total / per_epoch)
    else:
        run_epochs = epochs.number
        if epochs.number is not None and per_epoch is not None:
            total = epochs.number * per_epoch
            note = f"--num_train_epochs {fmt_number(epochs.number)} x {per_epoch_why} ({K.STEPS_FORMULA})"
        else:
            total = None
            note = epochs.why or f"--num_train_epochs x updates per epoch, unknown: {per_epoch_why}"
        steps = TrainerValue(
            total, "derived", cmd.given.get("--num_train_epochs", "--num_train_epochs"), epochs.path, note
        )
    values["steps"] = steps
    if total is not None and images:
        values["steps_per_image"] = TrainerValue(
            total / images, "derived", steps.key, steps.path, f"{fmt_number(total)} steps / {images} images"
        )
    else:
        values["steps_per_image"] = TrainerValue(
            None, "derived", steps.key, steps.path, steps.note if total is None else f"images unknown: {images_why}"
        )

    values["learning_rate_unet"], unet_lr = _unet_lr(cmd, batch, accumulation, processes, processes_why)
    values["learning_rate_text_encoder"] = _text_encoder_lr(cmd, unet_lr)
    values["text_encoder_ratio"] = _text_encoder_ratio(cmd, run_epochs, per_epoch, total, max_steps.given, one_process)
    _optimizer_note(cmd, unet_lr)
    return Adapted(
        "diffusers",
        base_model,
        base_key,
        method,
        images,
        values,
        tuple(notes),
        hints.training_type,
        hints.preset,
        hints.source,
        text_encoder_stop=script.fraction,
        text_encoder_switch=None
        if script.fraction
        else (
            "drop --train_text_encoder",
            "add --train_text_encoder" + (", with a --text_encoder_lr" if "--text_encoder_lr" in script.keys else ""),
        ),
    )


def _base_model(cmd: _Command) -> tuple[BaseModel | None, str]:
    """The family from the script name AND the model name (trainer-formats.md section 10.5)."""
    script = cmd.script
    model = cmd.value("--pretrained_model_name_or_path", str)
    if model.text is None:
        why = model.why or "not given"
        return script.family, f"script {script.name} (--pretrained_model_name_or_path: {why})"
    family = _family(model.text)
    key = f"script {script.name}, --pretrained_model_name_or_path {model.text}"
    if family is None:
        return script.family, key
    assert model.path is not None
    cmd.notes.append(
        Note(
            UNSUPPORTED_MODEL,
            model.path,
            f"{model.text} is a {family} model ({script.name} trains it too): trainlint has no advice for {family}",
        )
    )
    return None, key


def _images(cmd: _Command, workspace: Workspace) -> tuple[int | None, str]:
    dataset = cmd.value("--dataset_name", str) if "--dataset_name" in cmd.script.keys else None
    if dataset is not None and dataset.given:
        return None, "--dataset_name is loaded with the datasets library; trainlint does not count it"
    folder = cmd.value("--instance_data_dir", str)
    if folder.text is None:
        return None, folder.why or "--instance_data_dir is not given"
    count = workspace.count_images(folder.text)
    if count is None:
        return None, f"--instance_data_dir {folder.text} is no folder trainlint can list inside the repository"
    return count, f"{count} images in {folder.text}"


def _dataset_length(cmd: _Command, images: int | None, images_why: str, repeats: _Value) -> tuple[float | None, str]:
    """len(dataset): images x repeats, or max(that, class images) with prior preservation (K.DATASET_LENGTH)."""
    if images is None:
        return None, f"images unknown: {images_why}"
    if repeats.number is None:
        return None, repeats.why
    length = images * repeats.number
    text = f"{images} images" + (f" x {fmt_number(repeats.number)} repeats" if repeats.number != 1 else "")
    if cmd.on("--with_prior_preservation"):
        class_images = cmd.value("--num_class_images", int)
        if class_images.number is None:
            return None, class_images.why
        if class_images.number > length:
            return class_images.number, f"{fmt_number(class_images.number)} class images (prior preservation)"
    return length, text


def _unet_lr(
    cmd: _Command, batch: _Value, accumulation: _Value, processes: int | None, processes_why: str
) -> tuple[TrainerValue, float | None]:
    lr = cmd.value("--learning_rate")
    key = cmd.given.get("--learning_rate", "--learning_rate")
    if lr.number == 0 and lr.path is not None:
        follows = "" if cmd.script.text_encoder_lr else " nor the text encoder, which trains at --learning_rate"
        cmd.notes.append(
            Note(
                ZERO_LEARNING_RATE,
                lr.path,
                f"--learning_rate 0: the {'transformer' if cmd.script.family == 'flux.1' else 'UNet'} does not learn{follows}",
                hint="set a learning rate, or leave the flag out for the script's default "
                f"({fmt_number(cmd.script.keys['--learning_rate'].default)})",
            )
        )
    if not cmd.on("--scale_lr") or lr.number is None:
        note = lr.why or ("" if lr.given else f"the script's default ({cmd.script.keys['--learning_rate'].source})")
        return TrainerValue(lr.number, lr.source, key, lr.path, note), lr.number
    missing = [
        why
        for number, why in (
            (batch.number, batch.why),
            (accumulation.number, accumulation.why),
            (processes, processes_why),
        )
        if number is None
    ]
    if missing:
        return TrainerValue(
            None,
            "derived",
            key,
            lr.path,
            f"--scale_lr multiplies {fmt_number(lr.number)} by accumulation x batch x processes: "
            f"{missing[0]} ({K.SCALE_LR})",
        ), None
    assert batch.number and accumulation.number and processes
    scaled = lr.number * accumulation.number * batch.number * processes
    return TrainerValue(
        scaled,
        "derived",
        key,
        lr.path,
        f"--scale_lr: {fmt_number(lr.number)} x accumulation {fmt_number(accumulation.number)} x batch "
        f"{fmt_number(batch.number)} x {processes} process{'es' if processes > 1 else ''} ({K.SCALE_LR})",
    ), scaled


def _text_encoder_lr(cmd: _Command, unet_lr: float | None) -> TrainerValue:
    """The text encoder's rate where it trains; None with the reason where it does not (no --train_text_encoder:
    its ratio is 0), as the other trainers' adapters give it."""
    script = cmd.script
    if not cmd.on("--train_text_encoder"):
        note = "the text encoder is not trained (no --train_text_encoder)"
        if cmd.on("--train_text_encoder_ti"):
            note += "; pivotal tuning (--train_text_encoder_ti) trains new token embeddings only"
        return TrainerValue(None, "trainer-default", "--train_text_encoder", None, note)
    lr_key = cmd.given.get("--learning_rate", "--learning_rate")
    lr_path = cmd.flag_path("--learning_rate")
    if not script.text_encoder_lr:
        where = K.SD_TE_SHARES_LR if script.method == "lora" else script.source
        return TrainerValue(
            unet_lr, "derived", lr_key, lr_path, f"{script.name} trains the text encoder at --learning_rate ({where})"
        )
    te = cmd.value("--text_encoder_lr")
    optimizer = cmd.value("--optimizer", str) if "--optimizer" in script.keys else None
    if optimizer is not None and (optimizer.text or "").lower() in K.ADAPTIVE_OPTIMIZERS:
        return TrainerValue(
            unet_lr,
            "derived",
            lr_key,
            lr_path,
            f"with Prodigy the text encoder gets --learning_rate ({K.PRODIGY_TE_LR})",
        )
    te_key = cmd.given.get("--text_encoder_lr", "--text_encoder_lr")
    if te.number is None:
        return TrainerValue(None, te.source, te_key, te.path, te.why)
    if te.number == 0:
        if te.path is not None:
            shown = fmt_number(unet_lr) if unet_lr is not None else "--learning_rate"
            cmd.notes.append(
                Note(
                    ZERO_LEARNING_RATE,
                    te.path,
                    f"--text_encoder_lr 0 does not freeze the text encoder: {script.name} uses --learning_rate "
                    f"({shown}) when --text_encoder_lr is 0",
                    hint="leave out --train_text_encoder to keep the text encoder frozen",
                )
            )
        return TrainerValue(
            unet_lr,
            "derived",
            te_key,
            te.path,
            f"--text_encoder_lr 0 falls back to --learning_rate ({K.TE_LR_FALLBACK})",
        )
    note = "" if te.given else f"the script's default ({script.keys['--text_encoder_lr'].source})"
    return TrainerValue(te.number, te.source, te_key, te.path, note.lstrip("; "))


def _fraction(
    frac: float,
    run_epochs: float | None,
    per_epoch: int | None,
    total: float | None,
    steps_given: bool,
    one_process: str = "",
) -> tuple[float | None, str]:
    """The share of optimizer steps a `--*_frac` of epochs gives: int(frac x epochs) whole epochs
    (K.TE_FRACTION), capped by the run's steps; None when the epoch count is unknown."""
    if frac >= 1:
        return 1.0, f"{fmt_number(frac)} x every epoch"
    if frac <= 0:
        return 0.0, "no epoch"
    if run_epochs is None:
        return None, "int(fraction x epochs) whole epochs, and the epoch count is unknown (images or processes)"
    trained_epochs = int(frac * run_epochs)
    if not steps_given or per_epoch is None or not total:
        return trained_epochs / run_epochs, (
            f"int({fmt_number(frac)} x {fmt_number(run_epochs)} epochs) = "
            f"{trained_epochs} epochs of {fmt_number(run_epochs)}"
        )
    trained = min(trained_epochs * per_epoch, total)
    return trained / total, (
        f"int({fmt_number(frac)} x {fmt_number(run_epochs)} epochs) = {trained_epochs} epochs of "
        f"{per_epoch} updates = {fmt_number(trained)} of {fmt_number(total)} steps"
        + (f", the epochs counted {one_process}" if one_process else "")
    )


def _text_encoder_ratio(
    cmd: _Command,
    run_epochs: float | None,
    per_epoch: int | None,
    total: float | None,
    steps_given: bool,
    one_process: str = "",
) -> TrainerValue:
    script = cmd.script
    on_path = cmd.flag_path("--train_text_encoder")
    key = cmd.given.get("--train_text_encoder", "--train_text_encoder")
    if not cmd.on("--train_text_encoder"):
        note = "--train_text_encoder not given"
        if script.fraction and cmd.on("--train_text_encoder_ti"):
            ti = cmd.value("--train_text_encoder_ti_frac")
            if ti.number is not None:
                share, how = _fraction(ti.number, run_epochs, per_epoch, total, steps_given, one_process)
                _coarse(cmd, "--train_text_encoder_ti_frac", "--train_text_encoder_ti", ti, share, how)
                note += (
                    f"; pivotal tuning (--train_text_encoder_ti) trains only new token embeddings, for "
                    f"{'an unknown share' if share is None else format(share, '.0%')} of the run: {how}"
                )
        return TrainerValue(0.0, "trainer-default", key, None, note)
    if not script.fraction:
        return TrainerValue(1.0, "config", key, on_path, "--train_text_encoder: the text encoder trains the whole run")
    frac = cmd.value("--train_text_encoder_frac")
    if frac.number is None:
        return TrainerValue(None, frac.source, "--train_text_encoder_frac", frac.path, frac.why)
    share, how = _fraction(frac.number, run_epochs, per_epoch, total, steps_given, one_process)
    _coarse(cmd, "--train_text_encoder_frac", "--train_text_encoder", frac, share, how)
    source: Source = "derived" if frac.given or share is None else "trainer-default"
    return TrainerValue(
        share,
        source,
        cmd.given.get("--train_text_encoder_frac", "--train_text_encoder_frac"),
        frac.path or on_path,
        f"{how} ({K.TE_FRACTION})",
    )


def _coarse(cmd: _Command, flag: str, switch: str, frac: _Value, share: float | None, how: str) -> None:
    """TE_FRACTION_COARSE when whole epochs make the fraction something else than it says."""
    if share is None or frac.number is None or not 0 < frac.number < 1:
        return
    if share > 0 and abs(share - frac.number) < _COARSE:
        return
    path = frac.path or cmd.flag_path(switch)
    if path is None:
        return
    cmd.notes.append(
        Note(
            TE_FRACTION_COARSE,
            path,
            f"{flag} {fmt_number(frac.number)} counts whole epochs: {how}, so the text encoder trains for "
            f"{share:.0%} of the run, not {frac.number:.0%}",
            hint="more epochs (fewer images or repeats per epoch, or more --num_train_epochs) make the fraction finer",
            on_key=frac.path is None,
        )
    )


def _optimizer_note(cmd: _Command, unet_lr: float | None) -> None:
    if "--optimizer" not in cmd.script.keys:
        return
    optimizer = cmd.value("--optimizer", str)
    if optimizer.path is None or (optimizer.text or "").lower() not in K.ADAPTIVE_OPTIMIZERS:
        return
    shown = fmt_number(unet_lr) if unet_lr is not None else "--learning_rate"
    cmd.notes.append(
        Note(
            ADAPTIVE_OPTIMIZER,
            optimizer.path,
            f"--optimizer {optimizer.text}: Prodigy estimates its own step size and --learning_rate ({shown}) "
            f"multiplies it; it is not a step size (1.0 is the usual value; {K.ADAPTIVE_SOURCE})",
        )
    )


FORMAT = DiffusersFormat()
