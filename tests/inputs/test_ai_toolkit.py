"""The ai-toolkit input format: effective values worked out by hand from ai-toolkit's own code
(the formula and source line named in each test), every note kind it emits on a failing and a
passing fixture, detection, the real example configs, hostile input."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from helpers import adapt_with
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainlint.diagnostics import ConfigPath
from trainlint.document import Document, Limits
from trainlint.inputs import ai_toolkit
from trainlint.inputs.ai_toolkit import FORMAT
from trainlint.inputs.base import (
    ADAPTIVE_OPTIMIZER,
    NOTE_KINDS,
    NUMBER_AS_STRING,
    UNKNOWN_KEY,
    UNSUPPORTED_MODEL,
    YAML11_READING,
    ZERO_LEARNING_RATE,
    Adapted,
    Hints,
    directive_hints,
)
from trainlint.inputs.workspace import FolderWorkspace

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "ai-toolkit"
REAL = Path(os.environ.get("TRAINLINT_REAL_CONFIGS", REPO.parent / "shared" / "real-configs")) / "ai-toolkit"
P0 = ("config", "process", 0)


def workspace(base: Path = FIXTURES) -> FolderWorkspace:
    return FolderWorkspace(base, REPO, Limits(), {})


def adapt_file(path: Path) -> tuple[Document, Adapted]:
    return adapt_with(FORMAT, path)


def adapt_text(text: str, name: str = "job.yaml", base: Path = FIXTURES) -> Adapted:
    doc = FORMAT.read(text.encode(), str(base / name), Limits())
    adapted = FORMAT.adapt(doc, workspace(base), directive_hints(doc.text, doc.spans))  # as the engine passes them
    assert adapted is not None
    return adapted


def kinds(adapted: Adapted) -> list[str]:
    return [note.kind for note in adapted.notes]


JOB = """job: extension
config:
  name: t
  process:
    - type: sd_trainer
      network: {{type: lora}}
      datasets:
        - folder_path: images/style
      train:
{train}
      model:
        name_or_path: black-forest-labs/FLUX.1-dev
        is_flux: true
