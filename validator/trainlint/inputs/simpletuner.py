"""SimpleTuner's trainer configs (`config.json`, `config.toml`, `config.env`) and data backend lists
as trainlint's effective values.

SimpleTuner turns its config into command-line options and parses them with argparse; this
adapter does the same on paper (knowledge/simpletuner.py has the rules and their sources): keys
with or without `--`, values written as text (so "1e-4" is a number to it) and converted by the
option's type, "true"/"false" handled before the parser ("false" drops the key), tables set
aside, in `config.env` the variables SimpleTuner maps to options plus `TRAINER_EXTRA_ARGS`. An
option that argparse would refuse (an unknown name, "1e3" for an integer) stops SimpleTuner
before training; such values are None here, with the reason.

What is computed:

- steps: `max_train_steps` when above 0, else `ceil(num_train_epochs x ceil(batches / accumulation))`,
  where each image backend of the data backend list gives `ceil(images x (repeats + 1) / batch)`
  batches (a bucket smaller than a batch gives none). Aspect buckets each round up on their own;
  which image falls in which is not known from the files, so all images of a backend are taken as
  one bucket (exact when they share one shape).
- learning rates: `learning_rate` (scaled when `lr_scale` is set); the text encoder's
  `text_encoder_lr` when set and not 0, else `learning_rate`.
- text_encoder_ratio: 1 or 0 from `train_text_encoder` (SimpleTuner has no stop).
"""

import difflib
import json
import math
import re
from typing import Any, NamedTuple

from ..diagnostics import ConfigPath, fmt_number
from ..document import Document, Limits
from .base import (
    ADAPTIVE_OPTIMIZER,
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
    Source,
    TrainerValue,
    Workspace,
    any_of,
    samples_per_step,
)
from .knowledge import simpletuner as st
from .readers.env_reader import EnvDocument, read_env
from .readers.json_reader import Refused, read_json

_DETECT_BYTES = 262_144
_JSON_OPTION = re.compile(rb'"(?:--)?(?:model_family|data_backend_config)"\s*:|"--[a-z][a-z0-9_]*"\s*:')
_JSON_BACKEND = re.compile(rb'"(?:instance_data_dir|dataset_type|metadata_backend|cache_dir_vae|cache_dir)"\s*:')
_TOML_OPTION = re.compile(rb'(?m)^[ \t]*["\']?(?:--)?(?:model_family|data_backend_config)["\']?[ \t]*=')
_ENV_NAMES = re.compile(
    rb"(?m)^[ \t]*(?:export[ \t]+)?(?:TRAINER_EXTRA_ARGS|MODEL_FAMILY|DATALOADER_CONFIG|TRAINING_NUM_PROCESSES"
    rb"|TRAINING_NUM_MACHINES|MAX_NUM_STEPS|TRAINING_DYNAMO_BACKEND|TRAINER_DYNAMO_BACKEND|LYCORIS_CONFIG"
    rb"|ACCELERATE_EXTRA_ARGS|USE_GRADIENT_CHECKPOINTING|CHECKPOINTING_STEPS|VALIDATION_PROMPT|HUB_MODEL_NAME)\+?="
)
_FOREIGN = any_of((b'"LoRA_type"', b'"job"', b'"parameters"'))
# SimpleTuner reads relative paths from its own folder, the one holding `config/`: from a config in
# config/ or config/<env>/ that is one or two folders up (the config's own folder is tried first)
_ROOTS = ("", "../", "../../")


class _Arg(NamedTuple):
    """One option as it reaches the parser: its name, its text (None: a bare flag), where it is written."""

    name: str  # as written, without dashes
    text: str | None
    path: ConfigPath
    key: str  # the trainer's own name for it where it is written (`--learning_rate`, `LEARNING_RATE`)
    unknown: str | None = None  # an expansion the value depends on (config.env), when there is one


