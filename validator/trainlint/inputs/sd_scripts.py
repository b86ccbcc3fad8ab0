"""kohya-ss/sd-scripts: the `--config_file` TOML, the `--dataset_config` TOML or JSON, and shell scripts
that launch a training script.

A `--config_file` TOML is read the way sd-scripts reads it (library/train_util.py:4700-4763):
every table is flattened into one namespace (table names are decoration, a key repeated in a
later table wins), the values keep their TOML types (no argparse conversion: a string stays a
string), and keys no script defines are accepted without a word. Nothing in the file names the
script that will run, so the model family and LoRA-or-full come from the hints the file gives
(network_module, the FLUX.1 paths, the SDXL learning rates, the model file's name) and stay None
without them.

A dataset config (`[general]`, `[[datasets]]`, `[[datasets.subsets]]`) determines the images, the
repeats and the batches of an epoch; read on its own it says nothing about steps or learning
rates (those values are None with the reason). A training config's `dataset_config` is followed
through the workspace when it lies inside the repository.

A shell script (`accelerate launch sdxl_train_network.py --flag value ...`, read by
readers/shell_reader.py) names the script, so the model family and LoRA-or-full are known; its
flags are converted by argparse with each option's type (text that does not convert stops the
script), they override the TOML of `--config_file`, and a flag no script defines stops it
("unrecognized arguments").

The facts and their sources are in knowledge/sd_scripts.py.
"""

import difflib
import functools
import math
import posixpath
import re
import shlex
from collections.abc import Iterable
from typing import Any, NamedTuple

from ..diagnostics import ConfigPath
from ..document import Document, Limits
from .base import (
    ADAPTIVE_OPTIMIZER,
    EPOCHS_OVERRIDE_STEPS,
    NOT_MINE,
    NUMBER_AS_STRING,
    TE_STOP_IGNORED,
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
    for_one_process,
    samples_per_step,
)
from .knowledge import sd_scripts as K

NAME = "sd-scripts"

# ---------------------------------------------------------------------------------------------
# shared helpers (kohya_ss.py uses them too: the GUI runs these scripts)


def did_you_mean(key: str, candidates: frozenset[str]) -> str | None:
    """The hint for an unknown key: the closest accepted name, if one is close."""
    close = difflib.get_close_matches(key, _sorted(candidates), n=1, cutoff=0.75)
    return f"did you mean '{close[0]}'?" if close else None


@functools.lru_cache(maxsize=8)
def _sorted(candidates: frozenset[str]) -> list[str]:
    return sorted(candidates)


def is_refused(value: Any) -> bool:
    """A value the reader refused (NaN, an oversized number): it reported it; adapters stay quiet."""
    return isinstance(value, str) and type(value).__name__ == "Refused"


def finite(value: float) -> bool:
    return not (math.isnan(value) or math.isinf(value))


def adaptive(optimizer: Any, optimizer_args: Any = None) -> bool:
    """Prodigy and the D-Adaptation family: the learning rate multiplies a step size they find; and
    Adafactor with its relative step, sd-scripts' default unless `relative_step=False` is among the
    optimizer's arguments: the learning rate is only the initial rate of Adafactor's own schedule and
    `unet_lr` / `text_encoder_lr` are dropped (library/train_util.py, get_optimizer, "learning rate is
    used as initial_lr", "unet_lr and text_encoder_lr are ignored")."""
    if not isinstance(optimizer, str):
        return False
    name = optimizer.lower().rsplit(".", 1)[-1]
    if name == "adafactor":
        return not _RELATIVE_STEP_OFF.search(
            " ".join(optimizer_args) if isinstance(optimizer_args, list) else str(optimizer_args or "")
        )
    prodigy, dadapt = K.ADAPTIVE_OPTIMIZERS
    return prodigy in name or name.startswith(dadapt)


_RELATIVE_STEP_OFF = re.compile(r"relative_step\s*=\s*False", re.IGNORECASE)


def adaptive_note(optimizer: str, path: ConfigPath) -> Note:
    """ADAPTIVE_OPTIMIZER (trainer-formats.md section 10.8)."""
    if optimizer.lower().rsplit(".", 1)[-1] == "adafactor":
        return Note(
            ADAPTIVE_OPTIMIZER,
            path,
            "Adafactor with its relative step (sd-scripts' default): the learning rate is only the initial "
            "rate of Adafactor's own schedule and unet_lr / text_encoder_lr are ignored "
            "(library/train_util.py, get_optimizer), so learning-rate ranges written for AdamW do not apply",
            "add relative_step=False scale_parameter=False warmup_init=False to the optimizer's arguments "
            "to train at the learning rates written",
        )
    return Note(
        ADAPTIVE_OPTIMIZER,
        path,
        f"{optimizer} adapts its own step size: the learning rates are multipliers of it (1.0 is usual), "
        f"not step sizes, so learning-rate ranges written for AdamW do not apply ({K.ADAPTIVE_SOURCE})",
        "compare the run with other Prodigy or D-Adaptation runs, not with AdamW learning rates",
    )


def fmt(value: float) -> str:
    """A number as a config would write it: 1600, 0.0001, 1e-06."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


class Subset(NamedTuple):
    """One folder of images as sd-scripts trains it: its images, repeats and whether it is regularisation."""

    folder: str
    images: int
    repeats: int
    is_reg: bool


class Epoch(NamedTuple):
    """What one epoch holds: batches (None when not countable), distinct training images, how it was counted."""

    batches: int | None
    images: int | None
    note: str
    exact: bool = True  # False when aspect-ratio buckets may add batches (enable_bucket with batch > 1)


def reg_samples(train: int, reg: list[Subset]) -> int:
    """Regularisation samples sd-scripts adds to one dataset: registered subset by subset (each image
    with its repeats) until they reach the training samples, then one more repeat at a time until
    they equal them (library/train_util.py:2163-2186)."""
    if train <= 0 or not any(s.images > 0 for s in reg):
        return 0
    n = 0
    for subset in reg:
        if subset.images <= 0:
            continue
        if subset.repeats > 0 and n + subset.images * subset.repeats >= train:
            return n + math.ceil((train - n) / subset.repeats) * subset.repeats
        n += subset.images * subset.repeats
    return max(n, train)


def dataset_batches(subsets: list[Subset], batch_size: int) -> int:
    """Batches of one dataset in one epoch, all images in one aspect bucket:
    ceil((training samples + regularisation samples) / batch) (library/train_util.py:1075-1083)."""
    train = sum(s.images * s.repeats for s in subsets if not s.is_reg)
    total = train + reg_samples(train, [s for s in subsets if s.is_reg])
    return math.ceil(total / batch_size) if total > 0 else 0


def distinct_images(subsets: Iterable[Subset]) -> int:
    """Training images without repeats or regularisation; a folder listed twice counts once."""
    seen: dict[str, int] = {}
    for s in subsets:
        if not s.is_reg:
            seen[posixpath.normpath(s.folder.replace("\\", "/"))] = s.images
    return sum(seen.values())


# beyond this no step, batch or repeat count is meant; arithmetic on it is refused rather than overflowed
MAX_COUNT = 10**15


def leading_int(name: str) -> int | None:
    """`int(name.split("_")[0])` as sd-scripts and the GUI take the repeats of an `N_name` folder."""
    try:
        value = int(name.split("_")[0])
    except ValueError:
        return None
    return value if abs(value) <= MAX_COUNT else None


def join(folder: str, name: str) -> str:
    return posixpath.join(folder.replace("\\", "/"), name) if folder else name


def subdir_subsets(workspace: Workspace, folder: str, is_reg: bool, suffixes: frozenset[str]) -> list[Subset] | None:
    """The `N_name` subfolders of `folder` sd-scripts trains (N >= 1; library/config_util.py:607-644)."""
    names = workspace.subfolders(folder)
    if names is None:
        return None
    out = []
    for name in names:
        repeats = leading_int(name)
        if repeats is None or repeats < 1:
            continue
        count = workspace.count_images(join(folder, name), False, suffixes)
        if count is None:
            return None
        out.append(Subset(join(folder, name), count, repeats, is_reg))
    return out


def subdir_epoch(workspace: Workspace, train_dir: str, reg_dir: str | None, batch_size: int) -> Epoch:
    """An epoch of sd-scripts' DreamBooth folder layout: train_data_dir (and reg_data_dir) of `N_name` folders."""
    train = subdir_subsets(workspace, train_dir, False, K.IMAGE_SUFFIXES)
    if train is None:
        return Epoch(None, None, f"train_data_dir '{train_dir}' could not be listed inside the repository")
    reg: list[Subset] = []
    if reg_dir:
        found = subdir_subsets(workspace, reg_dir, True, K.IMAGE_SUFFIXES)
        if found is None:
            return Epoch(
                None, distinct_images(train), f"reg_data_dir '{reg_dir}' could not be listed inside the repository"
            )
        reg = found
    subsets = train + reg
    samples = sum(s.images * s.repeats for s in train)
    batches = dataset_batches(subsets, batch_size)
    how = (
        f"{samples} samples (images x N of the N_name folders, {K.SUBDIR_REPEATS})"
        + (", doubled by regularisation samples" if reg_samples(samples, reg) else "")
        + f" in batches of {batch_size}: {batches} batches ({K.BATCHES_PER_EPOCH})"
    )
    return Epoch(batches, distinct_images(subsets), how)


