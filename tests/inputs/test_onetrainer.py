"""The OneTrainer input format: effective values worked out by hand from OneTrainer's code (the
formula and source named in each test, paths as in knowledge/onetrainer.py at its pinned commit),
every note kind it emits on a failing and a passing fixture, detection, the real presets, hostile
input."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import REAL_CONFIGS, adapt_with, real_config_kinds

from trainlint.document import Document, Limits
from trainlint.inputs.base import (
    ADAPTIVE_OPTIMIZER,
    NOTE_KINDS,
    NUMBER_AS_STRING,
    TE_STOP_UNIT,
    UNKNOWN_KEY,
    UNSUPPORTED_MODEL,
    ZERO_LEARNING_RATE,
    Adapted,
    Hints,
)
from trainlint.inputs.knowledge import onetrainer as knowledge
from trainlint.inputs.onetrainer import FORMAT
from trainlint.inputs.workspace import FolderWorkspace

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "onetrainer"
TRAPS = FIXTURES / "traps"
REAL_ROOT = REAL_CONFIGS


def workspace(base: Path) -> FolderWorkspace:
    return FolderWorkspace(base, REPO, Limits(), {"onetrainer": FORMAT.read})


def adapt_file(path: Path) -> tuple[Document, Adapted]:
    return adapt_with(FORMAT, path, readers={"onetrainer": FORMAT.read})


def adapt_data(data: Any, base: Path = FIXTURES) -> Adapted | None:
    doc = FORMAT.read(json.dumps(data).encode(), str(base / "config.json"), Limits())
    return FORMAT.adapt(doc, workspace(base), Hints())


def kinds(adapted: Adapted) -> list[str]:
    return [note.kind for note in adapted.notes]


def value(adapted: Adapted, key: str) -> float | None:
    return adapted.values[key].value


# --- effective values -------------------------------------------------------------------------


def test_sd15_lora_with_inline_concepts() -> None:
    """Samples per concept (mgds VariationSorting): REPEATS floor(10 images x 3) = 30, SAMPLES
    int(20) = 20, so 50; batches per epoch floor(50 / batch_size 2) = 25 (AspectBatchSorting, one
    bucket: aspect_ratio_bucketing is off); steps = epochs 10 x 25 = 250 batches
    (TrainProgress.py:14-17). Images: 10 + 7 (style's sub-folder not searched: include_subdirectories
    false). TE ratio: EPOCH stop 4 of 10 epochs = 0.4 (TimedActionMixin.py:78-107). unet's LR null
    falls back to learning_rate (NamedParameterGroup.py:40); the text encoder's own LR is used."""
    doc, adapted = adapt_file(FIXTURES / "sd15_lora.json")
    assert (adapted.base_model, adapted.method, adapted.images) == ("sd-1.5", "lora", 17)
    assert value(adapted, "steps") == 250
    assert value(adapted, "steps_per_image") == pytest.approx(250 / 17)
    assert value(adapted, "text_encoder_ratio") == pytest.approx(0.4)
    assert value(adapted, "learning_rate_unet") == pytest.approx(1e-4)
    assert value(adapted, "learning_rate_text_encoder") == pytest.approx(5e-5)
    assert adapted.values["learning_rate_text_encoder"].path == ("text_encoder", "learning_rate")
    assert adapted.values["learning_rate_unet"].key == "learning_rate"
    assert adapted.notes == ()
    for trainer_value in adapted.values.values():  # every path is a key of the document
        assert trainer_value.path is None or trainer_value.path in doc.spans