class _Reading:
    """One adaptation: the options as the parser would see them, and the notes."""

    def __init__(self, doc: Document, workspace: Workspace) -> None:
        self.doc, self.workspace = doc, workspace
        self.notes: list[Note] = []
        self.noted: set[tuple[str, ConfigPath]] = set()
        self.options: dict[str, _Arg] = {}  # by the option's full name; the last one written wins
        self.caveat = ""  # said with every value when TRAINER_EXTRA_ARGS holds an expansion
        self.images: int | None = None  # training images of the data backend list, once read

    def note(self, kind: str, path: ConfigPath, message: str, hint: str | None = None, on_key: bool = False) -> None:
        """Add a note once per kind and place."""
        if (kind, path) not in self.noted:
            self.noted.add((kind, path))
            self.notes.append(Note(kind, path, message, hint, on_key))

    # --- collecting options

    def add(self, arg: _Arg, on_key: bool = True) -> None:
        """An option for the parser: resolved to the option it names (argparse also takes a unique
        prefix), or reported when the parser would refuse it."""
        name = arg.name
        if name not in st.OPTIONS:
            matches = sorted(option for option in st.OPTIONS if option.startswith(name)) if name else []
            if len(matches) == 1:
                self.note(
                    UNKNOWN_KEY,
                    arg.path,
                    f"{arg.key} is no SimpleTuner option; argparse takes it as an "
                    f"abbreviation of --{matches[0]} and sets that",
                    hint=f"write {matches[0]} in full",
                    on_key=on_key,
                )
                name = matches[0]
            else:
                close = difflib.get_close_matches(name, sorted(st.OPTIONS), n=1, cutoff=0.75)
                problem = (
                    f"abbreviates several options ({', '.join(matches[:4])})" if matches else "is no SimpleTuner option"
                )
                self.note(
                    UNKNOWN_KEY,
                    arg.path,
                    f"{arg.key} {problem}: SimpleTuner's argument parser refuses it and "
                    f"training does not start ({st.PARSER_SOURCE})",
                    hint=f"did you mean {close[0]!r}?" if close else None,
                    on_key=on_key,
                )
                return
        self.options[name] = arg._replace(name=name)

    def dropped(self, name: str, key: str, path: ConfigPath, why: str) -> None:
        """A key SimpleTuner drops before the parser: said when that hides a mistake."""
        if name in st.OPTIONS:
            return
        if name in st.HANDLED_BEFORE_PARSER:
            if name == "repeats":
                self.note(
                    UNKNOWN_KEY,
                    path,
                    f"{key}: SimpleTuner drops a top-level repeats before parsing; repeats "
                    f"is set per backend in the data backend list ({st.CLI_SOURCE})",
                    on_key=True,
                )
            return
        close = difflib.get_close_matches(name, sorted(st.OPTIONS), n=1, cutoff=0.75)
        self.note(
            UNKNOWN_KEY,
            path,
            f"{key} is no SimpleTuner option; {why}, so nothing complains and it has no effect ({st.CLI_SOURCE})",
            hint=f"did you mean {close[0]!r}?" if close else None,
            on_key=True,
        )

    def from_mapping(self, data: dict[str, Any]) -> None:
        """config.json / config.toml: `mapping_to_cli_args`."""
        for key, raw in data.items():
            if not isinstance(key, str):
                continue
            stripped = key.strip()
            name = stripped[2:] if stripped.startswith("--") else stripped.lstrip("-")
            path: ConfigPath = (key,)
            if raw is None or isinstance(raw, Refused):
                continue
            if name in st.HANDLED_BEFORE_PARSER:
                if name == "save_total_limit" and raw != "":
                    self.add(_Arg("checkpoints_total_limit", _text(raw), path, key))
                else:
                    self.dropped(name, key, path, "")
                continue
            if isinstance(raw, bool) or (isinstance(raw, str) and raw.strip().lower() in ("true", "false")):
                truth = raw if isinstance(raw, bool) else raw.strip().lower() == "true"
                if truth:
                    self.add(_Arg(name, None, path, key))
                else:
                    self.dropped(name, key, path, "a false value is dropped before the parser sees it")
                continue
            if isinstance(raw, dict):
                if name in st.JSON_VALUED:
                    self.add(_Arg(name, json.dumps(raw), path, key))
                else:
                    self.dropped(name, key, path, "a table is set aside before the parser")
                continue
            if isinstance(raw, list):
                items = [str(item).strip() for item in raw if str(item).strip()]
                if items:
                    self.add(_Arg(name, items[-1], path, key))  # each item is passed; the last one stays
                continue
            if isinstance(raw, (str, int, float)):
                text = str(raw).strip()
                if text:
                    self.add(_Arg(name, text, path, key))

    def from_env(self, doc: EnvDocument) -> None:
        """config.env: the mapped variables, then TRAINER_EXTRA_ARGS (load_env_config)."""
        data: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
        for variable, option in st.ENV_TO_ARGS.items():
            if variable not in data or option == "dynamo_backend":  # the accelerate options are left out
                continue
            value = str(data[variable])
            for quote in ("'", '"'):
                if len(value) >= 2 and value.startswith(quote) and value.endswith(quote):
                    value = value[1:-1]
            path: ConfigPath = (variable,)
            unknown = doc.unexpanded.get(variable)
            if value.lower() == "false":
                continue
            if value.lower() == "true":
                self.add(_Arg(option, None, path, variable, unknown), on_key=False)
            else:
                self.add(_Arg(option, value, path, variable, unknown), on_key=False)
        for variable in data:
            if variable in st.ENV_TO_ARGS or variable in st.ENV_OTHER or variable.startswith(st.ENV_OTHER_PREFIXES):
                continue
            close = difflib.get_close_matches(variable.upper(), sorted(st.ENV_TO_ARGS), n=1, cutoff=0.75)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else "SimpleTuner reads options from config.env only through the names of its map, or TRAINER_EXTRA_ARGS"
            )
            self.note(
                UNKNOWN_KEY,
                (variable,),
                f"SimpleTuner maps no option to {variable}: it only becomes an "
                f"environment variable of the training process ({st.ENV_SOURCE})",
                hint=hint,
                on_key=True,
            )
        extra = data.get(st.ENV_EXTRA_ARGS)
        if isinstance(extra, str):
            self.from_extra_args(extra, doc.unexpanded.get(st.ENV_EXTRA_ARGS))

    def from_extra_args(self, text: str, unknown: str | None) -> None:
        """TRAINER_EXTRA_ARGS, split on spaces and read as options (`--key=value` or `--key value`)."""
        path: ConfigPath = (st.ENV_EXTRA_ARGS,)
        tokens = text.split()
        index = 0
        while index < len(tokens):
            token = tokens[index]
            index += 1
            if "$" in token or "`" in token:
                self.caveat = (
                    f"{st.ENV_EXTRA_ARGS} holds {token[:40]}, which the file does not determine and "
                    "which may set this option too"
                )
                continue
            if not token.startswith("--"):
                continue
            name, eq, value = token[2:].partition("=")
            if eq:
                self.add(_Arg(name, value, path, f"--{name} in {st.ENV_EXTRA_ARGS}", unknown), on_key=False)
            elif index < len(tokens) and not tokens[index].startswith("-") and name not in st.FLAG_OPTIONS:
                self.add(_Arg(name, tokens[index], path, f"--{name} in {st.ENV_EXTRA_ARGS}", unknown), on_key=False)
                index += 1
            else:
                self.add(_Arg(name, None, path, f"--{name} in {st.ENV_EXTRA_ARGS}", unknown), on_key=False)

    # --- reading an option as argparse converts it

    def raw(self, name: str) -> _Arg | None:
        """An option as it reaches the parser, None when unset."""
        return self.options.get(name)

    def integer(self, name: str) -> tuple[int | None, _Arg | None, str]:
        """(value, where, why it is None): the default when unset."""
        arg = self.options.get(name)
        if arg is None:
            default = st.KEYS[name].default if name in st.KEYS else None
            return default, None, ""
        if arg.unknown:
            return None, arg, f"{arg.key} depends on {arg.unknown}, which the file does not determine"
        if arg.text is None:
            return None, arg, f"--{name} needs a number; argparse refuses the bare flag"
        try:
            return int(arg.text), arg, ""
        except ValueError:
            self.note(
                NUMBER_AS_STRING,
                arg.path,
                f"{arg.key} is {arg.text[:40]!r}: SimpleTuner passes it as text and "
                f"argparse reads --{name} with int(), which refuses it, so training does not start "
                f"({st.PARSER_SOURCE})",
                hint="write a whole number (100, not 100.0 or 1e2)",
            )
            return None, arg, f"argparse refuses {arg.text[:40]!r} for an integer option"

    def real(self, name: str) -> tuple[float | None, _Arg | None, str]:
        """A float option as argparse converts it, the default when unset."""
        arg = self.options.get(name)
        if arg is None:
            default = st.KEYS[name].default if name in st.KEYS else None
            return default, None, ""
        if arg.unknown:
            return None, arg, f"{arg.key} depends on {arg.unknown}, which the file does not determine"
        if arg.text is None:
            return None, arg, f"--{name} needs a number; argparse refuses the bare flag"
        try:
            value = float(arg.text)
        except ValueError:
            self.note(
                NUMBER_AS_STRING,
                arg.path,
                f"{arg.key} is {arg.text[:40]!r}: argparse reads --{name} with "
                f"float(), which refuses it, so training does not start ({st.PARSER_SOURCE})",
                hint="write a number such as 1e-4",
            )
            return None, arg, f"argparse refuses {arg.text[:40]!r} for a number"
        if not math.isfinite(value):
            return None, arg, f"{arg.text[:40]!r} is not a finite number"
        return value, arg, ""

    def flag(self, name: str) -> tuple[bool | None, _Arg | None]:
        """A true/false option as argparse reads it (None when it cannot be read)."""
        arg = self.options.get(name)
        if arg is None:
            return bool(st.KEYS[name].default), None
        if arg.unknown:
            return None, arg
        if arg.text is None:
            return True, arg
        word = arg.text.strip().lower()
        if word in st.BOOL_TRUE:
            return True, arg
        if word in st.BOOL_FALSE:
            return False, arg
        return None, arg

    def say(self, text: str) -> str:
        """A note's text with the TRAINER_EXTRA_ARGS caveat, when there is one."""
        return f"{text}; {self.caveat}" if self.caveat else text


