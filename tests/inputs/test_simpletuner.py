"""The SimpleTuner input format: effective values worked out by hand from SimpleTuner's code (the
formula and source named in each test, paths as in knowledge/simpletuner.py at its pinned commit),
every note kind it emits on a failing and a passing fixture, the three config files and the data
backend list through the real readers, detection, the real example configs, hostile input."""

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
    UNKNOWN_KEY,
    UNSUPPORTED_MODEL,
    ZERO_LEARNING_RATE,
    Adapted,
    Hints,
)
from trainlint.inputs.knowledge import simpletuner as knowledge
from trainlint.inputs.readers.env_reader import EnvDocument
from trainlint.inputs.simpletuner import FORMAT
from trainlint.inputs.workspace import FolderWorkspace

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "simpletuner"
CONFIG = FIXTURES / "config"
TRAPS = FIXTURES / "traps"
REAL_ROOT = REAL_CONFIGS


def workspace(base: Path) -> FolderWorkspace:
    return FolderWorkspace(base, REPO, Limits(), {"simpletuner": FORMAT.read})


def adapt_file(path: Path) -> tuple[Document, Adapted]:
    return adapt_with(FORMAT, path, clean=True, readers={"simpletuner": FORMAT.read})


def adapt_data(data: Any, base: Path = TRAPS) -> Adapted | None:
    doc = FORMAT.read(json.dumps(data).encode(), str(base / "config.json"), Limits())
    return FORMAT.adapt(doc, workspace(base), Hints())


def adapt_env(text: str, base: Path = TRAPS) -> Adapted | None:
    doc = FORMAT.read(text.encode(), str(base / "config.env"), Limits())
    return FORMAT.adapt(doc, workspace(base), Hints())


def kinds(adapted: Adapted) -> list[str]:
    return [note.kind for note in adapted.notes]


def value(adapted: Adapted, key: str) -> float | None:
    return adapted.values[key].value


BASE = {"model_family": "sdxl", "model_type": "lora", "data_backend_config": "config/multidatabackend.json"}


# --- effective values ---------------------------------------------------------------------------


def test_config_json_from_epochs() -> None:
    """Backends (discovery.py:767-781): dog ceil(12 x (repeats 2 + 1) / batch 2) = 18, cat
    ceil(5 x 1 / 2) = 3; the disabled one and the text-embed cache give none: 21 batches. Steps
    per epoch ceil(21 / accumulation 2) = 11; max_train_steps 0, so num_train_epochs 3 x 11 = 33
    (trainer.py:3829-3866). Images 12 + 5. "1e-4" is a number to argparse; "true" is the flag, so
    the text encoder trains the whole run at text_encoder_lr (trainer.py:4008-4101)."""
    doc, adapted = adapt_file(CONFIG / "config.json")
    assert (adapted.base_model, adapted.base_model_key, adapted.method, adapted.images) == (
        "sdxl",
        "model_family",
        "lora",
        17,
    )
    assert value(adapted, "steps") == 33
    assert adapted.values["steps"].path == ("num_train_epochs",)
    assert value(adapted, "steps_per_image") == pytest.approx(33 / 17)
    assert value(adapted, "learning_rate_unet") == pytest.approx(1e-4)
    assert value(adapted, "text_encoder_ratio") == 1.0
    assert value(adapted, "learning_rate_text_encoder") == pytest.approx(5e-6)
    assert adapted.notes == ()
    for trainer_value in adapted.values.values():
        assert trainer_value.path is None or trainer_value.path in doc.spans


def test_config_toml_max_train_steps_wins() -> None:
    """max_train_steps 500 is above 0, so num_train_epochs 10 does not count (trainer.py:3829-3866);
    the images still come from the backend list. A TOML table is set aside by mapping_to_cli_args."""
    doc, adapted = adapt_file(CONFIG / "config.toml")
    assert (adapted.base_model, adapted.method, adapted.images) == ("flux.1", "lora", 17)
    assert value(adapted, "steps") == 500 and adapted.values["steps"].key == "max_train_steps"
    assert value(adapted, "steps_per_image") == pytest.approx(500 / 17)
    assert value(adapted, "text_encoder_ratio") == 0.0  # train_text_encoder's default false
    # not trained: no rate, and the reason, as the other trainers' adapters give it
    te = adapted.values["learning_rate_text_encoder"]
    assert (te.value, te.source, te.key, te.path) == (None, "trainer-default", "train_text_encoder", None)
    assert te.note.startswith("the text encoder is not trained (train_text_encoder is false, the default")
    table = next(note for note in adapted.notes if note.kind == UNKNOWN_KEY)
    assert table.path == ("validation",) and table.path in doc.spans
    assert kinds(adapted) == [UNKNOWN_KEY, ADAPTIVE_OPTIMIZER]


