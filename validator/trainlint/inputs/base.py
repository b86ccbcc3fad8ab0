"""The input-format seam: how a file becomes a positioned document, then trainlint's effective values.

An input format is one small object with a name and three steps:

1. `detect(raw, suffix)`: a cheap test on the bytes (and the file's suffix) whether the file is
   this format's. A folder search asks every format of every candidate file, so this test reads
   no more than it must and parses nothing it can avoid. A false positive costs a full read; a
   false negative hides a config, so when the cheap test is unsure it may say yes and let `read`
   and `adapt` decide (`adapt` then returns `NOT_MINE`).
2. `read(raw, file, limits)`: the bytes as a `Document` (data plus the span of every key and
   value, by config path), never raising on bad input: syntax errors and limits become findings
   on the document, positioned.
3. `adapt(doc, workspace, hints)`: the trainer's values as trainlint's effective values, each
   with its provenance (`TrainerValue`), computed the way that trainer computes them. What the
   file does not determine is `value=None` with the reason in `note`, never a guess.

trainlint's own format implements the first two steps and keeps its preset-based effective config
(effective.py); the trainer adapters implement all three.
"""

import math
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple, Protocol

from ..diagnostics import ConfigPath, Span
from ..document import Document, Limits
from . import FORMAT_NAMES as FORMAT_NAMES  # the registry defines them (inputs/__init__.py)

# trainlint's effective training keys, in the order `show` prints them
VALUE_KEYS = ("steps", "steps_per_image", "learning_rate_unet", "learning_rate_text_encoder", "text_encoder_ratio")
# what an adapter may record besides them: the images one step shows (`samples_per_step`), and the batch size
# and accumulation it multiplies, under the names trainlint's format gives them (`import` writes them)
SAMPLES_PER_STEP = "samples_per_step"
BATCH_SIZE = "batch_size"
GRADIENT_ACCUMULATION = "gradient_accumulation_steps"
ADAPTED_KEYS = (*VALUE_KEYS, SAMPLES_PER_STEP, BATCH_SIZE, GRADIENT_ACCUMULATION)

Source = Literal["config", "trainer-default", "derived", "preset"]
BaseModel = Literal["sd-1.5", "sdxl", "flux.1"]
Method = Literal["lora", "full"]


class TrainerValue(NamedTuple):
    """One effective value and where it came from.

    `value` is None when the file does not determine it (an image count that is not available, a
    `$VAR` in a shell command, ...): `note` then says why, and rules that need it stay silent.
    `key` is the trainer's own name for it (`max_train_steps`, `train.lr`, `--learning_rate`) and
    `path` where that key stands in the document (None for a trainer default the file does not
    set); findings about the value are placed there and worded with `key`.
    `note` says how a derived value was computed ("max_train_epochs 10 x 32 batches per epoch"),
    citing the trainer's formula.
    """

    value: float | None
    source: Source
    key: str | None = None
    path: ConfigPath | None = None
    note: str = ""


# kinds of reading traps an adapter reports; each is worded and coded by one rule (rules/trainer_traps.py)
NUMBER_AS_STRING = "number-as-string"  # "1e-4", "" where the trainer wants a number: say what the trainer makes of it
EPOCHS_OVERRIDE_STEPS = "epochs-override-steps"  # an epoch count silently replaces a step count
TE_STOP_IGNORED = "te-stop-ignored"  # a text-encoder stop field the trainer ignores (kohya_ss LoRA tab)
TE_STOP_UNIT = "te-stop-unit"  # a stop field in a unit other than it looks (kohya_ss DreamBooth %, OneTrainer STEP)
TE_FRACTION_COARSE = "te-fraction-coarse"  # diffusers --train_text_encoder_frac with too few epochs to mean it
ZERO_LEARNING_RATE = "zero-learning-rate"  # a learning rate of 0 and what it means in that trainer
UNKNOWN_KEY = "unknown-key"  # a key the trainer does not read (with a did-you-mean)
YAML11_READING = "yaml11-reading"  # a scalar the trainer's YAML loader reads otherwise than YAML 1.2
UNSUPPORTED_MODEL = "unsupported-model"  # a model family trainlint has no advice for (SD3, Wan, ...)
ADAPTIVE_OPTIMIZER = "adaptive-optimizer"  # Prodigy, D-Adaptation: the learning rate is a multiplier
NOTE_KINDS = (
    NUMBER_AS_STRING,
    EPOCHS_OVERRIDE_STEPS,
    TE_STOP_IGNORED,
    TE_STOP_UNIT,
    TE_FRACTION_COARSE,
    ZERO_LEARNING_RATE,
    UNKNOWN_KEY,
    YAML11_READING,
    UNSUPPORTED_MODEL,
    ADAPTIVE_OPTIMIZER,
)


