"""The preset catalog (data in `schema/presets.yaml`) and repository preset files.

A preset value may depend on the dataset size; `ValueSpec.at(images)` evaluates the
declarative forms of the catalog (fixed value, per image, base plus per image, bands
by image count), so no preset number lives in code.
"""

import functools
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from . import codes, reads
from .diagnostics import fmt_number
from .errors import PresetError
from .resources import data_dir

if TYPE_CHECKING:
    from .document import Document, Limits

TRAINING_KEYS = ("steps", "learning_rate_unet", "learning_rate_text_encoder", "text_encoder_ratio")


class ValueSpec(NamedTuple):
    value: float | None = None
    per_image: float | None = None
    base: float = 0
    bands: tuple[tuple[int | None, float], ...] = ()
    source: str | None = None

    @classmethod
    def parse(cls, raw: Any, source: str | None = None) -> "ValueSpec":
        if not isinstance(raw, dict):
            return cls(value=float(raw), source=source)
        bands = tuple((b.get("max"), float(b["value"])) for b in raw.get("by_images", ()))
        return cls(
            value=None if raw.get("value") is None else float(raw["value"]),
            per_image=raw.get("per_image"),
            base=raw.get("base", 0),
            bands=bands,
            source=raw.get("source", source),
        )

    @property
    def depends_on_images(self) -> bool:
        return self.per_image is not None or bool(self.bands)

    def at(self, images: int | None) -> float | None:
        """The value for a dataset of `images` images (None when it needs a count we lack)."""
        if self.value is not None:
            return self.value
        if images is None:
            return None
        if self.per_image is not None:
            return self.base + self.per_image * images
        for limit, value in self.bands:
            if limit is None or images <= limit:
                return value
        return None

    def band_of(self, value: float) -> tuple[int, int | None] | None:
        """The image counts (first, last; None: no last) of the band whose value is `value`, if any."""
        low = 1
        for limit, band in self.bands:
            if math.isclose(band, value, rel_tol=1e-9):
                return low, limit
            low = (limit or 0) + 1
        return None

    def describe(self) -> str:
        n = fmt_number
        if self.value is not None:
            return n(self.value)
        if self.per_image is not None:
            return f"{n(self.base)} + {n(self.per_image)} per image" if self.base else f"{n(self.per_image)} per image"
        parts, low = [], 1
        for limit, value in self.bands:
            parts.append(f"{n(value)} for {low}-{limit} images" if limit else f"{n(value)} for {low}+ images")
            low = (limit or 0) + 1
        return "; ".join(parts)


class Preset(NamedTuple):
    name: str
    version: int
    base_model: str
    training_type: str
    values: dict[str, ValueSpec]
    note: str | None = None
    origin: str = "built-in"

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}" if self.origin == "built-in" else self.name

    def at(self, images: int | None) -> dict[str, float | None]:
        return {key: spec.at(images) for key, spec in self.values.items()}


class Catalog(NamedTuple):
    sources: dict[str, dict[str, Any]]
    base_models: dict[str, dict[str, Any]]
    training_types: dict[str, dict[str, Any]]
    presets: dict[str, dict[int, Preset]]

    def get(self, ref: str) -> Preset | None:
        """`sdxl/style` is the newest version, `sdxl/style@1` a pinned one."""
        name, _, version = ref.partition("@")
        versions = self.presets.get(name)
        if not versions:
            return None
        if not version:
            return versions[max(versions)]
        number = whole_number(version)
        return None if number is None else versions.get(number)

    def refs(self) -> list[str]:
        """Every name a config may write: plain names first, then pinned ones."""
        plain = list(self.presets)
        pinned = [f"{n}@{v}" for n, versions in self.presets.items() for v in sorted(versions)]
        return plain + pinned

    def denoiser(self, base_model: str | None) -> str:
        """What trains beside the text encoder: a UNet (SD 1.5, SDXL), a transformer (FLUX.1)."""
        return str(self.base_models.get(base_model or "", {}).get("denoiser", "UNet"))

    def is_community(self, source: str | None) -> bool:
        return bool(source and self.sources.get(source, {}).get("community"))