"""


def job(*train_lines: str) -> str:
    return JOB.format(train="\n".join(f"        {line}" for line in train_lines) or "        steps: 1000")


# --- effective values -----------------------------------------------------------------------


def test_flux_lora_values_by_hand() -> None:
    """steps = train.steps (toolkit/config_modules.py:380, loop range(start, steps) at
    BaseSDTrainProcess.py:2533) = 1500. images: images/subject walked recursively (data_loader.py:425-454):
    10 .png + 2 .webp (one spelled .WEBP: suffixes are lower-cased) + 3 .jpg in nested/ = 15; the 4 files
    directly in _controls/ and the 2 in the hidden .cache/ are left out, and images/reg is is_reg (:951).
    steps per image = 1500 / 15 = 100. Every part trains at train.lr = 1e-4 (BaseSDTrainProcess.py:2025-2028);
    train_text_encoder false -> text encoder ratio 0 (:400-401). is_flux -> FLUX.1; a network -> LoRA."""
    doc, a = adapt_file(FIXTURES / "flux_lora.yaml")
    assert doc.findings == []  # `lr: 1e-4` is a float to ai-toolkit: no YAML 1.1 finding
    assert (a.base_model, a.base_model_key, a.method, a.images) == ("flux.1", "model.is_flux", "lora", 15)
    v = a.values
    assert v["steps"].value == 1500 and v["steps"].source == "config"
    assert v["steps"].key == "train.steps" and v["steps"].path == (*P0, "train", "steps")
    assert v["steps_per_image"].value == 100 and v["steps_per_image"].source == "derived"
    assert "regularisation" in v["steps_per_image"].note
    assert v["learning_rate_unet"].value == 1e-4 and v["learning_rate_unet"].path == (*P0, "train", "lr")
    assert v["learning_rate_text_encoder"].value is None
    assert "not trained" in v["learning_rate_text_encoder"].note
    assert v["text_encoder_ratio"].value == 0.0
    assert v["text_encoder_ratio"].path == (*P0, "train", "train_text_encoder")
    assert a.notes == ()


def test_json_job_two_processes_by_hand() -> None:
    """JSON job (read with json semantics). gradient_accumulation 2: each of the 800 steps draws 2 batches
    and makes one update (config_modules.py:456-462, BaseSDTrainProcess.py:2565-2612) -> 800 updates;
    images/style holds 8 .jpeg -> 100 steps per image, and 800 x batch 2 x 2 / 8 = 400 samples per image.
    §10.1: unet_lr 1e-4 and text_encoder_lr 5e-5 are never used: UNet and text encoder both train at
    train.lr 2e-5; train_text_encoder true -> ratio 1. The second process is named, not adapted."""
    _, a = adapt_file(FIXTURES / "sdxl_two_processes.json")
    assert (a.base_model, a.base_model_key, a.method, a.images) == ("sdxl", "model.arch sdxl", "lora", 8)
    v = a.values
    assert v["steps"].value == 800 and "config.process[1] (sd_trainer)" in v["steps"].note
    assert v["steps_per_image"].value == 100 and "show 400 samples per image" in v["steps_per_image"].note
    assert v["learning_rate_unet"].value == 2e-5
    assert v["learning_rate_text_encoder"].value == 2e-5
    assert v["learning_rate_text_encoder"].key == "train.lr"
    assert v["text_encoder_ratio"].value == 1.0
    ignored = [n for n in a.notes if n.kind == UNKNOWN_KEY]
    assert [n.path[-1] for n in ignored] == ["unet_lr", "text_encoder_lr"]
    assert all(n.on_key and "never used" in n.message for n in ignored)


def test_legacy_accumulation_full_fine_tune_by_hand() -> None:
    """Legacy gradient_accumulation_steps 4: every loop step is one batch and the optimizer steps every
    4th (BaseSDTrainProcess.py:2565-2612): 2000 // 4 = 500 updates. folder_path images/[name] with
    config.name style -> images/style (toolkit/config.py:19-52): 8 images -> 500 / 8 = 62.5 per image.
    `train_text_encoder: yes` is true to ai-toolkit's YAML 1.1 loader -> ratio 1, no note (a switch written
    yes is what the author meant). No network section -> full fine-tune (BaseSDTrainProcess.py:251-253);
    is_xl -> SDXL (config_modules.py:766-823)."""
    doc, a = adapt_file(FIXTURES / "sdxl_full_legacy_accumulation.yaml")
    assert not [f for f in doc.findings if f.code == "TL010"]
    assert (a.base_model, a.base_model_key, a.method, a.images) == ("sdxl", "model.is_xl", "full", 8)
    assert a.values["steps"].value == 500 and a.values["steps"].source == "derived"
    assert a.values["steps_per_image"].value == 62.5
    assert "show 250 samples per image" in a.values["steps_per_image"].note  # 2000 loop steps x batch 1 / 8
    assert a.values["text_encoder_ratio"].value == 1.0
    assert a.values["learning_rate_text_encoder"].value == 5e-6
    assert a.notes == ()


def test_defaults_by_hand() -> None:
    """Nothing set: steps 1000 (config_modules.py:380), lr 1e-6 (:381), train_text_encoder false (:400-401),
    no arch and no is_* flag -> sd1 (:766-823). 1000 / 8 images = 125 per image. Defaults have no path."""
    _, a = adapt_file(FIXTURES / "defaults_sd15.yaml")
    v = a.values
    assert (v["steps"].value, v["steps"].source, v["steps"].path) == (1000.0, "trainer-default", None)
    assert isinstance(v["steps"].value, float)
    assert (v["learning_rate_unet"].value, v["learning_rate_unet"].source) == (1e-6, "trainer-default")
    assert (v["text_encoder_ratio"].value, v["text_encoder_ratio"].source) == (0.0, "trainer-default")
    assert v["steps_per_image"].value == 125
    assert a.base_model == "sd-1.5" and a.method == "lora"


def test_env_variables_make_values_unknown() -> None:
    """`${VAR}` is filled from the environment before parsing (toolkit/config.py:19-52): not known here."""
    a = adapt_text(job("steps: ${STEPS}", "lr: ${LR}"))
    assert a.values["steps"].value is None and "STEPS" in a.values["steps"].note
    assert a.values["learning_rate_unet"].value is None and "LR" in a.values["learning_rate_unet"].note
    text = job("steps: 1000").replace("folder_path: images/style", "folder_path: ${DATA}/style")
    a = adapt_text(text)
    assert a.images is None and "environment" in a.values["steps_per_image"].note


def test_decimal_steps_and_exclusive_accumulation() -> None:
    """range(start, 2e3) refuses a float; gradient_accumulation > 1 with gradient_accumulation_steps != 1
    is refused by TrainConfig (config_modules.py:456-462)."""
    assert adapt_text(job("steps: 2e3")).values["steps"].value is None
    a = adapt_text(job("steps: 100", "gradient_accumulation: 2", "gradient_accumulation_steps: 2"))
    assert a.values["steps"].value is None and "mutually exclusive" in a.values["steps"].note


def test_automagic_start_above_its_maximum_is_forced() -> None:
    """Automagic forces a start lr above 1e-3 to 1e-6 (toolkit/optimizers/automagic.py @20b3c126)."""
    a = adapt_text(job("lr: 1e-2", "optimizer: automagic"))
    assert a.values["learning_rate_unet"].value == 1e-6 and a.values["learning_rate_unet"].source == "derived"
    assert kinds(a) == [ADAPTIVE_OPTIMIZER]


def test_unknown_arch_falls_back_with_a_suggestion() -> None:
    a = adapt_text(job("lr: 1e-4").replace("is_flux: true", "arch: fluxx"))
    assert a.base_model is None and kinds(a) == [UNSUPPORTED_MODEL]
    assert a.notes[0].hint == "did you mean `flux`?" and "legacy Stable Diffusion class" in a.notes[0].message


def test_arch_tag_and_flex1() -> None:
    """The UI's `arch:tag` loses its tag and flex1 is flux (config_modules.py:766-823)."""
    assert adapt_text(job().replace("is_flux: true", "arch: flex1:v2")).base_model == "flux.1"
    assert adapt_text(job().replace("is_flux: true", "arch: sdxl")).base_model == "sdxl"


