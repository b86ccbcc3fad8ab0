"""`trainlint import`: a trainer's config as a trainlint config.

The trainer's file is read and adapted as `check` reads it (engine.adapt_trainer: the training type
and preset from a `# trainlint:` directive, else the command line). The config starts from the
built-in preset of its base model and training type, holds under `training` only the values that
differ from that preset, is classified as `fix` would classify it (Custom when any value differs,
else the preset's name), takes the dataset folder from the trainer's dataset settings, and names
the source file in a comment. Every setting of the source that the trainlint format has no key for
(the optimizer, the rank, the resolution, ...) is listed in a comment block with its value, and
every value the file does not determine is said, so nothing is lost without a word.
"""

from __future__ import annotations

import json
import math
import os
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from .catalog import TRAINING_KEYS, Preset, catalog
from .diagnostics import ConfigPath, fmt_number
from .document import Document
from .effective import adaptive_optimizer
from .engine import adapt_trainer, trainer_data
from .errors import UsageError
from .init import yaml_number, yaml_string
from .inputs.base import (
    ADAPTIVE_OPTIMIZER,
    BATCH_SIZE,
    GRADIENT_ACCUMULATION,
    SAMPLES_PER_STEP,
    UNSUPPORTED_MODEL,
    Adapted,
    InputFormat,
    Workspace,
)
from .inputs.workspace import FolderWorkspace
from .repository import read_candidate, repo_root
from .settings import Settings
from .text import printable

SCHEMA_URL = "https://trainlint.dev/schema/v1/config.schema.json"
SUFFIX = ".trainlint.yaml"
# the comment block lists at most this many settings, then says how many more there are
MAX_LISTED = 2000
_MAX_SHOWN = 200  # characters of one listed value


class Imported(NamedTuple):
    """A trainlint config made from a trainer's file."""

    text: str
    preset: str
    training: dict[str, float]  # what differs from the preset
    run: dict[str, str]  # how the run shows its images and its optimizer, outside the preset: key -> YAML value
    unknown: dict[str, str]  # trainlint keys the file does not determine, with why
    kept: list[tuple[str, str]]  # the source's settings the format has no key for: (path, value as written)
    used: frozenset[str]  # the source's settings the config holds (training values, dataset), as dotted paths


class NotATrainerConfig(UsageError):
    """A file no trainer format claims (a folder import passes over it)."""


def import_file(path: Path, display: str, settings: Settings, out_dir: Path, explicit: bool = True) -> Imported:
    """The trainlint config of one trainer file; UsageError when it cannot be made (no training type,
    a model family without presets), NotATrainerConfig for a file no trainer format claims. `explicit`:
    named on the command line (else found in a folder: a symlink out of the repository is not read)."""
    try:
        candidate = read_candidate(path, settings, explicit=explicit)
    except OSError as exc:
        raise UsageError(f"{display}: cannot read: {exc.strerror or exc}") from None
    if candidate is None or candidate.trainer is None:
        raise NotATrainerConfig(f"{display}: not a trainer's config")
    fmt = candidate.trainer
    doc = fmt.read(candidate.raw, display, settings.limits)
    root = settings.root or repo_root(path.parent)
    workspace = FolderWorkspace(path.parent, root, settings.limits)
    trainer = adapt_trainer(doc, fmt, workspace, settings) if trainer_data(doc) else None
    if trainer is None:
        problem = doc.findings[0].message if doc.findings else f"not a {fmt.name} config"
        raise UsageError(f"{display}: cannot be read: {problem}")
    adapted, _, findings = trainer
    if findings:
        raise UsageError(f"{display}: {findings[0].message}")
    return build(doc, fmt, adapted, workspace, display, path.parent, out_dir)