def test_a_text_encoder_switched_off_has_no_rate(tmp_path: Path) -> None:
    # train_text_encoder off, with a text_encoder_lr beside it: the rate does nothing (SimpleTuner drops a false
    # flag before argparse, so false is the default; "0" is a word argparse's boolean reads as false)
    for flag, said in ((False, ", the default"), ("0", ")")):
        path = tmp_path / "config.json"
        path.write_text(
            json.dumps(
                {
                    "model_family": "sdxl",
                    "model_type": "lora",
                    "learning_rate": 1e-4,
                    "train_text_encoder": flag,
                    "text_encoder_lr": 5e-5,
                    "max_train_steps": 100,
                    "output_dir": "out",
                }
            )
        )
        doc, adapted = adapt_file(path)
        te = adapted.values["learning_rate_text_encoder"]
        assert (te.value, te.key, value(adapted, "text_encoder_ratio")) == (None, "train_text_encoder", 0.0)
        assert te.path is None or te.path in doc.spans
        assert te.note.startswith("the text encoder is not trained (train_text_encoder is false" + said)


def test_config_env_with_extra_args() -> None:
    """config.env: the mapped variables (env_file.py) and TRAINER_EXTRA_ARGS, appended with +=.
    Batch 1: dog 12 x 3 = 36, cat 5 -> 41 batches; accumulation 1 from the extra args; NUM_EPOCHS
    2 x 41 = 82. The extra args switch the text encoder on at 1e-6. HF_HOME is no option and no typo."""
    doc, adapted = adapt_file(CONFIG / "config.env")
    assert isinstance(doc, EnvDocument)
    assert (adapted.base_model, adapted.method, adapted.images) == ("sd-1.5", "full", 17)
    assert value(adapted, "steps") == 82 and adapted.values["steps"].path == ("NUM_EPOCHS",)
    assert value(adapted, "learning_rate_unet") == pytest.approx(2e-6)
    assert adapted.values["learning_rate_unet"].path == ("LEARNING_RATE",)
    assert value(adapted, "text_encoder_ratio") == 1.0
    assert value(adapted, "learning_rate_text_encoder") == pytest.approx(1e-6)
    assert adapted.values["learning_rate_text_encoder"].path == ("TRAINER_EXTRA_ARGS",)
    assert adapted.notes == ()


def test_backend_list_on_its_own() -> None:
    """A data backend list named on its own gives what it determines: its training images and, at batch 1,
    the batches of an epoch; the steps, learning rates and text encoder are the trainer config's, and the
    values say so (None, with the reason)."""
    _, adapted = adapt_file(CONFIG / "multidatabackend.json")
    assert (adapted.base_model, adapted.method, adapted.images) == (None, None, 17)
    assert set(adapted.values) == {
        "steps",
        "steps_per_image",
        "learning_rate_unet",
        "learning_rate_text_encoder",
        "text_encoder_ratio",
    }
    assert all(v.value is None and "data_backend_config" in v.note for v in adapted.values.values())
    assert "an epoch is 41 batches" in adapted.values["steps"].note