# the text encoder ratios TL407 does not call extreme (its default thresholds, rules/training.py): a number an
# adapter's hint suggests for a text-encoder stop stays inside them, so that following it leads into no finding
TE_RATIO_USUAL = (0.05, 0.9)


class Note(NamedTuple):
    """A reading trap found while adapting: data for the rule of its `kind` to word and place.

    `message` and `hint` use the trainer's key names and cite the trainer's behaviour; `path`
    is where the finding goes (`on_key`: on the key rather than its value).
    """

    kind: str
    path: ConfigPath
    message: str
    hint: str | None = None
    on_key: bool = False


class KeyInfo(NamedTuple):
    """What a trainer does with one of its keys: knowledge modules (inputs/knowledge/) hold a table
    of these per trainer, each citing the trainer's source file and line at the pinned commit."""

    default: Any  # the trainer's own default; None when it has none (unset)
    unit: str  # "optimizer steps", "epochs", "fraction of steps", "percent", "learning rate", "flag", ...
    source: str  # "library/train_util.py:3952"
    # what the trainer's own schema (tools/trainer_schemas.py) says of the value; None / "": not recorded
    json_type: str | tuple[str, ...] | None = None  # JSON Schema type(s) the trainer takes: "number", ...
    enum: tuple[Any, ...] | None = None  # the only values the trainer takes
    description: str = ""  # one sentence for an editor's hover (the unit is said beside it)


class Hints(NamedTuple):
    """What the user said about a file that no trainer stores: from a `# trainlint:` directive
    in the file, else the configuration's per-glob mapping, else `--training-type` / `--preset`."""

    training_type: str | None = None  # style | subject | character | object
    preset: str | None = None  # a catalog reference such as sdxl/subject or sdxl/subject@1
    source: str | None = None  # "directive", "configuration" or "command line": said in `show`


class Adapted(NamedTuple):
    """A trainer's config as trainlint's effective values, with provenance."""

    input_format: str
    base_model: BaseModel | None  # None when unknown or unsupported (then a Note of UNSUPPORTED_MODEL says which)
    base_model_key: str | None  # the signal it came from: "sdxl", "model_type", "script train_dreambooth_lora_sdxl.py"
    method: Method | None
    images: int | None  # distinct training images (no repeats, no regularisation images); None when unknown
    values: dict[str, TrainerValue]  # by VALUE_KEYS; a key the trainer has no notion of is absent
    notes: tuple[Note, ...] = ()
    training_type: str | None = None  # from Hints; trainers store none
    preset: str | None = None  # from Hints
    hints_source: str | None = None
    # whether the trainer can stop the text encoder part way through the run (a stop step or epoch, a fraction):
    # sd-scripts' train_db.py, OneTrainer, diffusers' advanced scripts, Scenario. False: it trains the text
    # encoder for the whole run or not at all (the LoRA scripts, fine_tune.py, sdxl_train.py, ai-toolkit,
    # SimpleTuner, diffusers' basic scripts), so a ratio between 0 and 1 has no setting (trainer-formats.md §1, §8)
    text_encoder_stop: bool = False
    # where the trainer has no stop: how this config leaves the text encoder out, and how it trains it, in the
    # trainer's own keys for the script that reads it (None where that is not known)
    text_encoder_switch: tuple[str, str] | None = None


class Workspace(Protocol):
    """What an adapter may look at beyond its own file, inside the repository only (the engine
    enforces the bound: a path out of the repository, a symlink out of it, a missing or unreadable
    file all answer None). Paths are relative to the config's folder or absolute, as the trainer
    would resolve them."""

    def read(self, path: str, format_name: str) -> Document | None:
        """Another file the config points at (a dataset config, a concepts file), read by that format."""

    def count_images(self, folder: str, recursive: bool = False, suffixes: frozenset[str] | None = None) -> int | None:
        """Image files directly in `folder` (or below, when recursive); None when not countable."""

    def subfolders(self, folder: str) -> list[str] | None:
        """The names of the folders in `folder` (kohya's `N_name` layout); None when not listable."""


class InputFormat(Protocol):
    name: str  # one of FORMAT_NAMES
    suffixes: tuple[str, ...]  # file suffixes a folder search offers it, lower case with the dot (".json")

    def detect(self, raw: bytes, suffix: str) -> bool: ...

    def read(self, raw: bytes, file: str, limits: Limits) -> Document: ...

    def adapt(self, doc: Document, workspace: Workspace, hints: Hints) -> Adapted | None:
        """None (`NOT_MINE`) when the document turns out not to be this format's after all."""


NOT_MINE = None


# `# trainlint: training_type=subject preset=sdxl/subject` in a YAML, TOML or shell comment
_DIRECTIVE = re.compile(r"#[ \t]*trainlint[ \t]*:[ \t]*((?:(?:training_type|preset)[ \t]*=[ \t]*[^\s#]+[ \t]*)+)")
_SETTING = re.compile(r"(training_type|preset)[ \t]*=[ \t]*([^\s#]+)")