def _finite(value: float) -> float | None:
    """A count as a float, None when it is beyond a float (a hostile config)."""
    try:
        result = float(value)
    except OverflowError:
        return None
    return result if math.isfinite(result) else None


def _text(raw: Any) -> str:
    """A value as mapping_to_cli_args writes it."""
    return str(raw).strip()


# --- data backends ------------------------------------------------------------------------------


class _Backends(NamedTuple):
    """What a data backend list gives: training images and batches per epoch, or why not."""

    images: int | None
    batches: int | None  # per epoch, before accumulation
    how: str
    why_not: str = ""


def _backends(items: list[Any], workspace: Workspace, batch: int, prefixes: tuple[str, ...]) -> _Backends:
    """Images and batches per epoch of a data backend list (discovery.py:767-781); `prefixes` lead
    from the config's folder to SimpleTuner's, which relative folders are read from."""
    images: int | None = 0
    batches = 0
    parts: list[str] = []
    for item in items:
        if not isinstance(item, dict) or item.get("disabled") is True or item.get("disable") is True:
            continue
        kind = item.get("dataset_type", "image")
        kind = kind.strip().lower() if isinstance(kind, str) else "image"
        if kind not in st.TRAINING_DATASET_TYPES:
            continue
        name = item.get("id") if isinstance(item.get("id"), str) else "a backend"
        if kind != "image":
            return _Backends(None, None, "", f"backend {name} holds {kind}, which trainlint does not count")
        backend_type = item.get("type", "local")
        folder = item.get("instance_data_dir")
        if backend_type != "local" or not isinstance(folder, str) or not folder:
            return _Backends(
                None, None, "", f"backend {name} is of type {backend_type!s:.20}: its images are not in the repository"
            )
        count = None
        for prefix in ("",) if folder.startswith(("/", "~")) else prefixes:
            count = workspace.count_images(prefix + folder, recursive=True, suffixes=st.IMAGE_SUFFIXES)
            if count is not None:
                break
        if count is None:
            return _Backends(
                None, None, "", f"the folder {folder} of backend {name} is not countable inside the repository"
            )
        repeats = _repeats(item.get("repeats", 0))
        if repeats is None:
            return _Backends(None, None, "", f"backend {name}'s repeats is not a whole number")
        samples = count * (repeats + 1)
        got = -(-samples // batch) if samples >= batch else 0
        images = None if images is None else images + count
        batches += got
        parts.append(f"{name}: ceil({count} images x (repeats {repeats} + 1) / {batch}) = {got}")
    return _Backends(images, batches, "; ".join(parts))


def _repeats(raw: Any) -> int | None:
    """A backend's repeats as a whole number (None when it is none)."""
    if isinstance(raw, bool):
        return int(raw)
    if isinstance(raw, int):
        return max(raw, 0)
    if isinstance(raw, float) and math.isfinite(raw):
        return max(int(raw), 0)
    if isinstance(raw, str) and not isinstance(raw, Refused):
        try:
            return max(int(raw), 0)
        except ValueError:
            return None
    return None


def _read_backends(reading: _Reading, batch: int) -> _Backends:
    """The data backend list data_backend_config names, read from SimpleTuner's folder."""
    arg = reading.raw("data_backend_config")
    if arg is None or arg.text is None:
        return _Backends(None, None, "", "no data_backend_config names the data backend list")
    if arg.unknown:
        return _Backends(None, None, "", f"{arg.key} depends on {arg.unknown}")
    # paths are relative to SimpleTuner's folder, which holds `config/`: try the config's folder and
    # the one or two above it (config/config.json, config/<env>/config.json)
    for prefix in _ROOTS:
        other = reading.workspace.read(prefix + arg.text, "simpletuner")
        if other is not None and isinstance(other.data, list):
            return _backends(other.data, reading.workspace, batch, (prefix,))
    return _Backends(None, None, "", f"the data backend list {arg.text[:80]} is not readable inside the repository")


# --- the adapter ---------------------------------------------------------------------------------


def _model(reading: _Reading) -> tuple[BaseModel | None, str | None]:
    """trainlint's base model from model_family, with UNSUPPORTED_MODEL for the others."""
    arg = reading.raw("model_family")
    if arg is None or arg.text is None:
        return None, None
    family = arg.text.strip().lower()
    if family in st.FAMILIES:
        return st.FAMILIES[family], "model_family"
    if family in st.OTHER_FAMILIES:
        reading.note(
            UNSUPPORTED_MODEL,
            arg.path,
            f"model_family {family}: trainlint has advice for SD 1.5 (sd1x), "
            "SDXL and Flux.1 (flux) only; the values below are SimpleTuner's, the model-specific rules stay "
            "silent",
        )
    else:
        close = difflib.get_close_matches(family, sorted(set(st.FAMILIES) | st.OTHER_FAMILIES), n=1, cutoff=0.7)
        reading.note(
            UNSUPPORTED_MODEL,
            arg.path,
            f"model_family {family[:40]!r} is no model family trainlint knows ({st.KEYS['model_family'].source})",
            hint=f"did you mean {close[0]!r}?" if close else None,
        )
    return None, "model_family"


def _method(reading: _Reading) -> Method | None:
    """lora or full from model_type (default full)."""
    arg = reading.raw("model_type")
    value = st.KEYS["model_type"].default if arg is None else (arg.text or "").strip()
    return "lora" if value == "lora" else "full" if value == "full" else None


def _source(arg: _Arg | None) -> Source:
    """Where an option's value comes from: the file, or SimpleTuner's default."""
    return "trainer-default" if arg is None else "config"


def _steps(reading: _Reading, values: dict[str, TrainerValue]) -> int | None:
    """max_train_steps when above 0, else epochs x steps per epoch (trainer.py:3829-3866)."""
    steps, steps_arg, steps_why = reading.integer("max_train_steps")
    batch, batch_arg, batch_why = reading.integer("train_batch_size")
    accumulation, accumulation_arg, accumulation_why = reading.integer("gradient_accumulation_steps")
    epochs, epochs_arg, epochs_why = reading.integer("num_train_epochs")
    if steps_why:
        values["steps"] = TrainerValue(
            None, "config", "max_train_steps", steps_arg.path if steps_arg else None, reading.say(steps_why)
        )
        return None
    samples_per_step(
        values,
        batch,
        accumulation,
        "train_batch_size",
        batch_arg.path if batch_arg else None,
        "train_batch_size x gradient_accumulation_steps",
        accumulation_at=("gradient_accumulation_steps", accumulation_arg.path if accumulation_arg else None),
    )
    if steps is not None and steps > 0:
        values["steps"] = TrainerValue(
            _finite(steps),
            _source(steps_arg),
            steps_arg.key if steps_arg else "max_train_steps",
            steps_arg.path if steps_arg else None,
            reading.say(f"max_train_steps {steps} is above 0, so it sets the steps ({st.STEPS_SOURCE})"),
        )
        return steps
    key = epochs_arg.key if epochs_arg else "num_train_epochs"
    where = epochs_arg.path if epochs_arg else None
    why = epochs_why or batch_why or accumulation_why
    if why:
        values["steps"] = TrainerValue(None, "derived", key, where, reading.say(why))
        return None
    assert epochs is not None and batch is not None and accumulation is not None
    if epochs <= 0:
        values["steps"] = TrainerValue(
            None,
            "derived",
            key,
            where,
            f"max_train_steps and num_train_epochs are both 0: SimpleTuner stops with an error ({st.STEPS_SOURCE})",
        )
        return None
    if batch < 1 or accumulation < 1:
        values["steps"] = TrainerValue(
            None, "derived", key, where, "train_batch_size and gradient_accumulation_steps must be at least 1"
        )
        return None
    backends = _read_backends(reading, batch)
    reading.images = backends.images
    if backends.batches is None:
        values["steps"] = TrainerValue(
            None, "derived", key, where, reading.say(f"needs the batches per epoch: {backends.why_not}")
        )
        return None
    per_epoch = -(-backends.batches // accumulation)
    total = epochs * per_epoch
    values["steps"] = TrainerValue(
        _finite(total),
        "derived",
        key,
        where,
        reading.say(
            f"num_train_epochs {epochs} x ceil({backends.batches} batches / gradient_accumulation_steps "
            f"{accumulation}) = {epochs} x {per_epoch} ({backends.how or 'no image backend'}; all images of a "
            f"backend taken as one aspect bucket; {st.BATCHES_SOURCE}; {st.STEPS_SOURCE})"
        ),
    )
    return total


def _learning_rates(reading: _Reading, values: dict[str, TrainerValue], train_te: bool | None) -> None:
    """learning_rate_unet and learning_rate_text_encoder (trainer.py:4008-4101)."""
    rate, rate_arg, rate_why = reading.real("learning_rate")
    key = rate_arg.key if rate_arg else "learning_rate"
    where = rate_arg.path if rate_arg else None
    how = f"learning_rate ({st.LR_SOURCE})"
    if rate is not None and not rate_why:
        scale, scale_arg = reading.flag("lr_scale")
        if scale:
            factor, why = _scale(reading)
            if factor is None:
                rate, rate_why = None, why
            else:
                how += f"; x {factor:.4g} by lr_scale ({why})"
                rate = _finite(rate * factor)
                if rate is None:
                    rate_why = "the scaled learning rate is beyond a number"
        elif scale is None and scale_arg is not None:
            rate, rate_why = None, f"{scale_arg.key} is not a true/false word argparse reads"
        if rate == 0 and rate_arg is not None:
            reading.note(
                ZERO_LEARNING_RATE,
                rate_arg.path,
                f"{rate_arg.key} 0: SimpleTuner hands 0 to the optimizer, "
                "so nothing is trained (an adaptive optimizer multiplies its estimate by 0 too)",
                hint="give the learning rate you mean, such as 1e-4 for a LoRA",
            )
    source: Source = "derived" if "lr_scale" in how else _source(rate_arg)
    values["learning_rate_unet"] = TrainerValue(rate, source, key, where, reading.say(rate_why or how))
    te_rate, te_arg, te_why = reading.real("text_encoder_lr")
    if te_arg is not None and te_rate == 0 and train_te:
        reading.note(
            ZERO_LEARNING_RATE,
            te_arg.path,
            f"{te_arg.key} 0: SimpleTuner tests the rate for truth, so 0 "
            "counts as unset and the text encoder trains at learning_rate "
            f"{fmt_number(rate) if rate is not None else ''} ({st.LR_SOURCE})",
            hint="set train_text_encoder to false to leave the text encoder out",
        )
    if train_te is False:  # its ratio is 0: no rate, and the reason, as the other trainers' adapters give it
        train_arg = reading.raw("train_text_encoder")
        values["learning_rate_text_encoder"] = TrainerValue(
            None,
            _source(train_arg),
            train_arg.key if train_arg else "train_text_encoder",
            train_arg.path if train_arg else None,
            reading.say(
                "the text encoder is not trained (train_text_encoder is false"
                + (")" if train_arg else f", the default: {st.KEYS['train_text_encoder'].source})")
            ),
        )
    elif te_why:
        values["learning_rate_text_encoder"] = TrainerValue(
            None,
            "config",
            te_arg.key if te_arg else "text_encoder_lr",
            te_arg.path if te_arg else None,
            reading.say(te_why),
        )
    elif te_rate:
        values["learning_rate_text_encoder"] = TrainerValue(
            te_rate,
            "config",
            te_arg.key if te_arg else "text_encoder_lr",
            te_arg.path if te_arg else None,
            reading.say(f"text_encoder_lr ({st.LR_SOURCE})"),
        )
    else:
        values["learning_rate_text_encoder"] = TrainerValue(
            rate,
            values["learning_rate_unet"].source,
            key,
            where,
            reading.say(
                f"text_encoder_lr unset or 0: the text encoder trains at learning_rate ({st.LR_SOURCE})"
                + ("" if rate is not None else f"; {rate_why or how}")
            ),
        )


def _scale(reading: _Reading) -> tuple[float | None, str]:
    """lr_scale's factor: batch x accumulation x processes, or its square root (lr_scale_sqrt)."""
    batch, _, _ = reading.integer("train_batch_size")
    accumulation, _, _ = reading.integer("gradient_accumulation_steps")
    processes, processes_arg, _ = reading.integer("num_processes")
    if batch is None or accumulation is None:
        return None, "lr_scale multiplies by train_batch_size and gradient_accumulation_steps, which are not known"
    if processes_arg is None or processes is None:
        return None, (
            "lr_scale multiplies by the number of processes (GPUs), which the file does not give "
            "(num_processes or TRAINING_NUM_PROCESSES)"
        )
    if min(batch, accumulation, processes) < 1:
        return None, (
            "lr_scale multiplies by train_batch_size, gradient_accumulation_steps and the processes, "
            "and one of them is below 1"
        )
    product = _finite(batch * accumulation * processes)
    if product is None:
        return None, "lr_scale's product of batch, accumulation and processes is beyond a number"
    root, _ = reading.flag("lr_scale_sqrt")
    shown = f"{batch} x {accumulation} x {processes} processes"
    if root:
        return math.sqrt(product), f"sqrt({shown}), lr_scale_sqrt"
    return product, shown


def _text_encoder(reading: _Reading, values: dict[str, TrainerValue], family: str | None) -> bool | None:
    """text_encoder_ratio: 1 or 0 from train_text_encoder."""
    train, arg = reading.flag("train_text_encoder")
    key = arg.key if arg else "train_text_encoder"
    where = arg.path if arg else None
    if train is None:
        why = f"{arg.key} depends on {arg.unknown}" if arg and arg.unknown else f"{key} is not a true/false word"
        values["text_encoder_ratio"] = TrainerValue(None, "config", key, where, reading.say(why))
        return None
    how = (
        f"train_text_encoder {'true' if train else 'false'}: SimpleTuner has no text-encoder stop, so 1 or 0 "
        f"({st.KEYS['train_text_encoder'].source})"
    )
    if train and family == "flux":
        how += f"; T5-class encoders are never trained ({st.T5_SOURCE})"
    values["text_encoder_ratio"] = TrainerValue(1.0 if train else 0.0, _source(arg), key, where, reading.say(how))
    return train


def _optimizer(reading: _Reading) -> None:
    """ADAPTIVE_OPTIMIZER for an optimizer that estimates its own step size."""
    arg = reading.raw("optimizer")
    if arg is None or arg.text is None or arg.text.strip().lower() not in st.ADAPTIVE_OPTIMIZERS:
        return
    reading.note(
        ADAPTIVE_OPTIMIZER,
        arg.path,
        f"{arg.text.strip()} estimates its own step size: learning_rate "
        f"multiplies that estimate and is not a step size ({st.ADAPTIVE_SOURCE})",
        hint="1.0 is the usual value with prodigy",
    )


def _adapt_options(reading: _Reading, hints: Hints) -> Adapted:
    """The options as trainlint's effective values."""
    base_model, base_key = _model(reading)
    family_arg = reading.raw("model_family")
    family = family_arg.text.strip().lower() if family_arg and family_arg.text else None
    values: dict[str, TrainerValue] = {}
    steps = _steps(reading, values)
    if reading.images is None:  # the steps did not need the backends (or could not be worked out): count anyway
        batch, _, _ = reading.integer("train_batch_size")
        reading.images = _read_backends(reading, batch if batch is not None and batch >= 1 else 1).images
    images = reading.images
    if steps is not None and images and _finite(steps) is not None:
        values["steps_per_image"] = TrainerValue(
            _finite(steps / images),
            "derived",
            values["steps"].key,
            values["steps"].path,
            f"{steps} steps / {images} images",
        )
    else:
        values["steps_per_image"] = TrainerValue(
            None,
            "derived",
            values["steps"].key,
            values["steps"].path,
            "no images counted" if images == 0 else "needs the steps and the image count",
        )
    train_te = _text_encoder(reading, values, family)
    _learning_rates(reading, values, train_te)
    _optimizer(reading)
    return Adapted(
        "simpletuner",
        base_model,
        base_key,
        _method(reading),
        images,
        values,
        tuple(reading.notes),
        hints.training_type,
        hints.preset,
        hints.source,
        text_encoder_switch=(
            "set train_text_encoder to false, its default",
            "set train_text_encoder to true, with a text_encoder_lr",
        ),
    )


def _is_options(data: dict[str, Any]) -> bool:
    """Whether a mapping is a SimpleTuner trainer config (and not another trainer's)."""
    names = {key.strip().lstrip("-") for key in data if isinstance(key, str)}
    if names & {"LoRA_type", "job", "config", "datasets", "process"}:
        return False
    return bool(names & {"model_family", "data_backend_config"}) or any(
        isinstance(key, str) and key.startswith("--") for key in data
    )


def _is_backend_list(items: list[Any]) -> bool:
    """Whether a list is a SimpleTuner data backend list."""
    return (
        bool(items)
        and all(isinstance(item, dict) for item in items)
        and any(
            "instance_data_dir" in item or "dataset_type" in item or ("id" in item and "type" in item) for item in items
        )
    )


class SimpleTunerFormat:
    """SimpleTuner's `config.json`, `config.toml` and `config.env`, and its data backend lists."""

    name = "simpletuner"
    suffixes = (".json", ".toml", ".env")

    def detect(self, raw: bytes, suffix: str) -> bool:
        """A trainer config names model_family or data_backend_config (both required) or writes
        `--` keys; a backend list is a JSON array of backends; a config.env sets a variable only
        SimpleTuner's scripts read."""
        head = raw[:_DETECT_BYTES]
        suffix = suffix.lower()
        if suffix == ".json":  # this trainer's marks first: most JSON files fail them, and need no other test
            listed = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")
            found = (_JSON_BACKEND if listed else _JSON_OPTION).search(head)
            return found is not None and _FOREIGN.search(head) is None
        if suffix == ".toml":
            return bool(_TOML_OPTION.search(head))
        if suffix == ".env":
            return bool(_ENV_NAMES.search(head))
        return False

    def read(self, raw: bytes, file: str, limits: Limits) -> Document:
        """JSON, TOML or shell variables by the file's extension, as SimpleTuner's loader picks the
        backend by file name (loader.py:17-55)."""
        lowered = file.lower()
        if lowered.endswith(".env"):
            return read_env(raw, file, limits)
        if lowered.endswith(".toml"):
            from .readers.toml_reader import read_toml  # type: ignore[import-not-found, unused-ignore]

            doc: Document = read_toml(raw, file, limits)
            return doc
        return read_json(raw, file, limits)

    def adapt(self, doc: Document, workspace: Workspace, hints: Hints) -> Adapted | None:
        """A trainer config or a data backend list as trainlint's values; NOT_MINE otherwise."""
        reading = _Reading(doc, workspace)
        data = doc.data
        if isinstance(doc, EnvDocument):
            reading.from_env(doc)
            if not reading.options and not any(name in st.ENV_TO_ARGS for name in data or ()):
                return NOT_MINE
            return _adapt_options(reading, hints)
        if isinstance(data, list):
            if not _is_backend_list(data):
                return NOT_MINE
            return _adapt_backends(data, workspace, hints)
        if not isinstance(data, dict) or not _is_options(data):
            return NOT_MINE
        reading.from_mapping(data)
        return _adapt_options(reading, hints)


def _adapt_backends(items: list[Any], workspace: Workspace, hints: Hints) -> Adapted:
    """A data backend list on its own: its training images and, at batch 1, batches per epoch; the steps,
    learning rates and text encoder are the trainer config's (the one whose data_backend_config names this
    file), and the values say so."""
    backends = _backends(items, workspace, 1, _ROOTS)
    elsewhere = (
        "set by the trainer config whose data_backend_config names this data backend list, which is checked with it"
    )
    batches = (
        f"; at batch size 1 an epoch is {backends.batches} batches ({backends.how}), which the trainer "
        "config's train_batch_size, gradient_accumulation_steps and num_train_epochs or max_train_steps turn "
        "into steps"
        if backends.batches is not None
        else f"; the batches of an epoch are not known: {backends.why_not}"
    )
    values = {
        "steps": TrainerValue(None, "config", None, None, elsewhere + batches),
        "steps_per_image": TrainerValue(None, "config", None, None, elsewhere),
        "learning_rate_unet": TrainerValue(None, "config", None, None, elsewhere),
        "learning_rate_text_encoder": TrainerValue(None, "config", None, None, elsewhere),
        "text_encoder_ratio": TrainerValue(None, "config", None, None, elsewhere),
    }
    return Adapted(
        "simpletuner", None, None, None, backends.images, values, (), hints.training_type, hints.preset, hints.source
    )


FORMAT = SimpleTunerFormat()