def test_backend_list_named_on_its_own_is_checked_and_shown(capsys: pytest.CaptureFixture[str]) -> None:
    # check adapts it (its data is a list, not a mapping) and show prints what it determines, exit 0
    import sys

    from trainlint.api import check_file
    from trainlint.settings import Settings
    from trainlint.show import render_effective

    path = CONFIG / "multidatabackend.json"
    result = check_file(path, "multidatabackend.json", Settings())
    assert result.diagnostics == [] and not result.skipped
    assert render_effective(path, sys.stdout, Settings(), "json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["input_format"], shown["images"]) == ("simpletuner", 17)
    assert all(v["value"] is None for v in shown["values"].values())


@pytest.mark.parametrize(
    ("batch", "repeats", "expected"),
    [
        (1, 0, 17),
        (4, 0, 3 + 2),
        (4, 1, 6 + 3),
        (6, 0, 2 + 0),
        (13, 0, 0),
        (5, 3, 10 + 4),
    ],
)
def test_batches_per_backend(batch: int, repeats: int, expected: int) -> None:
    """ceil(images x (repeats + 1) / batch) per backend, none when fewer samples than a batch
    (discovery.py:767-781, the bucket rule with one bucket per backend): 12 dogs and 5 cats, both
    with the same repeats here; one epoch, accumulation 1."""
    backends = [
        {"id": "dog", "type": "local", "instance_data_dir": "images/dog", "repeats": repeats},
        {"id": "cat", "type": "local", "instance_data_dir": "images/cat", "repeats": repeats},
    ]
    (FIXTURES / "tmp_backends.json").write_text(json.dumps(backends))
    try:
        adapted = adapt_data(
            {**BASE, "data_backend_config": "tmp_backends.json", "num_train_epochs": 1, "train_batch_size": batch},
            base=FIXTURES,
        )
        assert adapted is not None and value(adapted, "steps") == expected
    finally:
        (FIXTURES / "tmp_backends.json").unlink()


def test_false_drops_the_key() -> None:
    """Section 10.7: "false" (and false) is dropped before argparse, so the default stays."""
    adapted = adapt_data({**BASE, "max_train_steps": 10, "train_text_encoder": "false"})
    assert adapted is not None and value(adapted, "text_encoder_ratio") == 0.0
    flag_word = adapt_data({**BASE, "max_train_steps": 10, "train_text_encoder": "yes"})
    assert flag_word is not None and value(flag_word, "text_encoder_ratio") == 1.0  # _parse_bool_flag


def test_defaults_when_unset() -> None:
    """train_batch_size 4, num_train_epochs 1, learning_rate 4e-7, model_type full (field registry)."""
    adapted = adapt_data({"model_family": "sd1x", "data_backend_config": "config/multidatabackend.json"})
    assert adapted is not None and adapted.method == "full"
    assert value(adapted, "steps") == 9 + 2  # dog ceil(12 x 3 / 4) + cat ceil(5 / 4), one epoch
    assert value(adapted, "learning_rate_unet") == pytest.approx(4e-7)
    assert adapted.values["learning_rate_unet"].source == "trainer-default"


def test_lr_scale() -> None:
    """lr_scale: learning_rate x batch 4 x accumulation 2 x 1 process = 8e-5; without a process
    count the rate is not determined."""
    _, adapted = adapt_file(TRAPS / "lr_scale.json")
    assert value(adapted, "learning_rate_unet") == pytest.approx(8e-5)
    unknown = adapt_data({**BASE, "max_train_steps": 10, "learning_rate": 1e-5, "lr_scale": True})
    assert unknown is not None and value(unknown, "learning_rate_unet") is None


def test_expansion_in_a_value_is_unknown() -> None:
    adapted = adapt_env('export MODEL_FAMILY=sdxl\nexport LEARNING_RATE="$RATE"\nexport MAX_NUM_STEPS=100\n')
    assert adapted is not None and value(adapted, "learning_rate_unet") is None
    assert "$RATE" in adapted.values["learning_rate_unet"].note
    extra = adapt_env('export MODEL_FAMILY=sdxl\nexport MAX_NUM_STEPS=100\nTRAINER_EXTRA_ARGS="$MORE --lr_scale"\n')
    assert extra is not None and "$MORE" in adapted_note(extra, "steps")


def adapted_note(adapted: Adapted, key: str) -> str:
    return adapted.values[key].note


# --- traps: each kind on a failing and a passing fixture ------------------------------------------


def test_number_as_string() -> None:
    """argparse converts with the option's type: int("1e3") and int("2.0") (a JSON 2.0 written as
    text) fail, so SimpleTuner does not start; "1000" and " 2 " are fine, "1e-4" is a float."""
    doc, failing = adapt_file(TRAPS / "strings_refused.json")
    paths = [n.path for n in failing.notes if n.kind == NUMBER_AS_STRING]
    assert paths == [("max_train_steps",), ("num_train_epochs",)] and all(p in doc.spans for p in paths)
    assert value(failing, "steps") is None
    _, passing = adapt_file(TRAPS / "strings_accepted.json")
    assert NUMBER_AS_STRING not in kinds(passing) and value(passing, "steps") == 1000


def test_zero_learning_rate() -> None:
    _, failing = adapt_file(TRAPS / "zero_rates.json")
    assert [n.path for n in failing.notes if n.kind == ZERO_LEARNING_RATE] == [("learning_rate",), ("text_encoder_lr",)]
    assert value(failing, "learning_rate_text_encoder") == 0.0  # 0 counts as unset: learning_rate, itself 0
    _, passing = adapt_file(TRAPS / "te_rate_unset.json")
    assert ZERO_LEARNING_RATE not in kinds(passing)
    assert value(passing, "learning_rate_text_encoder") == pytest.approx(1e-6)


def test_unknown_keys() -> None:
    doc, failing = adapt_file(TRAPS / "unknown_keys.json")
    notes = {n.path: n for n in failing.notes if n.kind == UNKNOWN_KEY}
    assert set(notes) == {("lerning_rate",), ("max_train_step",), ("use_emma",), ("repeats",)}
    assert notes[("lerning_rate",)].hint == "did you mean 'learning_rate'?"
    assert "does not start" in notes[("lerning_rate",)].message
    assert "abbreviation of --max_train_steps" in notes[("max_train_step",)].message
    assert value(failing, "steps") == 1200  # argparse takes the abbreviation, and it comes last
    assert "nothing complains" in notes[("use_emma",)].message
    assert all(n.on_key and n.path in doc.spans for n in notes.values())
    _, passing = adapt_file(TRAPS / "clean.json")
    assert passing.notes == ()


def test_unknown_env_names() -> None:
    doc, failing = adapt_file(TRAPS / "typo.env")
    notes = {n.path: n for n in failing.notes if n.kind == UNKNOWN_KEY}
    assert set(notes) == {("LEARNING_RAT",), ("learning_rate",)}
    assert all(n.hint == "did you mean 'LEARNING_RATE'?" for n in notes.values())
    assert all(n.path in doc.spans for n in notes.values())
    _, passing = adapt_file(CONFIG / "config.env")
    assert UNKNOWN_KEY not in kinds(passing)


def test_unsupported_model() -> None:
    _, other = adapt_file(TRAPS / "sd3.json")
    assert other.base_model is None and kinds(other) == [UNSUPPORTED_MODEL]
    _, misspelt = adapt_file(TRAPS / "misspelt_family.json")
    assert misspelt.base_model is None and misspelt.notes[0].hint == "did you mean 'flux'?"
    _, passing = adapt_file(TRAPS / "prodigy.json")
    assert passing.base_model == "flux.1" and UNSUPPORTED_MODEL not in kinds(passing)


def test_adaptive_optimizer() -> None:
    _, failing = adapt_file(TRAPS / "prodigy.json")
    assert [n.path for n in failing.notes if n.kind == ADAPTIVE_OPTIMIZER] == [("optimizer",)]
    _, passing = adapt_file(CONFIG / "config.json")
    assert ADAPTIVE_OPTIMIZER not in kinds(passing)


def test_note_kinds_are_the_seams() -> None:
    assert {ADAPTIVE_OPTIMIZER, NUMBER_AS_STRING, UNKNOWN_KEY, UNSUPPORTED_MODEL, ZERO_LEARNING_RATE} <= set(NOTE_KINDS)


# --- knowledge ------------------------------------------------------------------------------------


def test_knowledge_tables_citereal_config_kinds() -> None:
    assert re.fullmatch(r"[0-9a-f]{40}", knowledge.COMMIT) and knowledge.REPOSITORY == "bghira/SimpleTuner"
    for table in (knowledge.KEYS, knowledge.BACKEND_KEYS):
        for info in table.values():
            assert info.source and info.unit
    assert knowledge.KEYS["learning_rate"].default == 4e-7 and knowledge.BACKEND_KEYS["repeats"].default == 0
    assert set(knowledge.KEYS) <= knowledge.OPTIONS
    assert set(knowledge.ENV_TO_ARGS.values()) <= knowledge.OPTIONS


# --- detection ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "suffix"),
    [
        ('{"LoRA_type": "Standard", "pretrained_model_name_or_path": "x", "max_train_steps": 100}', ".json"),
        ('{"job": "extension", "config": {"process": [{"type": "sd_trainer"}]}}', ".json"),
        ('{"type": "flux.1-lora", "parameters": {"learningRate": 1e-4}}', ".json"),
        ('{"model_type": "STABLE_DIFFUSION_15", "training_method": "LORA"}', ".json"),
        ('{"algo": "lokr", "multiplier": 1.0, "linear_alpha": 1}', ".json"),
        ('[{"path": "images", "balancing": 1.0}]', ".json"),
        ('pretrained_model_name_or_path = "x"\nnetwork_module = "networks.lora"\nmax_train_steps = 10\n', ".toml"),
        ("[general]\nshuffle_caption = true\n[[datasets]]\nresolution = 512\n", ".toml"),
        ("DATABASE_URL=postgres://x\nSECRET_KEY=abc\nOUTPUT_DIR=/tmp\n", ".env"),
    ],
)
def test_detect_leaves_other_formats_alone(text: str, suffix: str) -> None:
    assert not FORMAT.detect(text.encode(), suffix)


