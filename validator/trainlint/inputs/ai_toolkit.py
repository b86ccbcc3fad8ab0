"""ostris/ai-toolkit job files (YAML or JSON) as trainlint's effective values.

A job file is `job:` plus `config.process[]`; the training processes (`sd_trainer` and its
family, `slider`) each carry `train`, `model`, `network`, `datasets`. How this adapter reads one,
with ai-toolkit's own sources in knowledge/ai_toolkit.py:

- The reader follows the suffix, as ai-toolkit does (`.json`/`.jsonc`: JSON; otherwise YAML, or
  JSON when the text is a JSON object). YAML is read as YAML 1.2 with positions; ai-toolkit's
  loader is PyYAML's YAML 1.1 SafeLoader with one float resolver added, so `1e-4` is a float to
  both, while `yes/no/on/off`, `012`, `1:30` and dates differ. The adapter reads every value the
  way ai-toolkit's loader does, and notes (YAML11_READING) only the readings that likely differ
  from what the author meant; the generic YAML 1.1 findings of trainlint's own loader (TL010),
  which would flag every `lr: 1e-4`, are dropped for these files.
- Several processes: a job runs them one after another; the first training process is adapted
  and the others are named in the steps value's note (each is a run of its own).
- `${VAR}` values are filled from the environment when the job starts: unknown here (None).
  `[name]` is replaced by `config.name` before dataset folders are counted.
- Learning rates: every part trains at `train.lr` (`unet_lr`/`text_encoder_lr` are read but never
  used: noted as keys ai-toolkit does not use); the text encoder only with `train_text_encoder`.
- Keys ai-toolkit does not know are ignored by it silently; they are noted only when they look
  like a slip (a near miss of a known key, or another trainer's name for one), because
  ai-toolkit gains keys with most releases and a list of them is never complete.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import math
import os
import re
from typing import Any

import yaml  # type: ignore[import-untyped,unused-ignore]
from yaml.nodes import ScalarNode  # type: ignore[import-untyped,unused-ignore]

from .. import codes
from ..diagnostics import ConfigPath, fmt_number
from ..document import Document, Limits
from .base import (
    ADAPTIVE_OPTIMIZER,
    NOT_MINE,
    NUMBER_AS_STRING,
    UNKNOWN_KEY,
    UNSUPPORTED_MODEL,
    YAML11_READING,
    ZERO_LEARNING_RATE,
    Adapted,
    BaseModel,
    Hints,
    Method,
    Note,
    Source,
    TrainerValue,
    Workspace,
    samples_per_step,
)
from .knowledge import ai_toolkit as K
from .readers.json_reader import read_json
from .yaml_reader import load_bytes

NAME = "ai-toolkit"

# --- detect ---------------------------------------------------------------------------------

_YAML_JOB = re.compile(rb"(?m)^(?:\xef\xbb\xbf)?(?:job|'job'|\"job\")[ \t]*:")
_JSON_JOB = re.compile(rb'"job"\s*:')


def _looks_json(raw: bytes) -> bool:
    return raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _is_json_file(file: str, head: bytes) -> bool:
    suffix = os.path.splitext(file)[1].lower()
    if suffix in (".json", ".jsonc"):
        return True
    return suffix not in (".yaml", ".yml") and _looks_json(head)


# --- ai-toolkit's YAML reading --------------------------------------------------------------


class _AitkResolver(yaml.resolver.Resolver):  # type: ignore[misc,unused-ignore]
    """PyYAML's YAML 1.1 resolver plus the float resolver ai-toolkit adds (toolkit/config.py:55-67)."""


_AitkResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(K.FLOAT_PATTERN, re.VERBOSE),
    list("-+0123456789."),
)
_RESOLVER = _AitkResolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_FIRST = frozenset(ch for ch in _AitkResolver.yaml_implicit_resolvers if ch)
_STR_TAG = "tag:yaml.org,2002:str"


@functools.lru_cache(maxsize=2048)
def _aitk_reading(text: str) -> Any:
    """What ai-toolkit's loader makes of a plain scalar (memoised: the same spellings recur)."""
    tag = _RESOLVER.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag == _STR_TAG:
        return text
    try:
        return _CONSTRUCTOR.construct_object(ScalarNode(tag, text))
    except Exception:  # noqa: BLE001 - a spelling its constructor refuses stays text here
        return text
    finally:
        _CONSTRUCTOR.constructed_objects.clear()


