"""The Scenario API input format: effective values worked out by hand from the API reference (the
field and page named in each test), each note kind on a failing and a passing payload, detection,
hostile input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import REAL_CONFIGS, adapt_with
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainlint.diagnostics import ConfigPath
from trainlint.document import Document, Limits
from trainlint.inputs.base import (
    NOTE_KINDS,
    NUMBER_AS_STRING,
    UNKNOWN_KEY,
    UNSUPPORTED_MODEL,
    ZERO_LEARNING_RATE,
    Adapted,
    Hints,
)
from trainlint.inputs.knowledge.scenario import PARAMETER_KEYS
from trainlint.inputs.scenario import FORMAT
from trainlint.inputs.workspace import FolderWorkspace

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "scenario"
REAL = REAL_CONFIGS


def workspace() -> FolderWorkspace:
    return FolderWorkspace(FIXTURES, REPO, Limits(), {})


def adapt_file(path: Path) -> Adapted:
    return adapt_with(FORMAT, path, base=FIXTURES, clean=True)[1]


def adapt_json(text: str) -> Adapted | None:
    return FORMAT.adapt(FORMAT.read(text.encode(), "payload.json", Limits()), workspace(), Hints())


# --- effective values -----------------------------------------------------------------------


def test_flux_model_defaults_by_hand() -> None:
    """A model as the API returns it. maxTrainSteps unset: the Flux default is training images x 100
    (trigger page) = 12 x 100 = 1200 -> 100 steps per image, and batchSize 2 shows 200 samples per image.
    learningRate 1e-4 and learningRateTextEncoder 1e-5 as given; the reference gives Flux LoRA no text
    encoder share, so the ratio is unknown. flux.1-lora -> FLUX.1, LoRA."""
    a = adapt_file(FIXTURES / "flux_model.json")
    assert (a.base_model, a.base_model_key, a.method, a.images) == ("flux.1", "type flux.1-lora", "lora", 12)
    v = a.values
    assert (v["steps"].value, v["steps"].source, v["steps"].path) == (1200.0, "trainer-default", None)
    assert v["steps_per_image"].value == 100 and "200 samples per image" in v["steps_per_image"].note
    assert v["learning_rate_unet"].value == 1e-4
    assert v["learning_rate_unet"].path == ("model", "parameters", "learningRate")
    assert v["learning_rate_text_encoder"].value == 1e-5
    assert v["text_encoder_ratio"].value is None and "Flux LoRA" in v["text_encoder_ratio"].note
    assert a.notes == ()


def test_flux_default_steps_need_the_image_count() -> None:
    """Without trainingImagesNumber the Flux default (images x 100) is not known: None, said why."""
    a = adapt_json('{"type": "flux.1-lora", "parameters": {"learningRate": 0.0001}}')
    assert a is not None and a.values["steps"].value is None
    assert "trainingImagesNumber" in a.values["steps"].note
    # the documented Flux defaults fill what is not set: learningRate 1e-4, learningRateTextEncoder 1e-5
    a = adapt_json('{"type": "flux.1-lora", "parameters": {"maxTrainSteps": 800}}')
    assert a is not None
    assert (a.values["learning_rate_unet"].value, a.values["learning_rate_unet"].source) == (1e-4, "trainer-default")
    assert a.values["learning_rate_text_encoder"].value == 1e-5


def test_trigger_body_without_type_by_hand() -> None:
    """`PUT /models/{id}/train` carries no model type: steps and learning rate as given, the defaults that
    depend on the type stay unknown; nbEpochs next to maxTrainSteps is said to be undocumented."""
    a = adapt_file(FIXTURES / "trigger_without_type.json")
    assert (a.base_model, a.method, a.images) == (None, None, None)
    assert a.values["steps"].value == 1500 and "nbEpochs" in a.values["steps"].note
    assert a.values["learning_rate_unet"].value == 2e-4
    assert a.values["learning_rate_text_encoder"].value is None
    assert "type" in a.values["learning_rate_text_encoder"].note
    assert a.values["steps_per_image"].value is None
    assert a.notes == ()


def test_sdxl_legacy_ratio_by_hand() -> None:
    """textEncoderTrainingRatio 0.25 (legacy): the text encoder gets 25 % of the 3500 steps, first.
    3500 / 10 images = 350 per image (Scenario's SDXL figure)."""
    a = adapt_file(FIXTURES / "sdxl_legacy_ratio.json")
    assert (a.base_model, a.method, a.images) == ("sdxl", "lora", 10)
    v = a.values
    assert v["steps"].value == 3500 and v["steps_per_image"].value == 350
    assert (v["learning_rate_unet"].value, v["learning_rate_text_encoder"].value) == (5e-6, 2e-6)
    assert (v["text_encoder_ratio"].value, v["text_encoder_ratio"].source) == (0.25, "config")
    assert "deprecated" in v["text_encoder_ratio"].note and "first" in v["text_encoder_ratio"].note


def test_flux_legacy_ratio_says_the_reference_is_silent() -> None:
    """A share on FLUX.1 is read as written, and the note says the reference does not say FLUX.1 honours it;
    SDXL's legacy share, which the reference's example describes, carries no such doubt."""
    a = adapt_json('{"type": "flux.1-lora", "parameters": {"maxTrainSteps": 1000, "textEncoderTrainingRatio": 0}}')
    assert a is not None and a.values["text_encoder_ratio"].value == 0
    assert "does not say whether FLUX.1 LoRA training honours it" in a.values["text_encoder_ratio"].note
    a = adapt_file(FIXTURES / "sdxl_legacy_ratio.json")
    assert "honours" not in a.values["text_encoder_ratio"].note


def test_sd15_phase_steps_by_hand() -> None:
    """numTextTrainSteps / maxTrainSteps = 350 / 1750 = 0.2, derived, with §9's open question (inside or on
    top of maxTrainSteps) in the note; learningRateUnet (legacy) is the UNet rate when learningRate is not set.
    sd-1_5 -> SD 1.5; whether it trained a LoRA or the whole model is not stated -> method None."""
    a = adapt_file(FIXTURES / "sd15_phase_steps.json")
    assert (a.base_model, a.method) == ("sd-1.5", None)
    v = a.values
    assert v["steps_per_image"].value == 175
    assert v["text_encoder_ratio"].value == pytest.approx(0.2) and v["text_encoder_ratio"].source == "derived"
    assert "not stated" in v["text_encoder_ratio"].note
    assert v["text_encoder_ratio"].path == ("parameters", "numTextTrainSteps")
    assert (v["learning_rate_unet"].value, v["learning_rate_unet"].key) == (2e-6, "learningRateUnet")


def test_phase_steps_without_a_total() -> None:
    a = adapt_json('{"type": "sd-1_5", "parameters": {"numTextTrainSteps": 100, "numUNetTrainSteps": 300}}')
    assert a is not None
    assert a.values["steps"].value is None and "400" in a.values["steps"].note
    assert a.values["text_encoder_ratio"].value == 0.25


def test_sdxl_defaults_by_hand() -> None:
    """SD 1.5/SDXL: the older trigger page gives learningRate 5e-6 and no other default (trainer-formats §9)."""
    a = adapt_file(FIXTURES / "sdxl_defaults.json")
    v = a.values
    assert v["steps"].value is None and "no default" in v["steps"].note
    assert (v["learning_rate_unet"].value, v["learning_rate_unet"].source) == (5e-6, "trainer-default")
    assert v["learning_rate_text_encoder"].value is None and v["text_encoder_ratio"].value is None


def test_both_unet_rates_differing_are_unknown() -> None:
    a = adapt_json('{"type": "sd-xl-lora", "parameters": {"learningRate": 1e-5, "learningRateUnet": 2e-5}}')
    assert a is not None and a.values["learning_rate_unet"].value is None


def test_not_a_training_type() -> None:
    a = adapt_json('{"type": "flux.1-composition", "parameters": {"maxTrainSteps": 100}}')
    assert a is not None and [n.kind for n in a.notes] == [UNSUPPORTED_MODEL]
    assert "not a training type" in a.notes[0].message


def test_not_mine() -> None:
    assert adapt_json('{"parameters": {"foo": 1}}') is None
    assert adapt_json("[1, 2]") is None
    assert adapt_json('{"type": "something", "parameters": {"bar": 2}}') is None


# --- every note kind: a failing and a passing payload ----------------------------------------

TRAPS: dict[str, list[ConfigPath]] = {
    NUMBER_AS_STRING: [("parameters", "maxTrainSteps")],
    ZERO_LEARNING_RATE: [("parameters", "learningRate")],
    UNKNOWN_KEY: [("parameters", "learningRat"), ("parameters", "max_train_steps"), ("parameters", "scaleLr")],
    UNSUPPORTED_MODEL: [("type",)],
}


@pytest.mark.parametrize("kind", sorted(TRAPS))
def test_trap_fails_and_passes(kind: str) -> None:
    assert kind in NOTE_KINDS
    failing = adapt_file(FIXTURES / "traps" / f"{kind}-fail.json")
    assert sorted(n.path for n in failing.notes if n.kind == kind) == sorted(TRAPS[kind])
    passing = adapt_file(FIXTURES / "traps" / f"{kind}-pass.json")
    assert passing.notes == ()


def test_trap_wording() -> None:
    notes = {n.path[-1]: n for n in adapt_file(FIXTURES / "traps" / "unknown-key-fail.json").notes}
    assert notes["max_train_steps"].hint == "did you mean `maxTrainSteps`?"
    assert notes["learningRat"].hint == "did you mean `learningRate`?"
    assert "will be ignored" in notes["scaleLr"].message
    zero = adapt_file(FIXTURES / "traps" / "zero-learning-rate-fail.json").notes[0]
    assert "exclusiveMinimum" in zero.message
    text = adapt_file(FIXTURES / "traps" / "number-as-string-fail.json")
    assert text.values["steps"].value is None
    assert text.notes[0].hint == 'write it as a JSON number: "maxTrainSteps": 1000'


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("maxTrainSteps", "1000"),
        ("maxTrainSteps", "12000"),
        ("maxTrainSteps", "1_000"),
        ("maxTrainSteps", "1e3"),
        ("maxTrainSteps", "+1500"),
        ("learningRate", " 1e-4 "),
        ("learningRate", ".0001"),
        ("learningRate", "5."),
        ("learningRate", "0.000015"),
        ("textEncoderTrainingRatio", "0.25"),
    ],
)
def test_number_as_string_hint_is_valid_json(key: str, text: str) -> None:
    # the hint shows the member to write, and JSON reads it as the number the text holds: no thousands
    # separator (1,000), underscore, leading dot or plus sign, which JSON has not
    adapted = adapt_json(json.dumps({"type": "flux.1-lora", "parameters": {key: text}}))
    assert adapted is not None
    [note] = [n for n in adapted.notes if n.kind == NUMBER_AS_STRING]
    assert note.hint is not None and note.hint.startswith("write it as a JSON number: ")
    member = note.hint.removeprefix("write it as a JSON number: ")
    assert json.loads("{" + member + "}") == {key: float(text)}