def build(
    doc: Document,
    fmt: InputFormat,
    adapted: Adapted,
    workspace: Workspace,
    display: str,
    source_dir: Path,
    out_dir: Path,
) -> Imported:
    cat = catalog()
    if adapted.base_model is None:
        unsupported = next((n for n in adapted.notes if n.kind == UNSUPPORTED_MODEL), None)
        if unsupported is not None:
            raise UsageError(f"{display}: trains a model family trainlint has no presets for ({unsupported.message})")
        raise UsageError(f"{display}: does not say which base model it trains (SD 1.5, SDXL or FLUX.1)")
    if adapted.method == "full":
        raise UsageError(f"{display}: a full fine-tune; trainlint's presets are LoRA presets")
    preset: Preset | None = cat.get(adapted.preset) if adapted.preset else None
    training_type = adapted.training_type or (preset.training_type if preset else None)
    if training_type is None:
        raise UsageError(
            f"{display}: no training type: pass --training-type (style, subject, character, object) "
            "or add a `# trainlint: training_type=...` comment"
        )
    if preset is None:
        preset = cat.get(f"{adapted.base_model}/{training_type}")
    assert preset is not None
    folders = dataset_folders(fmt.name, doc.data, workspace)
    images = adapted.images
    base = preset.at(images)
    adaptive = next((n for n in adapted.notes if n.kind == ADAPTIVE_OPTIMIZER), None)
    training: dict[str, float] = {}
    unknown: dict[str, str] = {}
    used: set[ConfigPath] = set()
    run, origins = _run_settings(adapted, doc.data, used)
    if "optimizer" in run:
        adaptive = None  # the optimizer is written: its multipliers are the config's learning rates
    for key in TRAINING_KEYS:
        value = adapted.values.get(key)
        if value is not None and value.path is not None:
            used.add(value.path)
        if value is None or value.value is None:
            if key == "learning_rate_text_encoder" and _not_trained(adapted):
                continue  # no rate for a part that does not train: the preset's stands, unused
            unknown[key] = value.note if value is not None else "the trainer has no such setting"
            continue
        if key.startswith("learning_rate") and adaptive is not None:
            unknown[key] = f"{fmt_number(value.value)} is a multiplier of the adaptive optimizer, not a rate"
            continue
        number: float = value.value
        problem = _unheld(key, number)
        if problem is not None:
            unknown[key] = f"{fmt_number(number)} from {value.key}: {problem}"
            continue
        if key == "steps":
            number = float(round(number))
        if base.get(key) is None or not math.isclose(number, base[key] or 0.0, rel_tol=1e-9, abs_tol=1e-12):
            training[key] = number
    dataset_lines, dataset_paths = _dataset(folders, images, source_dir, out_dir)
    used.update(dataset_paths)
    kept = [(shown, text) for shown, text in _leaves(doc.data) if not _covered(shown, used)]
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(display).stem).strip("-") or "imported"
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_URL}",
        f"# imported from {_comment(display)} ({fmt.name}) by `trainlint import`",
        "schema_version: 1",
        f"name: {yaml_string(name)}",
        f"base_model: {preset.base_model}",
        f"training_type: {training_type}",
        f"preset: {preset.ref}",
        f"classification: {'Custom' if _deviates(training, base, run) else preset.ref}",
        *dataset_lines,
    ]
    if training or run:
        lines.append("training:")
        for key, number in training.items():
            source = adapted.values[key]
            lines.append(f"  {key}: {yaml_number(number)}  # {_comment(str(source.key or fmt.name))}")
        lines += [f"  {key}: {shown}  # {_comment(origins[key])}" for key, shown in run.items()]
    if unknown:
        lines.append("# not determined by the source file (the preset's values stand):")
        lines += [f"#   {key}: {_comment(why)}" for key, why in unknown.items()]
    if kept:
        lines.append(f"# settings of {_comment(display)} the trainlint format has no key for:")
        lines += [f"#   {shown}: {text}" for shown, text in kept[:MAX_LISTED]]
        if len(kept) > MAX_LISTED:
            lines.append(f"#   ... and {len(kept) - MAX_LISTED} more")
    return Imported("\n".join(lines) + "\n", preset.ref, training, run, unknown, kept, frozenset(map(_dotted, used)))


def _deviates(training: dict[str, float], base: dict[str, float | None], run: dict[str, str]) -> bool:
    """Whether the config is Custom as `check` judges it: a value other than the preset's, the steps compared as
    the images they show (steps x batch_size x gradient_accumulation_steps), which the presets count one a step."""
    samples = math.prod(int(run.get(key, "1")) for key in (BATCH_SIZE, GRADIENT_ACCUMULATION))
    for key, number in training.items():
        preset = base.get(key)
        shown = number * samples if key == "steps" else number
        if preset is None or not math.isclose(shown, preset, rel_tol=1e-9, abs_tol=1e-12):
            return True
    return False