def test_concept_file_with_prior_and_step_stop() -> None:
    """concepts.json: subject floor(10 x 2) = 20 samples, the PRIOR_PREDICTION concept 5 (trained
    on, but no training image), the disabled and the VALIDATION concept none; 25 batches per epoch
    at batch 1, x 8 epochs = 200. text_encoder STEP stop 100 of 200 batches = 0.5, text_encoder_2
    off: the larger fraction counts. unet.learning_rate 2e-4 is used; text_encoder's null falls back
    to learning_rate 3e-4."""
    _, adapted = adapt_file(FIXTURES / "sdxl_concept_file.json")
    assert (adapted.base_model, adapted.method, adapted.images) == ("sdxl", "lora", 10)
    assert value(adapted, "steps") == 200
    assert value(adapted, "steps_per_image") == pytest.approx(20)
    assert value(adapted, "text_encoder_ratio") == pytest.approx(0.5)
    assert adapted.values["text_encoder_ratio"].path == ("text_encoder", "stop_training_after")
    assert value(adapted, "learning_rate_unet") == pytest.approx(2e-4)
    assert adapted.values["learning_rate_unet"].path == ("unet", "learning_rate")
    assert value(adapted, "learning_rate_text_encoder") == pytest.approx(3e-4)
    assert TE_STOP_UNIT not in kinds(adapted)  # gradient_accumulation_steps 1: a STEP is an update


def test_concepts_file_on_its_own() -> None:
    """A concepts file named on its own gives what it determines: its training images (STANDARD, enabled)
    and samples per epoch; the steps, learning rates and text encoder are the training config's, and the
    values say so (None, with the reason)."""
    _, adapted = adapt_file(FIXTURES / "concepts.json")
    assert (adapted.base_model, adapted.method, adapted.images) == (None, None, 10)
    assert set(adapted.values) == {
        "steps",
        "steps_per_image",
        "learning_rate_unet",
        "learning_rate_text_encoder",
        "text_encoder_ratio",
    }
    assert all(v.value is None and "concept_file_name" in v.note for v in adapted.values.values())
    assert "25 samples per epoch" in adapted.values["steps"].note