# --- detection ------------------------------------------------------------------------------

NOT_SCENARIO = {
    "kohya_ss GUI": b'{"LoRA_type": "Standard", "learning_rate": 0.0001, "max_train_steps": "1600"}',
    "OneTrainer": b'{"__version": 11, "training_method": "LORA", "learning_rate": 0.0003}',
    "SimpleTuner": b'{"model_family": "flux", "learning_rate": 1e-4, "max_train_steps": 1000}',
    "ai-toolkit": b'{"job": "extension", "config": {"name": "x", "process": [{"train": {"lr": 1e-4}}]}}',
    "OpenAPI": b'{"paths": {"/x": {"get": {"parameters": [{"name": "id"}]}}}}',
    "YAML": b"parameters:\n  maxTrainSteps: 1000\n",
}


@pytest.mark.parametrize("name", sorted(NOT_SCENARIO))
def test_detect_leaves_other_files_alone(name: str) -> None:
    assert not FORMAT.detect(NOT_SCENARIO[name], ".json")


@pytest.mark.skipif(not REAL.is_dir(), reason="real-configs corpus not present")
def test_no_real_trainer_config_is_claimed() -> None:
    for path in sorted(REAL.rglob("*")):
        if path.is_file():
            assert not FORMAT.detect(path.read_bytes(), path.suffix.lower()), path


