"""Tables for people: the effective config (`show`) and the preset catalog (`presets`)."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from .catalog import TRAINING_KEYS, catalog
from .diagnostics import fmt_number
from .engine import effective_config
from .errors import PresetError, UsageError
from .inputs.yaml_reader import load_file
from .settings import Settings


def _num(value: float | None) -> str:
    return "-" if value is None else fmt_number(value)


def _table(rows: list[list[str]], out: TextIO) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        out.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() + "\n")


def render_effective(path: Path, out: TextIO) -> int:
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    settings = Settings()
    doc = load_file(path, str(path), settings.limits)
    if not doc.ok or not isinstance(doc.data.get("preset"), str):
        raise UsageError(f"{path}: cannot show the effective config; run `trainlint check {path}` for the problems")
    config = doc.data
    try:
        eff = effective_config(config, path.parent, settings)
    except PresetError as exc:
        raise UsageError(f"{path}: {exc}") from None
    preset, dataset = eff.preset, eff.dataset
    where = f"counted in {config['dataset']['path']}" if dataset.exists and not dataset.truncated else "declared"
    deviations = eff.deviations()
    out.write(f"config          {path}\n")
    out.write(f"preset          {preset.ref} ({'built-in' if preset.origin == 'built-in' else preset.origin})\n")
    out.write(f"images          {_num(eff.images)} ({where})\n" if eff.images else "images          unknown\n")
    state = ("unknown (image count missing)" if deviations is None else
             f"Custom (deviates in {', '.join(deviations)})" if deviations else f"matches {preset.ref}")
    out.write(f"effective       {state}; tagged {config.get('classification', '(none)')}\n\n")
    rows = [["key", "value", "source", "preset", "ratio"]]
    keys = list(TRAINING_KEYS)
    keys.insert(1, "steps_per_image")
    for key in keys:
        if key == "steps_per_image":
            value, base = eff.per_image(eff.values.get("steps")), eff.per_image(eff.preset_values.get("steps"))
            source = "override" if {"steps", "steps_per_image"} & set(eff.overrides) else "preset"
        else:
            value, base = eff.values.get(key), eff.preset_values.get(key)
            source = "override" if key in eff.overrides or (key == "steps" and "steps_per_image" in eff.overrides) else "preset"
        ratio = f"{value / base:.3g}x" if value is not None and base else "-"
        rows.append([key, _num(value), source, _num(base), ratio])
    _table(rows, out)
    return 0


def render_presets(out: TextIO) -> int:
    cat = catalog()
    rows = [["preset", "versions", "model", "type", "steps", "lr unet", "lr text enc.", "te ratio"]]
    for name, versions in cat.presets.items():
        p = versions[max(versions)]
        v = p.values
        rows.append([name, ",".join(f"@{n}" for n in sorted(versions)), p.base_model, p.training_type,
                     v["steps"].describe(), v["learning_rate_unet"].describe(),
                     v["learning_rate_text_encoder"].describe(), v["text_encoder_ratio"].describe()])
    _table(rows, out)
    return 0


def render_preset(name: str, out: TextIO) -> int:
    cat = catalog()
    preset = cat.get(name)
    if preset is None:
        raise UsageError(f"unknown preset {name!r} (see `trainlint presets`)")
    out.write(f"{preset.ref}: {cat.base_models[preset.base_model]['title']}, "
              f"{cat.training_types[preset.training_type]['title']} training\n")
    if preset.note:
        out.write(f"note: {preset.note}\n")
    out.write("\n")
    for key in TRAINING_KEYS:
        spec = preset.values.get(key)
        if spec is None:
            continue
        source = cat.sources.get(spec.source or "", {})
        label = " (community)" if cat.is_community(spec.source) else ""
        out.write(f"{key}: {spec.describe()}\n    source{label}: {source.get('title', spec.source)}\n")
        if source.get("url"):
            out.write(f"    {source['url']}\n")
    return 0