def test_concepts_file_named_on_its_own_is_checked_and_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # check adapts it (its data is a list, not a mapping) and show prints what it determines, exit 0
    import sys

    from trainlint.api import check_file
    from trainlint.settings import Settings
    from trainlint.show import render_effective

    path = FIXTURES / "concepts.json"
    result = check_file(path, "concepts.json", Settings())
    assert result.diagnostics == [] and not result.skipped
    assert render_effective(path, sys.stdout, Settings(), "json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["input_format"], shown["images"]) == ("onetrainer", 10)
    assert all(v["value"] is None for v in shown["values"].values())
    # a JSON list that is no concepts file, named explicitly: the format does not claim it, and it is no config
    (tmp_path / ".git").mkdir()
    other = tmp_path / "not_concepts.json"
    other.write_text('[{"balancing": 1, "name": "no path"}]\n')
    assert [d.code for d in check_file(other, "not_concepts.json", Settings()).diagnostics] == ["TL006"]


def test_preset_overlay_takes_the_code_defaults() -> None:
    """A preset sets a few keys over TrainConfig.default_values: epochs 100 (TrainConfig.py:1065),
    text encoder trained with a stop after 30 EPOCHs (:1144-1180), so 30 / 100 = 0.30, at the
    global learning rate; the notes' own example (#sd 1.5 LoRA.json, section 4)."""
    adapted = adapt_data(
        {
            "model_type": "STABLE_DIFFUSION_15",
            "training_method": "LORA",
            "learning_rate": 3e-4,
            "batch_size": 4,
            "text_encoder": {"weight_dtype": "FLOAT_16"},
        }
    )
    assert adapted is not None
    assert value(adapted, "text_encoder_ratio") == pytest.approx(0.3)
    assert value(adapted, "learning_rate_text_encoder") == pytest.approx(3e-4)
    assert adapted.values["learning_rate_unet"].source == "config"
    assert value(adapted, "steps") is None  # no concepts named: the images are not known
    bare = adapt_data({"model_type": "STABLE_DIFFUSION_15", "training_method": "FINE_TUNE"})
    assert bare is not None and value(bare, "learning_rate_unet") == pytest.approx(3e-6)  # TrainConfig.py:1061
    assert bare.values["learning_rate_unet"].source == "trainer-default" and bare.method == "full"


def test_migration_8_reads_prior_as_transformer() -> None:
    """A file of __version 5 goes through migration 8, which replaces `transformer` by `prior` for
    every model but Stable Cascade / Wuerstchen (TrainConfig.py:612-867): the transformer trains at
    prior.learning_rate 2e-5, not the 0.9 written under transformer."""
    _, adapted = adapt_file(FIXTURES / "flux_v5_prior.json")
    assert adapted.base_model == "flux.1"
    assert value(adapted, "learning_rate_unet") == pytest.approx(2e-5)
    assert adapted.values["learning_rate_unet"].path == ("prior", "learning_rate")
    assert "migration 8" in adapted.values["learning_rate_unet"].note


def test_migration_1_reads_the_flat_keys_of_version_0() -> None:
    """__version 0: migration 1 moves train_text_encoder_epochs to text_encoder.stop_training_after
    with the unit EPOCH, so 3 of 6 epochs = 0.5, and text_encoder_learning_rate to the part's LR."""
    _, adapted = adapt_file(FIXTURES / "sd15_v0.json")
    assert value(adapted, "text_encoder_ratio") == pytest.approx(0.5)
    assert adapted.values["text_encoder_ratio"].path == ("train_text_encoder_epochs",)
    assert value(adapted, "learning_rate_text_encoder") == pytest.approx(1e-6)
    assert adapted.values["learning_rate_text_encoder"].path == ("text_encoder_learning_rate",)
    assert UNKNOWN_KEY not in kinds(adapted)  # the legacy keys are read by a migration here


def test_learning_rate_scaler() -> None:
    """learning_rate_scaler BOTH multiplies every rate by sqrt(batch 4 x accumulation 2)
    (NamedParameterGroup.parameters_for_optimizer)."""
    _, adapted = adapt_file(TRAPS / "lr_scaler.json")
    assert value(adapted, "learning_rate_unet") == pytest.approx(1e-4 * 8**0.5)
    assert adapted.values["learning_rate_unet"].source == "derived"
    global_scale = adapt_data({"model_type": "STABLE_DIFFUSION_15", "learning_rate_scaler": "GLOBAL_BOTH"})
    assert global_scale is not None and value(global_scale, "learning_rate_unet") is None  # needs the GPU count


@pytest.mark.parametrize(
    ("stop", "unit", "ratio"),
    [
        (4, "EPOCH", 0.4),
        (0, "EPOCH", 0.0),
        (50, "EPOCH", 1.0),
        (-3, "EPOCH", 0.0),
        (7, "NEVER", 1.0),
        (7, "ALWAYS", 0.0),
        (125, "STEP", 0.5),
        (999, "STEP", 1.0),
        (5, "BOGUS", 0.5),
    ],
)
def test_te_ratio_per_unit(stop: int, unit: str, ratio: float) -> None:
    """EPOCH: min(N, epochs) / epochs; STEP: min(N, batches) / batches; NEVER 1; ALWAYS 0
    (TimedActionMixin.py:78-107). An unknown unit name keeps the part's default (EPOCH), and with it
    the written N. 10 epochs x 25 batches = 250 batches (the sd15_lora fixture)."""
    data = json.loads((FIXTURES / "sd15_lora.json").read_text())
    data["text_encoder"].update(stop_training_after=stop, stop_training_after_unit=unit)
    adapted = adapt_data(data)
    assert adapted is not None and value(adapted, "text_encoder_ratio") == pytest.approx(ratio)


def test_embedding_trains_no_text_encoder_weights() -> None:
    adapted = adapt_data({"model_type": "STABLE_DIFFUSION_15", "training_method": "EMBEDDING"})
    assert adapted is not None and adapted.method is None
    assert value(adapted, "text_encoder_ratio") == 0.0
    assert "learning_rate_unet" not in adapted.values


# --- traps: each kind on a failing and a passing fixture ---------------------------------------


def test_te_stop_unit_step_with_accumulation() -> None:
    """STEP counts batches (TrainProgress.py:14-17): with accumulation 4, a stop after 12 STEPs of the
    run's 400 batches is after 3 optimizer updates, 3 % of the run; 12 updates would be 48 batches, 12 %."""
    doc, failing = adapt_file(TRAPS / "te_step_accumulation.json")
    note = next(n for n in failing.notes if n.kind == TE_STOP_UNIT)
    assert note.path == ("text_encoder", "stop_training_after_unit") and note.path in doc.spans
    assert "12 batches (3 updates), 3.0% of the run's 400 batches; 12 updates would be 48 batches, 12%" in note.message
    assert note.hint is not None and "set text_encoder.stop_training_after to 48" in note.hint
    _, passing = adapt_file(TRAPS / "te_step_no_accumulation.json")
    assert TE_STOP_UNIT not in kinds(passing)


def _step_stop(stop: int, accumulation: int) -> dict[str, Any]:
    """200 batches (concepts.json: 25 per epoch at batch 1, 8 epochs) with a STEP stop."""
    return {
        "__version": 11,
        "model_type": "STABLE_DIFFUSION_15",
        "training_method": "LORA",
        "epochs": 8,
        "batch_size": 1,
        "gradient_accumulation_steps": accumulation,
        "learning_rate": 1e-4,
        "concept_file_name": "concepts.json",
        "text_encoder": {"train": True, "stop_training_after": stop, "stop_training_after_unit": "STEP"},
    }


@pytest.mark.parametrize(
    ("stop", "accumulation", "fires"),
    [
        (12, 4, True),  # 6 % of the batches; 12 updates would be 24 %
        (5, 4, True),  # 2.5 %; as updates 10 %
        (19, 2, True),  # 9.5 %; as updates 19 %
        (20, 4, False),  # 10 % of the batches: a usual share as it is
        (100, 4, False),  # 50 %
        (4, 4, False),  # 2 %, and as updates 8 %: neither reading is a usual share
        (12, 1, False),  # no accumulation: a STEP is an update
    ],
)
def test_te_stop_unit_only_where_the_batch_reading_cannot_be_meant(stop: int, accumulation: int, fires: bool) -> None:
    adapted = adapt_data(_step_stop(stop, accumulation))
    assert adapted is not None and value(adapted, "steps") == 200
    assert (TE_STOP_UNIT in kinds(adapted)) == fires


@pytest.mark.parametrize(("stop", "accumulation"), [(12, 4), (5, 4), (19, 2), (3, 8)])
def test_following_the_te_stop_unit_hint_silences_it(stop: int, accumulation: int) -> None:
    adapted = adapt_data(_step_stop(stop, accumulation))
    assert adapted is not None
    [note] = [n for n in adapted.notes if n.kind == TE_STOP_UNIT]
    assert note.hint is not None
    found = re.search(r"set text_encoder\.stop_training_after to (\d+)", note.hint)
    assert found is not None and int(found.group(1)) == stop * accumulation
    followed = adapt_data(_step_stop(int(found.group(1)), accumulation))
    assert followed is not None
    assert TE_STOP_UNIT not in kinds(followed)
    assert value(followed, "text_encoder_ratio") == pytest.approx(stop * accumulation / 200)


def test_te_stop_unit_wall_clock() -> None:
    _, failing = adapt_file(TRAPS / "te_stop_minutes.json")
    assert TE_STOP_UNIT in kinds(failing) and value(failing, "text_encoder_ratio") is None
    _, passing = adapt_file(FIXTURES / "sd15_lora.json")
    assert TE_STOP_UNIT not in kinds(passing)


def test_number_as_string() -> None:
    """BaseConfig.from_dict: int("1e2") and float("3e-4 (lora)") fail, so OneTrainer keeps the
    defaults 100 and 3e-6; a bool is stored unconverted, so "false" is true. "1e-4" and "20" convert."""
    doc, failing = adapt_file(TRAPS / "strings.json")
    paths = {n.path for n in failing.notes if n.kind == NUMBER_AS_STRING}
    assert paths == {("epochs",), ("learning_rate",), ("text_encoder", "train")}
    assert all(path in doc.spans for path in paths)
    assert value(failing, "learning_rate_unet") == pytest.approx(3e-6)
    assert failing.values["learning_rate_unet"].source == "trainer-default"
    assert value(failing, "text_encoder_ratio") == pytest.approx(0.3)  # "false" trains it: 30 of the default 100
    assert value(failing, "learning_rate_text_encoder") == pytest.approx(1e-5)
    _, passing = adapt_file(TRAPS / "strings_converted.json")
    assert NUMBER_AS_STRING not in kinds(passing)
    assert value(passing, "learning_rate_unet") == pytest.approx(1e-4)
    assert value(passing, "learning_rate_text_encoder") == pytest.approx(2e-5)


@pytest.mark.parametrize(
    ("part", "key"), [("text_encoder", "learning_rate_text_encoder"), ("unet", "learning_rate_unet")]
)
def test_a_part_not_trained_has_no_rate(part: str, key: str) -> None:
    """<part>.train false: the part is not trained, so it has no rate (None, with the reason), as the other
    trainers' adapters give it, where its learning_rate would say what it trains at."""
    adapted = adapt_data(
        {
            "__version": 11,
            "model_type": "STABLE_DIFFUSION_15",
            "training_method": "LORA",
            "learning_rate": 1e-4,
            part: {"train": False, "learning_rate": 5e-5},
        }
    )
    assert adapted is not None
    rate = adapted.values[key]
    assert (rate.value, rate.key, rate.path) == (None, f"{part}.train", (part, "train"))
    assert "not trained" in rate.note
    if part == "text_encoder":
        assert value(adapted, "text_encoder_ratio") == 0.0


def test_zero_learning_rate() -> None:
    """Only null falls back to learning_rate (NamedParameterGroup.py:40): 0 is a rate of 0."""
    _, failing = adapt_file(TRAPS / "zero_te_rate.json")
    assert [n.path for n in failing.notes if n.kind == ZERO_LEARNING_RATE] == [("text_encoder", "learning_rate")]
    assert value(failing, "learning_rate_text_encoder") == 0.0
    _, passing = adapt_file(TRAPS / "null_te_rate.json")
    assert ZERO_LEARNING_RATE not in kinds(passing)
    assert value(passing, "learning_rate_text_encoder") == pytest.approx(1e-4)


def test_unknown_keys() -> None:
    doc, failing = adapt_file(TRAPS / "unknown_keys.json")
    notes = {n.path: n for n in failing.notes if n.kind == UNKNOWN_KEY}
    assert set(notes) == {("learning_rte",), ("train_text_encoder",), ("text_encoder", "stop_training_afer")}
    assert notes[("learning_rte",)].hint == "did you mean 'learning_rate'?"
    assert "migration 1" in notes[("train_text_encoder",)].message  # a version-0 key in a version-11 file
    assert all(n.on_key and n.path in doc.spans for n in notes.values())
    _, passing = adapt_file(FIXTURES / "sd15_lora.json")
    assert UNKNOWN_KEY not in kinds(passing)


def test_unsupported_model() -> None:
    _, known = adapt_file(TRAPS / "sd3.json")
    assert known.base_model is None and UNSUPPORTED_MODEL in kinds(known)
    assert "STABLE_DIFFUSION_3" in known.notes[0].message
    _, unknown = adapt_file(TRAPS / "unknown_model.json")
    assert unknown.base_model is None and "FLUX_DEV_2" in unknown.notes[0].message
    _, passing = adapt_file(FIXTURES / "flux_adamw.json")
    assert passing.base_model == "flux.1" and UNSUPPORTED_MODEL not in kinds(passing)


def test_adaptive_optimizer() -> None:
    _, failing = adapt_file(FIXTURES / "flux_prodigy.json")
    assert [n.path for n in failing.notes if n.kind == ADAPTIVE_OPTIMIZER] == [("optimizer", "optimizer")]
    _, passing = adapt_file(FIXTURES / "flux_adamw.json")
    assert ADAPTIVE_OPTIMIZER not in kinds(passing)


def test_note_kinds_are_the_seams() -> None:
    emitted = {ADAPTIVE_OPTIMIZER, NUMBER_AS_STRING, TE_STOP_UNIT, UNKNOWN_KEY, UNSUPPORTED_MODEL, ZERO_LEARNING_RATE}
    assert emitted <= set(NOTE_KINDS)


# --- knowledge ------------------------------------------------------------------------------------


def test_knowledge_tables_citereal_config_kinds() -> None:
    assert re.fullmatch(r"[0-9a-f]{40}", knowledge.COMMIT) and knowledge.REPOSITORY == "Nerogar/OneTrainer"
    tables = [knowledge.KEYS, knowledge.CONCEPT_KEYS, *knowledge.PART_DEFAULTS.values()]
    for table in tables:
        for info in table.values():
            assert info.source and info.unit
    assert (
        knowledge.KEYS["epochs"].default == 100 and knowledge.TEXT_ENCODER_DEFAULTS["stop_training_after"].default == 30
    )
    assert set(knowledge.KEYS) - {"optimizer.optimizer"} <= knowledge.TOP_LEVEL_KEYS


# --- detection ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"LoRA_type": "Standard", "pretrained_model_name_or_path": "x", "training_method": "LORA"}',  # kohya_ss GUI
        '{"job": "extension", "config": {"process": [{"type": "sd_trainer"}]}}',  # ai-toolkit
        '{"type": "flux.1-lora", "parameters": {"learningRate": 1e-4}}',  # Scenario API
        '{"--model_family": "flux", "model_type": "lora"}',  # SimpleTuner
        '{"algo": "lokr", "multiplier": 1.0, "linear_alpha": 1}',  # a LyCORIS network config
        '[{"id": "a", "type": "local", "instance_data_dir": "x"}]',  # a SimpleTuner backend list
    ],
)
def test_detect_leaves_other_formats_alone(text: str) -> None:
    assert not FORMAT.detect(text.encode(), ".json")