def _run_settings(adapted: Adapted, data: Any, used: set[ConfigPath]) -> tuple[dict[str, str], dict[str, str]]:
    """How the source's run shows its images (batch size and accumulation, where they make more than one image
    a step) and its optimizer where it is adaptive, as trainlint's keys (outside the preset: they make no config
    Custom), with the source's key each comes from; their paths join `used`. An adaptive optimizer whose name
    stands in no key of its own (a flag among kohya_ss's additional_parameters, sd-scripts' Adafactor with its
    relative step) is not written: the learning rates then stay out as multipliers (the caller says so)."""
    run: dict[str, str] = {}
    origins: dict[str, str] = {}
    if adapted.values.get(SAMPLES_PER_STEP) is not None:
        for key in (BATCH_SIZE, GRADIENT_ACCUMULATION):
            value = adapted.values.get(key)
            if value is None or value.value is None or value.value <= 1 or not float(value.value).is_integer():
                continue
            run[key], origins[key] = str(int(value.value)), str(value.key or adapted.input_format)
            if value.path is not None:
                used.add(value.path)
    note = next((n for n in adapted.notes if n.kind == ADAPTIVE_OPTIMIZER), None)
    if note is not None:
        name = _at(data, note.path)
        if isinstance(name, str) and re.fullmatch(r"[\w.\-]{1,100}", name) and adaptive_optimizer(name):
            run["optimizer"], origins["optimizer"] = yaml_string(name), _dotted(note.path)
            used.add(note.path)
    return run, origins


def _at(data: Any, path: ConfigPath) -> Any:
    """The value at `path` in the source's data, or None."""
    for step in path:
        if isinstance(data, dict) and step in data:
            data = data[step]
        elif isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
        else:
            return None
    return data


def _unheld(key: str, value: float) -> str | None:
    """Why the trainlint format cannot hold a value a trainer trains with (the schema's bounds), or None."""
    if key == "steps" and not 1 <= round(value) <= 100_000:
        return "the trainlint format holds 1 to 100,000 steps"
    if key.startswith("learning_rate") and not 0 < value <= 1:
        return "the trainlint format holds a rate above 0, at most 1"
    if key == "text_encoder_ratio" and not 0 <= value <= 1:
        return "the trainlint format holds a share from 0 to 1"
    return None


def _not_trained(adapted: Adapted) -> bool:
    ratio = adapted.values.get("text_encoder_ratio")
    return ratio is not None and ratio.value == 0


def _comment(text: str) -> str:
    """Text on one comment line, shown as a terminal shows it (no line break ends the comment early)."""
    return printable(text.replace("\n", " ").replace("\r", " "))


# --- the dataset -----------------------------------------------------------------------------------


def dataset_folders(name: str, data: Any, workspace: Workspace) -> list[tuple[str, ConfigPath]]:
    """The folders of training images the trainer's dataset settings name, relative to the file, with
    the key each stands at (regularisation, validation and cache folders left out)."""
    if not isinstance(data, dict):
        return []
    if name in ("kohya_ss", "sd-scripts"):
        flat = _flat(data)
        config = flat.get("dataset_config")
        if isinstance(config, str) and config:
            other = workspace.read(config, "sd-scripts")
            datasets = other.data.get("datasets") if other is not None and isinstance(other.data, dict) else None
            return [
                (subset["image_dir"], ("dataset_config",))
                for dataset in datasets or []
                if isinstance(dataset, dict)
                for subset in dataset.get("subsets") or []
                if isinstance(subset, dict) and isinstance(subset.get("image_dir"), str) and not subset.get("is_reg")
            ]
        train = flat.get("train_data_dir")
        if isinstance(train, str) and train:
            # kohya's layout: N_name subfolders, N the repeats (library/config_util.py:607-644)
            subs = [s for s in workspace.subfolders(train) or [] if re.match(r"[0-9]+_", s)]
            return [(posixpath.join(train, s), _key_path(data, "train_data_dir")) for s in subs]
        return []
    if name == "ai-toolkit":
        process = data.get("config", {}).get("process") if isinstance(data.get("config"), dict) else None
        if not isinstance(process, list) or not process or not isinstance(process[0], dict):
            return []
        datasets = process[0].get("datasets")
        return [
            (d["folder_path"], ("config", "process", 0, "datasets", i, "folder_path"))
            for i, d in enumerate(datasets if isinstance(datasets, list) else [])
            if isinstance(d, dict) and isinstance(d.get("folder_path"), str) and not d.get("is_reg")
        ]
    if name == "onetrainer":
        concepts: Any = data.get("concepts")
        where: ConfigPath = ("concepts",)
        if not isinstance(concepts, list) and isinstance(data.get("concept_file_name"), str):
            other = workspace.read(data["concept_file_name"], "onetrainer")
            concepts, where = (other.data if other is not None else None), ("concept_file_name",)
        return [
            (c["path"], (*where, i, "path") if where == ("concepts",) else where)
            for i, c in enumerate(concepts if isinstance(concepts, list) else [])
            if isinstance(c, dict)
            and isinstance(c.get("path"), str)
            and c.get("enabled", True)
            and c.get("type", "STANDARD") == "STANDARD"
        ]
    if name == "simpletuner":
        flat = {str(k).lstrip("-"): v for k, v in data.items()}
        listed = flat.get("data_backend_config")
        if not isinstance(listed, str):
            return []
        for prefix in ("", "../", "../../"):  # SimpleTuner's folder holds config/ (inputs/simpletuner.py)
            other = workspace.read(prefix + listed, "simpletuner")
            if other is not None and isinstance(other.data, list):
                return [
                    (posixpath.join(prefix, b["instance_data_dir"]), ("data_backend_config",))
                    for b in other.data
                    if isinstance(b, dict)
                    and isinstance(b.get("instance_data_dir"), str)
                    and b.get("dataset_type", "image") == "image"
                    and not b.get("disabled")
                ]
        return []
    if name == "diffusers":
        commands = data.get("commands")
        if isinstance(commands, list) and commands and isinstance(commands[0], dict):
            folder = commands[0].get("args", {}).get("--instance_data_dir")
            if isinstance(folder, str):
                return [(folder, ("commands", 0, "args", "--instance_data_dir"))]
    return []