@functools.cache
def catalog() -> Catalog:
    with open(data_dir() / "presets.yaml", encoding="utf-8") as handle:
        raw = yaml.load(handle, Loader=yaml.CSafeLoader)
    cat = Catalog(raw["sources"], raw["base_models"], raw["training_types"], {})
    blocks = raw.get("blocks", {})
    for name, versions in raw["presets"].items():
        for version, entry in versions.items():
            values: dict[str, ValueSpec] = {}
            for block in entry.get("use", ()):
                values.update({k: ValueSpec.parse(v) for k, v in blocks[block].items()})
            values.update({k: ValueSpec.parse(v) for k, v in entry.get("values", {}).items()})
            cat.presets.setdefault(name, {})[int(version)] = Preset(
                name,
                int(version),
                entry["base_model"],
                entry["training_type"],
                values,
                entry.get("note"),
            )
    return cat


def whole_number(text: str) -> int | None:
    """A version written in ASCII digits, or None: `str.isdigit` also takes `²` and `١`, which `int`
    refuses or reads, and thousands of digits, which `int` refuses; a preset version is short."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


# --- repository preset files ----------------------------------------------------------

MAX_EXTENDS_DEPTH = 32


def is_file_ref(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml"))


def resolve(
    ref: str,
    base_dir: Path,
    root: Path | None = None,
    _chain: tuple[Path, ...] = (),
    limits: "Limits | None" = None,
    also: tuple[Path, ...] = (),
) -> Preset:
    """Resolve a built-in name or a repository preset file (following `extends`).

    `root` bounds where preset files may live: a reference that climbs out of the
    repository is refused, as are cycles and chains deeper than MAX_EXTENDS_DEPTH.
    `also` are folders allowed besides it: the configuration's `preset-paths`, which
    may lie outside the repository (a shared folder of house presets).
    """
    if not is_file_ref(ref):
        preset = catalog().get(ref)
        if preset is None:
            close = closest_ref(ref)
            extended = f" (extended by {_chain[-1].name})" if _chain else ""
            raise PresetError(
                codes.UNKNOWN_PRESET,
                f"unknown preset {ref!r}{extended}" + (f"; did you mean `{close}`?" if close else ""),
                hint="`trainlint presets` lists the built-in names; a preset file ends in .yaml or .yml",
            )
        return preset
    try:
        path = (base_dir / ref).resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
        raise PresetError(codes.UNKNOWN_PRESET, f"preset file {ref!r} is a symlink loop") from None
    except ValueError:  # a NUL in the name
        raise PresetError(codes.UNKNOWN_PRESET, f"preset file {ref!r} cannot be a file name") from None
    if root is not None and not any(path.is_relative_to(folder.resolve()) for folder in (root, *also)):
        where = f"the repository ({root}) and the preset-paths folders" if also else f"the repository ({root})"
        raise PresetError(codes.UNKNOWN_PRESET, f"preset file {ref!r} is outside {where}")
    reads.looked_at(reads.FILE, path)  # there or not: a file that appears later changes the verdict
    if path in _chain:
        cycle = " -> ".join(p.name for p in (*_chain, path))
        raise PresetError(codes.PRESET_CYCLE, f"preset files extend each other in a cycle: {cycle}")
    if len(_chain) >= MAX_EXTENDS_DEPTH:
        raise PresetError(codes.PRESET_CYCLE, f"preset `extends` chain deeper than {MAX_EXTENDS_DEPTH} files")
    if not is_file(path):
        if _chain:
            raise PresetError(
                codes.PRESET_PARENT_MISSING,
                f"preset file {ref!r} not found (extended by {_chain[-1].name}, looked in {_shown(path.parent)})",
                hint="fix `extends` in that file (a path relative to it)" + _slashes(ref),
            )
        looked = [base_dir, *(folder for folder in also if folder != base_dir)]
        raise PresetError(
            codes.UNKNOWN_PRESET,
            f"preset file {ref!r} not found; looked in " + ", ".join(_shown(folder) for folder in looked),
            hint="fix the path (relative to this config)"
            + (
                ", or add the folder that holds it to `preset-paths`"
                if not also
                else ", or to one of the `preset-paths` folders"
            )
            + " in the trainlint configuration"
            + _slashes(ref),
        )
    doc, valid = _load_preset_file(path, _stamp(path), limits)
    data = doc.data
    if data is None and doc.findings:  # it did not load: say why (syntax, size, aliases...)
        first = doc.findings[0]
        line = f" line {first.span.line + 1}:" if first.span else ""
        raise PresetError(
            codes.INVALID_PRESET_FILE, f"preset file {ref!r} cannot be read:{line} {first.message} ({first.code})"
        )
    if not isinstance(data, dict) or not isinstance(data.get("extends"), str):
        raise PresetError(
            codes.INVALID_PRESET_FILE,
            f"preset file {ref!r} is not a preset: it needs `extends: <preset>` and a `training` mapping",
        )
    if not valid:
        raise _invalid(ref, path, limits)
    parent = resolve(data["extends"], path.parent, root, (*_chain, path), limits, also)
    values = dict(parent.values)
    training = data.get("training") or {}
    if not isinstance(training, dict):
        raise PresetError(codes.INVALID_PRESET_FILE, f"preset file {ref!r}: `training` must be a mapping")
    for key, value in training.items():
        target = "steps" if key == "steps_per_image" else key
        if target not in TRAINING_KEYS or isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PresetError(
                codes.INVALID_PRESET_FILE, f"preset file {ref!r}: `training.{key}` is not a known numeric key"
            )
        values[target] = (
            ValueSpec(per_image=value, source=str(path.name))
            if key == "steps_per_image"
            else ValueSpec(value=float(value), source=path.name)
        )
    return Preset(
        name=ref,
        version=whole_number(str(data.get("version", 1))) or 1,
        base_model=parent.base_model,
        training_type=parent.training_type,
        values=values,
        note=data.get("description") if isinstance(data.get("description"), str) else None,
        origin=str(path),
    )


def preset_files(
    ref: str, base_dir: Path, root: Path | None = None, limits: "Limits | None" = None, also: tuple[Path, ...] = ()
) -> list[Path]:
    """The preset files a reference reads, following `extends` (at most MAX_EXTENDS_DEPTH, inside `root`
    and `also`, a file met again ends the walk): what a config depends on besides its own text. A file
    that cannot be read ends it too; `resolve` reports why."""
    found: list[Path] = []
    while is_file_ref(ref) and len(found) < MAX_EXTENDS_DEPTH:
        try:
            path = (base_dir / ref).resolve()
        except (OSError, RuntimeError, ValueError):
            break
        if path in found or (
            root is not None and not any(path.is_relative_to(folder.resolve()) for folder in (root, *also))
        ):
            break
        found.append(path)
        if not is_file(path):
            break
        data = _load_preset_file(path, _stamp(path), limits)[0].data
        if not isinstance(data, dict) or not isinstance(data.get("extends"), str):
            break
        ref, base_dir = data["extends"], path.parent
    return found


def closest_ref(ref: str) -> str | None:
    """The built-in preset name closest to a misspelt one, if any is close."""
    import difflib  # only a misspelt name gets here

    found = difflib.get_close_matches(ref, catalog().refs(), n=1, cutoff=0.6)
    return found[0] if found else None


def _shown(folder: Path) -> str:
    """A folder as a message names it: relative to the working folder when it lies below it."""
    try:
        rel = os.path.relpath(folder)
    except ValueError:
        return str(folder)
    return (str(folder) if rel.startswith("..") else rel).rstrip("/") + "/"


def _slashes(ref: str) -> str:
    return "; use forward slashes, a backslash is part of a file name outside Windows" if "\\" in ref else ""


def _invalid(ref: str, path: Path, limits: "Limits | None") -> PresetError:
    """A preset file the preset schema refuses, said at its own line and column: read again in full for
    the positions (only a broken preset file costs this), its first problem in the message."""
    from . import schema_layer
    from .document import Limits
    from .inputs.yaml_reader import load_file

    doc = load_file(path, str(path), limits or Limits())
    findings = schema_layer.check(doc, kind="preset") if doc.ok else doc.findings
    if not findings:  # it changed meanwhile; say what it was
        return PresetError(codes.INVALID_PRESET_FILE, f"preset file {ref!r} is not valid")
    first = findings[0]
    spans = doc.spans.get(first.path) if first.span is None else None
    span = first.span or (spans[0] if spans and spans[0] is not None and first.on_key else spans[1] if spans else None)
    where = f":{span.line + 1}:{span.col + 1}" if span is not None else ""
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    return PresetError(
        codes.INVALID_PRESET_FILE,
        f"preset file {ref!r} is not valid: {_shown(path.parent)}{path.name}{where}: {first.message}{more}",
        hint=f"`trainlint check {_shown(path.parent)}{path.name}` shows every problem of the preset file",
    )


def is_file(path: Path) -> bool:
    """`Path.is_file` that answers False for a name the system refuses (longer than it allows,
    ENAMETOOLONG), where Python 3.11 raises."""
    return os.path.isfile(path)


def _stamp(path: Path) -> tuple[int, int, int]:
    try:
        info = path.stat()
    except OSError:  # gone meanwhile: loading it says so
        return -1, -1, -1
    return info.st_ino, info.st_size, info.st_mtime_ns


# what `resolve` reads of a preset file; the rest of its data is not kept
_PRESET_KEYS = ("extends", "training", "version", "description")
# (path, stamp, limits) -> (the preset file as `resolve` reads it, the characters it was read from), oldest first
_PRESET_FILES: "dict[tuple[Path, tuple[int, int, int], Limits | None], tuple[Document, int, bool]]" = {}
# the most characters of preset files whose readings are kept: a preset is a few hundred bytes, but a
# repository may hold files up to `max-file-bytes` each, and dozens of configs with long `extends` chains
MAX_CACHED_PRESET_CHARS = 4 << 20
_cached_chars = 0


def _load_preset_file(path: Path, stamp: tuple[int, int, int], limits: "Limits | None") -> "tuple[Document, bool]":
    """A preset file is read and parsed once while it stays the same (`stamp`), not once per config
    that extends it; the loaded document is only read from, never changed.

    What is kept is bounded by bytes, not by files: only the keys `resolve` reads and the first
    finding, never the text or the positions, and at most MAX_CACHED_PRESET_CHARS characters of
    files, the least recently used dropped first (a count of files let nine configs with chains of
    thirty-two one-megabyte presets hold half a gigabyte). With the document comes whether the preset
    schema accepts the whole file (its unknown keys too, which the kept data no longer holds)."""
    global _cached_chars
    from .document import Document, Limits
    from .inputs.yaml_reader import (
        load_file,  # local: load imports nothing from here, keep it that way
    )
    from .schema_layer import check

    key = (path, stamp, limits)
    hit = _PRESET_FILES.pop(key, None)
    if hit is not None:
        _PRESET_FILES[key] = hit  # now the most recently used
        return hit[0], hit[2]
    doc = load_file(path, str(path), limits or Limits())
    valid = not doc.ok or not isinstance(doc.data, dict) or not check(doc, kind="preset")
    kept = Document(doc.file)
    data = doc.data
    kept.data = {k: data[k] for k in _PRESET_KEYS if k in data} if isinstance(data, dict) else data
    kept.findings = doc.findings[:1]
    size = len(doc.text) + 1
    if size <= MAX_CACHED_PRESET_CHARS:
        _PRESET_FILES[key] = (kept, size, valid)
        _cached_chars += size
        while _cached_chars > MAX_CACHED_PRESET_CHARS:
            _cached_chars -= _PRESET_FILES.pop(next(iter(_PRESET_FILES)))[1]
    return kept, valid