def test_detect_needs_json() -> None:
    raw = (FIXTURES / "sd15_lora.json").read_bytes()
    assert FORMAT.detect(raw, ".json") and not FORMAT.detect(raw, ".toml")
    assert not FORMAT.detect(b"[general]\nshuffle_caption = true\n[[datasets]]\nresolution = 512\n", ".toml")


def test_adapt_refuses_what_is_not_onetrainer() -> None:
    assert adapt_data({"name": "x"}) is None
    assert adapt_data([1, 2]) is None
    assert adapt_data("text") is None
    assert adapt_data({"model_family": "flux", "model_type": "lora"}) is None


# --- the real presets (shared/real-configs, outside the project) -----------------------------------


@pytest.mark.skipif(not (REAL_ROOT / "SOURCES.md").is_file(), reason="the real-config corpus is not here")
def test_real_configs() -> None:
    """Every OneTrainer file of the corpus (built-in presets) is detected and adapted; no file of
    another trainer, and no SimpleTuner network config, is taken for OneTrainer's."""
    sources = real_config_kinds()
    ours = [name for name in sources if name.startswith("OneTrainer/")]
    assert len(ours) >= 50
    for name, kind in sources.items():
        path = REAL_ROOT / name
        suffix = ".json" if name.endswith(".json.example") else path.suffix.lower()
        raw = path.read_bytes()
        detected = FORMAT.detect(raw, suffix)
        if not name.startswith("OneTrainer/"):
            assert not detected, (name, kind)
            continue
        assert "preset" in kind or "config" in kind, kind
        assert detected, name
        doc = FORMAT.read(raw, name, Limits())
        adapted = FORMAT.adapt(doc, workspace(path.parent), Hints())
        assert adapted is not None, name
        assert UNKNOWN_KEY not in kinds(adapted), (name, adapted.notes)
        for trainer_value in adapted.values.values():
            assert trainer_value.path is None or trainer_value.path in doc.spans
        for note in adapted.notes:
            assert note.path in doc.spans, (name, note)