def test_non_training_job_is_claimed_without_values() -> None:
    text = "job: extract\nconfig:\n  name: x\n  process:\n    - type: locon\n      linear: 64\n"
    assert FORMAT.detect(text.encode(), ".yaml")
    a = adapt_text(text)
    assert a.values == {} and a.method is None and a.base_model is None


def test_not_an_ai_toolkit_document() -> None:
    doc = FORMAT.read(b"name: x\nprocess: []\nconfig: 1\n", "x.yaml", Limits())
    assert FORMAT.adapt(doc, workspace(), Hints()) is None


def test_directive_hints_win() -> None:
    a = adapt_text("# trainlint: training_type=style\n" + job())
    assert (a.training_type, a.hints_source) == ("style", "directive")
    doc = FORMAT.read(job().encode(), str(FIXTURES / "j.yaml"), Limits())
    given = FORMAT.adapt(doc, workspace(), Hints("subject", None, "command line"))
    assert given is not None and given.training_type == "subject"


# --- every note kind: a failing and a passing fixture ----------------------------------------

TRAPS: dict[str, list[ConfigPath]] = {
    NUMBER_AS_STRING: [(*P0, "train", "lr")],
    ZERO_LEARNING_RATE: [(*P0, "train", "lr")],
    ADAPTIVE_OPTIMIZER: [(*P0, "train", "optimizer")],
    UNKNOWN_KEY: [(*P0, "train", "learning_rate"), (*P0, "train", "bacth_size"), (*P0, "train", "text_encoder_lr")],
    YAML11_READING: [
        ("config", "name"),
        (*P0, "sample", "prompts", 0),
        (*P0, "sample", "prompts", 1),
        (*P0, "trigger_word"),
    ],
    UNSUPPORTED_MODEL: [(*P0, "model", "arch")],
}


@pytest.mark.parametrize("kind", sorted(TRAPS))
def test_trap_fails_and_passes(kind: str) -> None:
    assert kind in NOTE_KINDS
    _, failing = adapt_file(FIXTURES / "traps" / f"{kind}-fail.yaml")
    assert sorted(n.path for n in failing.notes if n.kind == kind) == sorted(TRAPS[kind])
    assert all(n.message for n in failing.notes)
    _, passing = adapt_file(FIXTURES / "traps" / f"{kind}-pass.yaml")
    assert passing.notes == ()


