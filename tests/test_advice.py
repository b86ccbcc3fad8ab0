"""Hints that add up: the numbers a hint suggests, applied to the config, lead into no other finding.

Every finding carries its hint's numbers as data (`Diagnostic.advice`: the alternatives it offers, a range
as its two ends). Over generated configs of every preset, several image counts and the units people write
(steps, steps per image, both, batch sizes), and over the trainer formats whose values the rules judge, each
alternative is written into the file, the file checked again through the real pipeline, and nothing may be
reported that was not reported before (TL205, the classification tag `fix` keeps, aside), while the finding
that gave the hint is gone. Each number also shows in the hint, as the user reads it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from helpers import write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainlint.api import check_file
from trainlint.catalog import catalog
from trainlint.diagnostics import Diagnostic, fmt_number
from trainlint.rules.trainer_traps import (
    SIMPLETUNER_DATA,
    ai_toolkit,
    diffusers,
    kohya_ss,
    scenario,
    sd_scripts,
    simpletuner,
)
from trainlint.settings import Settings

CATALOG = catalog()
REFS = sorted(f"{name}@{version}" for name, versions in CATALOG.presets.items() for version in versions)
IMAGES = (3, 8, 9, 12, 24, 25, 31, 40, 120)
FACTORS = (0.1, 0.3, 0.45, 0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5, 4.0, 8.0)
RATES = (None, 0.1, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0)
RATIOS = (None, 0.0, 0.05, 0.1, 0.15, 0.3, 0.45, 0.6, 0.8, 0.95, 1.0)
IGNORED = {"TL205"}  # the classification tag follows the values; `fix` keeps it


def _check(path: Path, text: str, settings: Settings | None = None) -> list[Diagnostic]:
    path.write_text(text, encoding="utf-8")
    return check_file(path, path.name, settings or Settings()).diagnostics


def _set(data: Any, path: tuple[str | int, ...], value: float) -> None:
    for step in path[:-1]:
        if isinstance(data, dict):
            data = data.setdefault(step, {})
        else:
            data = data[step]
    whole = path[-1] in ("steps", "steps_per_image") or str(path[-1]).endswith(("_steps", "Steps", "epochs"))
    data[path[-1]] = int(value) if whole and float(value).is_integer() else value


def _follow(before: list[Diagnostic], rewrite: Any) -> list[str]:
    """Every alternative of every hint applied in turn: what went wrong, in words (empty: nothing)."""
    problems = []
    counted = [d.code for d in before]
    for d in before:
        for alternative in d.advice:
            assert alternative, d
            shown = [fmt_number(value) for _, value in alternative]
            if not any(text in (d.hint or "") for text in shown):
                problems.append(f"{d.code}: the hint {d.hint!r} shows none of {shown}")
            after = rewrite(alternative)
            new = {x.code for x in after} - set(counted) - IGNORED
            if new:
                problems.append(
                    f"{d.code} hint {d.hint!r} -> {alternative} leads into "
                    + "; ".join(f"{x.code} {x.message} ({x.hint})" for x in after if x.code in new)
                )
            if [x.code for x in after].count(d.code) >= counted.count(d.code):
                problems.append(f"{d.code} hint {d.hint!r} -> {alternative} leaves {d.code} in place")
    return problems


@st.composite
def trainlint_configs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    ref = draw(st.sampled_from(REFS))
    preset = CATALOG.get(ref)
    assert preset is not None
    images = draw(st.sampled_from(IMAGES))
    at = preset.at(images)
    training: dict[str, Any] = {}
    unit = draw(st.sampled_from(("none", "steps", "steps_per_image", "both")))
    factor = draw(st.sampled_from(FACTORS))
    steps = max(1, round((at["steps"] or 0) * factor))
    if unit == "steps":
        training["steps"] = steps
    elif unit in ("steps_per_image", "both"):
        training["steps_per_image"] = max(1, round(steps / images))
        if unit == "both":
            training["steps"] = training["steps_per_image"] * images
    for key in ("learning_rate_unet", "learning_rate_text_encoder"):
        times = draw(st.sampled_from(RATES))
        if times is not None:
            training[key] = min(1.0, float(f"{(at[key] or 0) * times:.2g}"))
    ratio = draw(st.sampled_from(RATIOS))
    if ratio is not None:
        training["text_encoder_ratio"] = ratio
    for key, choices in (("batch_size", (None, 1, 2, 4)), ("gradient_accumulation_steps", (None, 1, 2))):
        chosen = draw(st.sampled_from(choices))
        if chosen is not None:
            training[key] = chosen
    config = {
        "schema_version": 1,
        "base_model": preset.base_model,
        "training_type": preset.training_type,
        "preset": ref,
        "classification": "Custom",
        "dataset": {"images": images},
    }
    return config, training


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(trainlint_configs())
def test_hints_lead_into_no_other_finding(tmp_path: Path, drawn: tuple[dict[str, Any], dict[str, Any]]) -> None:
    config, training = drawn
    (tmp_path / ".git").mkdir(exist_ok=True)
    path = tmp_path / "config.yaml"
    data = {**config, **({"training": training} if training else {})}
    before = _check(path, yaml.safe_dump(data, sort_keys=False))

    def rewrite(alternative: tuple[tuple[tuple[str | int, ...], float], ...]) -> list[Diagnostic]:
        changed = json.loads(json.dumps(data))
        for where, value in alternative:
            _set(changed, where, value)
        return _check(path, yaml.safe_dump(changed, sort_keys=False))

    assert _follow(before, rewrite) == []


def test_the_hints_of_the_issue_add_up(tmp_path: Path) -> None:
    """The cases the property runs over, named: TL401 beyond TL403's range, a hint in steps per image, TL406
    with its numbers, a ratio of 0, a batch of four."""
    (tmp_path / ".git").mkdir()
    head = "schema_version: 1\nbase_model: sd-1.5\ntraining_type: style\npreset: sd-1.5/style\n"
    head += "classification: Custom\ndataset:\n  images: 10\ntraining:\n"
    before = _check(tmp_path / "c.yaml", head + "  steps_per_image: 350\n  learning_rate_unet: 4.0e-4\n")
    tl401 = next(d for d in before if d.code == "TL401")
    assert "steps_per_image at 175" in (tl401.hint or "") and "lower it to 88" in (tl401.hint or "")
    assert "learning rate to about 2e-4" in (tl401.hint or "")
    tl406 = next(d for d in before if d.code == "TL406")
    assert "between 5e-5 and 1e-4" in (tl406.hint or "")


# --- trainer formats ------------------------------------------------------------------------------------

STYLE = "# trainlint: training_type=style\n"
FOLDER = {f"img/10_style/{n:02}.png": "" for n in range(10)}


def _kohya(fields: dict[str, Any]) -> str:
    return kohya_ss(
        **{
            "learning_rate": 1e-4,
            "unet_lr": 1e-4,
            "text_encoder_lr": 0,
            "max_train_steps": 1750,
            **fields,
        }
    )


TRAINERS: dict[str, tuple[str, Any, dict[str, tuple[Any, ...]]]] = {
    # name: (file, build(keys) -> text, the keys drawn and their values)
    "sd-scripts": (
        "sd_scripts.toml",
        lambda keys: STYLE + sd_scripts(**{"network_train_unet_only": True, **keys}),
        {"max_train_steps": (700, 1750, 3500, 5200, 9000), "learning_rate": (2e-5, 5e-5, 1e-4, 1.5e-4, 4e-4)},
    ),
    "ai-toolkit": (
        "ai_toolkit.yaml",
        lambda keys: STYLE + ai_toolkit(**keys),
        {"steps": (300, 670, 1000, 1500, 3000), "lr": (2e-5, 5e-5, 1e-4, 1.5e-4, 4e-4)},
    ),
    "kohya_ss": (
        "kohya_ss.json",
        _kohya,
        {"max_train_steps": (400, 1170, 1750, 2600, 5000), "unet_lr": (2e-5, 5e-5, 1e-4, 1.5e-4, 4e-4)},
    ),
    "simpletuner": (
        "simpletuner.json",
        lambda keys: simpletuner(**keys),
        {"max_train_steps": (700, 1750, 3500, 5200, 9000), "learning_rate": (2e-5, 5e-5, 1e-4, 1.5e-4, 4e-4)},
    ),
    "diffusers": (
        "diffusers.sh",
        lambda keys: STYLE + diffusers(**{"train_batch_size": 1, **keys}),
        {"max_train_steps": (700, 1750, 3500, 5200, 9000), "learning_rate": (2e-5, 5e-5, 1e-4, 1.5e-4, 4e-4)},
    ),
    "scenario": (
        "scenario.json",
        lambda keys: scenario(**{"learningRate": 1e-4, **keys}),
        {"maxTrainSteps": (300, 670, 1000, 1500, 3000), "learningRate": (2e-5, 5e-5, 1e-4, 1.5e-4, 4e-4)},
    ),
}


@st.composite
def trainer_configs(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(TRAINERS)))
    keys = {key: draw(st.sampled_from(values)) for key, values in TRAINERS[name][2].items()}
    return name, keys


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(trainer_configs())
def test_trainer_hints_lead_into_no_other_finding(tmp_path: Path, drawn: tuple[str, dict[str, Any]]) -> None:
    name, keys = drawn
    file, build, _ = TRAINERS[name]
    (tmp_path / ".git").mkdir(exist_ok=True)
    write_tree(tmp_path, FOLDER | SIMPLETUNER_DATA)
    settings_ = Settings(training_type="style", hints_source="command line")
    path = tmp_path / file
    before = _check(path, build(keys), settings_)

    def rewrite(alternative: tuple[tuple[tuple[str | int, ...], float], ...]) -> list[Diagnostic]:
        changed = dict(keys)
        for where, value in alternative:
            key = str(where[-1]).removeprefix("--")
            changed[key] = int(value) if "steps" in key.lower() and float(value).is_integer() else value
        return _check(path, build(changed), settings_)

    assert _follow(before, rewrite) == []