# ---------------------------------------------------------------------------------------------
# reading values the way sd-scripts receives them from a TOML


class Flat(NamedTuple):
    """One option as the script receives it, and where it stands in the document."""

    value: Any
    path: ConfigPath
    cli: str = ""  # the flag as written on a command line: argparse converts its text with the option's type
    unresolved: str = ""  # a shell expansion the file does not determine (the value is not known)
    origin: str = ""  # set from another file (--config_file): its notes belong to that file


def flatten(data: dict[str, Any]) -> dict[str, Flat]:
    """sd-scripts' namespace: top-level keys as they are, each table's keys lifted out of it, a later
    one replacing an earlier one of the same name (library/train_util.py:4700-4763)."""
    flat: dict[str, Flat] = {}
    for section, value in data.items():
        if isinstance(value, dict):
            for key, inner in value.items():
                flat[str(key)] = Flat(inner, (section, key))
        else:
            flat[str(section)] = Flat(value, (section,))
    return flat


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, float):
        return f"the float {value!r}"
    return f"{value!r}"


class Reading(NamedTuple):
    """A number read from the TOML: its value (None when unusable) and why not."""

    value: float | None
    problem: str = ""


def _string_note(key: str, path: ConfigPath, raw: str, notes: list[Note], wants: str) -> None:
    notes.append(
        Note(
            NUMBER_AS_STRING,
            path,
            f"{key} is the text {raw!r}: sd-scripts passes TOML values on without argparse's conversion "
            f"({K.CONFIG_FILE_LOADER}), so the training code gets text where it does arithmetic with {wants} and "
            "stops with a TypeError",
            f"write it as a TOML number: {key} = {raw.strip()}" if _numeric(raw) else f"write {key} as a TOML number",
        )
    )


def _numeric(text: str) -> bool:
    try:
        return finite(float(text))
    except ValueError:
        return False


def _from_cli(key: str, entry: Flat, notes: list[Note], integer: bool) -> Reading:
    """A command-line value, converted by argparse with the option's type (int or float)."""
    if entry.unresolved:
        return Reading(None, f"{entry.cli} is {entry.unresolved}, set outside this file")
    raw = entry.value
    if not isinstance(raw, str):
        what = "no value" if raw is True else "several values"
        return Reading(None, f"{entry.cli} has {what}: argparse stops the script")
    try:
        number = float(int(raw)) if integer else float(raw)
    except ValueError:
        number = None
    if number is None or not finite(number) or (integer and abs(number) > MAX_COUNT):
        notes.append(
            Note(
                NUMBER_AS_STRING,
                entry.path,
                f"argparse reads {entry.cli} with {'int' if integer else 'float'}(): `{raw}` is refused, so "
                "the script stops before training"
                if number is None
                else f"{entry.cli} `{raw}` is not a usable number",
                f"write {int(float(raw))}" if integer and _numeric(raw) and float(raw).is_integer() else None,
            )
        )
        return Reading(None, f"{entry.cli} `{raw}` is not a usable {'int' if integer else 'float'}")
    return Reading(number)


def toml_int(key: str, entry: Flat | None, notes: list[Note]) -> Reading:
    """An integer option (steps, epochs, batch, accumulation) as sd-scripts gets it from the TOML."""
    if entry is None:
        return Reading(None, "absent")
    if entry.cli:
        return _from_cli(key, entry, notes, True)
    raw = entry.value
    if is_refused(raw):
        return Reading(None, "refused by the reader")
    if isinstance(raw, str):
        _string_note(key, entry.path, raw, notes, "an integer")
        return Reading(None, f"{key} is text; sd-scripts stops with a TypeError")
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) > MAX_COUNT:
        return Reading(None, f"{key} {raw} is too large to count with")
    if isinstance(raw, bool) or not isinstance(raw, int):
        if isinstance(raw, float) and finite(raw):
            return Reading(
                None,
                f"{key} is {_kind(raw)}: sd-scripts expects an integer and does not convert TOML "
                "values (range() of a float stops the run)",
            )
        return Reading(None, f"{key} is {_kind(raw)}, not a number")
    return Reading(float(raw))


def toml_float(key: str, entry: Flat | None, notes: list[Note]) -> Reading:
    """A float option (a learning rate) as sd-scripts gets it from the TOML: ints and floats are used as they are."""
    if entry is None:
        return Reading(None, "absent")
    if entry.cli:
        return _from_cli(key, entry, notes, False)
    raw = entry.value
    if is_refused(raw):
        return Reading(None, "refused by the reader")
    if isinstance(raw, str):
        _string_note(key, entry.path, raw, notes, "a number")
        return Reading(None, f"{key} is text; sd-scripts stops with a TypeError")
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not finite(float(raw)):
        return Reading(None, f"{key} is {_kind(raw)}, not a number")
    return Reading(float(raw))


def truthy(entry: Flat | None) -> tuple[bool, str]:
    """A store_true flag as sd-scripts tests it (`if args.flag:`): any non-empty value is on."""
    if entry is None:
        return False, ""
    raw = entry.value
    if isinstance(raw, bool):
        return raw, ""
    if entry.cli:
        return False, f" ({entry.cli} takes no value: argparse stops the script)"
    on = bool(raw)
    return on, (f" ({_kind(raw)} is {'true' if on else 'false'} to Python: sd-scripts tests `if args.flag`)")


# ---------------------------------------------------------------------------------------------
# command-line flags (kohya_ss additional_parameters; they override the TOML)