def test_adapt_refuses_what_is_not_simpletuner() -> None:
    assert adapt_data({"name": "x", "learning_rate": 1e-4}) is None
    assert adapt_data([{"path": "x"}]) is None
    assert adapt_env("DATABASE_URL=x\n") is None


# --- the real example configs (shared/real-configs, outside the project) ----------------------------


@pytest.mark.skipif(not (REAL_ROOT / "SOURCES.md").is_file(), reason="the real-config corpus is not here")
def test_real_configs() -> None:
    """Every SimpleTuner trainer config (JSON, env) and data backend list of the corpus is detected
    and adapted; its LyCORIS network configs, and every other trainer's file, are not claimed."""
    sources = real_config_kinds()
    claimed = 0
    for name, kind in sources.items():
        path = REAL_ROOT / name
        file_name = name.removesuffix(".example")
        suffix = Path(file_name).suffix.lower()
        raw = path.read_bytes()
        detected = FORMAT.detect(raw, suffix)
        training = name.startswith("SimpleTuner/") and (
            "trainer config" in kind or "data backend" in kind or "env-style" in kind
        )
        assert detected == training, (name, kind)
        if not training:
            continue
        claimed += 1
        doc = FORMAT.read(raw, file_name, Limits())
        adapted = FORMAT.adapt(doc, workspace(path.parent), Hints())
        assert adapted is not None, name
        assert UNKNOWN_KEY not in kinds(adapted), (name, adapted.notes)
        for trainer_value in adapted.values.values():
            assert trainer_value.path is None or trainer_value.path in doc.spans
        for note in adapted.notes:
            assert note.path in doc.spans, (name, note)
    assert claimed >= 14


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
    0.5,
    "",
    "x",
    "nan",
    "inf",
    "1e999",
    "-5",
    "1" + "0" * 400,
    [],
    [1, "a"],
    {},
    {"a": None},
    "true",
    "false",
    "prodigy",
    "sd1x",
    "flux",
    "config/multidatabackend.json",
    "../../../etc",
    "lora",
]
_HOSTILE_KEYS = [
    "model_family",
    "model_type",
    "max_train_steps",
    "num_train_epochs",
    "train_batch_size",
    "gradient_accumulation_steps",
    "learning_rate",
    "text_encoder_lr",
    "train_text_encoder",
    "lr_scale",
    "lr_scale_sqrt",
    "num_processes",
    "optimizer",
    "data_backend_config",
    "repeats",
    "--learning_rate",
    "max_train_st",
    "-",
    "--",
    "",
]