# --- hostile input --------------------------------------------------------------------------

HOSTILE: list[Any] = [
    {"model": {"type": 3, "parameters": []}},
    {"model": "x", "parameters": {"maxTrainSteps": None, "learningRate": True}},
    {"type": "flux.1-lora", "trainingImagesNumber": -4, "parameters": {"maxTrainSteps": 1e308, "batchSize": "2"}},
    {
        "type": "flux.1-lora",
        "trainingImagesNumber": True,
        "parameters": {"textEncoderTrainingRatio": 7, "numTextTrainSteps": -1},
    },
    {"type": "sd-1_5", "parameters": {"numTextTrainSteps": 0, "numUNetTrainSteps": 0, "maxTrainSteps": 0}},
    {"type": "sd-xl", "parameters": {"learningRateTextEncoder": 0, "learningRateUnet": "", 5: 1}},
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
        b"\xff\xfe",
        b"{",
        b'{"parameters": ' * 3000,
        b'{"parameters": {"a": NaN}}',
        b'{"parameters": {"maxTrainSteps": 1' + b"0" * 5000 + b"}}",
    ],
)
def test_hostile_bytes_never_raise(raw: bytes) -> None:
    doc = FORMAT.read(raw, "h.json", Limits())
    adapted = FORMAT.adapt(doc, workspace(), Hints())
    assert adapted is None or isinstance(adapted, Adapted)


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.sampled_from(["", "1000", "flux.1-lora", "sd-xl-lora", "sd-1_5", "qwen-image-lora", "x"]),
)
_KEYS = st.sampled_from(
    ["model", "type", "parameters", "trainingImagesNumber", *sorted(PARAMETER_KEYS), "max_train_steps", "learningRat"]
)
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=6)),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _DATA, max_size=5), st.dictionaries(_KEYS, _DATA, max_size=8))
def test_generated_payloads_never_raise(top: dict[str, Any], parameters: dict[str, Any]) -> None:
    for data in ({**top, "parameters": parameters}, {"model": {**top, "parameters": parameters}}):
        doc = Document("generated.json", "{}")
        doc.data = data
        adapted = FORMAT.adapt(doc, workspace(), Hints())
        assert adapted is None or isinstance(adapted, Adapted)
