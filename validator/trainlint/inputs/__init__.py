"""Input formats: trainlint's own YAML and the trainers' configs, each read with positions and
mapped to trainlint's effective values (see base.py for the seam).

The registry below is one table: a format's name, the module that implements it (imported the
first time a file of its suffixes is met, so a run over YAML files never imports the shell
reader) and the suffixes a folder search offers it. Detection asks trainlint's own marker first,
then each trainer format in `DETECTION_ORDER`: the more specific signatures first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import InputFormat

# the names used everywhere: CLI (`--input-format`), configuration, JSON output, docs; here rather than in
# base.py, whose records cost milliseconds to define, so a run served from the results cache never loads it
FORMAT_NAMES = (
    "trainlint",
    "kohya_ss",
    "sd-scripts",
    "ai-toolkit",
    "onetrainer",
    "simpletuner",
    "diffusers",
    "scenario",
)

# name -> (module under trainlint.inputs, suffixes a folder search offers it)
TRAINER_FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "scenario": ("scenario", (".json",)),
    "onetrainer": ("onetrainer", (".json",)),
    "simpletuner": ("simpletuner", (".json", ".toml", ".env")),
    "kohya_ss": ("kohya_ss", (".json",)),
    "ai-toolkit": ("ai_toolkit", (".yaml", ".yml", ".json", ".jsonc")),
    "sd-scripts": ("sd_scripts", (".toml", ".json", ".sh", ".bash")),
    "diffusers": ("diffusers", (".sh", ".bash")),
}
DETECTION_ORDER = tuple(TRAINER_FORMATS)
TRAINLINT_SUFFIXES = (".yaml", ".yml")
# every suffix a folder search looks at; other files are never opened
SEARCHED_SUFFIXES = tuple(sorted({*TRAINLINT_SUFFIXES, *(s for _, sfx in TRAINER_FORMATS.values() for s in sfx)}))

assert set(FORMAT_NAMES) == {"trainlint", *TRAINER_FORMATS}, "FORMAT_NAMES and the registry must agree"

_LOADED: dict[str, InputFormat] = {}


def trainer_format(name: str) -> InputFormat:
    """The trainer format of that name (KeyError for an unknown name)."""
    if name not in _LOADED:
        module = importlib.import_module(f".{TRAINER_FORMATS[name][0]}", __name__)
        _LOADED[name] = module.FORMAT
    return _LOADED[name]


# suffix -> the formats offered a file of it, in DETECTION_ORDER, loaded when a file of it first asks
_OFFERED: dict[str, tuple[InputFormat, ...]] = {}


def detect_trainer(raw: bytes, suffix: str) -> InputFormat | None:
    """The first trainer format whose content test claims the file, among those offered its suffix."""
    suffix = suffix.lower()
    formats = _OFFERED.get(suffix)
    if formats is None:
        names = (name for name in DETECTION_ORDER if suffix in TRAINER_FORMATS[name][1])
        formats = _OFFERED[suffix] = tuple(trainer_format(name) for name in names)
    for fmt in formats:
        if fmt.detect(raw, suffix):
            return fmt
    return None


def describe_formats() -> str:
    """The formats as an error message lists them."""
    return ", ".join(FORMAT_NAMES)
