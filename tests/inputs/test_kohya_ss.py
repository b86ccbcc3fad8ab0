"""The kohya_ss input format: effective values worked out by hand from the GUI's and sd-scripts' formulas.

Each test names the formula and where the GUI or sd-scripts has it (trainer-formats.md sections 1,
2 and 10, at the pinned commits of knowledge/kohya_ss.py and knowledge/sd_scripts.py). Fixtures
are in tests/fixtures/kohya_ss/: `img/` holds 10_cat (3 png), 5_dog (2 jpg) and misc (1 png, no
repeat prefix), `reg/` holds 1_person (4 png); traps/ has a failing and a passing file per note kind.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import REAL_CONFIGS, real_config_kinds

from trainlint.document import Document, Limits
from trainlint.inputs import base
from trainlint.inputs.base import Adapted, Hints, Reader
from trainlint.inputs.knowledge import kohya_ss as knowledge
from trainlint.inputs.kohya_ss import FORMAT
from trainlint.inputs.sd_scripts import FORMAT as SD_SCRIPTS
from trainlint.inputs.workspace import FolderWorkspace

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "kohya_ss"
REAL = REAL_CONFIGS
READERS: dict[str, Reader] = {"sd-scripts": SD_SCRIPTS.read, "kohya_ss": FORMAT.read}


def run(path: Path, base_dir: Path | None = None) -> tuple[Document, Adapted | None]:
    """Read and adapt a file; relative paths in it resolve against `base_dir` (its own folder by default)."""
    raw = path.read_bytes()
    doc = FORMAT.read(raw, str(path), Limits())
    workspace = FolderWorkspace(base_dir or path.parent, FIXTURES, Limits(), READERS)
    return doc, FORMAT.adapt(doc, workspace, Hints())


def fixture(name: str) -> tuple[Document, Adapted]:
    path = FIXTURES / name
    assert FORMAT.detect(path.read_bytes(), ".json"), name
    doc, adapted = run(path)
    assert adapted is not None, name
    return doc, adapted


def edited(tmp_path: Path, name: str, **changes: Any) -> Adapted:
    """A fixture with some keys changed (None removes one), its paths resolved in the fixtures folder."""
    data = json.loads((FIXTURES / name).read_text())
    for key, val in changes.items():
        if val is None:
            data.pop(key, None)
        else:
            data[key] = val
    path = tmp_path / name
    path.write_text(json.dumps(data))
    _, adapted = run(path, base_dir=FIXTURES)
    assert adapted is not None
    return adapted


def value(adapted: Adapted, key: str) -> float | None:
    return adapted.values[key].value


def kinds(adapted: Adapted) -> list[str]:
    return [n.kind for n in adapted.notes]


def notes(adapted: Adapted, kind: str) -> list[base.Note]:
    return [n for n in adapted.notes if n.kind == kind]


# --- steps -------------------------------------------------------------------------------------


def test_lora_gui_step_count_from_n_name_folders() -> None:
    # The GUI's own count, max_train_steps and max_train_epochs being 0 (lora_gui.py:1618-1746):
    # total = sum(N x images) over N_name folders = 10 x 3 + 5 x 2 = 40 (misc/ has no N and is skipped)
    # max_train_steps = ceil(40 / batch 2 / accumulation 1 x epoch 2 x reg_factor 1) = 40
    # steps_per_image = 40 / 5 distinct images (10_cat and 5_dog; sd-scripts trains N >= 1 folders)
    _, adapted = fixture("lora-gui-steps.json")
    assert (adapted.input_format, adapted.base_model, adapted.method, adapted.images) == (
        "kohya_ss",
        "sd-1.5",
        "lora",
        5,
    )
    assert value(adapted, "steps") == 40
    assert adapted.values["steps"].source == "derived"
    assert adapted.values["steps"].path == ("max_train_steps",)
    assert "ceil(40 samples (10x3 + 5x2) / 2 batch / 1 accumulation x 2 epoch" in adapted.values["steps"].note
    assert value(adapted, "steps_per_image") == 8
    assert (value(adapted, "learning_rate_unet"), value(adapted, "learning_rate_text_encoder")) == (1e-4, 5e-5)
    assert value(adapted, "text_encoder_ratio") == 1.0
    assert adapted.notes == ()


def test_lora_gui_step_count_doubles_with_reg_data_dir() -> None:
    # reg_factor = 2 when reg_data_dir is not empty (lora_gui.py:1618-1746):
    # ceil(40 / 2 / 1 x 2 x 2) = 80; 80 / 5 images = 16 per image
    _, adapted = fixture("lora-gui-steps-reg.json")
    assert value(adapted, "steps") == 80
    assert value(adapted, "steps_per_image") == 16


def test_epochs_override_steps_with_regularisation_balancing() -> None:
    # max_train_epochs 3 replaces max_train_steps 500 in sd-scripts:
    # max_train_steps = epochs x ceil(batches / processes / accumulation)   (train_network.py:798-805)
    # batches = ceil((40 train samples + 40 reg samples) / batch 2) = 40: sd-scripts adds regularisation
    # samples until they equal the training samples (train_util.py:2163-2186; 4 reg images x 1 < 40)
    # steps = 3 x ceil(40 / 1 / 1) = 120; per image 120 / 5 = 24
    _, adapted = fixture("lora-epochs.json")
    assert value(adapted, "steps") == 120
    assert adapted.values["steps"].key == "max_train_epochs"
    assert adapted.values["steps"].path == ("max_train_epochs",)
    assert value(adapted, "steps_per_image") == 24
    [note] = notes(adapted, base.EPOCHS_OVERRIDE_STEPS)
    assert note.path == ("max_train_epochs",) and note.on_key
    assert "max_train_epochs 3 overrides max_train_steps 500" in note.message and "120 steps" in note.message


@pytest.mark.parametrize(("processes", "steps"), [(None, 120), (0, 120), (2, 60)])
def test_steps_from_epochs_are_for_one_process_where_the_file_does_not_say(
    tmp_path: Path, processes: int | None, steps: int
) -> None:
    # num_processes 0 or missing: accelerate's own config says how many processes share each epoch's batches
    # (class_accelerate_launch.py): the steps are for one process and the note says so, as sd-scripts and
    # diffusers do; num_processes 2: 3 x ceil(40 / 2 / 1) = 60
    adapted = edited(tmp_path, "lora-epochs.json", num_processes=processes)
    assert value(adapted, "steps") == steps
    note = adapted.values["steps"].note
    said = "for one process (" in note and "with N processes an epoch has about N times fewer steps" in note
    assert said is (processes is None or processes == 0)


def test_dataset_config_is_followed_for_the_batches_of_an_epoch() -> None:
    # dataset_config dataset.toml: batch_size 2; 10_cat 3 images x 6 + 5_dog 2 images x 5 = 28 samples,
    # reg/1_person 4 images registered then repeated up to 28 reg samples (train_util.py:2163-2186):
    # batches = ceil(56 / 2) = 28; steps = max_train_epochs 4 x ceil(28 / 1 process / 2 accumulation) = 56
    # (train_network.py:798-805); 56 / 5 distinct images = 11.2
    _, adapted = fixture("lora-dataset-config.json")
    assert value(adapted, "steps") == 56
    assert adapted.images == 5
    assert value(adapted, "steps_per_image") == pytest.approx(11.2)
    assert "28 batches" in adapted.values["steps"].note


def test_dataset_config_without_epochs_trains_sd_scripts_default(tmp_path: Path) -> None:
    # max_train_steps 0 with a dataset_config: the GUI computes nothing and passes no step count, so
    # sd-scripts trains its default 1600 (lora_gui.py:1618-1746; train_util.py:3952)
    adapted = edited(tmp_path, "lora-dataset-config.json", max_train_epochs=0)
    assert value(adapted, "steps") == 1600
    assert adapted.values["steps"].source == "trainer-default"
    assert value(adapted, "steps_per_image") == 320  # 1600 / 5 images from the dataset config


def test_gui_count_of_zero_falls_back_to_sd_scripts_default(tmp_path: Path) -> None:
    # epoch 0: ceil(40 / 2 / 1 x 0 x 1) = 0, which the GUI does not pass: sd-scripts trains 1600 (train_util.py:3952)
    adapted = edited(tmp_path, "lora-gui-steps.json", epoch=0)
    assert value(adapted, "steps") == 1600


def test_finetune_tab_counts_image_folder_and_halves_with_flip_aug() -> None:
    # fine-tune tab (finetune_gui.py train_model): image_num = 3 files ending .jpg/.jpeg/.png/.webp in image_folder,
    # ceil(3 x dataset_repeats 4 / batch 2 / accumulation 1 x epoch 3) = 18, halved with flip_aug: ceil(18 / 2) = 9
    # dataset_repeats is the text "4": update_my_data does not convert it (common_gui.py:379-509)
    _, adapted = fixture("finetune.json")
    assert (adapted.base_model, adapted.method, adapted.images) == ("sd-1.5", "full", 3)
    assert value(adapted, "steps") == 9
    assert value(adapted, "steps_per_image") == 3
    assert value(adapted, "learning_rate_unet") == 2e-6
    assert value(adapted, "learning_rate_text_encoder") == 5e-6  # learning_rate_te, train_text_encoder on
    assert value(adapted, "text_encoder_ratio") == 1.0
    assert notes(adapted, base.NUMBER_AS_STRING) == []  # the number field takes the text "4" as 4: no trap


def test_missing_keys_determine_nothing(tmp_path: Path) -> None:
    # a key missing from the JSON keeps the GUI field's current value (lora_gui.py:781-802): not a default
    adapted = edited(tmp_path, "lora-gui-steps.json", max_train_steps=None, text_encoder_lr=None)
    assert value(adapted, "steps") is None
    assert "not in the file" in adapted.values["steps"].note
    assert value(adapted, "learning_rate_text_encoder") is None
    assert value(adapted, "learning_rate_unet") == 1e-4  # unet_lr set and not 0: it trains at unet_lr either way


# --- learning rates and the text encoder ----------------------------------------------------------


@pytest.mark.parametrize(
    ("lr", "unet", "te", "expected"),
    [
        # the LoRA tab's switch (lora_gui.py:909-923, 2066-2131): unet_lr and text_encoder_lr both set
        (1e-4, 2e-4, 5e-5, (2e-4, 5e-5, 1.0)),
        # text encoder 0, U-Net set: network_train_unet_only, the text encoder is not trained
        (1e-4, 2e-4, 0, (2e-4, None, 0.0)),
        # U-Net 0, text encoder set: network_train_text_encoder_only
        (1e-4, 0, 5e-5, (None, 5e-5, 1.0)),
        # both 0: both train at learning_rate
        (3e-4, 0, 0, (3e-4, 3e-4, 1.0)),
        # all 0: the GUI refuses to start
        (0, 0, 0, (None, None, None)),
    ],
)
def test_lora_tab_learning_rate_switch(
    tmp_path: Path, lr: float, unet: float, te: float, expected: tuple[float | None, float | None, float | None]
) -> None:
    adapted = edited(tmp_path, "lora-gui-steps.json", learning_rate=lr, unet_lr=unet, text_encoder_lr=te)
    got = (
        value(adapted, "learning_rate_unet"),
        value(adapted, "learning_rate_text_encoder"),
        value(adapted, "text_encoder_ratio"),
    )
    assert got == expected
    # text_encoder_lr 0 beside a U-Net rate is the tab's own U-Net-only switch: a choice, not a trap
    assert bool(notes(adapted, base.ZERO_LEARNING_RATE)) == (unet == 0)


def test_additional_parameters_override_the_text_encoder_rate(tmp_path: Path) -> None:
    # section 10.2: additional_parameters come after --config_file, so --network_train_unet_only turns the
    # text encoder off although text_encoder_lr is 1.0 (the kudou-reira presets)
    adapted = edited(
        tmp_path,
        "lora-gui-steps.json",
        optimizer="DAdaptAdam",
        learning_rate=1.0,
        unet_lr=1.0,
        text_encoder_lr=1.0,
        additional_parameters='--lr_scheduler_type "CosineAnnealingLR" --network_train_unet_only',
    )
    assert value(adapted, "text_encoder_ratio") == 0.0
    assert value(adapted, "learning_rate_text_encoder") is None
    assert adapted.values["text_encoder_ratio"].path == ("additional_parameters",)
    assert value(adapted, "learning_rate_unet") == 1.0
    assert kinds(adapted) == [base.ADAPTIVE_OPTIMIZER]


def test_additional_parameters_steps_and_rates(tmp_path: Path) -> None:
    # --max_train_steps and --unet_lr on the command line override the TOML the GUI writes (section 10.2)
    adapted = edited(tmp_path, "lora-gui-steps.json", additional_parameters="--max_train_steps=777 --unet_lr 3e-4")
    assert value(adapted, "steps") == 777
    assert value(adapted, "learning_rate_unet") == 3e-4
    assert adapted.values["learning_rate_unet"].path == ("additional_parameters",)


def test_unknown_flags_in_additional_parameters(tmp_path: Path) -> None:
    # argparse stops sd-scripts on a flag no script defines ("unrecognized arguments")
    adapted = edited(
        tmp_path, "lora-gui-steps.json", additional_parameters="--max_grad_norm=1 --network_train_unet_onyl"
    )
    [note] = notes(adapted, base.UNKNOWN_KEY)
    assert note.path == ("additional_parameters",)
    assert note.hint == "did you mean 'network_train_unet_only'?"
    assert value(adapted, "text_encoder_ratio") == 1.0  # the misspelt flag does not turn the text encoder off


def test_dreambooth_learning_rate_zero(tmp_path: Path) -> None:
    adapted = edited(tmp_path, "dreambooth-stop.json", learning_rate=0)
    assert value(adapted, "learning_rate_unet") is None
    assert [n.path for n in notes(adapted, base.ZERO_LEARNING_RATE)] == [("learning_rate",)]


def test_dreambooth_stop_is_read_as_steps() -> None:
    # DreamBooth tab: the slider "Stop TE (% of total steps)" is written unchanged and train_db.py reads it
    # as a step (dreambooth_gui.py:1081-1083, train_db.py:538-542): 10 of max_train_steps 300 = 1/30
    _, adapted = fixture("dreambooth-stop.json")
    assert (adapted.base_model, adapted.method) == ("sd-1.5", "full")
    assert value(adapted, "steps") == 300
    assert value(adapted, "learning_rate_unet") == 2e-6
    assert value(adapted, "learning_rate_text_encoder") == 1e-6  # learning_rate_te (dreambooth_gui.py:987-990)
    assert value(adapted, "text_encoder_ratio") == pytest.approx(10 / 300)
    [note] = notes(adapted, base.TE_STOP_UNIT)
    assert note.path == ("stop_text_encoder_training",)
    assert "stops after step 10 of 300 (3.3% of the run), not at 10% (step 30)" in note.message
    assert note.hint is not None and "--stop_text_encoder_training 30" in note.hint


@pytest.mark.parametrize(
    ("stop", "steps", "fires"),
    [
        (10, 300, True),  # step 10 is 3.3 % of the run; 10 % is step 30
        (30, 3000, True),  # 1 % of the run; 30 % is step 900
        (100, 3000, True),  # 3.3 % of the run; 100 % is the whole run
        (30, 300, False),  # 10 % of the run as a step: within the usual ratios, a step the author may mean
        (80, 300, False),  # 27 % as a step
        (5, 150, False),  # a run under 200 steps: 5 % and step 5 are less than twice apart
        (150, 3000, False),  # above the slider's 100: a step count
        (-1, 3000, False),  # no text-encoder training, read either way
    ],
)
def test_dreambooth_stop_unit_only_where_the_step_cannot_be_meant(
    tmp_path: Path, stop: int, steps: int, fires: bool
) -> None:
    adapted = edited(tmp_path, "dreambooth-stop.json", stop_text_encoder_training=stop, max_train_steps=steps)
    assert bool(notes(adapted, base.TE_STOP_UNIT)) == fires


@pytest.mark.parametrize(("stop", "steps"), [(10, 300), (30, 3000), (100, 3000), (1, 5000)])
def test_following_the_stop_unit_hint_silences_it(tmp_path: Path, stop: int, steps: int) -> None:
    # the hint's flag in additional_parameters overrides the slider, and the stop is the step of its percent
    [note] = notes(
        edited(tmp_path, "dreambooth-stop.json", stop_text_encoder_training=stop, max_train_steps=steps),
        base.TE_STOP_UNIT,
    )
    assert note.hint is not None
    flag = re.search(r"--stop_text_encoder_training \d+", note.hint)
    assert flag is not None
    followed = edited(
        tmp_path,
        "dreambooth-stop.json",
        stop_text_encoder_training=stop,
        max_train_steps=steps,
        additional_parameters=flag.group(),
    )
    assert not notes(followed, base.TE_STOP_UNIT)
    # the percent it is labelled, kept inside TL407's usual ratios (5 % to 90 %): the hint leads into no finding
    low, high = base.TE_RATIO_USUAL
    assert value(followed, "text_encoder_ratio") == pytest.approx(min(max(stop / 100, low), high), abs=1 / steps)
    assert not notes(followed, base.ZERO_LEARNING_RATE)


@pytest.mark.parametrize(("stop", "ratio"), [(0, 1.0), (-1, 0.0), (600, 1.0)])
def test_dreambooth_stop_values(tmp_path: Path, stop: int, ratio: float) -> None:
    # 0: not passed, the whole run; -1: train_db.py never trains the text encoder; beyond the end: min(stop, total)
    adapted = edited(tmp_path, "dreambooth-stop.json", stop_text_encoder_training=stop)
    assert value(adapted, "text_encoder_ratio") == ratio


def test_sdxl_dreambooth_trains_text_encoders_by_their_rates(tmp_path: Path) -> None:
    # sdxl_train.py: the GUI passes train_text_encoder when learning_rate_te1 or _te2 is above 0; a stop is
    # ignored (no such option in sdxl_train.py: TE_STOP_IGNORED)
    adapted = edited(tmp_path, "dreambooth-stop.json", sdxl=True)
    assert adapted.base_model == "sdxl"
    assert (value(adapted, "learning_rate_text_encoder"), value(adapted, "text_encoder_ratio")) == (1e-5, 1.0)
    assert kinds(adapted) == [base.TE_STOP_IGNORED]
    off = edited(
        tmp_path,
        "dreambooth-stop.json",
        sdxl=True,
        learning_rate_te1=0,
        learning_rate_te2=0,
        stop_text_encoder_training=0,
    )
    assert (value(off, "learning_rate_text_encoder"), value(off, "text_encoder_ratio")) == (None, 0.0)
    assert not notes(off, base.TE_STOP_IGNORED)


@pytest.mark.parametrize(
    "follow", [{"stop_text_encoder_training": 0}, {"learning_rate_te1": 0, "learning_rate_te2": 0}]
)
def test_following_the_sdxl_dreambooth_stop_hint_silences_it(tmp_path: Path, follow: dict[str, Any]) -> None:
    [note] = notes(edited(tmp_path, "dreambooth-stop.json", sdxl=True), base.TE_STOP_IGNORED)
    assert note.hint is not None and all(key in note.hint for key in follow)
    followed = edited(tmp_path, "dreambooth-stop.json", sdxl=True, **follow)
    assert not notes(followed, base.TE_STOP_IGNORED) and not notes(followed, base.ZERO_LEARNING_RATE)


@pytest.mark.parametrize(
    "follow", [{"stop_text_encoder_training": 0}, {"additional_parameters": "--network_train_unet_only"}]
)
def test_following_the_lora_tab_stop_hint_silences_it_without_a_zero_rate(
    tmp_path: Path, follow: dict[str, Any]
) -> None:
    # the LoRA tab ignores a stop (lora_gui.py:1600-1605): the hint offers the two things the tab can do, the
    # whole run or no text encoder, the latter by the switch rather than a text_encoder_lr of 0 (TL506's trap)
    _, failing = fixture("traps/te-stop-ignored-fail.json")
    [note] = notes(failing, base.TE_STOP_IGNORED)
    assert note.hint is not None and all(str(v) in note.hint for v in follow.values())
    assert "text_encoder_lr to 0" not in note.hint
    data = json.loads((FIXTURES / "traps" / "te-stop-ignored-fail.json").read_text())
    data.update(follow)
    (tmp_path / "traps").mkdir()
    path = tmp_path / "traps" / "lora.json"
    path.write_text(json.dumps(data))
    _, followed = run(path, base_dir=FIXTURES / "traps")
    assert followed is not None
    assert not notes(followed, base.TE_STOP_IGNORED) and not notes(followed, base.ZERO_LEARNING_RATE)
    assert value(followed, "text_encoder_ratio") == (1.0 if "stop_text_encoder_training" in follow else 0.0)


@pytest.mark.parametrize(
    ("name", "changes", "stop", "off"),
    [
        ("dreambooth-stop.json", {}, True, None),  # train_db.py: stop_text_encoder_training
        ("dreambooth-stop.json", {"sdxl": True}, False, "set learning_rate_te1 and learning_rate_te2 to 0"),
        ("finetune.json", {}, False, "turn train_text_encoder off"),  # fine_tune.py
        ("finetune.json", {"sdxl_checkbox": True}, False, "turn train_text_encoder off"),  # sdxl_train.py
        ("lora-gui-steps.json", {}, False, "add --network_train_unet_only to additional_parameters"),
    ],
)
def test_only_the_sd_dreambooth_tab_can_stop_the_text_encoder(
    tmp_path: Path, name: str, changes: dict[str, Any], stop: bool, off: str | None
) -> None:
    # the scripts the tabs run: only train_db.py has a stop; the others train the text encoder for the whole
    # run or not at all, and say how the GUI leaves it out
    adapted = edited(tmp_path, name, **changes)
    assert adapted.text_encoder_stop is stop
    assert (adapted.text_encoder_switch[0] if adapted.text_encoder_switch else None) == off


# --- model family -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "family", "key"),
    [
        ({"sdxl": True}, "sdxl", "sdxl"),
        ({"flux1_checkbox": True, "LoRA_type": "Flux1"}, "flux.1", "flux1_checkbox"),
        ({"LoRA_type": "Flux1"}, "flux.1", "LoRA_type"),  # old presets without flux1_checkbox
        ({"sd3_checkbox": True}, None, "sd3_checkbox"),
        ({"v2": True}, None, "v2"),
        ({"sdxl": True, "flux1_checkbox": True}, "sdxl", "sdxl"),  # sdxl is checked first (lora_gui.py:1779-1791)
    ],
)
def test_model_family_from_the_checkboxes(
    tmp_path: Path, changes: dict[str, Any], family: str | None, key: str
) -> None:
    adapted = edited(tmp_path, "lora-gui-steps.json", **changes)
    assert (adapted.base_model, adapted.base_model_key) == (family, key)
    assert bool(notes(adapted, base.UNSUPPORTED_MODEL)) == (family is None)


def test_tabs_from_keys() -> None:
    from trainlint.inputs.kohya_ss import tab_of

    assert tab_of({"LoRA_type": "Standard"}) == "lora"
    assert tab_of({"token_string": "x", "learning_rate": 1}) == "ti"
    assert tab_of({"image_folder": "x", "learning_rate_te": 1}) == "finetune"
    assert tab_of({"learning_rate_te": 1}) == "dreambooth"


# --- numbers stored as text -----------------------------------------------------------------------


def test_text_the_loader_cannot_read_becomes_zero(tmp_path: Path) -> None:
    # update_my_data: int("1.5e3") raises ValueError, so max_train_steps becomes 0 and the GUI counts itself
    # (common_gui.py:379-509): ceil(40 / 2 / 1 x 2) = 40 instead of 1500
    adapted = edited(tmp_path, "lora-gui-steps.json", max_train_steps="1.5e3", learning_rate="1e-4")
    assert value(adapted, "steps") == 40
    messages = {n.path: n.message for n in notes(adapted, base.NUMBER_AS_STRING)}
    assert "turns into 0" in messages[("max_train_steps",)]
    assert ("learning_rate",) not in messages  # float("1e-4") reads it: the GUI trains at 1e-4, no trap


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("max_train_steps", "1e3"),
        ("max_train_steps", "1_000.0"),
        ("epoch", "+2.0"),
        ("gradient_accumulation_steps", "1."),
    ],
)
def test_number_as_string_hint_is_valid_json(tmp_path: Path, key: str, text: str) -> None:
    # texts int() cannot read (the GUI makes them 0); the hint's member reads in JSON as the number the text
    # holds (no exponent for a count, no underscore, leading plus sign or trailing dot)
    adapted = edited(tmp_path, "lora-gui-steps.json", **{key: text})
    [note] = [n for n in notes(adapted, base.NUMBER_AS_STRING) if n.path == (key,)]
    assert note.hint is not None and note.hint.startswith("write it as a JSON number: ")
    assert json.loads("{" + note.hint.removeprefix("write it as a JSON number: ") + "}") == {key: float(text)}


@pytest.mark.parametrize(
    ("key", "text"),
    [("learning_rate", "1e-4 "), ("unet_lr", ".0001"), ("train_batch_size", "+2"), ("max_train_steps", "1_000")],
)
def test_number_as_string_the_gui_reads_is_no_trap(tmp_path: Path, key: str, text: str) -> None:
    # update_my_data converts these keys with int() or float() (common_gui.py:379-509), which read the texts as the
    # numbers they show, and the number fields take the others as numbers: the GUI trains what the file says
    adapted = edited(tmp_path, "lora-gui-steps.json", **{key: text})
    assert [n for n in notes(adapted, base.NUMBER_AS_STRING) if n.path == (key,)] == []


def test_accumulation_as_float_text_stops_the_gui_count(tmp_path: Path) -> None:
    # int("1.0") fails, so gradient_accumulation_steps is 0 and the GUI's count divides by it
    adapted = edited(tmp_path, "lora-gui-steps.json", gradient_accumulation_steps="1.0")
    assert value(adapted, "steps") is None
    assert "divides" in adapted.values["steps"].note


# --- the reading traps: one failing and one passing fixture each ------------------------------------

TRAP_KINDS = [
    base.NUMBER_AS_STRING,
    base.EPOCHS_OVERRIDE_STEPS,
    base.TE_STOP_IGNORED,
    base.TE_STOP_UNIT,
    base.ZERO_LEARNING_RATE,
    base.UNKNOWN_KEY,
    base.UNSUPPORTED_MODEL,
    base.ADAPTIVE_OPTIMIZER,
]


@pytest.mark.parametrize("kind", TRAP_KINDS)
def test_each_trap_has_a_failing_and_a_passing_fixture(kind: str) -> None:
    doc, failing = fixture(f"traps/{kind}-fail.json")
    found = notes(failing, kind)
    assert found, kind
    for note in found:
        assert note.path in doc.spans, note  # placed on the trainer's own key
        assert note.message
    _, passing = fixture(f"traps/{kind}-pass.json")
    assert not notes(passing, kind)


def test_unknown_keys_get_a_did_you_mean() -> None:
    _, adapted = fixture("traps/unknown-key-fail.json")
    hints = {n.path: n.hint for n in notes(adapted, base.UNKNOWN_KEY)}
    assert hints == {("conv_dims",): "did you mean 'conv_dim'?", ("lerning_rate",): "did you mean 'learning_rate'?"}


def test_paths_are_the_trainers_own_keys() -> None:
    for path in sorted(FIXTURES.glob("**/*.json")):
        doc, adapted = run(path)
        assert adapted is not None
        for val in adapted.values.values():
            assert val.path is None or val.path in doc.spans, (path, val)
        for note in adapted.notes:
            assert note.path in doc.spans, (path, note)


# --- detection ------------------------------------------------------------------------------------

OTHER_TRAINERS = {
    "onetrainer": {
        "__version": 11,
        "training_method": "LORA",
        "learning_rate": 0.0001,
        "epochs": 10,
        "optimizer": {"optimizer": "ADAMW"},
        "batch_size": 2,
        "resolution": "512",
    },
    "simpletuner": {
        "model_family": "flux",
        "learning_rate": 1e-4,
        "train_batch_size": 1,
        "max_train_steps": 100,
        "optimizer": "adamw_bf16",
        "lr_scheduler": "constant",
        "seed": 42,
        "output_dir": "out",
        "mixed_precision": "bf16",
        "gradient_checkpointing": True,
        "caption_dropout_probability": 0.1,
    },
    "ai-toolkit": {
        "job": "extension",
        "config": {"name": "x", "process": [{"type": "sd_trainer", "train": {"lr": 1e-4, "steps": 100}}]},
    },
    "scenario": {
        "type": "flux.1-lora",
        "parameters": {"learningRate": 1e-4, "maxTrainSteps": 500, "nbEpochs": 10, "batchSize": 1},
    },
}


@pytest.mark.parametrize("name", sorted(OTHER_TRAINERS))
def test_other_trainers_json_is_not_claimed(name: str) -> None:
    raw = json.dumps(OTHER_TRAINERS[name], indent=2).encode()
    assert not FORMAT.detect(raw, ".json")
    doc = FORMAT.read(raw, "x.json", Limits())
    assert FORMAT.adapt(doc, FolderWorkspace(FIXTURES, FIXTURES, Limits(), READERS), Hints()) is None


def test_detect_is_specific() -> None:
    raw = (FIXTURES / "lora-gui-steps.json").read_bytes()
    assert FORMAT.detect(raw, ".json")
    assert not FORMAT.detect(raw, ".toml")
    assert not FORMAT.detect(b'{"epoch": 1, "optimizer": "AdamW"}', ".json")
    assert not FORMAT.detect(b"[" + raw + b"]", ".json")
    assert not FORMAT.detect(b"", ".json")


# --- hostile input ----------------------------------------------------------------------------------

HOSTILE: list[Any] = [
    None,
    True,
    False,
    [],
    [1, 2],
    {},
    {"a": {"b": []}},
    "",
    "abc",
    "1e400",
    "nan",
    "-inf",
    "١٢",
    -1,
    0,
    -(10**30),
    10**30,
    1e308,
    -1e308,
    2.5,
    "1.0",
    " 7 ",
    "0x10",
    "../../etc",
    "/",
    "\x00",
]


@pytest.mark.parametrize(
    "name",
    ["lora-gui-steps.json", "lora-epochs.json", "dreambooth-stop.json", "finetune.json", "lora-dataset-config.json"],
)
def test_wrong_types_everywhere_never_raise(tmp_path: Path, name: str) -> None:
    data = json.loads((FIXTURES / name).read_text())
    for key in list(data) + ["max_train_epochs", "additional_parameters", "learning_rate_te1", "t5xxl_lr"]:
        for bad in HOSTILE:
            adapted = edited(tmp_path, name, **{key: bad})
            assert set(adapted.values) <= set(base.ADAPTED_KEYS)
            for val in adapted.values.values():
                assert val.value is None or val.value == val.value  # never NaN


def test_refused_values_and_broken_files() -> None:
    workspace = FolderWorkspace(FIXTURES, FIXTURES, Limits(), READERS)
    text = (FIXTURES / "lora-gui-steps.json").read_text().replace('"epoch": 2', '"epoch": NaN')
    doc = FORMAT.read(text.encode(), "x.json", Limits())
    adapted = FORMAT.adapt(doc, workspace, Hints())
    assert adapted is not None and value(adapted, "steps") is None
    for raw in (b"", b"{", b"[1, 2]", b'{"a": 1}', b"\xff\xfe\x00", b"null"):
        assert FORMAT.adapt(FORMAT.read(raw, "x.json", Limits()), workspace, Hints()) is None


# --- knowledge ----------------------------------------------------------------------------------------


def test_knowledge_cites_the_pinned_commit() -> None:
    assert knowledge.REPOSITORY == "bmaltais/kohya_ss"
    assert re.fullmatch(r"[0-9a-f]{40}", knowledge.COMMIT)
    for key, info in knowledge.KEYS.items():
        assert key in knowledge.ACCEPTED_KEYS, key
        assert re.match(r"kohya_gui/\w+\.py", info.source), (key, info.source)


# --- the real configs ------------------------------------------------------------------------------------


@pytest.mark.skipif(not (REAL / "kohya_ss").is_dir(), reason="the real-configs corpus is not here")
def test_real_kohya_ss_configs() -> None:
    """Every GUI config and preset is detected and adapted; dataset configs go to sd-scripts; the rest to neither."""
    listed = real_config_kinds()
    seen = 0
    for path in sorted((REAL / "kohya_ss").glob("**/*")):
        if not path.is_file():
            continue
        kind = listed[str(path.relative_to(REAL))]
        raw = path.read_bytes()
        suffix = path.suffix.lower()
        claimed = suffix in FORMAT.suffixes and FORMAT.detect(raw, suffix)
        workspace = FolderWorkspace(path.parent, REAL, Limits(), READERS)
        if kind.startswith(("GUI preset", "GUI saved config")):
            assert claimed, path
            doc = FORMAT.read(raw, str(path), Limits())
            adapted = FORMAT.adapt(doc, workspace, Hints())
            assert adapted is not None, path
            assert set(adapted.values) <= set(base.ADAPTED_KEYS)
            for note in adapted.notes:
                assert note.path in doc.spans, (path, note)
            seen += 1
        elif kind.startswith("sd-scripts dataset config"):
            assert not claimed, path
            if not raw.strip():  # examples/stable_cascade/test.toml is empty: nothing marks it as anything
                assert not SD_SCRIPTS.detect(raw, suffix)
                continue
            assert SD_SCRIPTS.detect(raw, suffix), path
            assert SD_SCRIPTS.adapt(SD_SCRIPTS.read(raw, str(path), Limits()), workspace, Hints()) is not None
        else:  # "not a training config": the GUI's config.toml template, LECO prompts, fine-tune metadata
            assert "not a training config" in kind, (path, kind)
            assert not claimed, path
            assert not (suffix in SD_SCRIPTS.suffixes and SD_SCRIPTS.detect(raw, suffix)), path
    assert seen == 68


@pytest.mark.skipif(not REAL.is_dir(), reason="the real-configs corpus is not here")
def test_real_configs_of_other_trainers_are_not_claimed() -> None:
    for trainer in ("OneTrainer", "SimpleTuner", "ai-toolkit", "diffusers"):
        for path in sorted((REAL / trainer).glob("**/*")):
            if path.is_file() and path.suffix.lower() == ".json":
                assert not FORMAT.detect(path.read_bytes(), ".json"), path
