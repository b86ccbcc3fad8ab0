"""`trainlint init`: a new config from a preset, already bound to the schema for editors.

By default the first line is a yaml-language-server modeline naming the repository's own
copy of the schema (`.trainlint/v1/config.schema.json`, written when missing or out of date,
as `trainlint schema --write` does), relative to the new file because the server resolves a
relative modeline from the file's own folder: VS Code (YAML extension), Neovim, Helix and
JetBrains IDEs then complete, document and check the file offline, in every clone. `--editor
vscode` binds by file name instead, in `.vscode/settings.json` (`yaml.schemas`), and writes no
modeline. `--schema URL|PATH` names another schema: the published URL, or a local file.

The training values are written as comments showing the preset's values, for the images the
dataset folder holds when it exists: a config that sets nothing is exactly the preset, and
uncommenting a key is how a user starts tuning. A built-in preset is pinned (`sdxl/style@1`),
so a later catalog version never changes what an existing config trains; a repository preset
file is named relative to the new config, as `check` resolves it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

import yaml  # type: ignore[import-untyped,unused-ignore]

from . import editor_schema, vscode_settings
from .catalog import TRAINING_KEYS, Preset, ValueSpec, catalog, is_file_ref, resolve
from .effective import scan_dataset
from .errors import InitError, PresetError
from .inputs.yaml_reader import load_text
from .paths import from_cwd, is_inside
from .repository import repo_root
from .settings import Settings
from .text import did_you_mean, printable

DEFAULT_PRESET = "sdxl/style"
DEFAULT_FILE = "config.trainlint.yaml"
SUFFIX = ".trainlint.yaml"  # the SchemaStore entry's fileMatch binds these names without a modeline
PATTERNS = ["*.trainlint.yaml", "*.trainlint.yml"]  # that fileMatch, for `--editor vscode`
EDITORS = ("modeline", "vscode")


class NewConfig(NamedTuple):
    path: Path
    text: str
    preset: str
    images: int | None = None  # counted in the dataset folder (None: no folder there)


def yaml_number(value: float) -> str:
    """A number both YAML 1.1 and 1.2 readers read as one: `350`, `0.15`, `1.0e-4` (never `1e-4`)."""
    if float(value).is_integer() and abs(value) >= 1:
        return str(int(value))
    if value and abs(value) < 0.01:
        mantissa, exponent = f"{value:e}".split("e")
        mantissa = mantissa.rstrip("0")
        return f"{mantissa}0e{int(exponent)}" if mantissa.endswith(".") else f"{mantissa}e{int(exponent)}"
    return repr(float(value))


def _modeline(target: Path, schema_ref: str) -> str:
    """A URL as given; a local schema file relative to the new file's folder (it must exist)."""
    if "://" in schema_ref:
        return schema_ref
    local = Path(schema_ref).resolve()
    if not local.is_file():
        raise InitError(f"schema file {schema_ref} not found")
    return _relative(local, target)


def _relative(path: Path, target: Path) -> str:
    """`path` as the new file names it: relative to its folder, with forward slashes."""
    return Path(os.path.relpath(path.resolve(), target.resolve().parent)).as_posix()


_SAMPLE_IMAGES = 10  # for commented values that depend on the image count, when no images are there yet


def _training_lines(preset: Preset, images: int | None = None) -> list[str]:
    """The preset's values as commented YAML, each still valid once uncommented; values that depend
    on the image count are shown for `images` (the dataset folder's), else for a sample count."""
    shown_for, counted = (images, "the dataset's") if images else (_SAMPLE_IMAGES, "shown for")
    lines = []
    for key in TRAINING_KEYS:
        spec: ValueSpec | None = preset.values.get(key)
        if spec is None:
            continue
        if key == "steps" and spec.per_image is not None and not spec.base:
            entry, note = f"steps_per_image: {yaml_number(spec.per_image)}", ""
        elif spec.depends_on_images:
            value = spec.at(shown_for) or 0
            entry, note = f"{key}: {yaml_number(value)}", f"{spec.describe()}; {counted} {shown_for} images"
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
    images: int | None = None,
    modeline: bool = True,
) -> NewConfig:
    """The text of a new config; raises InitError for an unknown preset or schema file. `schema_ref`:
    the URL or local schema file the modeline names (None: the repository's copy, `editor_schema.SCHEMA_FILE`,
    which `run` writes); no modeline with `modeline=False`. `images`: the dataset folder's count."""
    root = repo_root(path.parent)
    preset, written_ref = _preset(preset_name, path, root)
    cat = catalog()
    model = cat.base_models[preset.base_model]["title"]
    kind = cat.training_types[preset.training_type]["title"].lower()
    name = name or default_name(path)
    target = _modeline(path, schema_ref) if schema_ref else _relative(editor_schema.default_path(root), path)
    lines = [
        *([f"# yaml-language-server: $schema={target}"] if modeline else []),
        f"# {model}, {kind} training from the preset {written_ref}; every training value not set",
        "# below is the preset's. `trainlint show FILE` prints them, `trainlint check FILE` checks.",
        "schema_version: 1",
        f"name: {yaml_string(name)}",
        f"base_model: {preset.base_model}",
        f"training_type: {preset.training_type}",
        f"preset: {yaml_string(written_ref)}",
        f"classification: {yaml_string(written_ref)}",
        "dataset:",
        f"  path: {yaml_string(dataset)}  # images (jpg, jpeg, png, webp), a .txt caption beside each",
        "# training:  # uncomment a key to change it (the config then becomes Custom); shown: the preset's values",
        *_training_lines(preset, images),
    ]
    if preset.note:
        lines.insert(3 if modeline else 2, "# " + " ".join(preset.note.split()))
    return NewConfig(path, "\n".join(lines) + "\n", written_ref, images)