def _flat(data: dict[str, Any]) -> dict[str, Any]:
    """sd-scripts' reading of a TOML: every table's keys at one level (the later wins)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(value)
        else:
            out[key] = value
    return out


def _key_path(data: dict[str, Any], key: str) -> ConfigPath:
    if key in data:
        return (key,)
    return next(((table, key) for table, value in data.items() if isinstance(value, dict) and key in value), (key,))


def _dataset(
    folders: list[tuple[str, ConfigPath]], images: int | None, source_dir: Path, out_dir: Path
) -> tuple[list[str], set[ConfigPath]]:
    """The `dataset` block: the one folder of training images, relative to the new config, else the count."""
    lines = ["dataset:"]
    used = {path for _, path in folders}
    if len(folders) == 1:
        folder = folders[0][0]
        full = source_dir / folder
        rel = Path(os.path.relpath(os.path.abspath(full), os.path.abspath(out_dir))).as_posix()
        lines.append(f"  path: {yaml_string(rel)}")
        if images is not None and not full.is_dir():
            lines.append(f"  images: {images}")
        return lines, used
    if images:
        lines.append(f"  images: {images}")
        if len(folders) > 1:
            lines.append("  # from " + _comment(", ".join(f for f, _ in folders)))
        return lines, used
    return [
        "dataset:  # the source names no folder of training images and no image count: put them here",
        "  path: ./data",
    ], used


# --- what the format has no key for ---------------------------------------------------------------


def _leaves(data: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str, str]]:
    """Every setting of the source as `dotted.path` and its value as JSON writes it, on one line."""
    if isinstance(data, dict) and data:
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list) and data and any(isinstance(item, (dict, list)) for item in data):
        for index, value in enumerate(data):
            yield from _leaves(value, (*path, index))
    elif path:
        text = json.dumps(data, ensure_ascii=False, default=str)
        if len(text) > _MAX_SHOWN:
            text = text[:_MAX_SHOWN] + f"... ({len(text):,} characters)"
        yield _dotted(path), _comment(text)


def _dotted(path: tuple[str | int, ...]) -> str:
    """`config.process[0].train.lr`; a key that is not a plain word is quoted as JSON quotes it."""
    parts = [
        f"[{step}]"
        if isinstance(step, int)
        else step
        if _WORD.fullmatch(step)
        else json.dumps(step, ensure_ascii=False)
        for step in path
    ]
    return _comment(".".join(parts).replace(".[", "["))


_WORD = re.compile(r"[A-Za-z0-9_-]+")


def _covered(shown: str, used: set[ConfigPath]) -> bool:
    return any(shown == _dotted(path) for path in used)


# --- a folder --------------------------------------------------------------------------------------


def output_name(source: Path) -> str:
    """`style.json` -> `style.trainlint.yaml`: the source's name, never read as an option (paths are joined)."""
    return f"{source.stem or source.name}{SUFFIX}"