_PROPERTY = re.compile(r"&[^\s]*\s+")  # an anchor before the scalar (tags are left alone)


def _plain_source(doc: Document, path: ConfigPath) -> str | None:
    """The text of the plain scalar at `path` (anchor removed), or None when it is quoted, a block
    scalar, tagged, several lines long or not there."""
    spans = doc.spans.get(path)
    if spans is None:
        return None
    span = spans[1]
    source = doc.text[span.start : span.end]
    while source.startswith("&"):
        match = _PROPERTY.match(source)
        if match is None:
            return None
        source = source[match.end() :]
    if not source or source[0] in "'\"|>!*" or "\n" in source or "\r" in source:
        return None
    return source


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and (a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)))


def _yaml_readings(doc: Document) -> dict[ConfigPath, tuple[str, Any, Any]]:
    """Every plain scalar ai-toolkit's loader reads otherwise than YAML 1.2: path -> (text, YAML 1.2
    value, ai-toolkit's value)."""
    out: dict[ConfigPath, tuple[str, Any, Any]] = {}
    stack: list[tuple[ConfigPath, Any]] = [((), doc.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in value.items())
            continue
        if isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
            continue
        if type(value) is str:
            if value[:1] not in _FIRST:
                continue  # no YAML 1.1 resolver starts with this character: text to both
        elif value is not None and type(value) not in (bool, int, float):
            continue  # refused by the loader (already a finding)
        source = _plain_source(doc, path)
        if source is None or (type(value) is str and source != value):
            continue
        theirs = _aitk_reading(source)
        if not _same(theirs, value):
            out[path] = (source, value, theirs)
    return out


def _with_readings(data: Any, readings: dict[ConfigPath, tuple[str, Any, Any]]) -> Any:
    """A copy of `data` holding ai-toolkit's readings (a date stays text: the job stops on it anyway)."""
    if not readings:
        return data

    def copy(value: Any, path: ConfigPath) -> Any:
        if isinstance(value, dict):
            return {k: copy(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [copy(v, (*path, i)) for i, v in enumerate(value)]
        reading = readings.get(path)
        if reading is None or isinstance(reading[2], datetime.date):
            return value
        return reading[2]

    return copy(data, ())


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if value is None:
        return "null"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    return f"the number {value!r}"


_UNITS: dict[str, str] = {
    key: info.unit for table in (K.TRAIN, K.MODEL, K.NETWORK, K.DATASET) for key, info in table.items()
}


def _meant(path: ConfigPath) -> str | None:
    """What a value at `path` is meant to be: "text", "number", "flag", or None when not known."""
    last = path[-1] if path else None
    if isinstance(last, int):
        parent = path[-2] if len(path) > 1 else None
        return "text" if parent in K.TEXT_LISTS else None
    if last in K.TEXT_KEYS:
        return "text"
    unit = _UNITS.get(str(last))
    if unit is None:
        return None
    if unit == "flag":
        return "flag"
    return "text" if unit in K.TEXT_UNITS else "number" if unit in K.NUMBER_UNITS else None


def _reading_notes(readings: dict[ConfigPath, tuple[str, Any, Any]]) -> list[Note]:
    """YAML11_READING notes where ai-toolkit's reading likely differs from what the author meant."""
    notes = []
    loader = f"its loader is PyYAML's SafeLoader (YAML 1.1) with only a float resolver added ({K.FLOAT_PATCH})"
    for path, (text, ours, theirs) in sorted(readings.items(), key=lambda item: str(item[0])):
        meant = _meant(path)
        if isinstance(theirs, datetime.date):
            notes.append(
                Note(
                    YAML11_READING,
                    path,
                    f"ai-toolkit reads `{text}` as {_describe(theirs)} ({loader}) and stops before training: "
                    f"preprocess_config writes the config out with json.dumps, which cannot write a date ({K.DUMPS})",
                    f'quote it: "{text}"',
                )
            )
            continue
        if isinstance(ours, str):
            if isinstance(theirs, bool):
                if meant not in ("text", "number"):
                    continue  # a switch written yes/no: ai-toolkit reads what was meant
                hint = f'quote it if you mean the text: "{text}"' if meant == "text" else "write the number"
            elif isinstance(theirs, (int, float)):
                if meant not in ("text", "flag") and ":" not in text:
                    continue  # 1_000 and the like: ai-toolkit reads the number that was meant
                hint = f'quote it: "{text}"'
            else:
                continue
        elif isinstance(theirs, str):
            hint = f"write it as {ours!r}" if isinstance(ours, (int, float)) else f'quote it: "{text}"'
        elif meant != "text" and text.lstrip("+-").startswith("0"):
            hint = f"write {ours!r} without the leading zero"
        else:
            hint = f'quote it if you mean the text: "{text}"'
        notes.append(
            Note(
                YAML11_READING,
                path,
                f"ai-toolkit reads `{text}` as {_describe(theirs)}, not {_describe(ours)} as YAML 1.2 does: {loader}, "
                "so ai-toolkit is affected",
                hint,
            )
        )
    return notes


# --- reading values the way ai-toolkit does -----------------------------------------------

_ENV = re.compile(r"\$\{([^}]+)\}")


def _env_var(value: Any) -> str | None:
    """The first `${VAR}` in a text value, which ai-toolkit fills from the environment at start."""
    if isinstance(value, str):
        match = _ENV.search(value)
        if match:
            return match.group(1)
    return None


class _Process:
    """One process of the job and the notes found while reading it."""

    def __init__(self, data: dict[str, Any], index: int, notes: list[Note]) -> None:
        self.data, self.index, self.notes = data, index, notes
        self.base: ConfigPath = ("config", "process", index)

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}

    def path(self, *keys: str | int) -> ConfigPath:
        return (*self.base, *keys)

    def number(
        self, section: str, key: str, default: float | None
    ) -> tuple[float | None, Source, ConfigPath | None, str]:
        """A numeric key as ai-toolkit has it: (value, source, path, why None). Strings are noted."""
        table = self.section(section)
        if key not in table:
            return (None if default is None else float(default)), "trainer-default", None, ""
        value, path = table[key], self.path(section, key)
        name = f"{section}.{key}"
        var = _env_var(value)
        if var is not None:
            return None, "config", path, f"`{name}` is set from the environment variable {var} when the job starts"
        if isinstance(value, str):
            self.notes.append(_string_note(path, name, value))
            return None, "config", path, f"`{name}` is the text {value!r}: ai-toolkit does not convert it"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return None, "config", path, f"`{name}` is {_describe(value)}, not a number"
        return float(value), "config", path, ""


def _string_note(path: ConfigPath, name: str, value: str) -> Note:
    shown = "an empty text" if not value.strip() else f"the text {value!r}"
    hint = "write the number without quotes"
    try:
        hint = f"write it without quotes: {fmt_number(float(value))}"
    except (ValueError, OverflowError):
        pass
    return Note(
        NUMBER_AS_STRING,
        path,
        f"`{name}` is {shown}: ai-toolkit reads its keys as given (kwargs.get, no conversion, "
        f"{K.MODULES}) and stops with a type error where it first computes with the value",
        hint,
    )


def _process_type(process: dict[str, Any]) -> str | None:
    kind = process.get("type")
    return kind if isinstance(kind, str) else None


def _truthy(value: Any) -> bool:
    """Python's truth, which is what ai-toolkit's `if flag:` tests use."""
    try:
        return bool(value)
    except Exception:  # noqa: BLE001 - plain data never raises here
        return False


# --- the adapter ----------------------------------------------------------------------------


class AiToolkitFormat:
    """ai-toolkit job files (see the module docstring)."""

    name = NAME
    suffixes = K.SUFFIXES

    def detect(self, raw: bytes, suffix: str) -> bool:
        """A `job` key at the top and a `process` list under `config`: cheap byte tests only."""
        if b"process" not in raw or b"config" not in raw:
            return False
        if suffix in (".json", ".jsonc") or _looks_json(raw):
            return _JSON_JOB.search(raw) is not None
        return _YAML_JOB.search(raw) is not None

    def read(self, raw: bytes, file: str, limits: Limits) -> Document:
        """JSON or YAML as ai-toolkit picks them (by suffix); never raises."""
        if _is_json_file(file, raw[:64]):
            return read_json(raw, file, limits)
        doc = load_bytes(raw, file, limits)
        # trainlint's generic YAML 1.1 findings do not fit ai-toolkit's patched loader: adapt() notes the real ones
        doc.findings[:] = [f for f in doc.findings if f.code != codes.YAML11_AMBIGUITY]
        return doc

    def adapt(self, doc: Document, workspace: Workspace, hints: Hints) -> Adapted | None:
        """The first training process of the job as effective values; NOT_MINE for anything else."""
        try:
            return _adapt(doc, workspace, hints)
        except RecursionError:  # pragma: no cover - the readers bound nesting well below this
            return None


def _adapt(doc: Document, workspace: Workspace, hints: Hints) -> Adapted | None:
    raw = doc.data
    if not isinstance(raw, dict) or "job" not in raw or not isinstance(raw.get("config"), dict):
        return NOT_MINE
    notes: list[Note] = []
    data = raw
    if not _is_json_file(doc.file, doc.text[:64].encode("utf-8", "replace")):
        readings = _yaml_readings(doc)
        notes.extend(_reading_notes(readings))
        data = _with_readings(raw, readings)
    config: dict[str, Any] = data["config"]
    chosen = hints
    _key_notes(notes, data, K.TOP_KEYS, (), "the top level", {})
    _key_notes(notes, config, K.CONFIG_KEYS, ("config",), "config", {})

    processes = config.get("process")
    entries = [(i, p) for i, p in enumerate(processes) if isinstance(p, dict)] if isinstance(processes, list) else []
    training = [(i, p) for i, p in entries if _process_type(p) in K.TRAINING_PROCESSES]
    if not training:  # an extract, generate or mod job: ai-toolkit's, but nothing is trained
        return Adapted(
            NAME, None, None, None, None, {}, tuple(notes), chosen.training_type, chosen.preset, chosen.source
        )
    index, proc_data = training[0]
    proc = _Process(proc_data, index, notes)
    name = config.get("name")
    others = [f"config.process[{i}] ({p.get('type')})" for i, p in training[1:]]

    _process_key_notes(proc)
    base_model, base_key = _base_model(proc)
    method = _method(proc)
    images, images_why = _images(proc, workspace, name if isinstance(name, str) else None)
    values = _values(proc, images, images_why, others)
    return Adapted(
        NAME,
        base_model,
        base_key,
        method,
        images,
        values,
        tuple(notes),
        chosen.training_type,
        chosen.preset,
        chosen.source,
        text_encoder_switch=("set train.train_text_encoder to false", "set train.train_text_encoder to true"),
    )


# --- unknown keys ---------------------------------------------------------------------------


def _key_notes(
    notes: list[Note],
    table: dict[str, Any],
    known: frozenset[str],
    path: ConfigPath,
    where: str,
    foreign: dict[str, str],
) -> None:
    """UNKNOWN_KEY for keys that look like a slip for one ai-toolkit reads in this section."""
    for key in table:
        if not isinstance(key, str) or key in known:
            continue
        if key in foreign:
            meant, _, why = foreign[key].partition(" (")
            message = (
                f"`{key}` is not an ai-toolkit key in {where}: ai-toolkit reads `{meant.split(':')[0]}` "
                f"and ignores `{key}` without a word (kwargs.get, {K.MODULES})"
            )
            hint = f"did you mean `{meant}`?" + (f" ({why}" if why else "")
        else:
            close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.8)
            if not close:
                continue  # possibly a key newer than the versions read: left alone
            message = (
                f"`{key}` is not a key ai-toolkit reads in {where}; it ignores unknown keys without a word "
                f"(kwargs.get, {K.MODULES})"
            )
            hint = f"did you mean `{close[0]}`?"
        notes.append(Note(UNKNOWN_KEY, (*path, key), message, hint, on_key=True))


def _process_key_notes(proc: _Process) -> None:
    where = f"config.process[{proc.index}]"
    _key_notes(proc.notes, proc.data, K.PROCESS_KEYS, proc.base, where, {})
    for section, known in K.SECTION_KEYS.items():
        foreign = K.FOREIGN_KEYS.get(section, {})
        if section == "datasets":
            datasets = proc.data.get("datasets")
            for j, entry in enumerate(datasets if isinstance(datasets, list) else []):
                if isinstance(entry, dict):
                    _key_notes(proc.notes, entry, known, proc.path("datasets", j), f"{where}.datasets[{j}]", foreign)
                    repeats = entry.get("num_repeats")
                    if isinstance(repeats, str) and _env_var(repeats) is None:
                        # DatasetConfig compares it with 1 (num_repeats > 1): a string stops the job there
                        proc.notes.append(
                            _string_note(proc.path("datasets", j, "num_repeats"), f"datasets[{j}].num_repeats", repeats)
                        )
        else:
            _key_notes(proc.notes, proc.section(section), known, proc.path(section), f"{where}.{section}", foreign)
    train = proc.section("train")
    for key in ("unet_lr", "text_encoder_lr"):
        if key in train:
            part = "the UNet/transformer" if key == "unet_lr" else "the text encoder"
            hint = (
                "set `train.lr`"
                if key == "unet_lr"
                else ("set `train.lr`; `train.train_text_encoder: false` keeps the text encoder out of training")
            )
            proc.notes.append(
                Note(
                    UNKNOWN_KEY,
                    proc.path("train", key),
                    f"`train.{key}` is read but never used: ai-toolkit trains {part} and every other part at `train.lr` "
                    f"({K.TRAIN[key].source})",
                    hint,
                    on_key=True,
                )
            )


# --- model family and method ----------------------------------------------------------------


def _base_model(proc: _Process) -> tuple[BaseModel | None, str | None]:
    """trainlint's family from model.arch, else the legacy is_* flags in ai-toolkit's order, else sd1."""
    model = proc.section("model")
    arch_value = model.get("arch")
    path: ConfigPath
    if arch_value is not None:
        path = proc.path("model", "arch")
        if not isinstance(arch_value, str) or _env_var(arch_value) is not None:
            return None, f"model.arch {arch_value!r}"
        arch = arch_value.split(":")[0]
        arch = "flux" if arch == "flex1" else arch
        signal = f"model.arch {arch_value}"
    else:
        for flag, flag_arch in K.FLAG_ARCH:
            if _truthy(model.get(flag)):
                arch, path, signal = flag_arch, proc.path("model", flag), f"model.{flag}"
                break
        else:
            arch, path, signal = "sd1", proc.path("model"), "no model.arch or is_* flag: sd1"
    family = K.ARCH_FAMILY.get(arch)
    if family is not None:
        return family, signal
    if arch in K.ARCH_NAMES:
        message = (
            f"{K.ARCH_NAMES[arch]} ({signal}) is a model family trainlint has no advice for: its rules are "
            "written for SD 1.5, SDXL and FLUX.1"
        )
        hint = None
    else:
        close = difflib.get_close_matches(arch, sorted(K.ARCH_NAMES), n=1, cutoff=0.7)
        message = (
            f"`model.arch: {arch_value}` is not an architecture ai-toolkit names; it falls back to its legacy "
            f"Stable Diffusion class ({K.ARCH_SOURCE})"
        )
        hint = f"did you mean `{close[0]}`?" if close else None
    proc.notes.append(Note(UNSUPPORTED_MODEL, path, message, hint))
    return None, signal


def _method(proc: _Process) -> Method | None:
    """A `network` section trains a LoRA-family network; none (and no adapter, embedding or
    decorator) fine-tunes the model itself (BaseSDTrainProcess.py:251-253)."""
    network = proc.data.get("network")
    if isinstance(network, dict):
        return "lora"
    if network is not None:
        return None
    if any(proc.data.get(k) is not None for k in ("adapter", "embedding", "decorator")):
        return None
    return "full"


# --- images ---------------------------------------------------------------------------------


def _count_folder(workspace: Workspace, folder: str) -> int | None:
    """Images as ai-toolkit lists them: the suffixes, every sub-folder but hidden ones, files directly
    in a `_controls` folder left out (toolkit/data_loader.py:425-454)."""
    total, visited = 0, 0
    pending = [folder]
    while pending:
        current = pending.pop()
        visited += 1
        if visited > 512:
            return None
        if os.path.basename(current.rstrip("/\\")) != K.SKIPPED_FOLDER:
            count = workspace.count_images(current, recursive=False, suffixes=K.IMAGE_SUFFIXES)
            if count is None:
                return None
            total += count
        subfolders = workspace.subfolders(current)
        if subfolders is None:
            return None
        pending.extend(os.path.join(current, sub) for sub in subfolders if not sub.startswith("."))
    return total


def _images(proc: _Process, workspace: Workspace, job_name: str | None) -> tuple[int | None, str]:
    """Distinct training images over the datasets that are not regularisation sets; the reason when unknown."""
    if _process_type(proc.data) in K.PROMPT_TRAINERS:
        return None, "slider training learns from prompt pairs: there are no training images"
    datasets = proc.data.get("datasets")
    if not isinstance(datasets, list) or not datasets:
        return None, f"config.process[{proc.index}] has no datasets"
    total, seen = 0, set()
    for j, entry in enumerate(datasets):
        if not isinstance(entry, dict) or _truthy(entry.get("is_reg")):
            continue
        where = f"datasets[{j}]"
        frames = entry.get("num_frames", 1)
        if isinstance(frames, (int, float)) and not isinstance(frames, bool) and frames > 1:
            return None, f"{where} holds videos (num_frames {frames}), not images"
        folder = entry.get("dataset_path")
        key = "dataset_path"
        if folder is None:
            folder, key = entry.get("folder_path"), "folder_path"
        if not isinstance(folder, str) or not folder:
            return None, f"{where} has no {key}"
        if _env_var(folder) is not None:
            return None, f"{where}.{key} is set from the environment when the job starts"
        if "[name]" in folder:
            if job_name is None:
                return None, f"{where}.{key} uses [name] but config.name is not text"
            folder = folder.replace("[name]", job_name)
        if folder in seen:
            continue
        seen.add(folder)
        count = _count_folder(workspace, folder)
        if count is None:
            return None, (
                f"{where}.{key} {folder!r} is not a folder trainlint can list inside the repository "
                "(missing, outside it, a JSON caption file or too large); relative paths are taken from "
                "the config's folder, while ai-toolkit takes them from the folder it is started in"
            )
        total += count
    if not seen:
        return None, "every dataset is a regularisation set"
    return total, ""


# --- values ---------------------------------------------------------------------------------


def _values(proc: _Process, images: int | None, images_why: str, others: list[str]) -> dict[str, TrainerValue]:
    values: dict[str, TrainerValue] = {}
    train = proc.section("train")
    other_note = (
        (
            f"; {', '.join(others)} {'is another run' if len(others) == 1 else 'are other runs'} of this job, "
            "not adapted here"
        )
        if others
        else ""
    )

    # steps
    steps, source, path, why = proc.number("train", "steps", 1000)
    steps_key = "train.steps"
    if steps is not None and isinstance(train.get("steps"), float):
        why = (
            f"`train.steps` is the decimal number {train['steps']!r}: ai-toolkit's loop range(start, steps) "
            "needs an integer and stops"
        )
        steps = None
    batch, _, _, _ = proc.number("train", "batch_size", 1)
    accumulation, _, _, _ = proc.number("train", "gradient_accumulation", 1)
    legacy, _, _, _ = proc.number("train", "gradient_accumulation_steps", 1)
    loop_steps = steps
    if steps is not None:
        origin = "the default" if source == "trainer-default" else "train.steps"
        note = f"{origin} {fmt_number(steps)} ({K.TRAIN['steps'].source})"
        if accumulation is not None and legacy is not None and accumulation > 1 and legacy != 1:
            steps, why = (
                None,
                (
                    "gradient_accumulation and gradient_accumulation_steps are both set: ai-toolkit refuses "
                    f"the config as they are mutually exclusive ({K.TRAIN['gradient_accumulation'].source})"
                ),
            )
        elif legacy == -1:
            steps, why = (
                None,
                (
                    "gradient_accumulation_steps -1 steps the optimizer once an epoch: the number of updates "
                    "depends on the batches per epoch"
                ),
            )
        elif legacy is not None and legacy > 1:
            updates = math.floor(steps / legacy)
            note = (
                f"{origin} {fmt_number(steps)} loop steps of one batch each; with the legacy gradient_accumulation_steps "
                f"{fmt_number(legacy)} the optimizer steps every {fmt_number(legacy)}th: about {fmt_number(updates)} "
                f"updates ({K.TRAIN['gradient_accumulation_steps'].source})"
            )
            steps, source = float(updates), "derived"
        elif accumulation is not None and accumulation > 1:
            note += (
                f"; each step draws {fmt_number(accumulation)} batches and makes one optimizer update "
                f"({K.TRAIN['gradient_accumulation'].source})"
            )
        if steps is not None:
            values["steps"] = TrainerValue(steps, source, steps_key, path, note + other_note)
    if "steps" not in values:
        values["steps"] = TrainerValue(None, source, steps_key, path, why + other_note)

    if steps is not None:
        legacy_step = legacy is not None and legacy > 1 and loop_steps != steps  # steps are updates of `legacy` loops
        samples_per_step(
            values,
            batch,
            legacy if legacy_step else accumulation,
            "train.batch_size",
            proc.path("train", "batch_size"),
            "batch_size x the batches one step accumulates (gradient_accumulation, or the legacy gradient_accumulation_steps)",
            accumulation_at=(
                ("train.gradient_accumulation_steps", proc.path("train", "gradient_accumulation_steps"))
                if legacy_step
                else ("train.gradient_accumulation", proc.path("train", "gradient_accumulation"))
            ),
        )

    # steps per image
    if steps is not None and images:
        per_image = steps / images
        note = f"{fmt_number(steps)} steps / {images} images (distinct images; num_repeats changes the mix of datasets, not the steps)"
        shown = (loop_steps or steps) * (batch or 1) * (accumulation or 1)  # images seen over the run
        if shown != steps:
            note += (
                f"; {fmt_number(loop_steps or steps)} loop steps x batch {fmt_number(batch or 1)} x "
                f"{fmt_number(accumulation or 1)} batches a step show {fmt_number(shown / images)} samples per image"
            )
        if _has_reg(proc):
            note += f"; with a regularisation dataset about half the steps draw from it instead ({K.REG_STEPS})"
        values["steps_per_image"] = TrainerValue(per_image, "derived", steps_key, path, note)
    else:
        reason = (
            images_why
            if images is None
            else ("the datasets hold no images" if images == 0 else "the steps are unknown")
        )
        values["steps_per_image"] = TrainerValue(None, "derived", steps_key, path, reason)

    # learning rates
    lr, lr_source, lr_path, lr_why = proc.number("train", "lr", 1e-6)
    optimizer = train.get("optimizer", "adamw")
    used = _optimizer_notes(proc, optimizer, lr, lr_path)
    if lr == 0:
        _zero_note(proc, optimizer, lr_path)
    if lr is None or used is None:
        lr_note = lr_why
    else:
        origin = f"train.lr {fmt_number(lr)}" if lr_source == "config" else f"the default train.lr {fmt_number(lr)}"
        lr_note = f"{origin}: every part trains at train.lr ({K.TRAIN['lr'].source})"
        if used != lr:
            lr_note += f"; {optimizer} starts from {fmt_number(used)} instead ({K.AUTOMAGIC_SOURCE})"
            lr_source = "derived"
    trains_unet = _truthy(train.get("train_unet", True))
    trains_te = _truthy(train.get("train_text_encoder", False))
    if trains_unet:
        values["learning_rate_unet"] = TrainerValue(used, lr_source, "train.lr", lr_path, lr_note)
    else:
        values["learning_rate_unet"] = TrainerValue(
            None,
            "config",
            "train.train_unet",
            proc.path("train", "train_unet"),
            "train.train_unet is false: the UNet/transformer is not trained",
        )
    te_flag_path = proc.path("train", "train_text_encoder") if "train_text_encoder" in train else None
    te_var = _env_var(train.get("train_text_encoder"))
    if te_var is not None:
        values["learning_rate_text_encoder"] = TrainerValue(
            None, "config", "train.lr", lr_path, f"train.train_text_encoder is set from {te_var} at start"
        )
        values["text_encoder_ratio"] = TrainerValue(
            None,
            "config",
            "train.train_text_encoder",
            te_flag_path,
            f"train.train_text_encoder is set from the environment variable {te_var}",
        )
        return values
    if trains_te:
        values["learning_rate_text_encoder"] = TrainerValue(used, lr_source, "train.lr", lr_path, lr_note)
    else:
        values["learning_rate_text_encoder"] = TrainerValue(
            None,
            "config" if te_flag_path else "trainer-default",
            "train.train_text_encoder",
            te_flag_path,
            "the text encoder is not trained (train.train_text_encoder is false"
            + (")" if te_flag_path else f", the default: {K.TRAIN['train_text_encoder'].source})"),
        )
    flag = train.get("train_text_encoder", False)
    ratio_note = (
        "train.train_text_encoder: ai-toolkit has no text-encoder stop, it trains for all steps or none "
        f"({K.TRAIN['train_text_encoder'].source})"
    )
    if isinstance(flag, str):
        ratio_note += f"; the text {flag!r} counts as {'true' if trains_te else 'false'} to Python's `if`"
    values["text_encoder_ratio"] = TrainerValue(
        1.0 if trains_te else 0.0,
        "config" if te_flag_path else "trainer-default",
        "train.train_text_encoder",
        te_flag_path,
        ratio_note,
    )
    return values


def _has_reg(proc: _Process) -> bool:
    datasets = proc.data.get("datasets")
    return isinstance(datasets, list) and any(isinstance(d, dict) and _truthy(d.get("is_reg")) for d in datasets)


def _optimizer_notes(proc: _Process, optimizer: Any, lr: float | None, lr_path: ConfigPath | None) -> float | None:
    """ADAPTIVE_OPTIMIZER notes; the learning rate the optimizer starts from (Automagic may replace it)."""
    if not isinstance(optimizer, str):
        return lr
    lower = optimizer.lower()
    path = proc.path("train", "optimizer")
    shown = fmt_number(lr) if lr is not None else "train.lr"
    if lower.startswith(K.MULTIPLIER_OPTIMIZERS):
        proc.notes.append(
            Note(
                ADAPTIVE_OPTIMIZER,
                path,
                f"`train.optimizer: {optimizer}` estimates its own step size and takes train.lr ({shown}) as a multiplier "
                f"on it, not as a step size; ai-toolkit's get_optimizer replaces an lr below 0.1 by 1.0 only as the "
                f"optimizer's default, while the parameter groups it trains carry train.lr itself "
                f"({K.OPTIMIZER_SOURCE}; {K.TRAIN['lr'].source})",
                "these optimizers are meant to run with train.lr 1.0",
            )
        )
    elif lower.startswith(K.SELF_TUNING_OPTIMIZERS):
        forced = lr is not None and lr > K.AUTOMAGIC_MAX_LR
        proc.notes.append(
            Note(
                ADAPTIVE_OPTIMIZER,
                path,
                f"`train.optimizer: {optimizer}` adapts every parameter's learning rate while training, starting at "
                f"train.lr and moving within {fmt_number(K.AUTOMAGIC_MIN_LR)}..{fmt_number(K.AUTOMAGIC_MAX_LR)}"
                + (
                    f"; a start above {fmt_number(K.AUTOMAGIC_MAX_LR)} is forced to {fmt_number(K.AUTOMAGIC_FORCED_START)}"
                    if forced
                    else ""
                )
                + f" ({K.AUTOMAGIC_SOURCE}): train.lr is a starting point",
            )
        )
        if forced:
            return K.AUTOMAGIC_FORCED_START
    return lr


def _zero_note(proc: _Process, optimizer: Any, lr_path: ConfigPath | None) -> None:
    lower = optimizer.lower() if isinstance(optimizer, str) else ""
    if lower.startswith(K.SELF_TUNING_OPTIMIZERS):
        meaning = (
            f"Automagic starts every parameter at 0 and raises it by its bump on agreeing steps, at least to "
            f"{fmt_number(K.AUTOMAGIC_MIN_LR)} ({K.AUTOMAGIC_SOURCE}): training starts from the lowest rate"
        )
    else:
        meaning = (
            "ai-toolkit trains every part at train.lr, so no weight moves: the run takes all its steps and saves "
            f"what it started from ({K.TRAIN['lr'].source})"
        )
    proc.notes.append(
        Note(
            ZERO_LEARNING_RATE,
            lr_path or proc.path("train"),
            f"train.lr is 0: {meaning}",
            "set train.lr to the rate you mean (1e-4 is ai-toolkit's usual LoRA rate)",
        )
    )


FORMAT = AiToolkitFormat()