def test_number_as_string_says_what_ai_toolkit_does() -> None:
    """TrainConfig reads train.lr with kwargs.get and never converts it (config_modules.py:381)."""
    _, a = adapt_file(FIXTURES / "traps" / "number-as-string-fail.yaml")
    note = a.notes[0]
    assert "no conversion" in note.message and "type error" in note.message
    assert note.hint == "write it without quotes: 1e-4"
    assert a.values["learning_rate_unet"].value is None


def test_yaml11_notes_say_ai_toolkit_is_affected() -> None:
    _, a = adapt_file(FIXTURES / "traps" / "yaml11-reading-fail.yaml")
    by_path = {n.path: n for n in a.notes}
    assert "ai-toolkit is affected" in by_path[(*P0, "trigger_word")].message
    assert by_path[(*P0, "trigger_word")].hint == 'quote it if you mean the text: "no"'
    assert "number 493" in by_path[("config", "name")].message  # YAML 1.1 octal
    assert "json.dumps" in by_path[(*P0, "sample", "prompts", 1)].message  # a date stops the job


def test_yaml11_number_spellings_ai_toolkit_reads_as_meant_are_quiet() -> None:
    """`1_000` is 1000 to YAML 1.1 and `yes` on a switch is true: what the author meant, no note."""
    a = adapt_text(job("steps: 1_000", "train_text_encoder: yes"))
    assert a.notes == ()
    assert a.values["steps"].value == 1000 and a.values["text_encoder_ratio"].value == 1.0


def test_prodigy_message_names_the_multiplier() -> None:
    _, a = adapt_file(FIXTURES / "traps" / "adaptive-optimizer-fail.yaml")
    assert "multiplier" in a.notes[0].message and a.values["learning_rate_unet"].value == 1.0


def test_zero_lr_with_automagic_is_not_frozen() -> None:
    a = adapt_text(job("lr: 0", "optimizer: automagic"))
    zero = [n for n in a.notes if n.kind == ZERO_LEARNING_RATE]
    assert len(zero) == 1 and "lowest rate" in zero[0].message


# --- reading and detection ------------------------------------------------------------------


def test_invalid_yaml_is_a_positioned_syntax_finding() -> None:
    raw = (
        b"job: extension\nconfig:\n  name: x\n  process:\n    - type: sd_trainer\n      model:\n"
        b'        name_or_path: "unterminated\n        arch: flux\n'
    )
    assert FORMAT.detect(raw, ".yaml")
    doc = FORMAT.read(raw, "bad.yaml", Limits())
    assert [f.code for f in doc.findings] == ["TL001"] and doc.findings[0].span is not None
    assert FORMAT.adapt(doc, workspace(), Hints()) is None


def test_json_is_read_by_suffix_and_content() -> None:
    raw = b'{"job": "extension", "config": {"name": "x", "process": [ ]}}'
    assert FORMAT.detect(raw, ".json") and FORMAT.detect(raw, ".jsonc")
    doc = FORMAT.read(raw + b" // no comments", "x.jsonc", Limits())
    assert [f.code for f in doc.findings] == ["TL001"]  # ai-toolkit reads .jsonc with plain json.loads
    assert FORMAT.read(raw, "x", Limits()).ok


NOT_AI_TOOLKIT = {
    "trainlint config": (b"schema_version: 1\npreset: sdxl/style\ntraining:\n  steps: 4200\n", ".yaml"),
    "kohya_ss GUI": (
        b'{"LoRA_type": "Standard", "pretrained_model_name_or_path": "x", "learning_rate": 0.0001}',
        ".json",
    ),
    "OneTrainer": (
        b'{"__version": 11, "training_method": "LORA", "model_type": "FLUX_DEV_1", "concepts": []}',
        ".json",
    ),
    "SimpleTuner": (b'{"model_family": "flux", "model_type": "lora", "learning_rate": 1e-4}', ".json"),
    "CI workflow": (
        (
            b"name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
            b"      - run: make test  # process the config\n"
        ),
        ".yml",
    ),
    "docker-compose": (
        (
            b"services:\n  trainer:\n    image: ai-toolkit\n    environment:\n      - CONFIG=job.yaml\n"
            b"    command: python run.py config/process.yaml\n"
        ),
        ".yaml",
    ),
    "prompts": (b"prompts:\n  - a job interview\n  - config: photo\n  - process shot\n", ".yaml"),
    "Scenario payload": (b'{"type": "flux.1-lora", "parameters": {"maxTrainSteps": 1000}}', ".json"),
    "job key not at the top": (b"config:\n  process: []\nmeta:\n  job: x\n", ".yaml"),
}