def directive_hints(text: str, spans: Mapping[ConfigPath, tuple[Span | None, Span]] | None = None) -> Hints:
    """The training type and preset a `# trainlint:` directive in the file sets (the first of each wins).

    Only a comment counts: a `#` at a line's start or after white space, and, given the document's
    `spans`, not inside a value (`"training_comment": "# trainlint: ..."` in a JSON file, which holds
    no comments, or a quoted string in TOML)."""
    found: dict[str, str] = {}
    values: list[tuple[int, int]] | None = None
    for match in _DIRECTIVE.finditer(text):
        at = match.start()
        if at and not text[at - 1].isspace():
            continue
        if spans is not None:
            if values is None:
                values = [(v.start, v.end) for _, v in spans.values() if v.end - v.start < len(text)]
            if any(start <= at < end for start, end in values):
                continue
        for key, value in _SETTING.findall(match.group(1)):
            found.setdefault(key, value)
    if not found:
        return Hints()
    return Hints(found.get("training_type"), found.get("preset"), "directive")


def number(value: Any) -> float | None:
    """A usable number as a trainer's own reader would take it from JSON, TOML or YAML data:
    ints and floats, not booleans; strings are not numbers here (adapters decide per trainer)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        read = float(value)
    except OverflowError:  # an integer beyond any float
        return None
    return read if math.isfinite(read) else None


def samples_per_step(
    values: dict[str, TrainerValue],
    batch: float | None,
    accumulation: float | None,
    key: str,
    path: ConfigPath | None,
    how: str,
    batch_at: tuple[str, ConfigPath | None] | None = None,
    accumulation_at: tuple[str, ConfigPath | None] | None = None,
) -> None:
    """Record how many images one of the trainer's steps shows (`values["samples_per_step"]`: batch size x the
    batches a step accumulates), where both are known and above 1 together: the presets' steps are for a batch
    of one, so the steps rules compare samples seen per image (trainer-formats.md section 0). Unknown or 1:
    nothing recorded, a step counts as one image, as before the file says otherwise. The two factors are
    recorded beside it, each at its own key (`batch_at`, `accumulation_at`; by default the product's)."""
    if batch is None or accumulation is None or not (1 <= batch <= 1 << 20 and 1 <= accumulation <= 1 << 20):
        return  # unknown, or beyond any trainer's memory: a step counts as one image
    if batch * accumulation > 1:
        values[SAMPLES_PER_STEP] = TrainerValue(float(batch * accumulation), "derived", key, path, how)
        for name, number, (at_key, at_path) in (
            (BATCH_SIZE, batch, batch_at or (key, path)),
            (GRADIENT_ACCUMULATION, accumulation, accumulation_at or (key, None)),
        ):
            values[name] = TrainerValue(float(number), "derived", at_key, at_path, how)


def for_one_process(why: str) -> str:
    """What a step count from epochs says where the file does not give the number of processes (GPUs), which
    divide each epoch's batches among them: the count is for one process, and that is a statement, not a
    guess. sd-scripts, kohya_ss and diffusers word it alike (docs/trainers/)."""
    return f"for one process ({why}); with N processes an epoch has about N times fewer steps"


_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def json_number(text: str) -> str | None:
    """A number written as text, as a hint shows it in a JSON file: the number Python's float() reads in
    it, as JSON can hold it (a whole number without a fraction or thousands separator, else the author's
    spelling when it is JSON's, else Python's shortest spelling); None when float() reads no finite number."""
    try:
        value = float(text)
    except (ValueError, OverflowError):
        return None
    if not math.isfinite(value):
        return None
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    written = text.strip()
    return written if _JSON_NUMBER.fullmatch(written) else repr(value)


Reader = Callable[[bytes, str, Limits], Document]


def any_of(tokens: tuple[bytes, ...]) -> "re.Pattern[bytes]":
    """A pattern found in a file exactly when one of `tokens` is in it: one pass over the bytes for a
    format's byte test, where `any(token in raw for token in tokens)` makes one per token."""
    return re.compile(b"|".join(re.escape(token) for token in tokens))


def each_of(tokens: tuple[bytes, ...]) -> "re.Pattern[bytes]":
    """A pattern whose `findall` gives each of `tokens` found in a file (once per place), in one pass:
    the distinct ones are the tokens `token in raw` finds. Every token must start with `"` and hold no
    other: the match takes the quote only and looks ahead for the rest, so places may overlap, and at
    most one token fits a place."""
    assert all(token.startswith(b'"') and b'"' not in token[1:-1] for token in tokens), tokens
    return re.compile(b'"(?=(' + b"|".join(re.escape(token[1:]) for token in tokens) + b"))")