class Flag(NamedTuple):
    name: str
    values: tuple[str, ...]


def parse_flags(text: str) -> list[Flag]:
    """`--name value ...` and `--name=value` words as argparse reads them after `shlex` splitting;
    abbreviations argparse accepts (a unique prefix of an option) are expanded."""
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    flags: list[Flag] = []
    for word in words:
        if word.startswith("--") and len(word) > 2:
            name, eq, value = word[2:].partition("=")
            flags.append(Flag(_expand(name), (value,) if eq else ()))
        elif flags:
            flags[-1] = Flag(flags[-1].name, flags[-1].values + (word,))
    return flags


def _expand(name: str) -> str:
    if name in K.ARGUMENTS:
        return name
    matches = [a for a in K.ARGUMENTS if a.startswith(name)]
    return matches[0] if len(matches) == 1 else name


def flag_number(flag: Flag, as_int: bool) -> float | None:
    """A flag's value converted as argparse's `type=int` / `type=float` would; None when argparse would refuse it."""
    if not flag.values:
        return None
    try:
        value = float(int(flag.values[0])) if as_int else float(flag.values[0])
    except ValueError:
        return None
    return value if finite(value) else None


# ---------------------------------------------------------------------------------------------
# the format


_SHELL_SCRIPT = re.compile(
    rb"(?<![\w.-])(?:"
    + b"|".join(re.escape(n.encode()) for n in K.SCRIPTS)
    + rb"|\w+"
    + re.escape(K.OTHER_NETWORK_SCRIPT.encode())
    + rb")(?![\w.-])"
)
_TOML_KEY = re.compile(rb"(?m)^[ \t]*\"?([A-Za-z0-9_]+)\"?[ \t]*=")
_TOML_TABLE = re.compile(rb"(?m)^[ \t]*\[\[?[ \t]*\"?([A-Za-z0-9_.]+)")
_DETECT_BYTES = 262_144
# tables of the kohya_ss GUI's own defaults file (config.toml), which looks like a flattened sd-scripts config
_GUI_DEFAULTS_TABLES = frozenset(
    {"accelerate_launch", "settings", "server", "dataset_preparation", "wd14_caption", "configuration"}
)
# other tools' TOML: SimpleTuner's config.toml, LECO prompt files, Python project files
_FOREIGN_KEYS = frozenset({"model_family", "data_backend_config"})
_FOREIGN_TABLES = frozenset({"prompts", "project", "tool", "build-system", "package", "dependencies"})
# keys whose presence marks a training config (beyond being an option of some script)
_MIN_ARGUMENTS = 3


class SdScriptsFormat:
    """The `sd-scripts` input format (see the module docstring)."""

    name = NAME
    suffixes = (".toml", ".json", ".sh", ".bash")

    def detect(self, raw: bytes, suffix: str) -> bool:
        """A TOML with sd-scripts option names or `[[datasets]]`, a JSON dataset config, or a shell script
        that names a training script of sd-scripts."""
        head = raw[:_DETECT_BYTES]
        if suffix in (".sh", ".bash"):
            return _SHELL_SCRIPT.search(raw) is not None
        if suffix == ".json":
            return b'"datasets"' in head and b'"subsets"' in head
        if suffix != ".toml":
            return False
        tables = {t.decode("ascii", "replace").split(".")[0] for t in _TOML_TABLE.findall(head)}
        if tables & (_GUI_DEFAULTS_TABLES | _FOREIGN_TABLES):
            return False
        if "datasets" in tables:
            return True
        keys = {k.decode("ascii", "replace") for k in _TOML_KEY.findall(head)}
        if keys & _FOREIGN_KEYS:
            return False
        return "datasets" in keys or len(keys & K.ARGUMENTS) >= _MIN_ARGUMENTS

    def read(self, raw: bytes, file: str, limits: Limits) -> Document:
        """JSON or TOML by the file's extension, as sd-scripts chooses (library/config_util.py:675-700)."""
        if file.lower().endswith(".json"):
            from .readers.json_reader import read_json

            return read_json(raw, file, limits)
        if file.lower().endswith((".sh", ".bash")):
            from .readers.shell_reader import read_shell

            return read_shell(raw, file, limits)
        from .readers.toml_reader import read_toml

        return read_toml(raw, file, limits)

    def adapt(self, doc: Document, workspace: Workspace, hints: Hints) -> Adapted | None:
        data = doc.data
        if not isinstance(data, dict):
            return NOT_MINE
        if isinstance(data.get("commands"), list) and doc.file.lower().endswith((".sh", ".bash")):
            return adapt_command(doc, data["commands"], workspace, hints)
        if is_dataset_config(data):
            return adapt_dataset_config(doc, workspace, hints)
        if set(data) & _GUI_DEFAULTS_TABLES or set(data) & _FOREIGN_TABLES:
            return NOT_MINE
        flat = flatten(data)
        if set(flat) & _FOREIGN_KEYS or len(set(flat) & K.ARGUMENTS) < _MIN_ARGUMENTS:
            return NOT_MINE
        return _Training(doc, flat, workspace).adapt(hints)


FORMAT = SdScriptsFormat()


def is_dataset_config(data: dict[str, Any]) -> bool:
    """`[[datasets]]` at the top: the dataset config schema (library/config_util.py, ConfigSanitizer);
    no training option is a list of tables named `datasets`."""
    return isinstance(data.get("datasets"), list)


def _with_hints(hints: Hints) -> dict[str, Any]:
    return {"training_type": hints.training_type, "preset": hints.preset, "hints_source": hints.source}


# ---------------------------------------------------------------------------------------------
# a shell script that launches a training script


def script_name(command: Any) -> str | None:
    """The sd-scripts training script a shell command runs (its file name), if it runs one."""
    script = command.get("script") if isinstance(command, dict) else None
    if not isinstance(script, str):
        return None
    name = script.replace("\\", "/").rsplit("/", 1)[-1]
    return name if name in K.SCRIPTS or name.endswith(K.OTHER_NETWORK_SCRIPT) else None


def adapt_command(doc: Document, commands: list[Any], workspace: Workspace, hints: Hints) -> Adapted | None:
    """The first command that runs an sd-scripts training script: its flags as argparse reads them, over
    the TOML of --config_file when it names one (flags given on the command line win)."""
    found = next(
        (
            (index, command, script)
            for index, command in enumerate(commands)
            if (script := script_name(command)) is not None
        ),
        None,
    )
    if found is None:
        return NOT_MINE
    index, command, script = found
    assert isinstance(command, dict)
    args = command.get("args") if isinstance(command.get("args"), dict) else {}
    unresolved = command.get("unresolved") if isinstance(command.get("unresolved"), dict) else {}
    assert isinstance(args, dict) and isinstance(unresolved, dict)
    notes: list[Note] = []
    flat: dict[str, Flat] = {}
    given: list[tuple[str, Flat]] = []
    for written, raw in args.items():
        if not isinstance(written, str):
            continue
        path: ConfigPath = ("commands", index, "args", written)
        key = _expand(written[2:]) if written.startswith("--") else ""
        if key not in K.ARGUMENTS and not key.startswith(K.ARGUMENT_PREFIXES):
            notes.append(
                Note(
                    UNKNOWN_KEY,
                    path,
                    f'`{written}` is not an option of {script}: argparse stops it with "unrecognized arguments"',
                    did_you_mean(written[2:], K.ARGUMENTS),
                    on_key=True,
                )
            )
            continue
        shown = unresolved.get(written)
        given.append((key, Flat(raw, path, written, ", ".join(map(str, shown)) if isinstance(shown, list) else "")))
    config = dict(given).get("config_file")
    if config is not None and isinstance(config.value, str) and not config.unresolved:
        name = config.value if config.value.endswith(".toml") else config.value + ".toml"
        other = workspace.read(name, NAME)
        if other is not None and isinstance(other.data, dict):
            for key, entry in flatten(other.data).items():
                flat[key] = Flat(entry.value, config.path, origin=name)
    flat.update(given)
    processes = _processes(command)
    cut = command.get("cut_off")
    cut_note = (
        f"; {len(cut)} flags after the command are not passed to it (a line without a trailing backslash "
        "ends the command)"
        if isinstance(cut, list) and cut
        else ""
    )
    training = _Training(doc, flat, workspace, script, processes, cut_note)
    training.notes.extend(notes)
    return training.adapt(hints)


