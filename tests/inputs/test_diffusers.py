"""The diffusers input format: effective values worked out by hand from the scripts' formulas.

Each test names the formula and where the script has it (trainer-formats.md section 6 and 10, at
the pinned commit of knowledge/diffusers.py). Fixtures are in tests/fixtures/diffusers/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import REAL_CONFIGS

from trainlint.document import Document, Limits
from trainlint.inputs import base
from trainlint.inputs.base import Adapted, Hints, directive_hints
from trainlint.inputs.diffusers import FORMAT
from trainlint.inputs.knowledge import diffusers as knowledge
from trainlint.inputs.workspace import FolderWorkspace

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "diffusers"
REAL = REAL_CONFIGS


NO_HINTS = Hints()


def run(
    tmp_path: Path, name: str, images: int = 0, text: str | None = None, hints: Hints = NO_HINTS
) -> tuple[Document, Adapted | None]:
    """Read a fixture (or `text`) beside a photos/ folder of `images` image files, and adapt it."""
    raw = (text if text is not None else (FIXTURES / name).read_text()).encode()
    (tmp_path / "photos").mkdir(exist_ok=True)
    for k in range(images):
        (tmp_path / "photos" / f"{k}.png").write_bytes(b"")
    assert FORMAT.detect(raw, ".sh")
    doc = FORMAT.read(raw, name, Limits())
    workspace = FolderWorkspace(tmp_path, tmp_path, Limits(), {})
    return doc, FORMAT.adapt(doc, workspace, hints if hints.source else directive_hints(doc.text, doc.spans))


def notes(adapted: Adapted | None, kind: str) -> list[base.Note]:
    assert adapted is not None
    return [n for n in adapted.notes if n.kind == kind]


def value(adapted: Adapted | None, key: str) -> float | None:
    assert adapted is not None
    return adapted.values[key].value


def test_sdxl_epochs_steps_learning_rates_and_text_encoder(tmp_path: Path) -> None:
    # len(dataset) = 5 images x 3 repeats = 15 (train_dreambooth_lora_sdxl.py:801, 842-853)
    # batches = ceil(15 / 2) = 8; updates per epoch = ceil(8 / accumulation 2) = 4
    # total = num_train_epochs 10 x 4 = 40 (train_dreambooth_lora_sdxl.py:1574-1581); per image 40 / 5 = 8
    doc, adapted = run(tmp_path, "sdxl_epochs.sh", images=5)
    assert adapted is not None
    assert (adapted.base_model, adapted.method, adapted.images) == ("sdxl", "lora", 5)
    assert value(adapted, "steps") == 40
    assert adapted.values["steps"].source == "derived"
    assert adapted.values["steps"].path == ("commands", 0, "args", "--num_train_epochs")
    assert value(adapted, "steps_per_image") == 8
    # UNet: --learning_rate; TE: --text_encoder_lr when truthy (train_dreambooth_lora_sdxl.py:1363-1374)
    assert value(adapted, "learning_rate_unet") == 1e-4
    assert value(adapted, "learning_rate_text_encoder") == 5e-5
    assert adapted.values["learning_rate_text_encoder"].source == "config"
    # basic scripts: 1 with --train_text_encoder
    assert value(adapted, "text_encoder_ratio") == 1.0
    assert adapted.notes == ()
    # provenance points at the flag the value came from
    key_span, value_span = doc.spans[("commands", 0, "args", "--repeats")]
    assert key_span is not None and doc.text[key_span.start : key_span.end] == "--repeats"
    assert doc.text[value_span.start : value_span.end] == "3"


def test_sdxl_defaults_when_flags_are_left_out(tmp_path: Path) -> None:
    # train_dreambooth_lora_sdxl.py:308-498: batch 4, accumulation 1, epochs 1, lr 1e-4, TE lr 5e-6, repeats 1
    # 10 images: ceil(ceil(10 / 4) / 1) = 3 updates per epoch, 1 epoch -> 3 steps
    text = (
        "accelerate launch --num_processes=1 train_dreambooth_lora_sdxl.py "
        "--pretrained_model_name_or_path=stabilityai/stable-diffusion-xl-base-1.0 "
        "--instance_data_dir=photos --instance_prompt=sks\n"
    )
    _, adapted = run(tmp_path, "defaults.sh", images=10, text=text)
    assert value(adapted, "steps") == 3
    assert value(adapted, "learning_rate_unet") == 1e-4
    assert adapted is not None and adapted.values["learning_rate_unet"].source == "trainer-default"
    assert value(adapted, "text_encoder_ratio") == 0.0
    # the text encoder is not trained: no rate, and the reason, as the other trainers' adapters give it
    assert value(adapted, "learning_rate_text_encoder") is None
    assert (
        adapted.values["learning_rate_text_encoder"].note == "the text encoder is not trained (no --train_text_encoder)"
    )
    _, adapted = run(tmp_path, "defaults.sh", images=10, text=text.replace("sks\n", "sks --train_text_encoder\n"))
    assert value(adapted, "learning_rate_text_encoder") == 5e-6
    assert adapted is not None and adapted.values["learning_rate_text_encoder"].source == "trainer-default"


def test_max_train_steps_wins(tmp_path: Path) -> None:
    # --max_train_steps overrides the epoch count (train_dreambooth_lora_sdxl.py:1574-1581)
    _, adapted = run(tmp_path, "sdxl_te_lr_set.sh", images=4)
    assert value(adapted, "steps") == 800
    assert adapted is not None and adapted.values["steps"].source == "config"
    assert value(adapted, "steps_per_image") == 200


def test_accelerate_without_process_count_counts_steps_for_one_process(tmp_path: Path) -> None:
    # the loader is sharded over processes; `accelerate launch` alone does not say how many: the steps are
    # those of one process, and the note says so (as sd-scripts and kohya_ss do): ceil(8 / 1) = 8 updates per
    # epoch x 5 epochs = 40, the same as --num_processes=1
    one = run(tmp_path, "x.sh", images=5, text=(FIXTURES / "sdxl_epochs.sh").read_text())[1]
    text = (FIXTURES / "sdxl_epochs.sh").read_text().replace("--num_processes=1 ", "")
    _, adapted = run(tmp_path, "x.sh", images=5, text=text)
    assert adapted is not None and value(adapted, "steps") == value(one, "steps") == 40
    note = adapted.values["steps"].note
    assert "for one process (accelerate launch without --num_processes" in note
    assert "with N processes an epoch has about N times fewer steps" in note
    assert one is not None and "for one process" not in one.values["steps"].note
    # two processes: ceil(ceil(8 / 2) / 2) = 2 updates per epoch -> 20 steps
    text = (FIXTURES / "sdxl_epochs.sh").read_text().replace("--num_processes=1", "--num_processes=2")
    _, adapted = run(tmp_path, "x.sh", images=5, text=text)
    assert value(adapted, "steps") == 20


def test_prior_preservation_makes_the_epoch_as_long_as_the_class_images(tmp_path: Path) -> None:
    # len(dataset) = max(5 instance images, 50 class images) = 50 (train_dreambooth_lora_sdxl.py:842-853)
    # batch 1, one process: 50 updates per epoch x 2 epochs = 100 steps; 100 / 5 images = 20 per image
    _, adapted = run(tmp_path, "full_prior.sh", images=5)
    assert adapted is not None and adapted.method == "full" and adapted.base_model == "sd-1.5"
    assert value(adapted, "steps") == 100
    assert value(adapted, "steps_per_image") == 20


def test_scale_lr_multiplies_by_accumulation_batch_and_processes(tmp_path: Path) -> None:
    # trainer-formats.md 10.5: 5e-6 x accumulation 1 x batch 4 x 1 process = 2e-5
    _, adapted = run(tmp_path, "full_scale_lr.sh", images=4)
    assert value(adapted, "learning_rate_unet") == pytest.approx(2e-5)
    # train_dreambooth.py trains the text encoder at the (scaled) --learning_rate
    text = (FIXTURES / "full_scale_lr.sh").read_text().replace("--scale_lr", "--scale_lr --train_text_encoder")
    _, adapted = run(tmp_path, "x.sh", images=4, text=text)
    assert value(adapted, "learning_rate_text_encoder") == pytest.approx(2e-5)
    # with accelerate launch and no process count, the product is unknown
    text = (
        (FIXTURES / "full_scale_lr.sh")
        .read_text()
        .replace("python train_dreambooth.py", "accelerate launch train_dreambooth.py")
    )
    _, adapted = run(tmp_path, "x.sh", images=4, text=text)
    assert value(adapted, "learning_rate_unet") is None


def test_sd15_lora_text_encoder_shares_learning_rate(tmp_path: Path) -> None:
    # train_dreambooth_lora.py:1071-1077: no --text_encoder_lr, the TE group takes --learning_rate
    _, adapted = run(tmp_path, "sd15_clean.sh", images=3)
    assert adapted is not None and adapted.base_model == "sd-1.5"
    assert notes(adapted, base.UNKNOWN_KEY) == []
    assert value(adapted, "learning_rate_text_encoder") is None  # no --train_text_encoder
    text = (
        (FIXTURES / "sd15_clean.sh")
        .read_text()
        .replace("train_dreambooth_lora.py", "train_dreambooth_lora.py --train_text_encoder")
    )
    _, adapted = run(tmp_path, "x.sh", images=3, text=text)
    assert value(adapted, "learning_rate_text_encoder") == 1e-4


@pytest.mark.parametrize(
    ("name", "stop", "train"),
    [
        ("sd15_clean.sh", False, "add --train_text_encoder"),  # no --text_encoder_lr in train_dreambooth_lora.py
        ("sdxl_advanced_fine.sh", True, None),  # --train_text_encoder_frac stops it part way
    ],
)
def test_only_the_advanced_scripts_can_stop_the_text_encoder(
    tmp_path: Path, name: str, stop: bool, train: str | None
) -> None:
    _, adapted = run(tmp_path, name, images=3)
    assert adapted is not None and adapted.text_encoder_stop is stop
    assert (adapted.text_encoder_switch[1] if adapted.text_encoder_switch else None) == train


def test_advanced_fraction_is_epoch_granular(tmp_path: Path) -> None:
    # int(0.5 x 1 epoch) = 0 epochs (train_dreambooth_lora_sdxl_advanced.py:2084-2106): the TE never trains
    _, adapted = run(tmp_path, "sdxl_advanced_coarse.sh", images=4)
    assert value(adapted, "text_encoder_ratio") == 0.0
    [note] = notes(adapted, base.TE_FRACTION_COARSE)
    assert note.path == ("commands", 0, "args", "--train_text_encoder_frac")
    assert "0%" in note.message and "50%" in note.message
    # int(0.5 x 10) = 5 of 10 epochs: the fraction means what it says
    _, adapted = run(tmp_path, "sdxl_advanced_fine.sh", images=4)
    assert value(adapted, "text_encoder_ratio") == 0.5
    assert notes(adapted, base.TE_FRACTION_COARSE) == []


def test_advanced_fraction_with_a_step_count(tmp_path: Path) -> None:
    # 4 images, batch 1: 4 updates per epoch; 10 steps -> ceil(10 / 4) = 3 epochs
    # int(0.5 x 3) = 1 epoch = 4 updates of 10 steps = 0.4 (more than 0.05 from 0.5: a note)
    _, adapted = run(tmp_path, "sdxl_advanced_steps.sh", images=4)
    assert value(adapted, "steps") == 10
    assert value(adapted, "text_encoder_ratio") == pytest.approx(0.4)
    assert len(notes(adapted, base.TE_FRACTION_COARSE)) == 1
    # images unknown: the epoch count is unknown, and so is the share (never guessed)
    _, adapted = run(
        tmp_path,
        "sdxl_advanced_steps.sh",
        images=0,
        text=(FIXTURES / "sdxl_advanced_steps.sh").read_text().replace("=photos", "=missing"),
    )
    assert value(adapted, "text_encoder_ratio") is None
    assert notes(adapted, base.TE_FRACTION_COARSE) == []


def test_pivotal_tuning_is_not_text_encoder_training(tmp_path: Path) -> None:
    # --train_text_encoder_ti trains new token embeddings only: the TE ratio stays 0; its own fraction
    # int(0.5 x 3 epochs) = 1 of 3 epochs is coarse (33% instead of 50%)
    _, adapted = run(tmp_path, "flux_advanced_pivotal.sh", images=2)
    assert adapted is not None and adapted.base_model == "flux.1"
    assert value(adapted, "text_encoder_ratio") == 0.0
    assert "pivotal tuning" in adapted.values["text_encoder_ratio"].note
    assert value(adapted, "learning_rate_text_encoder") is None
    assert "pivotal tuning" in adapted.values["learning_rate_text_encoder"].note
    [note] = notes(adapted, base.TE_FRACTION_COARSE)
    assert note.path == ("commands", 0, "args", "--train_text_encoder_ti_frac")


def test_prodigy_is_an_adaptive_optimizer(tmp_path: Path) -> None:
    # with Prodigy the TE group gets --learning_rate (train_dreambooth_lora_sdxl.py:1430-1439)
    _, adapted = run(tmp_path, "flux_prodigy.sh", images=2)
    [note] = notes(adapted, base.ADAPTIVE_OPTIMIZER)
    assert note.path == ("commands", 0, "args", "--optimizer")
    assert value(adapted, "learning_rate_unet") == 1.0
    assert value(adapted, "learning_rate_text_encoder") is None  # no --train_text_encoder
    for name, rate in (("flux_prodigy.sh", 1.0), ("flux_adamw.sh", 5e-6)):
        text = (FIXTURES / name).read_text().replace("--max_train_steps", "--train_text_encoder --max_train_steps")
        _, adapted = run(tmp_path, "x.sh", images=2, text=text)
        assert value(adapted, "learning_rate_text_encoder") == rate
    _, adapted = run(tmp_path, "flux_adamw.sh", images=2)
    assert notes(adapted, base.ADAPTIVE_OPTIMIZER) == []


def test_text_encoder_lr_zero_falls_back_to_learning_rate(tmp_path: Path) -> None:
    # `args.text_encoder_lr if args.text_encoder_lr else args.learning_rate` (train_dreambooth_lora_sdxl.py:1363-1374)
    _, adapted = run(tmp_path, "sdxl_te_lr_zero.sh", images=4)
    assert value(adapted, "learning_rate_text_encoder") == 2e-4
    [note] = notes(adapted, base.ZERO_LEARNING_RATE)
    assert note.path == ("commands", 0, "args", "--text_encoder_lr")
    assert "does not freeze" in note.message
    _, adapted = run(tmp_path, "sdxl_te_lr_set.sh", images=4)
    assert notes(adapted, base.ZERO_LEARNING_RATE) == []
    assert value(adapted, "learning_rate_text_encoder") == 1e-5


def test_learning_rate_zero(tmp_path: Path) -> None:
    _, adapted = run(tmp_path, "sd15_lr_zero.sh", images=4)
    [note] = notes(adapted, base.ZERO_LEARNING_RATE)
    assert note.path == ("commands", 0, "args", "--learning_rate")
    assert value(adapted, "learning_rate_unet") == 0.0


def test_unknown_and_abbreviated_flags(tmp_path: Path) -> None:
    _, adapted = run(tmp_path, "sd15_typos.sh", images=3)
    found = {n.path[-1]: n for n in notes(adapted, base.UNKNOWN_KEY)}
    assert set(found) == {"--learning_rte", "--lr_"}
    assert found["--learning_rte"].hint == "did you mean --learning_rate?"
    assert found["--learning_rte"].on_key
    assert "ambiguous" in found["--lr_"].message
    # argparse takes an unambiguous prefix for the whole flag (allow_abbrev)
    assert value(adapted, "steps") == 300
    assert adapted is not None and adapted.values["steps"].path == ("commands", 0, "args", "--max_train_step")
    _, adapted = run(tmp_path, "sd15_clean.sh", images=3)
    assert notes(adapted, base.UNKNOWN_KEY) == []


def test_number_argparse_refuses(tmp_path: Path) -> None:
    # type=int: int("1e3") raises, argparse stops the script
    _, adapted = run(tmp_path, "sd15_steps_float.sh", images=3)
    [note] = notes(adapted, base.NUMBER_AS_STRING)
    assert note.hint == "write 1000"
    assert value(adapted, "steps") is None
    _, adapted = run(tmp_path, "sd15_clean.sh", images=3)
    assert notes(adapted, base.NUMBER_AS_STRING) == []


def test_model_family_from_script_and_model_name(tmp_path: Path) -> None:
    # trainer-formats.md 10.5: train_dreambooth_lora.py also trains DeepFloyd IF (the name comes from `export`)
    _, adapted = run(tmp_path, "deepfloyd.sh", images=3)
    assert adapted is not None and adapted.base_model is None
    [note] = notes(adapted, base.UNSUPPORTED_MODEL)
    assert note.path == ("commands", 0, "args", "--pretrained_model_name_or_path")
    assert "DeepFloyd IF" in note.message
    _, adapted = run(tmp_path, "sd15_clean.sh", images=3)
    assert adapted is not None and adapted.base_model == "sd-1.5"
    assert notes(adapted, base.UNSUPPORTED_MODEL) == []
    # a DreamBooth script of another family: claimed, unsupported, no values
    _, adapted = run(tmp_path, "sd3.sh", images=3)
    assert adapted is not None and adapted.base_model is None and adapted.values == {}
    [note] = notes(adapted, base.UNSUPPORTED_MODEL)
    assert note.path == ("commands", 0, "script") and "Stable Diffusion 3" in note.message


def test_values_set_outside_the_file_are_unknown(tmp_path: Path) -> None:
    _, adapted = run(tmp_path, "unresolved.sh", images=3)
    assert adapted is not None
    assert adapted.base_model == "sdxl" and "$MODEL_NAME" in (adapted.base_model_key or "")
    assert adapted.images is None
    assert value(adapted, "learning_rate_unet") is None
    assert "$LR" in adapted.values["learning_rate_unet"].note
    assert value(adapted, "steps") is None


def test_first_training_command_is_adapted(tmp_path: Path) -> None:
    doc, adapted = run(tmp_path, "two_commands.sh", images=3)
    assert [c["script"] for c in doc.data["commands"]] == [
        "prepare_captions.py",
        "train_dreambooth_lora_sdxl.py",
        "train_dreambooth_lora_flux.py",
    ]
    assert adapted is not None and adapted.base_model == "sdxl"
    assert value(adapted, "steps") == 300
    assert adapted.values["steps"].path == ("commands", 1, "args", "--max_train_steps")


def test_other_launchers_are_not_claimed(tmp_path: Path) -> None:
    raw = (FIXTURES / "sd_scripts_launch.sh").read_bytes()
    assert not FORMAT.detect(raw, ".sh")
    doc = FORMAT.read(raw, "x.sh", Limits())
    assert FORMAT.adapt(doc, FolderWorkspace(tmp_path, tmp_path, Limits(), {}), Hints()) is None
    assert not FORMAT.detect(b"accelerate launch train_dreambooth_lora.py\n", ".yaml")
    assert not FORMAT.detect(b"pip install -r requirements.txt\n", ".sh")


def test_directive_hints(tmp_path: Path) -> None:
    text = "# trainlint: training_type=subject\n" + (FIXTURES / "sd15_clean.sh").read_text()
    _, adapted = run(tmp_path, "x.sh", images=3, text=text)
    assert adapted is not None and (adapted.training_type, adapted.hints_source) == ("subject", "directive")


def test_knowledge_cites_sources() -> None:
    assert re.fullmatch(r"[0-9a-f]{40}", knowledge.COMMIT)
    for script in knowledge.SCRIPTS.values():
        assert set(script.keys) <= script.accepted, script.name
        for flag, info in script.keys.items():
            assert info.source and info.unit, (script.name, flag)


# --- the real corpus ---------------------------------------------------------------------------------


def _real_files() -> list[Path]:
    return sorted(p for p in REAL.rglob("*") if p.is_file()) if REAL.is_dir() else []


@pytest.mark.skipif(not (REAL / "diffusers").is_dir(), reason="shared/real-configs is not beside the project")
def test_real_diffusers_commands(tmp_path: Path) -> None:
    for path in sorted((REAL / "diffusers").glob("*.sh")):
        raw = path.read_bytes()
        assert FORMAT.detect(raw, path.suffix), path.name
        doc = FORMAT.read(raw, path.name, Limits())
        assert doc.findings == [], path.name
        adapted = FORMAT.adapt(doc, FolderWorkspace(tmp_path, tmp_path, Limits(), {}), Hints())
        assert adapted is not None, path.name
        # every flag the README commands pass is one the script defines
        assert notes(adapted, base.UNKNOWN_KEY) == [], path.name
        command = doc.data["commands"][0]
        assert adapted.values["steps"].value == float(command["args"]["--max_train_steps"]), path.name
        expected = "lora" if "_lora" in command["script"] else "full"
        assert adapted.method == expected


@pytest.mark.skipif(not (REAL / "SOURCES.md").is_file(), reason="shared/real-configs is not beside the project")
def test_real_files_of_other_trainers_are_not_claimed(tmp_path: Path) -> None:
    listed = (REAL / "SOURCES.md").read_text()
    others = [p for p in _real_files() if p.parent.name != "diffusers" and p.name != "SOURCES.md"]
    assert others
    for path in others:
        assert f"`{path.relative_to(REAL).as_posix()}`" in listed, path
        raw = path.read_bytes()
        if FORMAT.detect(raw, path.suffix):
            doc = FORMAT.read(raw, path.name, Limits())
            assert FORMAT.adapt(doc, FolderWorkspace(tmp_path, tmp_path, Limits(), {}), Hints()) is None, path
    assert not FORMAT.detect((REAL / "SOURCES.md").read_bytes(), ".md")
