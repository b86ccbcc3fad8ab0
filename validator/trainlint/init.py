"""`trainlint init`: a new config from a built-in preset, already bound to the schema.

The first line is the yaml-language-server modeline, so VS Code (YAML extension),
Neovim, Helix and JetBrains IDEs complete, document and check the file with no
plugin of ours. By default it names the published schema URL (the schema's `$id`):
that works wherever the file is moved or copied. `--schema PATH` names a local copy
instead, written relative to the new file because the language server resolves a
relative modeline from the file's own folder; use it offline or with a vendored
schema.

The training values are written as comments showing the preset's values: a config
that sets nothing is exactly the preset, and uncommenting a key is how a user
starts tuning. The preset is pinned (`sdxl/style@1`), so a later catalog version
never changes what an existing config trains.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

import yaml  # type: ignore[import-untyped,unused-ignore]

from .catalog import TRAINING_KEYS, Preset, ValueSpec, catalog
from .errors import InitError
from .inputs.yaml_reader import load_text
from .resources import schema
from .text import printable

DEFAULT_PRESET = "sdxl/style"
DEFAULT_FILE = "config.trainlint.yaml"
SUFFIX = ".trainlint.yaml"  # the SchemaStore entry's fileMatch binds these names without a modeline


class NewConfig(NamedTuple):
    path: Path
    text: str
    preset: str


def yaml_number(value: float) -> str:
    """A number both YAML 1.1 and 1.2 readers read as one: `350`, `0.15`, `1.0e-4` (never `1e-4`)."""
    if float(value).is_integer() and abs(value) >= 1:
        return str(int(value))
    if value and abs(value) < 0.01:
        mantissa, exponent = f"{value:e}".split("e")
        mantissa = mantissa.rstrip("0")
        return f"{mantissa}0e{int(exponent)}" if mantissa.endswith(".") else f"{mantissa}e{int(exponent)}"
    return repr(float(value))


def _modeline(target: Path, schema_ref: str | None) -> str:
    if schema_ref is None:
        return str(schema(1)["$id"])
    if "://" in schema_ref:
        return schema_ref
    local = Path(schema_ref).resolve()
    if not local.is_file():
        raise InitError(f"schema file {schema_ref} not found")
    return Path(os.path.relpath(local, target.resolve().parent)).as_posix()


_SAMPLE_IMAGES = 10  # for commented values that depend on the image count


def _training_lines(preset: Preset) -> list[str]:
    """The preset's values as commented YAML, each still valid once uncommented."""
    lines = []
    for key in TRAINING_KEYS:
        spec: ValueSpec | None = preset.values.get(key)
        if spec is None:
            continue
        if key == "steps" and spec.per_image is not None and not spec.base:
            entry, note = f"steps_per_image: {yaml_number(spec.per_image)}", ""
        elif spec.depends_on_images:
            value = spec.at(_SAMPLE_IMAGES) or 0
            entry, note = f"{key}: {yaml_number(value)}", f"{spec.describe()}; shown for {_SAMPLE_IMAGES} images"
        else:
            entry, note = f"{key}: {yaml_number(spec.value or 0)}", ""
        lines.append(f"#   {entry}" + (f"  # {note}" if note else ""))
    return lines


def render(
    path: Path,
    preset_name: str = DEFAULT_PRESET,
    schema_ref: str | None = None,
    name: str | None = None,
    dataset: str = "./data",
) -> NewConfig:
    """The text of a new config; raises InitError for an unknown preset or schema file."""
    cat = catalog()
    preset = cat.get(preset_name)
    if preset is None or preset.origin != "built-in":
        raise InitError(f"unknown preset {preset_name!r} (see `trainlint presets`)")
    model = cat.base_models[preset.base_model]["title"]
    kind = cat.training_types[preset.training_type]["title"].lower()
    name = name or path.name.removesuffix(SUFFIX).removesuffix(".yaml").removesuffix(".yml") or "my-model"
    lines = [
        f"# yaml-language-server: $schema={_modeline(path, schema_ref)}",
        f"# {model}, {kind} training from the preset {preset.ref}; every training value not set",
        "# below is the preset's. `trainlint show FILE` prints them, `trainlint check FILE` checks.",
        "schema_version: 1",
        f"name: {_yaml_string(name)}",
        f"base_model: {preset.base_model}",
        f"training_type: {preset.training_type}",
        f"preset: {preset.ref}",
        f"classification: {preset.ref}",
        "dataset:",
        f"  path: {_yaml_string(dataset)}  # images (jpg, jpeg, png, webp), a .txt caption beside each",
        "# training:  # uncomment a key to change it (the config then becomes Custom); shown: the preset's values",
        *_training_lines(preset),
    ]
    if preset.note:
        lines.insert(3, f"# {preset.note}")
    return NewConfig(path, "\n".join(lines) + "\n", preset.ref)


def _yaml_string(text: str) -> str:
    """Plain when YAML 1.1 (PyYAML) and 1.2 (trainlint) both read it as this string, else double-quoted."""
    line = f"v: {text}"
    try:
        same = yaml.safe_load(line) == {"v": text} and load_text(line).data == {"v": text}
    except yaml.YAMLError:
        same = False
    return text if same and "#" not in text else json.dumps(text, ensure_ascii=False)


def write(config: NewConfig, force: bool = False) -> None:
    """Create the file; never overwrite one unless asked."""
    config.path.parent.mkdir(parents=True, exist_ok=True)
    with open(config.path, "w" if force else "x", encoding="utf-8", newline="\n") as handle:
        handle.write(config.text)


def run(
    path: str | None, preset: str | None, schema_ref: str | None, name: str | None, dataset: str, force: bool
) -> tuple[NewConfig, str]:
    """What `trainlint init` does: render, write, and say what to do next."""
    target = Path(path or DEFAULT_FILE)
    if target.is_dir():
        target = target / DEFAULT_FILE
    config = render(target, preset or DEFAULT_PRESET, schema_ref, name, dataset)
    try:
        write(config, force)
    except FileExistsError:
        raise InitError(f"{target} exists; pass --force to overwrite it") from None
    shown, folder = printable(str(target)), printable(dataset)  # as given on the command line: anyone's to choose
    return config, (
        f"wrote {shown} from preset {config.preset}\n"
        f"next: put the images in {folder} (beside {printable(target.name)}), "
        f"then `trainlint check {shown}`\n"
    )