def test_hostile_input_never_raises(tmp_path: Path) -> None:
    rng = random.Random(20260826)
    for _ in range(300):
        data = {key: rng.choice(_HOSTILE_VALUES) for key in rng.sample(_HOSTILE_KEYS, 9)}
        data["model_family"] = rng.choice(["sdxl", "flux", 5, None, "x" * 300])
        adapted = adapt_data(data)
        if adapted is None:
            continue
        for trainer_value in adapted.values.values():
            assert trainer_value.value is None or trainer_value.value == trainer_value.value
    backends: list[Any] = [
        {
            "id": "a",
            "instance_data_dir": rng.choice(_HOSTILE_VALUES),
            "repeats": value,
            "dataset_type": rng.choice([None, "image", "video", 3, "text_embeds"]),
            "type": rng.choice(["local", "aws", None, []]),
        }
        for value in _HOSTILE_VALUES
    ]
    (tmp_path / "backends.json").write_text(json.dumps(backends + [1, None, "x"]))
    doc = FORMAT.read((tmp_path / "backends.json").read_bytes(), str(tmp_path / "backends.json"), Limits())
    FORMAT.adapt(doc, FolderWorkspace(tmp_path, tmp_path, Limits(), {"simpletuner": FORMAT.read}), Hints())
    for text in (
        "",
        ("TRAINER_EXTRA_ARGS='--max_train_steps --learning_rate=x -- --=1 --train_batch_size=0'\nMODEL_FAMILY=sdxl\n"),
        "MODEL_FAMILY=$(boom)\nNUM_EPOCHS=9" + "9" * 400 + "\n",
        "export MODEL_FAMILY='unterminated\n",
    ):
        adapt_env(text)
    for raw, suffix in ((b"", ".json"), (b"[", ".json"), (b"model_family = [", ".toml"), (b"\xff\xfe", ".env")):
        document = FORMAT.read(raw, "config" + suffix, Limits())
        FORMAT.detect(raw, suffix)
        FORMAT.adapt(document, workspace(TRAPS), Hints())
