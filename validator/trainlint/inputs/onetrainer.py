"""OneTrainer's JSON configs, presets and concepts files as trainlint's effective values.

A OneTrainer config is one JSON object (`TrainConfig`); a built-in preset is a partial one, laid
over the code's defaults. Both are read here the way OneTrainer's `BaseConfig.from_dict` reads
them: the defaults of knowledge/onetrainer.py for every key the file leaves out, the file's
migrations applied to the keys trainlint reads when its `__version` is old, and each value
converted as OneTrainer converts it (`float(...)`, `int(...)`, an enum by name), falling back to
the default where OneTrainer's conversion fails. The concepts (inline `concepts`, or the file
`concept_file_name` names) give the image counts the step count needs.

What is computed (knowledge/onetrainer.py has the sources):

- steps: `epochs x floor(samples / batch_size)` batches, where each concept gives
  `floor(images x balancing)` samples (REPEATS) or `int(balancing)` (SAMPLES); OneTrainer counts
  steps in batches. Aspect buckets each drop their own remainder; which image falls in which
  bucket is not known from the file, so the figure takes all samples as one bucket (exact with
  `aspect_ratio_bucketing` off or images of one shape).
- text_encoder_ratio: from `text_encoder[_2,...].train` and `stop_training_after` in its unit
  (EPOCH: min(N, epochs) / epochs; STEP, counted in batches: min(N, batches) / batches; NEVER 1;
  ALWAYS 0); with several text encoders the largest fraction.
- learning rates: `<part>.learning_rate`, null meaning the global `learning_rate`, scaled as
  `learning_rate_scaler` says.
"""

import difflib
import math
import re
from typing import Any, NamedTuple