def _processes(command: dict[str, Any]) -> tuple[int, str]:
    """The processes the launcher starts (each takes its share of the batches)."""
    launcher = command.get("launcher")
    options = command.get("launcher_args") if isinstance(command.get("launcher_args"), dict) else {}
    assert isinstance(options, dict)
    given = options.get("--num_processes", options.get("--num-processes"))
    # ASCII digits only: `str.isdigit` takes `²`, which `int` refuses, and thousands of digits, which it refuses too
    if isinstance(given, str) and given.isascii() and given.isdigit() and len(given) <= 6 and 0 < int(given) <= 4096:
        return int(given), f"--num_processes {given}"
    if launcher in ("python", "python3", ""):
        return 1, "one process"
    return 1, for_one_process(f"{launcher or 'the launcher'} does not say how many; accelerate's own config does")


# ---------------------------------------------------------------------------------------------
# dataset config


class DatasetReading(NamedTuple):
    epoch: Epoch
    notes: list[Note]
    batch_sizes: tuple[int, ...]


def _as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_COUNT else None


def read_dataset_config(
    data: dict[str, Any], workspace: Workspace, train_batch_size: int | None, dataset_repeats: int = 1
) -> DatasetReading:
    """Images, repeats and batches of a dataset config, with the notes its keys call for.

    Values fall back subset -> dataset -> [general] -> the training options (train_batch_size,
    dataset_repeats), as BlueprintGenerator.generate does (library/config_util.py). Without a
    training config (`train_batch_size` None) a batch size the file does not set is not known.
    """
    notes: list[Note] = []
    for key in data:
        if key not in K.DATASET_TOP_LEVEL:
            notes.append(_dataset_unknown(str(key), (key,), K.DATASET_TOP_LEVEL))
    raw_general = data.get("general")
    general: dict[str, Any] = raw_general if isinstance(raw_general, dict) else {}
    _check_keys(general, ("general",), K.DATASET_GENERAL_KEYS, notes)
    datasets = data.get("datasets")
    if not isinstance(datasets, list):
        return DatasetReading(Epoch(None, None, "no [[datasets]] list"), notes, ())
    batches: int | None = 0
    subsets_all: list[Subset] = []
    image_problems: list[str] = []
    batch_problems: list[str] = []
    sizes: list[int] = []
    inexact = False
    for i, dataset in enumerate(datasets):
        if not isinstance(dataset, dict):
            image_problems.append(f"datasets[{i}] is not a table")
            continue
        here: ConfigPath = ("datasets", i)
        _check_keys(dataset, here, K.DATASET_DATASET_KEYS, notes)
        levels = [(dataset, here), (general, ("general",))]
        batch = _fallback("batch_size", levels, notes, train_batch_size)
        if batch is None or batch < 1:
            batch_problems.append(
                f"datasets[{i}] sets no batch_size, so it is train_batch_size of the training config"
                if batch is None and train_batch_size is None and _missing("batch_size", levels)
                else f"datasets[{i}]: batch_size is not a positive integer"
            )
            batch = None
        else:
            sizes.append(batch)
        bucket = any(level.get("enable_bucket") is True for level, _ in levels)
        raw_subsets = dataset.get("subsets")
        subsets: list[Subset] = []
        for j, subset in enumerate(raw_subsets if isinstance(raw_subsets, list) else []):
            where: ConfigPath = here + ("subsets", j)
            if not isinstance(subset, dict):
                image_problems.append(f"datasets[{i}].subsets[{j}] is not a table")
                continue
            _check_keys(subset, where, K.DATASET_SUBSET_KEYS, notes)
            read = _subset(subset, [(subset, where), *levels], workspace, notes, dataset_repeats)
            if isinstance(read, str):
                image_problems.append(read)
            else:
                subsets.append(read)
        subsets_all.extend(subsets)
        if batch is not None and batches is not None:
            batches += dataset_batches(subsets, batch)
            inexact = inexact or (bucket and batch > 1)
    images = None if image_problems else distinct_images(subsets_all)
    problems = image_problems + batch_problems
    if problems:
        return DatasetReading(Epoch(None, images, "; ".join(problems[:3])), notes, tuple(sizes))
    how = (
        f"{len(datasets)} dataset(s): ceil((samples with repeats + regularisation samples) / batch size) "
        f"= {batches} batches ({K.BATCHES_PER_EPOCH}, {K.REG_BALANCING})"
    )
    if inexact:
        how += (
            "; with aspect-ratio buckets and batches of more than one image each bucket rounds up on its own, "
            "so this is the least an epoch holds"
        )
    return DatasetReading(Epoch(batches, images, how, not inexact), notes, tuple(sizes))


def _missing(key: str, levels: list[tuple[dict[str, Any], ConfigPath]]) -> bool:
    return all(level.get(key) is None for level, _ in levels)


def _fallback(
    key: str, levels: list[tuple[dict[str, Any], ConfigPath]], notes: list[Note], last: int | None
) -> int | None:
    """The first level that sets `key` (search_value in library/config_util.py), else `last`."""
    for level, where in levels:
        value = level.get(key)
        if value is None:
            continue
        if isinstance(value, str) and not is_refused(value):
            notes.append(
                Note(
                    NUMBER_AS_STRING,
                    where + (key,),
                    f"{key} is the text {value!r}: sd-scripts checks the dataset config against its schema "
                    f"and stops (expected int; {K.DATASET_SCHEMA_SOURCE})",
                    f"write it as a number: {key} = {value.strip()}" if _numeric(value) else None,
                )
            )
            return None
        return _as_int(value)
    return last


def _subset(
    subset: dict[str, Any],
    levels: list[tuple[dict[str, Any], ConfigPath]],
    workspace: Workspace,
    notes: list[Note],
    dataset_repeats: int,
) -> Subset | str:
    where = _dotted(levels[0][1])
    image_dir = subset.get("image_dir")
    if "metadata_file" in subset:
        return f"{where}: a fine-tuning subset lists its images in metadata_file, which is not read"
    if not isinstance(image_dir, str) or not image_dir:
        return f"{where}: no image_dir"
    repeats = _fallback("num_repeats", levels, notes, dataset_repeats)
    if repeats is None:
        return f"{where}: num_repeats is not an integer"
    count = workspace.count_images(image_dir, False, K.IMAGE_SUFFIXES)
    if count is None:
        return f"image_dir '{image_dir}' could not be listed inside the repository"
    return Subset(image_dir, count, repeats, subset.get("is_reg") is True)