@pytest.mark.parametrize("name", sorted(NOT_AI_TOOLKIT))
def test_detect_leaves_other_files_alone(name: str) -> None:
    raw, suffix = NOT_AI_TOOLKIT[name]
    assert not FORMAT.detect(raw, suffix)


def test_detect_with_byte_order_mark() -> None:
    assert FORMAT.detect(b"\xef\xbb\xbfjob: extension\nconfig:\n  process: []\n", ".yaml")


# --- the real example configs ---------------------------------------------------------------


def _real_files() -> list[Path]:
    return sorted(p for p in REAL.rglob("*") if p.is_file()) if REAL.is_dir() else []


@pytest.mark.skipif(not REAL.is_dir(), reason="real-configs corpus not present")
def test_real_configs() -> None:
    """Every training job is claimed and adapted without exception; the one invalid example gives a
    positioned syntax finding; the non-training jobs (extract, generate, mod) are claimed with no values."""
    trained = 0
    for path in _real_files():
        raw = path.read_bytes()
        if path.suffix.lower() not in FORMAT.suffixes:
            assert not FORMAT.detect(raw, path.suffix.lower()), path
            continue
        assert FORMAT.detect(raw, path.suffix.lower()), path
        doc = FORMAT.read(raw, str(path), Limits())
        if path.name == "train_lora_omnigen2_24gb.yaml":
            assert [f.code for f in doc.findings] == ["TL001"]
            span = doc.findings[0].span
            assert span is not None and span.line in (63, 64)  # the unterminated quote of line 64
            continue
        assert not [f for f in doc.findings if f.code == "TL010"], path
        adapted = FORMAT.adapt(doc, workspace(path.parent), Hints())
        assert adapted is not None, path
        if adapted.values:
            trained += 1
            assert adapted.values["steps"].value is not None, path
            assert adapted.values["learning_rate_unet"].value is not None, path
            assert not [n for n in adapted.notes if n.kind == YAML11_READING], path
        else:
            assert isinstance(doc.data, dict) and doc.data["job"] in ("extract", "generate", "mod"), path
    assert trained >= 20


@pytest.mark.skipif(not REAL.is_dir(), reason="real-configs corpus not present")
def test_sources_list_is_not_claimed() -> None:
    sources = REAL.parent / "SOURCES.md"
    assert not FORMAT.detect(sources.read_bytes(), ".md")


@pytest.mark.skipif(not REAL.parent.is_dir(), reason="real-configs corpus not present")
def test_other_trainers_configs_are_not_claimed() -> None:
    for path in sorted(REAL.parent.rglob("*")):
        if path.is_file() and REAL not in path.parents:
            assert not FORMAT.detect(path.read_bytes(), path.suffix.lower()), path


# --- hostile input --------------------------------------------------------------------------

HOSTILE: list[Any] = [
    {"job": "extension", "config": {"process": "not a list"}},
    {"job": "extension", "config": {"process": [None, 3, "x", {"type": "sd_trainer"}]}},
    {
        "job": "extension",
        "config": {
            "name": 7,
            "process": [{"type": "sd_trainer", "train": [], "model": "x", "datasets": {"folder_path": "images"}}],
        },
    },
    {
        "job": None,
        "config": {
            "process": [{"type": "sd_trainer", "train": {"steps": -5, "lr": -1.0, "batch_size": "", "optimizer": 3}}]
        },
    },
    {
        "job": "extension",
        "config": {
            "name": "[name]",
            "process": [
                {
                    "type": "sd_trainer",
                    "network": 5,
                    "model": {"arch": ["flux"], "is_flux": "false"},
                    "datasets": [
                        {"folder_path": "../../../../../../etc", "num_frames": "x"},
                        {"folder_path": "[name]"},
                        {"dataset_path": 3},
                        {"folder_path": "\x00"},
                    ],
                    "train": {
                        "steps": 10**30,
                        "lr": float("nan"),
                        "gradient_accumulation_steps": -1,
                        "gradient_accumulation": "2",
                        "train_text_encoder": {"a": 1},
                        "unet_lr": "x",
                    },
                }
            ],
        },
    },
    {"job": "extension", "config": {"process": [{"type": "slider", "train": {"steps": True, "lr": "${LR}"}}]}},
]