# --- hostile input ----------------------------------------------------------------------------------

_HOSTILE_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    10**300,
    -(10**300),
    1e308,
    -1e-308,
    0.5,
    "",
    "x",
    "nan",
    "inf",
    "1e999",
    "-5",
    [],
    [1, "a"],
    {},
    {"a": None},
    "STEP",
    "EPOCH",
    "PRODIGY",
]
_HOSTILE_KEYS = [
    "model_type",
    "training_method",
    "epochs",
    "batch_size",
    "gradient_accumulation_steps",
    "learning_rate",
    "learning_rate_scaler",
    "concepts",
    "concept_file_name",
    "__version",
    "optimizer",
    "unet",
    "transformer",
    "prior",
    "text_encoder",
    "text_encoder_2",
    "aspect_ratio_bucketing",
    "train_text_encoder",
    "train_text_encoder_epochs",
]
_PART_FIELDS = ["train", "stop_training_after", "stop_training_after_unit", "learning_rate"]


def _hostile(rng: random.Random) -> dict[str, Any]:
    data: dict[str, Any] = {
        "model_type": rng.choice(
            ["STABLE_DIFFUSION_15", "FLUX_DEV_1", "STABLE_DIFFUSION_XL_10_BASE", "WUERSTCHEN_2", "NOPE", 3]
        )
    }
    for key in rng.sample(_HOSTILE_KEYS, 8):
        data[key] = rng.choice(_HOSTILE_VALUES)
    for part in ("text_encoder", "text_encoder_2", "unet", "transformer", "prior"):
        if rng.random() < 0.5:
            data[part] = {field: rng.choice(_HOSTILE_VALUES) for field in rng.sample(_PART_FIELDS, 3)}
    if rng.random() < 0.5:
        data["concepts"] = [
            {
                "path": rng.choice(["images/subject", "../..", "/etc", "", 5]),
                "balancing": rng.choice(_HOSTILE_VALUES),
                "balancing_strategy": rng.choice(["SAMPLES", "REPEATS", None]),
                "type": rng.choice(["STANDARD", "PRIOR_PREDICTION", [], None]),
                "enabled": rng.choice(_HOSTILE_VALUES),
            }
            for _ in range(rng.randint(0, 3))
        ]
    return data


def test_hostile_input_never_raises() -> None:
    rng = random.Random(20260826)
    adapted_count = 0
    for _ in range(400):
        data = _hostile(rng)
        adapted = adapt_data(data)
        if adapted is None:  # nothing names it a OneTrainer config (a model_type that is no string, ...)
            assert not isinstance(data["model_type"], str)
            continue
        adapted_count += 1
        for trainer_value in adapted.values.values():
            assert trainer_value.value is None or (
                isinstance(trainer_value.value, float) and trainer_value.value == trainer_value.value
            )
    assert adapted_count > 300
    for raw in (
        b"",
        b"{",
        b"[",
        b"null",
        b'{"model_type": NaN}',
        (b'{"model_type": "STABLE_DIFFUSION_15", "learning_rate": 1e999, "epochs": 99999999999999999999999}'),
        b"\xff\xfe{",
    ):
        doc = FORMAT.read(raw, "x.json", Limits())
        FORMAT.detect(raw, ".json")
        FORMAT.adapt(doc, workspace(FIXTURES), Hints())