def _dotted(path: ConfigPath) -> str:
    """datasets[0].subsets[1]"""
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(path))


def _check_keys(table: dict[str, Any], where: ConfigPath, accepted: frozenset[str], notes: list[Note]) -> None:
    for key in table:
        if key not in accepted:
            notes.append(_dataset_unknown(str(key), where + (key,), accepted))


def _dataset_unknown(key: str, path: ConfigPath, accepted: frozenset[str]) -> Note:
    return Note(
        UNKNOWN_KEY,
        path,
        f"'{key}' is not a dataset config key here: sd-scripts checks the file against its schema and stops "
        f'with "extra keys not allowed" ({K.DATASET_SCHEMA_SOURCE})',
        did_you_mean(key, accepted),
        on_key=True,
    )


def adapt_dataset_config(doc: Document, workspace: Workspace, hints: Hints) -> Adapted:
    """A dataset config on its own: images and the batches of an epoch; steps and rates belong to the training config."""
    assert isinstance(doc.data, dict)
    reading = read_dataset_config(doc.data, workspace, None)
    epoch = reading.epoch
    elsewhere = (
        "set by the training config (--config_file or the command line), not by a dataset config: "
        "max_train_steps (default 1600) or max_train_epochs x the batches of an epoch"
    )
    batches = (
        f"; one epoch is {epoch.batches} batches ({epoch.note})"
        if epoch.batches is not None
        else (f"; the batches of an epoch are not known: {epoch.note}")
    )
    values = {
        "steps": TrainerValue(None, "config", None, None, elsewhere + batches),
        "steps_per_image": TrainerValue(None, "config", None, None, elsewhere),
        "learning_rate_unet": TrainerValue(None, "config", None, None, elsewhere.split(":")[0]),
        "learning_rate_text_encoder": TrainerValue(None, "config", None, None, elsewhere.split(":")[0]),
        "text_encoder_ratio": TrainerValue(None, "config", None, None, elsewhere.split(":")[0]),
    }
    return Adapted(NAME, None, None, None, epoch.images, values, tuple(reading.notes), **_with_hints(hints))


# ---------------------------------------------------------------------------------------------
# training config