@pytest.mark.parametrize("data", HOSTILE)
def test_hostile_structures_never_raise(data: Any) -> None:
    doc = Document("hostile.json", "{}")
    doc.data = data
    adapted = FORMAT.adapt(doc, workspace(), Hints())
    assert adapted is None or isinstance(adapted, Adapted)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\x01\x02",
        b"\xff\xfe\x00",
        b"job: [",
        b"job: *x\nconfig: {process: []}\n",
        b"job: &a [*a]\nconfig:\n  process: []\n",
        b"{" * 5000,
        b"job: x\nconfig:\n  process:\n" + b"  - " * 200,
        b"job: x\nconfig: {process: [{type: sd_trainer, train: {lr: !!binary aGk=}}]}\n",
        "job: x\nconfig:\n  name: \u2028\n  process: [{type: sd_trainer, train: {steps: 0o17}}]\n".encode(),
    ],
)
def test_hostile_bytes_never_raise(raw: bytes) -> None:
    for name in ("h.yaml", "h.json", "h"):
        doc = FORMAT.read(raw, name, Limits())
        adapted = FORMAT.adapt(doc, workspace(), Hints())
        assert adapted is None or isinstance(adapted, Adapted)


def test_reading_table_is_ai_toolkits() -> None:
    """The patched loader: `1e-4` float (the patch), `no` false, `012` octal 10, `0o17` text (YAML 1.1)."""
    read = ai_toolkit._aitk_reading
    assert read("1e-4") == 1e-4 and read("3E-5") == 3e-5
    assert read("no") is False and read("On") is True
    assert read("012") == 10 and read("0o17") == "0o17" and read("1:30") == 90


def test_repeats_as_text_are_noted() -> None:
    """ai-toolkit compares num_repeats with 1 when it lists a dataset (data_loader.py): text stops it."""
    a = adapt_text(job().replace("folder_path: images/style", 'folder_path: images/style\n          num_repeats: "3"'))
    assert [(n.kind, n.path) for n in a.notes] == [(NUMBER_AS_STRING, (*P0, "datasets", 0, "num_repeats"))]


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "",
            "1e-4",
            "no",
            "${X}",
            "[name]",
            "images/style",
            "prodigy",
            "automagic",
            "flux",
            "sdxl",
            "wan21",
            "sd_trainer",
            "slider",
            "lora",
            "../..",
            "_controls",
        ]
    ),
)
_KEYS = st.sampled_from(
    [
        "job",
        "config",
        "process",
        "name",
        "type",
        "train",
        "model",
        "network",
        "datasets",
        "steps",
        "lr",
        "unet_lr",
        "text_encoder_lr",
        "batch_size",
        "gradient_accumulation",
        "gradient_accumulation_steps",
        "train_text_encoder",
        "train_unet",
        "optimizer",
        "arch",
        "is_flux",
        "is_xl",
        "folder_path",
        "dataset_path",
        "is_reg",
        "num_repeats",
        "num_frames",
        "adapter",
        "learning_rate",
        "bacth_size",
    ]
)
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=6)),
    max_leaves=40,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _DATA, max_size=5), _DATA)
def test_generated_jobs_never_raise(top: dict[str, Any], process: Any) -> None:
    data = {
        **top,
        "job": "extension",
        "config": {
            "name": "style",
            "process": [process, {"type": "sd_trainer", **(process if isinstance(process, dict) else {})}],
        },
    }
    doc = Document("generated.json", "{}")
    doc.data = data
    adapted = FORMAT.adapt(doc, workspace(), Hints())
    assert adapted is None or isinstance(adapted, Adapted)