from ..diagnostics import ConfigPath, fmt_number
from ..document import Document, Limits
from .base import (
    ADAPTIVE_OPTIMIZER,
    NOT_MINE,
    NUMBER_AS_STRING,
    TE_STOP_UNIT,
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
from .knowledge import onetrainer as ot
from .readers.json_reader import Refused, read_json

_MODEL_TYPE = re.compile(
    rb'"model_type"\s*:\s*"(?:STABLE_DIFFUSION_|STABLE_CASCADE_|WUERSTCHEN_|FLUX_|PIXART_|SANA|HUNYUAN_VIDEO|HI_DREAM'
    rb"|CHROMA_|QWEN|ANIMA|Z_IMAGE|ERNIE|KREA_|IDEOGRAM_)"
)
_TRAINING_METHOD = re.compile(rb'"training_method"\s*:\s*"(?:FINE_TUNE|LORA|EMBEDDING|FINE_TUNE_VAE)"')
_CONCEPT = re.compile(
    rb'"(?:balancing|balancing_strategy|image_variations|text_variations|include_subdirectories)"\s*:'
)
_FOREIGN = any_of((b'"LoRA_type"', b'"model_family"', b'"pretrained_model_name_or_path"', b'"--'))
# one pass for the three: most JSON files a search meets are none of OneTrainer's, and fail it at once; only a
# file that passes is asked for other trainers' marks
_CLAIMED = re.compile(b"|".join(pattern.pattern for pattern in (_MODEL_TYPE, _TRAINING_METHOD, _CONCEPT)))


class _Field(NamedTuple):
    """A value as OneTrainer holds it after loading, with where it came from."""

    value: Any
    path: ConfigPath | None  # where it stands in the document (None: a default the file does not set)
    source: Source
    how: str = ""  # how it was read, when not plainly ("migration 1 reads train_text_encoder")


class _Concepts(NamedTuple):
    """What the concepts of a run give: training images and samples per epoch."""

    images: int | None  # distinct training images (STANDARD concepts)
    samples: int | None  # samples per epoch, prior-prediction concepts included
    how: str  # the sum, for the note


class _Reading:
    """One adaptation: the document, what OneTrainer's loader would make of the keys read, the notes."""

    def __init__(self, doc: Document, data: dict[str, Any], workspace: Workspace) -> None:
        self.doc, self.data, self.workspace = doc, data, workspace
        self.notes: list[Note] = []
        self.noted: set[tuple[str, ConfigPath]] = set()
        raw_version = data.get("__version")
        self.version: int | None = None
        if (
            isinstance(raw_version, (int, float))
            and not isinstance(raw_version, bool)
            and math.isfinite(raw_version)
            and raw_version == int(raw_version)
        ):
            self.version = int(raw_version)
        model_type = data.get("model_type")
        self.model_type = model_type if isinstance(model_type, str) else None
        self.accumulation = 1  # gradient_accumulation_steps as OneTrainer reads it, once steps are read

    # --- notes

    def note(self, kind: str, path: ConfigPath, message: str, hint: str | None = None, on_key: bool = False) -> None:
        """Add a note once per kind and place."""
        if (kind, path) in self.noted:
            return
        self.noted.add((kind, path))
        self.notes.append(Note(kind, path, message, hint, on_key))

    # --- reading a value the way BaseConfig.from_dict does

    def lookup(self, container: ConfigPath, key: str) -> tuple[bool, Any, ConfigPath]:
        """Whether `key` is set under `container`, its value and its path."""
        node: Any = self.data
        for part in container:
            node = node.get(part) if isinstance(node, dict) else None
        path = (*container, key)
        if isinstance(node, dict) and key in node:
            return True, node[key], path
        return False, None, path

    def number(
        self, container: ConfigPath, key: str, default: Any, *, integer: bool, nullable: bool, shown: str | None = None
    ) -> _Field:
        """A float or int field: `float(value)` / `int(value)`, the default when that fails."""
        present, raw, path = self.lookup(container, key)
        if not present:
            return _Field(default, None, "trainer-default")
        return self.convert(
            raw, path, default, integer=integer, nullable=nullable, shown=shown or ".".join(map(str, path))
        )

    def convert(
        self, raw: Any, path: ConfigPath, default: Any, *, integer: bool, nullable: bool, shown: str, how: str = ""
    ) -> _Field:
        """`raw` as BaseConfig.from_dict converts a float or int field, with the default when that fails."""
        if isinstance(raw, Refused):  # the reader reported it already
            return _Field(None, path, "config", how)
        if raw is None:
            if nullable:
                return _Field(None, path, "config", how)
            return self.failed(raw, path, default, shown, how)
        if isinstance(raw, str):
            try:
                value: Any = int(raw) if integer else float(raw)
            except ValueError:
                self.note(
                    NUMBER_AS_STRING,
                    path,
                    f"{shown} is the string {raw[:40]!r}: OneTrainer cannot convert it "
                    f'({"int" if integer else "float"}(...) fails), prints "Could not set {path[-1]}" and '
                    f"keeps its default {_show(default)}",
                    hint=f"write a JSON number{', an integer' if integer else ''}",
                )
                return self.failed(raw, path, default, shown, how)
            return _Field(
                value,
                path,
                "config",
                how or f"{shown} {raw!r} converted by OneTrainer's {'int' if integer else 'float'}(...)",
            )
        if isinstance(raw, (bool, int, float)):
            if integer:
                if isinstance(raw, float) and not math.isfinite(raw):
                    return self.failed(raw, path, default, shown, how)
                value = int(raw)
                if value != raw:
                    how = how or f"{shown} {raw} truncated to {value} by OneTrainer's int(...)"
                return _Field(value, path, "config", how)
            return _Field(float(raw), path, "config", how)
        return self.failed(raw, path, default, shown, how)

    def failed(self, raw: Any, path: ConfigPath, default: Any, shown: str, how: str) -> _Field:
        """The default OneTrainer keeps when it cannot use a value."""
        text = f"OneTrainer cannot use {shown} = {_show(raw)} and keeps its default {_show(default)}"
        return _Field(default, path, "trainer-default", f"{how}; {text}" if how else text)

    def enum(self, container: ConfigPath, key: str, default: str, names: tuple[str, ...] | None = None) -> _Field:
        """An enum field: a string is looked up by name (an unknown name keeps the default); any
        other value is stored as it is."""
        present, raw, path = self.lookup(container, key)
        if not present:
            return _Field(default, None, "trainer-default")
        if isinstance(raw, str) and (names is None or raw in names):
            return _Field(raw, path, "config")
        if isinstance(raw, str):
            return _Field(
                default,
                path,
                "trainer-default",
                f"{'.'.join(map(str, path))} {raw!r} is no name OneTrainer knows: it keeps {default}",
            )
        return _Field(raw, path, "config")

    def flag(self, container: ConfigPath, key: str, default: bool) -> _Field:
        """A bool field: stored as it is, so only its truth counts."""
        present, raw, path = self.lookup(container, key)
        if not present:
            return _Field(default, None, "trainer-default")
        if isinstance(raw, str) and not isinstance(raw, Refused):
            self.note(
                NUMBER_AS_STRING,
                path,
                f"{'.'.join(map(str, path))} is the string {raw[:40]!r}: OneTrainer "
                'stores it unconverted and tests its truth, so any non-empty string ("false" too) means '
                "true",
                hint="write true or false without quotes",
            )
        return _Field(bool(raw), path, "config")

    # --- model parts, through the migrations a file of this version goes through

    def part_source(self, part: str) -> tuple[str, str]:
        """The part of the file a part's settings come from, and how (migration 8 replaces
        `transformer` by `prior` in files older than version 9)."""
        if (
            part == "transformer"
            and self.version is not None
            and self.version <= 8
            and self.model_type not in ot.PRIOR_MODEL_TYPES
        ):
            return "prior", (
                f"migration 8 (files of __version 8 or older, this one {self.version}) replaces transformer by prior"
            )
        return part, ""

    def part_field(self, part: str, field: str) -> _Field:
        """A field of a model part as OneTrainer holds it, through the migrations of this file's version."""
        source, how = self.part_source(part)
        defaults = ot.PART_DEFAULTS[part]
        default = defaults[field].default
        if self.version is not None and self.version <= 1:
            for legacy, (legacy_part, legacy_field) in ot.LEGACY_PART_KEYS.items():
                if legacy_part == source and legacy in self.data:
                    if legacy_field == field:
                        return self.legacy_field(part, field, legacy, default, how)
                    if legacy_field == "stop_training_after" and field == "stop_training_after_unit":
                        return _Field("EPOCH", (legacy,), "config", f"migration 1 sets the unit of {legacy} to EPOCH")
        if field == "train":
            result = self.flag((source,), field, default)
        elif field == "stop_training_after_unit":
            result = self.enum((source,), field, default, ot.TIME_UNITS)
        else:
            result = self.number((source,), field, default, integer=field == "stop_training_after", nullable=True)
        return result._replace(how="; ".join(filter(None, (how, result.how))))

    def legacy_field(self, part: str, field: str, legacy: str, default: Any, how: str) -> _Field:
        """A part field read from a flat version-0 key (migration 1)."""
        why = f"migration 1 (files of __version 1 or older, this one {self.version}) reads {legacy} as {part}.{field}"
        how = f"{how}; {why}" if how else why
        raw, path = self.data[legacy], (legacy,)
        if field == "train":
            return _Field(bool(raw), path, "config", how)
        return self.convert(
            raw, path, default, integer=field == "stop_training_after", nullable=True, shown=legacy, how=how
        )

    # --- unknown keys

    def unknown_keys(self) -> None:
        """UNKNOWN_KEY for the top-level and part keys OneTrainer does not read."""
        for key in self.data:
            if key in ot.TOP_LEVEL_KEYS:
                continue
            migration = ot.LEGACY_KEYS.get(key)
            if migration is not None:
                if self.version is None or self.version <= migration:
                    continue
                self.note(
                    UNKNOWN_KEY,
                    (key,),
                    f"{key} is read only by OneTrainer's migration {migration}, for files "
                    f"of __version {migration} or older; this file is version {self.version}, so OneTrainer "
                    "ignores it",
                    on_key=True,
                )
                continue
            self.note(
                UNKNOWN_KEY,
                (key,),
                f"OneTrainer has no setting {key!r} and ignores it without a word",
                hint=_did_you_mean(key, ot.TOP_LEVEL_KEYS),
                on_key=True,
            )
        for part in ot.PART_NAMES:
            node = self.data.get(part)
            if not isinstance(node, dict):
                continue
            for key in node:
                if key not in ot.PART_KEYS:
                    self.note(
                        UNKNOWN_KEY,
                        (part, key),
                        f"OneTrainer's {part} settings have no {key!r}: it is ignored without a word",
                        hint=_did_you_mean(key, ot.PART_KEYS),
                        on_key=True,
                    )


def _did_you_mean(key: str, known: frozenset[str]) -> str | None:
    """The hint naming the closest known key, if one is close."""
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
    return f"did you mean {close[0]!r}?" if close else None


def _show(value: Any) -> str:
    """A value as a note shows it."""
    if isinstance(value, float):
        return fmt_number(value)
    if isinstance(value, str):
        return repr(value[:40])
    return "null" if value is None else str(value)


def _finite(value: float) -> float | None:
    """A count or rate as a float, None when it is beyond a float (a hostile config)."""
    try:
        result = float(value)
    except OverflowError:
        return None
    return result if math.isfinite(result) else None


def _is_config(data: dict[str, Any]) -> bool:
    """Whether a JSON object is a OneTrainer TrainConfig (and not another trainer's JSON)."""
    if any(key in data for key in ("LoRA_type", "model_family", "pretrained_model_name_or_path", "job", "config")):
        return False
    if any(isinstance(key, str) and key.startswith("--") for key in data):
        return False
    signals = ("model_type", "training_method", "base_model_name", "concept_file_name")
    return (
        any(isinstance(data.get(key), str) for key in signals)
        or "__version" in data
        and ("concepts" in data or "epochs" in data or "text_encoder" in data)
    )


_CONCEPT_KEYS = (
    "name",
    "type",
    "balancing",
    "balancing_strategy",
    "repeats",
    "image_variations",
    "text_variations",
    "include_subdirectories",
    "enabled",
    "validation_concept",
    "text",
    "image",
    "seed",
    "loss_weight",
)


def _is_concept(item: Any) -> bool:
    """A concept of a concepts file: a `path` and any other ConceptConfig key."""
    return isinstance(item, dict) and isinstance(item.get("path"), str) and any(key in item for key in _CONCEPT_KEYS)


# --- concepts ------------------------------------------------------------------------------------


def _concepts(reading: _Reading, items: list[Any], inline: bool) -> _Concepts:
    """Images and samples per epoch of a list of concepts (mgds VariationSorting)."""
    images: int | None = 0
    samples: int | None = 0
    parts: list[str] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        enabled = item.get("enabled", True)
        kind = item.get("type", "STANDARD")
        if not enabled or item.get("validation_concept") is True or kind == "VALIDATION":
            continue
        if not isinstance(kind, str) or kind not in ot.CONCEPT_TYPES_TRAINED:
            kind = "STANDARD"  # an unknown name keeps the default
        legacy = "__version" not in item and "balancing" not in item and "repeats" in item
        key = "repeats" if legacy else "balancing"
        raw = item.get(key, 1.0)
        balancing: float | None
        if inline and key in item:
            balancing = reading.convert(
                raw, ("concepts", index, key), 1.0, integer=False, nullable=False, shown=f"concepts[{index}].{key}"
            ).value
        else:
            balancing = _float_or_default(raw, 1.0)
        strategy = item.get("balancing_strategy", "REPEATS")
        if strategy not in ("REPEATS", "SAMPLES"):
            strategy = "REPEATS"
        path = item.get("path", "")
        count: int | None = None
        if isinstance(path, str) and path:
            count = reading.workspace.count_images(
                path, recursive=bool(item.get("include_subdirectories", False)), suffixes=ot.IMAGE_SUFFIXES
            )
        if kind == "STANDARD":
            images = None if images is None or count is None else images + count
        name = path if isinstance(path, str) and path else f"concept {index}"
        if balancing is None or not math.isfinite(balancing):
            samples = None
            continue
        if strategy == "SAMPLES":
            got = max(0, int(balancing))
            parts.append(f"{name}: {got} samples")
        elif count is None or not math.isfinite(count * balancing):
            samples = None
            continue
        else:
            got = max(0, math.floor(count * balancing))
            parts.append(f"{name}: floor({count} images x {fmt_number(balancing)})")
        samples = None if samples is None else samples + got
    return _Concepts(images, samples, " + ".join(parts))


def _float_or_default(raw: Any, default: float) -> float | None:
    """A concept value from another file, converted as float(...) or left at its default."""
    if isinstance(raw, Refused):
        return None
    if isinstance(raw, bool) or raw is None:
        return float(raw) if isinstance(raw, bool) else default
    try:
        return float(raw)
    except (TypeError, ValueError, OverflowError):
        return default


def _read_concepts(reading: _Reading) -> tuple[_Concepts | None, str]:
    """The concepts of the run, or None with the reason they are not known."""
    data = reading.data
    inline = data.get("concepts")
    if isinstance(inline, list):
        return _concepts(reading, inline, inline=True), "the concepts in this file"
    name = data.get("concept_file_name")
    if not isinstance(name, str) or not name:
        return None, (
            "the file names no concepts: OneTrainer reads them from concept_file_name (default "
            f"{ot.KEYS['concept_file_name'].default}, relative to OneTrainer's folder)"
        )
    other = reading.workspace.read(name, "onetrainer")
    if other is None or not isinstance(other.data, list):
        return None, f"the concepts file {name} is not readable inside the repository"
    return _concepts(reading, other.data, inline=False), f"the concepts in {name}"


# --- the adapter --------------------------------------------------------------------------------


class _Run(NamedTuple):
    """Counts of one run: batches in total (None when unknown) and the text for notes."""

    batches: int | None
    how: str


def _steps(
    reading: _Reading, values: dict[str, TrainerValue], images: int | None, concepts: _Concepts | None, why_not: str
) -> _Run:
    """Steps (batches), steps per image and the run's total batches."""
    epochs = reading.number((), "epochs", ot.KEYS["epochs"].default, integer=True, nullable=False)
    batch = reading.number((), "batch_size", ot.KEYS["batch_size"].default, integer=True, nullable=False)
    accumulation = reading.number(
        (), "gradient_accumulation_steps", ot.KEYS["gradient_accumulation_steps"].default, integer=True, nullable=False
    )
    reading.accumulation = accumulation.value if isinstance(accumulation.value, int) else 1
    if isinstance(batch.value, int):  # each of OneTrainer's steps is one batch, however many accumulate
        samples_per_step(values, batch.value, 1, "batch_size", batch.path, "batch_size: OneTrainer's steps are batches")
    source: Source = "derived"
    if concepts is None or concepts.samples is None:
        reason = (
            why_not
            if concepts is None
            else "the image count of a concept is not known (folder missing or outside the repository)"
        )
        values["steps"] = TrainerValue(None, source, "epochs", epochs.path, f"needs the images per epoch: {reason}")
        return _Run(None, "")
    if not isinstance(batch.value, int) or batch.value < 1:
        values["steps"] = TrainerValue(None, source, "batch_size", batch.path, "batch_size must be at least 1")
        return _Run(None, "")
    if not isinstance(epochs.value, int):
        values["steps"] = TrainerValue(None, source, "epochs", epochs.path, "epochs is not a number")
        return _Run(None, "")
    per_epoch = concepts.samples // batch.value
    total = max(0, epochs.value) * per_epoch
    how = (
        f"epochs {epochs.value} x {per_epoch} batches per epoch (floor({concepts.samples} samples / batch_size "
        f"{batch.value}); samples: {concepts.how or 'none'}); OneTrainer counts steps in batches "
        f"({ot.STEP_COUNTS_BATCHES}; {ot.SAMPLES_SOURCE}; {ot.BATCHES_SOURCE})"
    )
    if reading.accumulation > 1:
        how += (
            f"; with gradient_accumulation_steps {reading.accumulation} that is {total / reading.accumulation:g} "
            "optimizer updates"
        )
    bucketing = reading.data.get("aspect_ratio_bucketing", True)
    if bucketing:
        how += "; all samples taken as one aspect bucket (each bucket drops its own remainder)"
    if epochs.how:
        how += f"; {epochs.how}"
    total_value = _finite(total)
    values["steps"] = TrainerValue(total_value, source, "epochs", epochs.path, how)
    if images and total_value is not None:
        values["steps_per_image"] = TrainerValue(
            total_value / images, source, "epochs", epochs.path, f"{total} batches / {images} images"
        )
    else:
        values["steps_per_image"] = TrainerValue(
            None,
            source,
            "epochs",
            epochs.path,
            "no training images counted" if images == 0 else "the image count is not known",
        )
    return _Run(total, how)


class _TeStop(NamedTuple):
    """One text encoder's share of the run, how it was worked out and where it is set."""

    ratio: float | None
    part: str
    how: str
    path: ConfigPath | None


def _te_ratio(reading: _Reading, part: str, epochs: Any, run: _Run) -> _TeStop:
    """The share of batches during which `part` is trained (TimedActionMixin.single_action_elapsed)."""
    train = reading.part_field(part, "train")
    if not train.value:
        return _TeStop(0.0, part, f"{part}.train is false", train.path)
    stop = reading.part_field(part, "stop_training_after")
    unit = reading.part_field(part, "stop_training_after_unit")
    where = stop.path or unit.path or train.path
    label = f"{part}.stop_training_after {_show(stop.value)} {unit.value}"
    migrated = "; ".join(filter(None, {stop.how, unit.how}))
    if migrated:
        label += f" ({migrated})"
    if unit.value == "NEVER" or not isinstance(unit.value, str) or unit.value not in ot.TIME_UNITS:
        return _TeStop(1.0, part, f"{label}: never stops", where)
    if unit.value == "ALWAYS":
        return _TeStop(0.0, part, f"{label}: stopped from the start", where)
    if unit.value in ot.WALL_CLOCK_UNITS:
        return _TeStop(None, part, f"{label}: a wall-clock time, so the fraction depends on the machine", where)
    if not isinstance(stop.value, int):
        return _TeStop(None, part, f"{label}: no count to stop after (OneTrainer's int(None) fails)", where)
    if unit.value == "EPOCH":
        if not isinstance(epochs, int) or epochs <= 0:
            return _TeStop(None, part, f"{label}: epochs is not a positive number", where)
        kept = min(max(stop.value, 0), epochs)
        return _TeStop(
            kept / epochs,
            part,
            f"{label}: min({stop.value}, epochs {epochs}) / {epochs} (the stop is "
            "checked after each update, so one more update than that)",
            where,
        )
    if run.batches is None or run.batches <= 0:
        return _TeStop(None, part, f"{label}: needs the total number of batches, which is not known", where)
    kept_steps = min(max(stop.value, 0), run.batches)
    return _TeStop(
        kept_steps / run.batches,
        part,
        f"{label}: min({stop.value}, {run.batches} batches) / {run.batches} (STEP counts batches)",
        where,
    )


# a text encoder stopped within the first tenth of the run is below every training type's usual ratio
_FIRST_TENTH = 0.1


def _te_unit_notes(reading: _Reading, part: str, run: _Run) -> None:
    """TE_STOP_UNIT where `part`'s stop unit is not what it looks like.

    A STEP stop counts batches; with gradient accumulation an author may have counted updates. It is
    reported where the two readings cannot both be meant: read as batches (what OneTrainer does) the text
    encoder stops within the first tenth of the run, read as updates it would stop at a usual share. The
    hint's count (the stop times the accumulation) is then read as batches at that usual share, so
    following it silences the note. Quiet when the run's batches are not known."""
    train = reading.part_field(part, "train")
    unit = reading.part_field(part, "stop_training_after_unit")
    if not train.value or unit.path is None or not isinstance(unit.value, str):
        return
    if unit.value == "STEP" and reading.accumulation > 1:
        stop, ga, total = reading.part_field(part, "stop_training_after").value, reading.accumulation, run.batches
        if not isinstance(stop, int) or stop <= 0 or not total or total <= 0:
            return
        as_batches, as_updates = min(stop, total) / total, min(stop * ga, total) / total
        if not as_batches < _FIRST_TENTH <= as_updates:
            return
        reading.note(
            TE_STOP_UNIT,
            unit.path,
            f"{part}.stop_training_after_unit STEP counts batches, not optimizer "
            f"updates: with gradient_accumulation_steps {ga} the text encoder stops after {stop} batches "
            f"({stop / ga:g} updates), {as_batches:.1%} of the run's {total} batches; {stop} updates would "
            f"be {stop * ga} batches, {as_updates:.0%} of the run ({ot.STEP_COUNTS_BATCHES})",
            hint=f"to stop after {stop} updates, set {part}.stop_training_after to {stop * ga} "
            f"({stop} x gradient_accumulation_steps {ga}): STEP counts batches",
        )
    elif unit.value in ot.WALL_CLOCK_UNITS:
        reading.note(
            TE_STOP_UNIT,
            unit.path,
            f"{part}.stop_training_after_unit {unit.value} stops the text encoder "
            "after a wall-clock time: how much of the run that is depends on the GPU, not on the config "
            f"({ot.TE_STOP_SOURCE})",
            hint="use EPOCH or STEP (which counts batches)",
        )


def _learning_rate(reading: _Reading, part: str, trained: bool) -> TrainerValue:
    """`<part>.learning_rate ?? learning_rate`, scaled by learning_rate_scaler (NamedParameterGroup.py:40)."""
    own = reading.part_field(part, "learning_rate")
    shown_part = reading.part_source(part)[0]
    key = f"{shown_part}.learning_rate"
    if own.value is None and own.path is not None and isinstance(_raw(reading, own.path), Refused):
        return TrainerValue(None, "config", key, own.path, "not a usable number")
    if own.value is not None:
        field, how = own, own.how
    else:
        field = reading.number((), "learning_rate", ot.KEYS["learning_rate"].default, integer=False, nullable=False)
        key = "learning_rate"
        fallback = (
            f"{shown_part}.learning_rate is null: OneTrainer uses learning_rate "
            "(modules/util/NamedParameterGroup.py:40)"
        )
        how = "; ".join(filter(None, (own.how, fallback, field.how)))
    value = field.value if isinstance(field.value, float) and math.isfinite(field.value) else None
    source: Source = field.source
    if value is not None:
        scaler = reading.enum((), "learning_rate_scaler", "NONE", ot.LR_SCALERS).value
        factor = _scale(reading, scaler)
        if factor is None:
            return TrainerValue(
                None,
                "derived",
                key,
                field.path,
                f"learning_rate_scaler {scaler} multiplies it by "
                "the square root of a count that includes the number of GPUs, which the file does not "
                f"give ({ot.LR_SCALER_SOURCE})",
            )
        if factor != 1.0:
            how = f"{how}; " if how else ""
            how += f"{fmt_number(value)} x {factor:.4g} (learning_rate_scaler {scaler}, {ot.LR_SCALER_SOURCE})"
            value, source = value * factor, "derived"
        if value == 0 and trained and field.path is not None:
            reading.note(
                ZERO_LEARNING_RATE,
                field.path,
                f"{key} 0: OneTrainer takes 0 as the rate (only null falls "
                f"back to learning_rate), so {part} is trained with a step size of 0 and does not change",
                hint=f"set {part}.train to false to leave it out, or give it a rate",
            )
    return TrainerValue(value, source, key, field.path, how)


def _raw(reading: _Reading, path: ConfigPath) -> Any:
    """The value at `path` in the document's data, None when there is none."""
    node: Any = reading.data
    for part in path:
        node = (
            node.get(part)
            if isinstance(node, dict)
            else node[part]
            if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            else None
        )
    return node


def _scale(reading: _Reading, scaler: Any) -> float | None:
    """learning_rate_scaler's factor; None when it needs the GPU count, or is no name at all."""
    if not isinstance(scaler, str) or scaler in ("GLOBAL_BATCH", "GLOBAL_BOTH"):
        return None
    batch = reading.number((), "batch_size", 1, integer=True, nullable=False).value
    batch = batch if isinstance(batch, int) and batch > 0 else 1
    accumulation = max(reading.accumulation, 1)
    count = {"BATCH": batch, "GRADIENT_ACCUMULATION": accumulation, "BOTH": batch * accumulation}.get(scaler, 1)
    return _finite(math.sqrt(count))


def _optimizer(reading: _Reading, values: dict[str, TrainerValue]) -> None:
    """ADAPTIVE_OPTIMIZER when the optimizer estimates its own step size."""
    node = reading.data.get("optimizer")
    path: ConfigPath = ("optimizer",)  # a version-0 file names it at the top (migration 0)
    name = node
    if isinstance(node, dict):
        name, path = node.get("optimizer"), ("optimizer", "optimizer")
    if not isinstance(name, str) or name not in ot.ADAPTIVE_OPTIMIZERS:
        return
    shown = [
        f"{key} {fmt_number(v.value)}"
        for key, v in values.items()
        if key.startswith("learning_rate") and v.value is not None
    ]
    reading.note(
        ADAPTIVE_OPTIMIZER,
        path,
        f"{name} estimates its own step size: the learning rates "
        f"({', '.join(shown) or 'as set'}) multiply that estimate and are not step sizes "
        f"({ot.ADAPTIVE_SOURCE})",
        hint="1.0 is the usual value with an adaptive optimizer",
    )


def _model(reading: _Reading) -> tuple[BaseModel | None, ot.ModelTypeInfo | None]:
    """trainlint's base model and the model type's parts, from model_type."""
    present, raw, path = reading.lookup((), "model_type")
    if not present:
        info = ot.MODEL_TYPES[ot.KEYS["model_type"].default]
        return info.base_model, info
    if isinstance(raw, str) and raw in ot.MODEL_TYPES:
        info = ot.MODEL_TYPES[raw]
        if info.base_model is None:
            reading.note(
                UNSUPPORTED_MODEL,
                path,
                f"model_type {raw}: trainlint has advice for SD 1.5, SDXL and "
                "Flux.1 only; the values below are OneTrainer's, the model-specific rules stay silent",
            )
        return info.base_model, info
    shown = repr(raw[:40]) if isinstance(raw, str) else _show(raw)
    reading.note(
        UNSUPPORTED_MODEL,
        path,
        f"model_type {shown} is no model type trainlint knows ("
        f"{ot.MODEL_TYPE_SOURCE}); if OneTrainer's ModelType has no such name either, it prints \"Could not "
        'set model_type" and trains STABLE_DIFFUSION_15',
    )
    return None, None


def _method(reading: _Reading) -> Method | None:
    """lora or full from training_method (EMBEDDING and FINE_TUNE_VAE are neither)."""
    value = reading.enum((), "training_method", ot.KEYS["training_method"].default, tuple(ot.TRAINING_METHODS)).value
    method = ot.TRAINING_METHODS.get(value) if isinstance(value, str) else None
    return "lora" if method == "lora" else "full" if method == "full" else None


def _adapt_config(doc: Document, data: dict[str, Any], workspace: Workspace, hints: Hints) -> Adapted:
    """A TrainConfig (saved config or preset) as trainlint's effective values."""
    reading = _Reading(doc, data, workspace)
    base_model, info = _model(reading)
    method = _method(reading)
    training_method = reading.enum((), "training_method", "FINE_TUNE", tuple(ot.TRAINING_METHODS)).value
    values: dict[str, TrainerValue] = {}
    concepts, why_not = _read_concepts(reading)
    images = concepts.images if concepts is not None else None
    run = _steps(reading, values, images, concepts, why_not)
    epochs = reading.number((), "epochs", ot.KEYS["epochs"].default, integer=True, nullable=False).value
    if training_method in ("FINE_TUNE", "LORA"):
        if info is not None:
            train = reading.part_field(info.denoiser, "train")
            if train.value:
                values["learning_rate_unet"] = _learning_rate(reading, info.denoiser, True)
            else:  # not trained: no rate, and the reason, as the other trainers' adapters give it
                shown = reading.part_source(info.denoiser)[0]
                values["learning_rate_unet"] = TrainerValue(
                    None,
                    train.source,
                    f"{shown}.train",
                    train.path,
                    f"{shown}.train is false: the {info.denoiser} is not trained",
                )
            _text_encoders(reading, values, info, epochs, run)
        else:
            values["learning_rate_unet"] = TrainerValue(
                None,
                "derived",
                "learning_rate",
                None,
                "which part holds the denoiser's settings depends on the model type, which is not known",
            )
    elif training_method == "EMBEDDING":
        values["text_encoder_ratio"] = TrainerValue(
            0.0,
            "derived",
            "training_method",
            ("training_method",),
            "EMBEDDING trains embedding vectors only: the text encoder's "
            "weights are not trained (TrainConfig.train_text_encoder_or_embedding)",
        )
    _optimizer(reading, values)
    reading.unknown_keys()
    return Adapted(
        "onetrainer",
        base_model,
        "model_type",
        method,
        images,
        values,
        tuple(reading.notes),
        hints.training_type,
        hints.preset,
        hints.source,
        text_encoder_stop=True,
    )


def _text_encoders(
    reading: _Reading, values: dict[str, TrainerValue], info: ot.ModelTypeInfo, epochs: Any, run: _Run
) -> None:
    """text_encoder_ratio (the largest of the model's text encoders) and that encoder's rate."""
    stops = [_te_ratio(reading, part, epochs, run) for part in info.text_encoders]
    for part in info.text_encoders:
        _te_unit_notes(reading, part, run)
    known = [stop for stop in stops if stop.ratio is not None]
    best = max(known, key=lambda stop: stop.ratio or 0.0, default=None)
    how = "; ".join(stop.how for stop in stops)
    if len(stops) > 1:
        how += "; the largest fraction of the text encoders counts"
    unknown = any(stop.ratio is None for stop in stops)
    if best is None or (unknown and (best.ratio or 0.0) < 1.0):
        chosen = stops[0]
        values["text_encoder_ratio"] = TrainerValue(
            None, "derived", _path_key(chosen.path, chosen.part), chosen.path, how
        )
        te_part = chosen.part
    else:
        values["text_encoder_ratio"] = TrainerValue(
            best.ratio, "derived", _path_key(best.path, best.part), best.path, how + f" ({ot.TE_STOP_SOURCE})"
        )
        te_part = best.part if (best.ratio or 0.0) > 0 else info.text_encoders[0]
    ratio = values["text_encoder_ratio"]
    if ratio.value == 0:  # not trained: no rate, and the reason, as the other trainers' adapters give it
        values["learning_rate_text_encoder"] = TrainerValue(
            None, ratio.source, ratio.key, ratio.path, f"the text encoder is not trained: {how}"
        )
        return
    trained = bool(reading.part_field(te_part, "train").value)
    values["learning_rate_text_encoder"] = _learning_rate(reading, te_part, trained)


def _path_key(path: ConfigPath | None, part: str) -> str:
    """The key a value is worded with: where it stands, else the part's stop setting."""
    return ".".join(map(str, path)) if path else f"{part}.stop_training_after"


def _adapt_concepts(doc: Document, items: list[Any], workspace: Workspace, hints: Hints) -> Adapted | None:
    """A concepts file on its own: its training images and samples per epoch; the steps, learning rates and
    text encoder are the training config's (the one whose concept_file_name names this file), and the values
    say so."""
    if not items or not all(_is_concept(item) for item in items):
        return NOT_MINE
    reading = _Reading(doc, {}, workspace)
    concepts = _concepts(reading, items, inline=False)
    elsewhere = "set by the training config whose concept_file_name names this concepts file, which is checked with it"
    samples = (
        f"; the concepts give {concepts.samples} samples per epoch ({concepts.how or 'none'}), which the "
        "training config's epochs and batch_size turn into steps"
        if concepts.samples is not None
        else "; the samples per epoch are not known: the image count of a concept is not known"
    )
    values = {
        "steps": TrainerValue(None, "config", None, None, elsewhere + samples),
        "steps_per_image": TrainerValue(None, "config", None, None, elsewhere),
        "learning_rate_unet": TrainerValue(None, "config", None, None, elsewhere),
        "learning_rate_text_encoder": TrainerValue(None, "config", None, None, elsewhere),
        "text_encoder_ratio": TrainerValue(None, "config", None, None, elsewhere),
    }
    return Adapted(
        "onetrainer",
        None,
        None,
        None,
        concepts.images,
        values,
        tuple(reading.notes),
        hints.training_type,
        hints.preset,
        hints.source,
    )


class OneTrainerFormat:
    """OneTrainer's `TrainConfig` JSON (saved configs and built-in presets) and its concepts files."""

    name = "onetrainer"
    suffixes = (".json",)

    def detect(self, raw: bytes, suffix: str) -> bool:
        """A `.json` file naming a OneTrainer model type or training method, or a concepts list;
        files with another trainer's keys (kohya_ss GUI, SimpleTuner) are not claimed."""
        if suffix.lower() != ".json":
            return False
        return _CLAIMED.search(raw) is not None and _FOREIGN.search(raw) is None

    def read(self, raw: bytes, file: str, limits: Limits) -> Document:
        """The JSON reader: OneTrainer reads its configs with Python's json."""
        return read_json(raw, file, limits)

    def adapt(self, doc: Document, workspace: Workspace, hints: Hints) -> Adapted | None:
        """A config, preset or concepts file as trainlint's values; NOT_MINE for other JSON."""
        data = doc.data
        if isinstance(data, list):
            return _adapt_concepts(doc, data, workspace, hints)
        if not isinstance(data, dict) or not _is_config(data):
            return NOT_MINE
        return _adapt_config(doc, data, workspace, hints)


FORMAT = OneTrainerFormat()
