"""Tables for people: the effective config (`show`) and the preset catalog (`presets`).

What comes from the config or names it (its path, the dataset folder, the preset reference and
the file it came from, the classification) is printed through `text.printable`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from .catalog import TRAINING_KEYS, catalog
from .diagnostics import fmt_number
from .document import Document
from .effective import Effective, adaptive_optimizer
from .engine import adapt_trainer, effective_config, trainer_data
from .errors import PresetError, UsageError
from .inputs.base import ADAPTIVE_OPTIMIZER, SAMPLES_PER_STEP, VALUE_KEYS, Adapted
from .inputs.workspace import FolderWorkspace
from .inputs.yaml_reader import load_bytes
from .paths import repo_root
from .reporters.json_ import json_escape
from .repository import claim, read_candidate
from .settings import Settings
from .text import did_you_mean, guarded, printable


def _num(value: float | None) -> str:
    return "-" if value is None else fmt_number(value)


def _table(rows: list[list[str]], out: TextIO) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out.writelines(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() + "\n" for row in rows
    )


# the stable object `show --format json` prints for a file, whatever its input format (docs/show.md)
VIEW_KEYS = ("file", "input_format", "base_model", "training_type", "method", "images", "preset", "values")


def effective_view(path: Path, display: str, settings: Settings, raw: bytes | None = None) -> dict[str, Any]:
    """What a config trains, value by value, for every input format: each value with where it comes from
    (`config`, `trainer-default`, `derived` or `preset`), the key and position that set it, the preset's
    value and the ratio to it; `value` is None where the file does not determine it. `raw`: the file's
    content when it is held in memory (an editor's buffer) rather than read from disk."""
    try:
        candidate = read_candidate(path, settings, explicit=True) if raw is None else claim(raw, path, settings)
    except OSError as exc:
        raise UsageError(printable(f"{display}: cannot read: {exc.strerror or exc}")) from None
    assert candidate is not None  # a named file is always a candidate
    if candidate.trainer is not None:
        doc = candidate.trainer.read(candidate.raw, display, settings.limits)
        root = settings.root or repo_root(path.parent)
        trainer = (
            adapt_trainer(doc, candidate.trainer, FolderWorkspace(path.parent, root, settings.limits), settings)
            if trainer_data(doc)
            else None
        )
        if trainer is not None:
            return _trainer_view(doc, *trainer[:2])
        raise UsageError(
            printable(f"{display}: cannot show the effective values; run `trainlint check {display}` for the problems")
        )
    if candidate.preset:
        raise UsageError(
            printable(
                f"{display}: a preset file, which trains nothing by itself; `trainlint show` takes a config that "
                f"names it (`preset: {display}`), and `trainlint check {display}` checks it"
            )
        )
    return _trainlint_view(path, display, settings, candidate.raw)


def _position(doc: Document, path: tuple[str | int, ...] | None) -> tuple[int | None, int | None]:
    if path is None or path not in doc.spans:
        return None, None
    key, value = doc.spans[path]
    span = key or value
    return span.line + 1, span.col + 1


def _entry(
    value: float | None, source: str, key: str | None, where: tuple[int | None, int | None], base: float | None
) -> dict[str, Any]:
    ratio = value / base if value is not None and base else None
    return {
        "value": value,
        "source": source,
        "key": key,
        "line": where[0],
        "column": where[1],
        "preset": base,
        "ratio": ratio,
        "note": None,
    }


def _trainer_view(doc: Document, adapted: Adapted, eff: Effective) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in VALUE_KEYS:
        trained = adapted.values.get(key)
        if key == "steps_per_image":
            base = eff.per_image(eff.preset_values.get("steps"))
        else:
            base = eff.preset_values.get(key)
        if trained is None:
            values[key] = _entry(None, "derived", None, (None, None), base)
        else:
            values[key] = {
                **_entry(trained.value, trained.source, trained.key, _position(doc, trained.path), base),
                "note": trained.note,
            }
    run = []
    samples = adapted.values.get(SAMPLES_PER_STEP)
    if samples is not None and samples.value:
        line, column = _position(doc, samples.path)
        at = f" ({line}:{column})" if line else ""
        run.append(_samples_line(eff, f"from {printable(samples.key or '-')}{at}, {printable(samples.note)}"))
    for note in adapted.notes:
        if note.kind == ADAPTIVE_OPTIMIZER:
            line, column = _position(doc, note.path)
            key = next((str(step) for step in reversed(note.path) if isinstance(step, str)), "optimizer")
            run.append(
                f"optimizer         {printable(key)} ({line}:{column}): adaptive, the learning rates are "
                "multipliers, not step sizes"
            )
    return {
        "file": doc.file,
        "input_format": adapted.input_format,
        "base_model": adapted.base_model,
        "training_type": adapted.training_type or (eff.preset.training_type if eff.preset else None),
        "method": adapted.method,
        "images": adapted.images,
        "preset": eff.preset.ref if eff.preset else None,
        "values": values,
        "run": run,
    }


def _samples_line(eff: Effective, how: str) -> str:
    """The images each step shows, where more than one, and what the steps come to per image against the preset,
    whose steps are for a batch of one (the number the steps rules judge)."""
    line = f"samples per step  {fmt_number(eff.samples_per_step)} {how}"
    shown, base = eff.samples_per_image(), eff.per_image(eff.preset_values.get("steps"))
    if shown is not None:
        line += f"; {fmt_number(shown)} samples per image"
        if base:
            line += f", {shown / base:.3g}x the preset's {fmt_number(base)}"
    return line


def _trainlint_view(path: Path, display: str, settings: Settings, raw: bytes) -> dict[str, Any]:
    doc = load_bytes(raw, display, settings.limits)
    if not doc.ok or not isinstance(doc.data.get("preset"), str):
        raise UsageError(
            printable(f"{display}: cannot show the effective config; run `trainlint check {display}` for the problems")
        )
    config = doc.data
    try:
        eff = effective_config(config, path.parent, settings)
    except PresetError as exc:
        raise UsageError(printable(f"{display}: {exc}")) from None
    assert eff.preset is not None
    set_here = set(eff.overrides)
    values: dict[str, Any] = {}
    for key in VALUE_KEYS:
        if key == "steps_per_image":
            value, base = eff.per_image(eff.values.get("steps")), eff.per_image(eff.preset_values.get("steps"))
            source = "config" if key in set_here else "derived" if "steps" in set_here else "preset"
            written = key if key in set_here else "steps" if "steps" in set_here else None
        else:
            value, base = eff.values.get(key), eff.preset_values.get(key)
            source = "config" if key in set_here else "preset"
            written = key if key in set_here else None
            if key == "steps" and key not in set_here and "steps_per_image" in set_here:
                source, written = "derived", "steps_per_image"
        where = _position(doc, ("training", written) if written else None)
        values[key] = _entry(value, source, f"training.{written}" if written else None, where, base)
    training_type = config.get("training_type") if isinstance(config.get("training_type"), str) else None
    base_model = config.get("base_model") if isinstance(config.get("base_model"), str) else None
    run = []
    if eff.samples_per_step != 1:
        given = [key for key in ("batch_size", "gradient_accumulation_steps") if key in eff.overrides]
        factors = " x ".join(f"training.{key} {fmt_number(eff.overrides[key])}" for key in given)
        run.append(_samples_line(eff, f"from {factors}"))
    training = config.get("training") if isinstance(config.get("training"), dict) else {}
    if adaptive_optimizer(training.get("optimizer")):
        line, column = _position(doc, ("training", "optimizer"))
        run.append(
            f"optimizer         {printable(str(training['optimizer']))} ({line}:{column}): adaptive, the learning "
            "rates are multipliers, not step sizes"
        )
    return {
        "file": display,
        "input_format": "trainlint",
        "base_model": base_model,
        "training_type": training_type,
        "method": None,
        "images": eff.images,
        "preset": eff.preset.ref,
        "values": values,
        "classification": config.get("classification"),
        "deviations": eff.deviations(),
        "images_counted": eff.dataset.exists and not eff.dataset.truncated,
        "run": run,
    }


def render_effective(
    path: Path, out: TextIO, settings: Settings | None = None, fmt: str = "text", display: str | None = None
) -> int:
    """`trainlint show`: the view as a table, or as the JSON object of docs/show.md."""
    display = display or str(path)
    if not path.is_file():
        raise UsageError(printable(f"{display}: no such file"))
    view = effective_view(path, display, settings or Settings())
    if fmt == "json":
        public = {key: view[key] for key in VIEW_KEYS}
        out.write(guarded(json.dumps(public, indent=2, ensure_ascii=False), json_escape) + "\n")
        return 0
    if view["input_format"] == "trainlint":
        _trainlint_table(view, out)
    else:
        _trainer_table(view, out)
    return 0


def _trainlint_table(view: dict[str, Any], out: TextIO) -> None:
    preset = catalog().get(view["preset"])
    origin = "built-in" if preset is not None else "file"
    where = "counted in the dataset folder" if view["images_counted"] else "declared"
    deviations = view["deviations"]
    out.write(f"config          {printable(view['file'])}\n")
    preset_ref = printable(str(view["preset"]))  # a preset file's path, as the config names it
    out.write(f"preset          {preset_ref} ({origin})\n")
    out.write(f"images          {_num(view['images'])} ({where})\n" if view["images"] else "images          unknown\n")
    state = (
        "unknown (image count missing)"
        if deviations is None
        else f"Custom (deviates in {', '.join(deviations)})"
        if deviations
        else f"matches {preset_ref}"
    )
    out.write(f"effective       {state}; tagged {printable(str(view['classification'] or '(none)'))}\n\n")
    rows = [["key", "value", "source", "preset", "ratio"]]
    for key, entry in view["values"].items():
        source = "preset" if entry["source"] == "preset" else "override"
        shown = _key(key, view["base_model"])
        rows.append([shown, _num(entry["value"]), source, _num(entry["preset"]), _ratio(entry["ratio"])])
    _table(rows, out)
    _run(view, out)


def _trainer_table(view: dict[str, Any], out: TextIO) -> None:
    out.write(f"config          {printable(view['file'])} ({view['input_format']})\n")
    out.write(f"base model      {view['base_model'] or 'unknown'}\n")
    out.write(f"method          {view['method'] or 'unknown'}\n")
    training_type = printable(view["training_type"]) or "not set (say it with a `# trainlint:` directive)"
    out.write(f"training type   {training_type}\n")
    out.write(f"preset          {view['preset'] or 'none (no training type, or no preset for this model)'}\n")
    out.write(f"images          {_num(view['images']) if view['images'] else 'unknown'}\n\n")
    rows = [["key", "value", "source", "trainer key", "at", "preset", "ratio"]]
    notes = []
    for key, entry in view["values"].items():
        at = f"{entry['line']}:{entry['column']}" if entry["line"] else "-"
        rows.append(
            [
                _key(key, view["base_model"]),
                _num(entry["value"]),
                entry["source"] if entry["value"] is not None else "unknown",
                printable(entry["key"] or "-"),
                at,
                _num(entry["preset"]),
                _ratio(entry["ratio"]),
            ]
        )
        if entry.get("note"):
            notes.append(f"{key}: {printable(entry['note'])}")
    _table(rows, out)
    _run(view, out)
    if notes:
        out.write("\n" + "".join(f"{line}\n" for line in notes))


def _run(view: dict[str, Any], out: TextIO) -> None:
    """How the run shows its images and its optimizer, where they change what the table's numbers mean."""
    if view.get("run"):
        out.write("\n" + "".join(f"{line}\n" for line in view["run"]))


def _key(key: str, base_model: str | None) -> str:
    """A training key as the tables show it: `learning_rate_unet (transformer)` for FLUX.1, which trains a
    transformer rather than a UNet (the key keeps its name, docs/reference.md)."""
    denoiser = catalog().denoiser(base_model)
    return f"{key} ({denoiser})" if key == "learning_rate_unet" and denoiser != "UNet" else key


def _ratio(ratio: float | None) -> str:
    return f"{ratio:.3g}x" if ratio is not None else "-"


def render_presets(out: TextIO) -> int:
    cat = catalog()
    rows = [["preset", "versions", "model", "type", "steps", "lr unet", "lr text enc.", "te ratio"]]
    for name, versions in cat.presets.items():
        p = versions[max(versions)]
        v = p.values
        rows.append(
            [
                name,
                ",".join(f"@{n}" for n in sorted(versions)),
                p.base_model,
                p.training_type,
                v["steps"].describe(),
                v["learning_rate_unet"].describe(),
                v["learning_rate_text_encoder"].describe(),
                v["text_encoder_ratio"].describe(),
            ]
        )
    _table(rows, out)
    return 0


def render_preset(name: str, out: TextIO) -> int:
    cat = catalog()
    preset = cat.get(name)
    if preset is None:
        raise UsageError(f"unknown preset {name!r}{did_you_mean(name, cat.refs())} (see `trainlint presets`)")
    out.write(
        f"{preset.ref}: {cat.base_models[preset.base_model]['title']}, "
        f"{cat.training_types[preset.training_type]['title']} training\n"
    )
    if preset.note:
        out.write(f"note: {preset.note}\n")
    out.write("\n")
    for key in TRAINING_KEYS:
        spec = preset.values.get(key)
        if spec is None:
            continue
        source = cat.sources.get(spec.source or "", {})
        label = " (community)" if cat.is_community(spec.source) else ""
        out.write(
            f"{_key(key, preset.base_model)}: {spec.describe()}\n    source{label}: {source.get('title', spec.source)}\n"
        )
        if source.get("url"):
            out.write(f"    {source['url']}\n")
    return 0