class _Training:
    """One `--config_file` TOML adapted: the values sd-scripts computes from it."""

    def __init__(
        self,
        doc: Document,
        flat: dict[str, Flat],
        workspace: Workspace,
        script: str | None = None,
        processes: tuple[int, str] = (1, ""),
        cut_note: str = "",
    ) -> None:
        self.doc, self.flat, self.workspace = doc, flat, workspace
        self.script = script  # known for a command line; a TOML does not say which script reads it
        known = K.SCRIPTS.get(script or "")
        self.family: str | None = known[0] if known else None
        self.kind: str | None = known[1] if known else None
        if script is not None and known is None:
            self.family, self.kind = script.removesuffix(K.OTHER_NETWORK_SCRIPT), "lora"
        self.processes, self.processes_note = processes
        self.cut_note = cut_note
        self.notes: list[Note] = []
        self.values: dict[str, TrainerValue] = {}
        self.text_encoder_stop = False  # set where the file is read as train_db.py's, the one script with a stop
        # how a script without a stop leaves the text encoder out, and how it trains it
        self.text_encoder_switch: tuple[str, str] | None = None

    def get(self, key: str) -> Flat | None:
        return self.flat.get(key)

    def path(self, key: str) -> ConfigPath | None:
        entry = self.flat.get(key)
        return entry.path if entry else None

    def adapt(self, hints: Hints) -> Adapted:
        self._unknown_keys()
        base, base_key = self._base_model()
        method = self._method()
        optimizer = self.get("optimizer_type")
        optimizer_args = self.get("optimizer_args")
        if optimizer is not None and adaptive(optimizer.value, optimizer_args.value if optimizer_args else None):
            self.notes.append(adaptive_note(str(optimizer.value), optimizer.path))
        images = self._steps()
        if self.kind != "textual inversion":  # a textual inversion trains embeddings: no U-Net or text encoder
            self._rates(method, base)
        if self.cut_note:
            steps = self.values["steps"]
            self.values["steps"] = steps._replace(note=_join(steps.note, self.cut_note.lstrip("; ")))
        return Adapted(
            NAME,
            base,
            base_key,
            method,
            images,
            self.values,
            tuple(self.notes),
            **_with_hints(hints),
            text_encoder_stop=self.text_encoder_stop,
            text_encoder_switch=self.text_encoder_switch,
        )

    # -- keys -------------------------------------------------------------------------------

    def _unknown_keys(self) -> None:
        for key, entry in self.flat.items():
            if key in K.ARGUMENTS or key.startswith(K.ARGUMENT_PREFIXES) or entry.cli or entry.origin:
                continue
            self.notes.append(
                Note(
                    UNKNOWN_KEY,
                    entry.path,
                    f"sd-scripts accepts '{key}' without a word and never reads it: no training script has such an "
                    f"option ({K.CONFIG_FILE_LOADER} puts every TOML key into the arguments unchecked)",
                    did_you_mean(key, K.ARGUMENTS),
                    on_key=True,
                )
            )

    # -- model family and method ------------------------------------------------------------------

    def _base_model(self) -> tuple[BaseModel | None, str | None]:
        if self.script is not None:
            return self._script_family()
        module = self.get("network_module")
        module_name = module.value if module and isinstance(module.value, str) else ""
        model_type = self.get("model_type")
        if module_name in K.SD3_NETWORK_MODULES or (self.get("clip_g") and self.get("t5xxl")):
            where = module or self.get("clip_g")
            assert where is not None
            self._unsupported("Stable Diffusion 3", where.path, "network_module" if module_name else "clip_g")
            return None, "network_module" if module_name in K.SD3_NETWORK_MODULES else "clip_g"
        flux = module_name in K.FLUX_NETWORK_MODULES or (self.get("ae") is not None and self.get("t5xxl") is not None)
        if flux:
            if model_type is not None and model_type.value == "chroma":
                self._unsupported("Chroma", model_type.path, "model_type")
                return None, "model_type"
            return "flux.1", "network_module" if module_name in K.FLUX_NETWORK_MODULES else "ae, t5xxl"
        if any(self.get(k) is not None for k in ("learning_rate_te1", "learning_rate_te2")):
            return "sdxl", "learning_rate_te1" if self.get("learning_rate_te1") else "learning_rate_te2"
        v2 = self.get("v2")
        if v2 is not None and v2.value is True:
            self._unsupported("Stable Diffusion 2.x", v2.path, "v2")
            return None, "v2"
        model = self.get("pretrained_model_name_or_path")
        name = model.value.lower() if model and isinstance(model.value, str) else ""
        if re.search(r"sd_?xl|stable-diffusion-xl|xl[_-]base|\bxl\b|pony|illustrious", name):
            return "sdxl", "pretrained_model_name_or_path"
        if re.search(r"flux", name):
            return "flux.1", "pretrained_model_name_or_path"
        if re.search(r"v1-5|v1\.5|sd15|sd_15|sd-1\.5|stable-diffusion-v1", name):
            return "sd-1.5", "pretrained_model_name_or_path"
        return None, None

    def _script_family(self) -> tuple[BaseModel | None, str | None]:
        """The family of the script the command runs (`--v2` makes train_network.py and train_db.py SD 2.x)."""
        key = f"script {self.script}"
        where: ConfigPath = ("commands",)
        for path in self.doc.spans:
            if len(path) == 3 and path[0] == "commands" and path[2] == "script":
                where = path
                break
        if self.family == "sd":
            v2 = self.get("v2")
            if v2 is not None and truthy(v2)[0]:
                self._unsupported("Stable Diffusion 2.x", v2.path, "v2")
                return None, "v2"
            return "sd-1.5", key
        if self.family == "flux.1":
            model_type = self.get("model_type")
            if model_type is not None and model_type.value == "chroma":
                self._unsupported("Chroma", model_type.path, "model_type")
                return None, "model_type"
            return "flux.1", key
        if self.family == "sdxl":
            return "sdxl", key
        self._unsupported(str(self.family), where, str(self.script))
        return None, key

    def _unsupported(self, family: str, path: ConfigPath, key: str) -> None:
        self.notes.append(
            Note(
                UNSUPPORTED_MODEL,
                path,
                f"{key} marks a {family} run: trainlint has no advice for {family}, so the "
                "model-dependent rules stay silent",
            )
        )

    def _method(self) -> Method | None:
        if self.kind is not None:
            return "lora" if self.kind == "lora" else "full" if self.kind == "full" else None
        if self.get("network_module") is not None:
            return "lora"
        if any(
            self.get(k) is not None
            for k in (
                "learning_rate_te",
                "learning_rate_te1",
                "learning_rate_te2",
                "train_text_encoder",
                "stop_text_encoder_training",
                "no_token_padding",
                "block_lr",
                "diffusers_xformers",
            )
        ):
            return "full"
        return None

    # -- steps ----------------------------------------------------------------------------------

    def _epoch(self, batch: int | None) -> Epoch:
        """The batches of an epoch: from the dataset config, else from train_data_dir's N_name folders."""
        config = self.get("dataset_config")
        if config is not None and isinstance(config.value, str) and config.value:
            other = self.workspace.read(config.value, NAME)
            if other is None or not isinstance(other.data, dict):
                return Epoch(None, None, f"dataset_config '{config.value}' could not be read inside the repository")
            repeats = toml_int("dataset_repeats", self.get("dataset_repeats"), [])
            reading = read_dataset_config(
                other.data, self.workspace, batch, int(repeats.value) if repeats.value is not None else 1
            )
            return reading.epoch
        if self.get("in_json") is not None:
            return Epoch(
                None,
                None,
                "a fine-tuning dataset (in_json): its images are listed in the metadata file, which is not read",
            )
        train = self.get("train_data_dir")
        if train is None or not isinstance(train.value, str) or not train.value:
            return Epoch(None, None, "neither dataset_config nor train_data_dir is set in the file")
        if batch is None:
            return Epoch(None, None, "train_batch_size is not usable")
        reg = self.get("reg_data_dir")
        return subdir_epoch(
            self.workspace, train.value, reg.value if reg and isinstance(reg.value, str) else None, batch
        )

    def _steps(self) -> int | None:
        batch_r = toml_int("train_batch_size", self.get("train_batch_size"), self.notes)
        batch = int(batch_r.value) if batch_r.value is not None else (1 if batch_r.problem == "absent" else None)
        ga_r = toml_int("gradient_accumulation_steps", self.get("gradient_accumulation_steps"), self.notes)
        ga = int(ga_r.value) if ga_r.value is not None else (1 if ga_r.problem == "absent" else None)
        epochs = toml_int("max_train_epochs", self.get("max_train_epochs"), self.notes)
        steps = toml_int("max_train_steps", self.get("max_train_steps"), self.notes)
        epoch = self._epoch(batch)
        images = epoch.images
        if epochs.problem != "absent":
            where = self.path("max_train_epochs")
            value, note = self._from_epochs(epochs, ga, epoch)
            self.values["steps"] = TrainerValue(value, "derived", "max_train_epochs", where, note)
            if steps.problem != "absent" and where is not None:
                shown = fmt(steps.value) if steps.value is not None else repr(self.flat["max_train_steps"].value)
                result = (
                    f"sd-scripts trains {fmt(value)} steps"
                    if value is not None
                    else "the steps depend on the batches of an epoch, which could not be counted"
                )
                self.notes.append(
                    Note(
                        EPOCHS_OVERRIDE_STEPS,
                        where,
                        f"max_train_epochs {fmt(epochs.value) if epochs.value is not None else _shown(self.flat['max_train_epochs'].value)}"
                        " overrides max_train_steps "
                        f"{shown}: {result} ({K.EPOCHS_FORMULA})",
                        "remove one of the two so the file says what runs",
                        on_key=True,
                    )
                )
        elif steps.problem == "absent":
            self.values["steps"] = TrainerValue(
                1600.0,
                "trainer-default",
                "max_train_steps",
                None,
                f"neither max_train_steps nor max_train_epochs is set: sd-scripts "
                f"trains its default {K.KEYS['max_train_steps'].default} steps "
                f"({K.KEYS['max_train_steps'].source})",
            )
        else:
            self.values["steps"] = TrainerValue(
                steps.value, "config", "max_train_steps", self.path("max_train_steps"), steps.problem
            )
        if self.get("dataset_config") is None:  # a dataset config sets its own batch sizes
            samples_per_step(
                self.values,
                batch,
                ga,
                "train_batch_size",
                self.path("train_batch_size"),
                "train_batch_size x gradient_accumulation_steps",
                accumulation_at=("gradient_accumulation_steps", self.path("gradient_accumulation_steps")),
            )
        self._per_image(images, epoch)
        return images

    def _from_epochs(self, epochs: Reading, ga: int | None, epoch: Epoch) -> tuple[float | None, str]:
        if epochs.value is None:
            return None, epochs.problem
        if ga is None or ga == 0:
            return None, "gradient_accumulation_steps is not usable"
        if epoch.batches is None:
            return (
                None,
                f"max_train_epochs {fmt(epochs.value)} x the batches of an epoch, which are not known: " + epoch.note,
            )
        per_epoch = math.ceil(epoch.batches / self.processes / ga)
        processes = self.processes_note or for_one_process(
            "the number of GPU processes is set at launch, not in this file"
        )
        note = (
            f"max_train_epochs {fmt(epochs.value)} x ceil({epoch.batches} batches / {self.processes} process(es) / "
            f"{ga} accumulation) = {fmt(epochs.value * per_epoch)} ({K.EPOCHS_FORMULA}); {epoch.note}; "
            f"{processes}"
        )
        return epochs.value * per_epoch, note

    def _per_image(self, images: int | None, epoch: Epoch) -> None:
        steps = self.values["steps"]
        if steps.value is None:
            self.values["steps_per_image"] = TrainerValue(
                None, "derived", steps.key, steps.path, "the total steps are not known"
            )
        elif not images:
            why = "no training images were found" if images == 0 else f"the images are not known: {epoch.note}"
            self.values["steps_per_image"] = TrainerValue(None, "derived", steps.key, steps.path, why)
        else:
            self.values["steps_per_image"] = TrainerValue(
                steps.value / images,
                "derived",
                steps.key,
                steps.path,
                f"{fmt(steps.value)} steps / {images} distinct training images",
            )

    # -- learning rates and the text encoder ---------------------------------------------------------

    def _rates(self, method: Method | None, base: BaseModel | None) -> None:
        lr = toml_float("learning_rate", self.get("learning_rate"), self.notes)
        base_lr = (
            TrainerValue(lr.value, "config", "learning_rate", self.path("learning_rate"), lr.problem)
            if lr.problem != "absent"
            else TrainerValue(
                float(K.KEYS["learning_rate"].default),
                "trainer-default",
                "learning_rate",
                None,
                f"learning_rate is not set: sd-scripts' default ({K.KEYS['learning_rate'].source})",
            )
        )
        if method == "lora":
            self._lora_rates(base_lr, base)
        elif method == "full":
            self._full_rates(base_lr, base)
        else:
            self.values["learning_rate_unet"] = base_lr

    def _lora_rates(self, base_lr: TrainerValue, base: BaseModel | None) -> None:
        self.text_encoder_switch = (
            "set network_train_unet_only",
            "give text_encoder_lr a rate above 0, without network_train_unet_only",
        )
        unet_r = toml_float("unet_lr", self.get("unet_lr"), self.notes)
        unet = (
            TrainerValue(unet_r.value, "config", "unet_lr", self.path("unet_lr"), unet_r.problem)
            if unet_r.problem != "absent"
            else base_lr._replace(
                note=_join(
                    base_lr.note, f"unet_lr is not set: the U-Net trains at learning_rate ({K.KEYS['unet_lr'].source})"
                )
            )
        )
        te = self._te_lr(base_lr, base)
        unet_only, why_u = truthy(self.get("network_train_unet_only"))
        te_only, why_t = truthy(self.get("network_train_text_encoder_only"))
        te_zero = not unet_only and te.value == 0
        unet_zero = not te_only and unet.value == 0
        if te_zero and unet_zero:
            self._zero(te, "both parameter groups", "nothing trains")
            if unet.path != te.path:
                self._zero(unet, "both parameter groups", "nothing trains")
        elif te_zero:
            self._zero(te, "the text encoder's parameter group", "the text encoder is not trained")
        elif unet_zero:
            self._zero(unet, "the U-Net's parameter group", "only the text encoder trains")
        te_ratio: TrainerValue
        if unet_only:
            path = self.path("network_train_unet_only")
            te = TrainerValue(
                None,
                "config",
                "network_train_unet_only",
                path,
                "network_train_unet_only: the text encoder is not trained" + why_u,
            )
            te_ratio = TrainerValue(
                0.0,
                "config",
                "network_train_unet_only",
                path,
                f"network_train_unet_only ({K.KEYS['network_train_unet_only'].source})" + why_u,
            )
        elif te_zero:
            te_ratio = TrainerValue(
                0.0,
                "derived",
                te.key,
                te.path,
                f"{te.key} 0 drops the text encoder's parameter group ({K.ZERO_LR_DROPS_GROUP})",
            )
            te = TrainerValue(
                None, "derived", te.key, te.path, "the text encoder is not trained (its learning rate is 0)"
            )
        elif te.value is None:
            te_ratio = TrainerValue(None, "derived", te.key, te.path, "the text encoder's learning rate is not usable")
        else:
            key, where = self._te_decided_by(te)
            te_ratio = TrainerValue(
                1.0,
                "derived",
                key,
                where,
                "a LoRA trains the text encoder for the whole run unless network_train_unet_only "
                "or a text-encoder learning rate of 0 turns it off "
                f"({K.KEYS['network_train_unet_only'].source})",
            )
        if te_only:
            path = self.path("network_train_text_encoder_only")
            unet = TrainerValue(
                None,
                "config",
                "network_train_text_encoder_only",
                path,
                "network_train_text_encoder_only: the U-Net is not trained" + why_t,
            )
        elif unet_zero:
            unet = TrainerValue(
                None, "derived", unet.key, unet.path, "the U-Net is not trained (its learning rate is 0)"
            )
        if base == "sdxl" and te_ratio.value == 1.0 and truthy(self.get("cache_text_encoder_outputs"))[0]:
            te_ratio = te_ratio._replace(
                note=te_ratio.note + "; cache_text_encoder_outputs is on as well, which "
                f"sd-scripts refuses while the text encoder trains ({K.SDXL_TE_CACHE_ASSERT})"
            )
        self.values["learning_rate_unet"] = unet
        self.values["learning_rate_text_encoder"] = te
        self.values["text_encoder_ratio"] = te_ratio
        self._lora_stop(te_ratio)

    def _te_decided_by(self, te: TrainerValue) -> tuple[str | None, ConfigPath | None]:
        """The key that makes a LoRA train its text encoder, where the file has it: network_train_unet_only (off),
        else the learning rate the text encoder trains at (text_encoder_lr, or learning_rate without it), else
        network_module, which makes the file a LoRA's."""
        if self.path("network_train_unet_only") is not None:
            return "network_train_unet_only", self.path("network_train_unet_only")
        if te.path is not None:
            return te.key, te.path
        if self.path("network_module") is not None:
            return "network_module", self.path("network_module")
        return None, None

    def _lora_stop(self, te_ratio: TrainerValue) -> None:
        """TE_STOP_IGNORED: only train_db.py has stop_text_encoder_training; a LoRA script takes the key from a
        TOML without a word and trains the text encoder for the whole run (reported where it trains)."""
        stop = self.get("stop_text_encoder_training")
        if stop is None or te_ratio.value == 0:
            return
        if stop.cli:
            self.notes.append(
                Note(
                    UNKNOWN_KEY,
                    stop.path,
                    f"`{stop.cli}` is not an option of {self.script or 'the LoRA scripts'}: only "
                    'train_db.py has it, and argparse stops the others with "unrecognized arguments"',
                    "remove it: a LoRA trains the text encoder for the whole run or not at all "
                    "(--network_train_unet_only leaves it out)",
                    on_key=True,
                )
            )
            return
        self.notes.append(
            Note(
                TE_STOP_IGNORED,
                stop.path,
                f"stop_text_encoder_training {_shown(stop.value)}: only train_db.py has this option; "
                f"{self.script or 'a LoRA script'} takes the key from the TOML without a word and never "
                f"reads it ({K.CONFIG_FILE_LOADER}), so the text encoder trains for the whole run",
                "a LoRA trains the text encoder for the whole run or not at all: remove "
                "stop_text_encoder_training to train it throughout, or set network_train_unet_only = "
                "true to leave it out",
                on_key=True,
            )
        )

    def _te_lr(self, base_lr: TrainerValue, base: BaseModel | None) -> TrainerValue:
        entry = self.get("text_encoder_lr")
        if entry is None:
            return base_lr._replace(
                note=_join(
                    base_lr.note,
                    f"text_encoder_lr is not set: the text encoder trains at "
                    f"learning_rate ({K.KEYS['text_encoder_lr'].source})",
                )
            )
        raw = entry.value
        if isinstance(raw, list):
            if not raw:
                return base_lr._replace(
                    note="text_encoder_lr is an empty list: treated as not set, the text "
                    f"encoder trains at learning_rate ({K.TE_LR_LIST})"
                )
            first = toml_float("text_encoder_lr", Flat(raw[0], entry.path + (0,)), self.notes)
            which = "CLIP-L; the second is the T5XXL's" if base == "flux.1" else "networks.lora uses the first"
            return TrainerValue(
                first.value,
                "config",
                "text_encoder_lr",
                entry.path + (0,),
                first.problem or f"the first of {len(raw)} values ({which}; {K.TE_LR_LIST})",
            )
        read = toml_float("text_encoder_lr", entry, self.notes)
        return TrainerValue(read.value, "config", "text_encoder_lr", entry.path, read.problem)

    def _zero(self, value: TrainerValue, group: str, meaning: str) -> None:
        if value.path is None:
            return
        self.notes.append(
            Note(
                ZERO_LEARNING_RATE,
                value.path,
                f'{value.key} 0: sd-scripts drops {group} ("NO LR skipping!", {K.ZERO_LR_DROPS_GROUP}), so {meaning}',
                "leave the key out to train at learning_rate, or say it plainly with "
                "network_train_unet_only / network_train_text_encoder_only",
            )
        )

    def _full_rates(self, base_lr: TrainerValue, base: BaseModel | None) -> None:
        """Full fine-tuning: train_db.py (SD 1.x DreamBooth), fine_tune.py, sdxl_train.py."""
        if base_lr.value == 0 and base_lr.path is not None:
            self.notes.append(
                Note(
                    ZERO_LEARNING_RATE,
                    base_lr.path,
                    "learning_rate 0: a full fine-tune trains the U-Net with learning rate 0, so it never changes",
                    "give the U-Net a learning rate",
                )
            )
            self.values["learning_rate_unet"] = base_lr._replace(
                value=None, note=_join(base_lr.note, "learning rate 0: the U-Net does not change")
            )
        else:
            self.values["learning_rate_unet"] = base_lr
        stop = self.get("stop_text_encoder_training")
        if base == "sdxl":
            self._sdxl_full(base_lr, stop)
            return
        if base == "flux.1" or (self.script is not None and self.script not in ("train_db.py", "fine_tune.py")):
            why = f"{self.script or 'flux_train.py'}: which text encoders it trains is not read here"
            self.values["learning_rate_text_encoder"] = TrainerValue(None, "config", None, None, why)
            self.values["text_encoder_ratio"] = TrainerValue(None, "config", None, None, why)
            return
        te_key = "learning_rate_te"
        te_r = toml_float(te_key, self.get(te_key), self.notes)
        te = (
            TrainerValue(te_r.value, "config", te_key, self.path(te_key), te_r.problem)
            if te_r.problem != "absent"
            else base_lr._replace(
                note=f"learning_rate_te is not set: the text encoder trains at learning_rate ({K.KEYS[te_key].source})"
            )
        )
        finetune = self.script == "fine_tune.py" or (
            self.script is None and (self.get("train_text_encoder") is not None or self.get("in_json") is not None)
        )
        if finetune:
            self.text_encoder_switch = ("turn train_text_encoder off", "turn train_text_encoder on")
            on, why = truthy(self.get("train_text_encoder"))
            path = self.path("train_text_encoder")
            self.values["text_encoder_ratio"] = TrainerValue(
                1.0 if on else 0.0,
                "config",
                "train_text_encoder",
                path,
                "fine_tune.py trains the text encoder only with train_text_encoder" + why,
            )
            self.values["learning_rate_text_encoder"] = (
                te
                if on
                else TrainerValue(None, "config", "train_text_encoder", path, "the text encoder is not trained")
            )
            return
        self.values["learning_rate_text_encoder"] = te
        self.values["text_encoder_ratio"] = self._db_stop(stop, te)
        self.text_encoder_stop = True

    def _db_stop(self, stop: Flat | None, te: TrainerValue) -> TrainerValue:
        """train_db.py: the text encoder trains with the U-Net until global_step == stop_text_encoder_training."""
        if te.value == 0 and te.path is not None:
            self.notes.append(
                Note(
                    ZERO_LEARNING_RATE,
                    te.path,
                    f"{te.key} 0: train_db.py gives the text encoder's parameter group learning rate 0 "
                    f"({K.KEYS['learning_rate_te'].source}), so it takes part in every step and never "
                    "changes",
                    "leave the key out to train it at learning_rate",
                )
            )
            return TrainerValue(0.0, "derived", te.key, te.path, "the text encoder's learning rate is 0")
        if stop is None:
            return TrainerValue(
                1.0,
                "trainer-default",
                "stop_text_encoder_training",
                None,
                "stop_text_encoder_training is not set: train_db.py trains the text encoder for the "
                f"whole run ({K.KEYS['stop_text_encoder_training'].source})",
            )
        read = toml_int("stop_text_encoder_training", stop, self.notes)
        if read.value is None:
            return TrainerValue(None, "config", "stop_text_encoder_training", stop.path, read.problem)
        total = self.values["steps"].value
        if read.value < 0:
            return TrainerValue(
                0.0,
                "config",
                "stop_text_encoder_training",
                stop.path,
                f"{fmt(read.value)}: train_db.py does not train the text encoder "
                f"({K.KEYS['stop_text_encoder_training'].source})",
            )
        if not total or total <= 0:
            return TrainerValue(
                None,
                "derived",
                "stop_text_encoder_training",
                stop.path,
                f"the text encoder stops after {fmt(read.value)} steps; the total steps are not known",
            )
        return TrainerValue(
            min(read.value, total) / total,
            "derived",
            "stop_text_encoder_training",
            stop.path,
            f"the text encoder stops after step {fmt(read.value)} of {fmt(total)} "
            f"({K.KEYS['stop_text_encoder_training'].source})",
        )

    def _sdxl_full(self, base_lr: TrainerValue, stop: Flat | None) -> None:
        """sdxl_train.py: the text encoders train with train_text_encoder; a learning rate of 0 leaves one out."""
        self.text_encoder_switch = (
            "turn train_text_encoder off",
            "turn train_text_encoder on, with learning_rate_te1 or _te2 not 0",
        )
        if stop is not None:
            self.notes.append(
                Note(
                    TE_STOP_IGNORED,
                    stop.path,
                    "sdxl_train.py has no stop_text_encoder_training: the key is accepted and ignored, "
                    "the text encoders train for the whole run or not at all",
                    "use train_text_encoder (on or off) instead",
                    on_key=True,
                )
            )
        on, why = truthy(self.get("train_text_encoder"))
        path = self.path("train_text_encoder")
        rates = []
        for key in ("learning_rate_te1", "learning_rate_te2"):
            read = toml_float(key, self.get(key), self.notes)
            value = base_lr.value if read.problem == "absent" else read.value
            rates.append((key, value, self.path(key)))
        trained = [(k, v, p) for k, v, p in rates if v is None or v != 0]
        if not on or not trained:
            why_not = ("train_text_encoder is off" + why) if not on else "learning_rate_te1 and learning_rate_te2 are 0"
            self.values["learning_rate_text_encoder"] = TrainerValue(
                None, "config", "train_text_encoder", path, f"the text encoders are not trained: {why_not}"
            )
            self.values["text_encoder_ratio"] = TrainerValue(
                0.0, "config", "train_text_encoder", path, f"{why_not} ({K.KEYS['train_text_encoder'].source})"
            )
            return
        key, value, where = trained[0]
        self.values["learning_rate_text_encoder"] = TrainerValue(
            value,
            "config" if where else base_lr.source,
            key if where else "learning_rate",
            where or base_lr.path,
            f"{key} (text encoder 1)"
            if key == "learning_rate_te1"
            else "text encoder 1 is not trained; text encoder 2",
        )
        self.values["text_encoder_ratio"] = TrainerValue(
            1.0,
            "config",
            "train_text_encoder",
            path,
            f"train_text_encoder: the whole run ({K.KEYS['train_text_encoder'].source})",
        )


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _shown(value: Any) -> str:
    return fmt(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else repr(value)