def default_name(path: Path) -> str:
    """The file's name without its suffixes; for the generic default file name, its folder's name."""
    stem = path.name.removesuffix(SUFFIX).removesuffix(".trainlint.yml").removesuffix(".yaml").removesuffix(".yml")
    if stem in ("", "config"):
        stem = path.resolve().parent.name
    return stem or "my-model"


def _preset(ref: str, path: Path, root: Path) -> tuple[Preset, str]:
    """A built-in preset (pinned) or a repository preset file (a path from the working folder, named
    relative to the new config); InitError when it cannot be used."""
    if not is_file_ref(ref):
        preset = catalog().get(ref)
        if preset is None:
            raise InitError(f"unknown preset {ref!r}{did_you_mean(ref, catalog().refs())} (see `trainlint presets`)")
        return preset, preset.ref
    try:
        preset = resolve(ref, Path.cwd(), root, limits=Settings().limits)
    except PresetError as exc:
        raise InitError(str(exc)) from None
    return preset, _relative(Path(preset.origin), path)


def yaml_string(text: str) -> str:
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
    path: str | None,
    preset: str | None,
    schema_ref: str | None,
    name: str | None,
    dataset: str,
    force: bool,
    editor: str = "modeline",
) -> tuple[NewConfig, str]:
    """What `trainlint init` does: render, write the config and the editor binding, say what to do next."""
    if schema_ref is not None and editor == "vscode":
        raise InitError("--schema names the schema of a modeline; --editor vscode binds by file name, with no modeline")
    target = Path(path or DEFAULT_FILE)
    if target.is_dir() or (not target.exists() and target.suffix.lower() not in (".yaml", ".yml")):
        target = target / DEFAULT_FILE  # a folder, or one to make: a name without a YAML suffix is no config's
    if target.exists() and not force:
        raise InitError(f"{target} exists; pass --force to overwrite it")
    root = repo_root(target.parent)
    found = scan_dataset({"path": dataset}, target.parent, Settings().limits.max_dataset_files, root)
    images = found.found if found.exists and not found.truncated else None
    config = render(target, preset or DEFAULT_PRESET, schema_ref, name, dataset, images, editor != "vscode")
    bound = _bind(target, root, schema_ref, editor)
    try:
        write(config, force)
    except FileExistsError:
        raise InitError(f"{target} exists; pass --force to overwrite it") from None
    shown, folder = printable(str(target)), printable(dataset)  # as given on the command line: anyone's to choose
    if images:
        counted = f"{images} image{'' if images == 1 else 's'} in {folder}"
        uncaptioned = len(found.uncaptioned)
        captions = f", {uncaptioned} without a caption" if uncaptioned else ""
        next_step = f"found {counted}{captions}; next: `trainlint check {shown}`\n"
    else:
        next_step = (
            f"next: put the images in {folder} (beside {printable(target.name)}), then `trainlint check {shown}`\n"
        )
    return config, f"wrote {shown} from preset {printable(config.preset)}\n{bound}{next_step}"


def _bind(target: Path, root: Path, schema_ref: str | None, editor: str) -> str:
    """Write the repository's schema copy and, for VS Code, the settings that map it; what was done."""
    if schema_ref is not None and editor != "vscode":
        return ""
    copy = editor_schema.default_path(root)
    if not is_inside(copy, root):  # `.trainlint` is a symlink out of the repository
        raise InitError(f"{editor_schema.SCHEMA_FILE} leads out of the repository; not written")
    try:
        wrote = editor_schema.write(copy)
    except ValueError as exc:
        raise InitError(str(exc)) from None
    except OSError as exc:
        raise InitError(f"cannot write {editor_schema.SCHEMA_FILE}: {exc.strerror or exc}") from None
    said = f"{'wrote' if wrote else 'kept'} the schema for editors: {printable(from_cwd(copy))}\n"
    if editor != "vscode":
        return said
    patterns = list(PATTERNS)
    if not target.name.lower().endswith((".trainlint.yaml", ".trainlint.yml")):
        patterns.append(Path(os.path.relpath(target.resolve(), root.resolve())).as_posix())
    settings = root / vscode_settings.SETTINGS_FILE
    if not is_inside(settings, root):
        raise InitError(f"{vscode_settings.SETTINGS_FILE} leads out of the repository; not written")
    changed = vscode_settings.bind(root, "./" + editor_schema.SCHEMA_FILE, patterns)
    return said + f"{'bound' if changed else 'already bound'} in {printable(from_cwd(settings))} (`yaml.schemas`)\n"
