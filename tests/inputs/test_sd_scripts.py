"""The sd-scripts input format: effective values worked out by hand from sd-scripts' formulas.

Each test names the formula and where sd-scripts has it (trainer-formats.md sections 1 and 10, at
the pinned commit of knowledge/sd_scripts.py). Fixtures are in tests/fixtures/sd-scripts/:
`img/` holds 4_face (4 png), 2_body (2 webp), 0_skipped (N < 1) and notes (no N); `reg/1_woman`
3 png; `photos/` 6 jpg beside a caption and a readme; traps/ has a failing and a passing file
per note kind.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import REAL_CONFIGS, real_config_kinds

from trainlint.document import Document, Limits
from trainlint.inputs import base
from trainlint.inputs.base import Adapted, Hints, Reader, directive_hints
from trainlint.inputs.knowledge import sd_scripts as knowledge
from trainlint.inputs.sd_scripts import (
    FORMAT,
    Subset,
    flatten,
    parse_flags,
    reg_samples,
)
from trainlint.inputs.workspace import FolderWorkspace

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sd-scripts"
REAL = REAL_CONFIGS
READERS: dict[str, Reader] = {"sd-scripts": FORMAT.read}


def run(path: Path, base_dir: Path | None = None, root: Path = FIXTURES) -> tuple[Document, Adapted | None]:
    """Read and adapt a file; relative paths in it resolve against `base_dir` (its own folder by default)."""
    raw = path.read_bytes()
    doc = FORMAT.read(raw, str(path), Limits())
    workspace = FolderWorkspace(base_dir or path.parent, root, Limits(), READERS)
    return doc, FORMAT.adapt(doc, workspace, directive_hints(doc.text, doc.spans))  # as the engine passes them


def fixture(name: str) -> tuple[Document, Adapted]:
    path = FIXTURES / name
    assert FORMAT.detect(path.read_bytes(), path.suffix), name
    doc, adapted = run(path)
    assert adapted is not None, name
    return doc, adapted


def toml(tmp_path: Path, text: str, name: str = "config.toml") -> Adapted:
    """A TOML written to tmp_path, its paths resolved in the fixtures folder."""
    path = tmp_path / name
    path.write_text(text)
    assert FORMAT.detect(text.encode(), ".toml")
    _, adapted = run(path, base_dir=FIXTURES)
    assert adapted is not None
    return adapted


def value(adapted: Adapted, key: str) -> float | None:
    return adapted.values[key].value


def notes(adapted: Adapted, kind: str) -> list[base.Note]:
    return [n for n in adapted.notes if n.kind == kind]


LORA = """
pretrained_model_name_or_path = "runwayml/stable-diffusion-v1-5"
output_dir = "out"
network_module = "networks.lora"
train_data_dir = "img"
"""


# --- dataset configs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dataset.toml", "dataset.json"])
def test_dataset_config_on_its_own(name: str) -> None:
    # dataset 0: batch_size 2 from [general]; photos 6 images x 3 + img/4_face 4 x 2 = 26 samples -> ceil(26 / 2) = 13
    # dataset 1: batch_size 4; photos 6 x 1 = 6 samples; reg/1_woman 3 images x 2 repeats registered until they
    # reach 6 (train_util.py:2163-2186) = 6 -> ceil(12 / 4) = 3; one epoch = 16 batches (train_util.py:1075-1083)
    # distinct training images: photos (listed twice, counted once) 6 + img/4_face 4 = 10
    _, adapted = fixture(name)
    assert (adapted.input_format, adapted.base_model, adapted.method, adapted.images) == ("sd-scripts", None, None, 10)
    assert set(adapted.values) == set(base.VALUE_KEYS)
    assert all(v.value is None for v in adapted.values.values())
    assert "one epoch is 16 batches" in adapted.values["steps"].note
    assert "training config" in adapted.values["learning_rate_unet"].note
    assert adapted.notes == ()


def test_training_config_follows_its_dataset_config() -> None:
    # tables are decoration: [training_arguments] max_train_epochs = 5 etc. (train_util.py:4700-4763)
    # steps = 5 x ceil(16 batches / 1 process / accumulation 2) = 40 (train_network.py:798-805); 40 / 10 images = 4
    _, adapted = fixture("lora-sdxl.toml")
    assert (adapted.base_model, adapted.base_model_key, adapted.method, adapted.images) == (
        "sdxl",
        "pretrained_model_name_or_path",
        "lora",
        10,
    )
    assert value(adapted, "steps") == 40
    assert adapted.values["steps"].path == ("training_arguments", "max_train_epochs")
    assert value(adapted, "steps_per_image") == 4
    # unet_lr not set: the U-Net trains at learning_rate (train_network.py:1763)
    assert value(adapted, "learning_rate_unet") == 1e-4
    assert adapted.values["learning_rate_unet"].path == ("optimizer_arguments", "learning_rate")
    # text_encoder_lr as a list: networks.lora uses the first element (train_network.py:732-741)
    assert value(adapted, "learning_rate_text_encoder") == 2e-5
    assert adapted.values["learning_rate_text_encoder"].path == ("optimizer_arguments", "text_encoder_lr", 0)
    assert value(adapted, "text_encoder_ratio") == 1.0
    assert adapted.notes == ()


def test_n_name_folders_with_regularisation() -> None:
    # train_data_dir: 4_face 4 x 4 + 2_body 2 x 2 = 20 samples; 0_skipped (N < 1) and notes (no N) are not
    # trained (config_util.py:607-644); reg/1_woman 3 images repeated up to 20 (train_util.py:2163-2186)
    # batches = ceil(40 / train_batch_size 3) = 14; steps = max_train_epochs 2 x 14 = 28; 28 / 6 images
    _, adapted = fixture("folders.toml")
    assert (adapted.base_model, adapted.images) == ("sd-1.5", 6)
    assert value(adapted, "steps") == 28
    assert value(adapted, "steps_per_image") == pytest.approx(28 / 6)
    # network_train_unet_only: the text encoder is not trained (train_network.py:1809-1811)
    assert value(adapted, "learning_rate_unet") == 1e-4
    assert value(adapted, "learning_rate_text_encoder") is None
    assert value(adapted, "text_encoder_ratio") == 0.0
    assert adapted.values["text_encoder_ratio"].path == ("network_train_unet_only",)


def test_flux_lora_from_its_network_module() -> None:
    # networks.lora_flux: FLUX.1; max_train_steps 1200 over 6 images; learning_rate for both (no unet_lr,
    # no text_encoder_lr: train_network.py:1763-1770); the CLIP-L LoRA trains the whole run
    _, adapted = fixture("flux.toml")
    assert (adapted.base_model, adapted.base_model_key, adapted.method) == ("flux.1", "network_module", "lora")
    assert (value(adapted, "steps"), value(adapted, "steps_per_image")) == (1200, 200)
    assert (value(adapted, "learning_rate_unet"), value(adapted, "learning_rate_text_encoder")) == (1e-4, 1e-4)
    assert value(adapted, "text_encoder_ratio") == 1.0


def test_train_db_stops_the_text_encoder_at_a_step() -> None:
    # train_db.py: the text encoder trains until global_step == stop_text_encoder_training (train_db.py:538-542):
    # 100 / 400 = 0.25; learning_rate_te 1e-6 (train_db.py:190-196)
    _, adapted = fixture("db.toml")
    assert (adapted.base_model, adapted.method) == ("sd-1.5", "full")
    assert value(adapted, "steps") == 400
    assert (value(adapted, "learning_rate_unet"), value(adapted, "learning_rate_text_encoder")) == (2e-6, 1e-6)
    assert value(adapted, "text_encoder_ratio") == 0.25


def test_default_steps_without_steps_or_epochs(tmp_path: Path) -> None:
    # neither max_train_steps nor max_train_epochs: sd-scripts' default 1600 (train_util.py:3952)
    adapted = toml(tmp_path, LORA)
    assert value(adapted, "steps") == 1600
    assert adapted.values["steps"].source == "trainer-default" and adapted.values["steps"].path is None
    # learning_rate not set either: its default 2e-6 (train_util.py:3701)
    assert value(adapted, "learning_rate_unet") == 2e-6


def test_dataset_batch_size_falls_back_to_train_batch_size(tmp_path: Path) -> None:
    # a dataset without batch_size takes train_batch_size (config_util.py ARGPARSE_OPTNAME_TO_CONFIG_OPTNAME):
    # photos 6 x 2 repeats = 12 samples / 5 = ceil(2.4) = 3 batches; 4 epochs x 3 = 12 steps
    (tmp_path / "photos").mkdir()
    for k in range(6):
        (tmp_path / "photos" / f"{k}.jpg").write_bytes(b"")
    (tmp_path / "ds.toml").write_text(
        '[[datasets]]\n  [[datasets.subsets]]\n  image_dir = "photos"\n  num_repeats = 2\n'
    )
    path = tmp_path / "config.toml"
    path.write_text(LORA + 'dataset_config = "ds.toml"\ntrain_batch_size = 5\nmax_train_epochs = 4\n')
    _, adapted = run(path, root=tmp_path)
    assert adapted is not None
    assert (value(adapted, "steps"), adapted.images) == (12, 6)
    _, outside = run(path, root=FIXTURES)  # the dataset config lies outside the repository: not read
    assert outside is not None and value(outside, "steps") is None
    assert "could not be read inside the repository" in outside.values["steps"].note


def test_buckets_with_batches_make_the_count_a_least(tmp_path: Path) -> None:
    text = '[[datasets]]\nbatch_size = 4\nenable_bucket = true\n  [[datasets.subsets]]\n  image_dir = "photos"\n'
    adapted = toml(tmp_path, text, "ds.toml")
    assert "the least an epoch holds" in adapted.values["steps"].note


def test_fine_tuning_subsets_are_not_counted(tmp_path: Path) -> None:
    text = '[[datasets]]\n  [[datasets.subsets]]\n  image_dir = "photos"\n  metadata_file = "meta.json"\n'
    adapted = toml(tmp_path, text, "ds.toml")
    assert adapted.images is None
    assert "metadata_file" in adapted.values["steps"].note


def test_reg_balancing() -> None:
    # train_util.py:2163-2186: whole subsets while they fit, then one image's repeats past the target, then one at a time
    assert reg_samples(10, [Subset("r", 3, 2, True)]) == 10  # 6, then one more repeat each up to 10
    assert reg_samples(10, [Subset("r", 20, 3, True)]) == 12  # 4 images x 3 passes 10
    assert reg_samples(0, [Subset("r", 5, 1, True)]) == 0
    assert reg_samples(10, [Subset("r", 0, 1, True)]) == 0


# --- how sd-scripts reads the TOML ---------------------------------------------------------------------


def test_flatten_ignores_table_names_and_the_later_key_wins() -> None:
    flat = flatten({"learning_rate": 1.0, "a": {"learning_rate": 2.0, "x": {"y": 1}}, "b": {"learning_rate": 3.0}})
    assert (flat["learning_rate"].value, flat["learning_rate"].path) == (3.0, ("b", "learning_rate"))
    assert flat["x"].path == ("a", "x")


def test_numbers_as_text_are_not_converted(tmp_path: Path) -> None:
    # TOML values bypass argparse (train_util.py:4700-4763): the text stays text and training fails on it
    adapted = toml(tmp_path, LORA + 'learning_rate = "1e-4"\nmax_train_steps = "800"\n')
    assert value(adapted, "steps") is None and value(adapted, "learning_rate_unet") is None
    messages = {n.path: n.message for n in notes(adapted, base.NUMBER_AS_STRING)}
    assert set(messages) == {("learning_rate",), ("max_train_steps",)}
    assert "TypeError" in messages[("learning_rate",)]


def test_float_where_an_integer_goes(tmp_path: Path) -> None:
    adapted = toml(tmp_path, LORA + "max_train_steps = 1000.0\n")
    assert value(adapted, "steps") is None
    assert "range() of a float" in adapted.values["steps"].note


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("unet_lr = 1e-4\ntext_encoder_lr = 5e-5\n", (1e-4, 5e-5, 1.0)),
        ("unet_lr = 1e-4\ntext_encoder_lr = 0\n", (1e-4, None, 0.0)),  # group dropped (networks/lora.py:1187-1189)
        ("unet_lr = 0\ntext_encoder_lr = 5e-5\n", (None, 5e-5, 1.0)),
        ("learning_rate = 0\n", (None, None, 0.0)),  # both groups dropped: nothing trains
        ("text_encoder_lr = []\nlearning_rate = 3e-4\n", (3e-4, 3e-4, 1.0)),  # an empty list: not set
        ("network_train_text_encoder_only = true\nlearning_rate = 3e-4\n", (None, 3e-4, 1.0)),
        ('network_train_unet_only = "false"\nlearning_rate = 3e-4\n', (3e-4, None, 0.0)),  # a non-empty text is true
    ],
)
def test_lora_learning_rates(tmp_path: Path, lines: str, expected: tuple[float | None, ...]) -> None:
    adapted = toml(tmp_path, LORA + lines)
    got = (
        value(adapted, "learning_rate_unet"),
        value(adapted, "learning_rate_text_encoder"),
        value(adapted, "text_encoder_ratio"),
    )
    assert got == expected


@pytest.mark.parametrize(
    ("lines", "key"),
    [
        ("network_train_unet_only = false\ntext_encoder_lr = 5e-5\n", "network_train_unet_only"),
        ("text_encoder_lr = 5e-5\n", "text_encoder_lr"),
        ("text_encoder_lr = [5e-5, 1e-5]\n", "text_encoder_lr"),
        ("learning_rate = 1e-4\n", "learning_rate"),  # no text_encoder_lr: the text encoder trains at learning_rate
        ("", "network_module"),  # nothing about the text encoder: a LoRA's (network_module) trains it
    ],
)
def test_a_trained_text_encoder_ratio_stands_on_the_key_that_decides_it(tmp_path: Path, lines: str, key: str) -> None:
    # a LoRA trains the text encoder for the whole run unless network_train_unet_only or a rate of 0 turns it
    # off (train_network.py:1809-1811, networks/lora.py:1187-1189): the ratio 1 is placed on the key that
    # decides it, so a finding about it (TL402) lands there and names it
    path = tmp_path / "config.toml"
    path.write_text(LORA + lines)
    doc, adapted = run(path, base_dir=FIXTURES)
    assert adapted is not None
    ratio = adapted.values["text_encoder_ratio"]
    assert (ratio.value, ratio.key) == (1.0, key)
    assert ratio.path is not None and ratio.path in doc.spans and ratio.path[0] == key


def test_tl402_on_a_trained_text_encoder_names_and_marks_its_key(tmp_path: Path) -> None:
    from trainlint.api import check_file
    from trainlint.settings import Settings

    (tmp_path / ".git").mkdir()
    path = tmp_path / "config.toml"
    path.write_text(
        "# trainlint: training_type=style\n" + LORA.lstrip() + "max_train_steps = 3500\ntext_encoder_lr = 1e-5\n"
    )
    [found] = [d for d in check_file(path, "config.toml", Settings()).diagnostics if d.code == "TL402"]
    assert "(`text_encoder_lr`)" in found.message
    assert found.line == 7  # the text_encoder_lr line, not 1:1


@pytest.mark.parametrize(
    ("script", "stop"),
    [
        ("train_db.py", True),  # the one script with stop_text_encoder_training (train_db.py:538-542)
        ("fine_tune.py", False),
        ("sdxl_train.py", False),
        ("train_network.py", False),
        ("sdxl_train_network.py", False),
        ("flux_train_network.py", False),
    ],
)
def test_only_train_db_can_stop_the_text_encoder(tmp_path: Path, script: str, stop: bool) -> None:
    path = tmp_path / "train.sh"
    path.write_text(
        f"accelerate launch --num_processes 1 {script} --train_data_dir img --max_train_steps 10 --learning_rate 1e-4\n"
    )
    _, adapted = run(path, base_dir=FIXTURES)
    assert adapted is not None and adapted.text_encoder_stop is stop
    assert (adapted.text_encoder_switch is None) is stop


@pytest.mark.parametrize(
    ("lines", "stop"),
    [
        ("learning_rate_te = 1e-6\nstop_text_encoder_training = 100\n", True),  # read as train_db.py's
        ('train_text_encoder = true\nin_json = "meta.json"\n', False),  # fine_tune.py's
        ("train_text_encoder = true\nlearning_rate_te1 = 1e-6\n", False),  # sdxl_train.py's
    ],
)
def test_a_full_fine_tune_toml_can_stop_the_text_encoder_only_as_train_db(
    tmp_path: Path, lines: str, stop: bool
) -> None:
    adapted = toml(
        tmp_path,
        'pretrained_model_name_or_path = "runwayml/stable-diffusion-v1-5"\n'
        'train_data_dir = "img"\nmax_train_steps = 1000\nlearning_rate = 1e-6\n' + lines,
    )
    assert adapted.method == "full" and adapted.text_encoder_stop is stop


def test_tl402_on_sdxl_train_advises_its_own_switch(tmp_path: Path) -> None:
    # sdxl_train.py trains the text encoders for the whole run or not at all (train_text_encoder): TL402
    # advises turning it off, not a share of the run it cannot set nor a LoRA's network_train_unet_only,
    # and following the advice silences it (TL406 has no small step to advise either)
    from trainlint.api import check_file
    from trainlint.settings import Settings

    (tmp_path / ".git").mkdir()
    path = tmp_path / "config.toml"
    text = (
        '# trainlint: training_type=style\npretrained_model_name_or_path = "sd_xl_base_1.0.safetensors"\n'
        'train_data_dir = "img"\nmax_train_steps = 1000\nlearning_rate = 1e-6\nlearning_rate_te1 = 1e-6\n'
        "train_text_encoder = true\n"
    )
    path.write_text(text)
    [found] = [d for d in check_file(path, "config.toml", Settings()).diagnostics if d.code == "TL402"]
    assert found.hint is not None
    assert "whole run or not at all" in found.hint and "turn train_text_encoder off" in found.hint
    assert "network_train_unet_only" not in found.hint and "of the run:" not in found.hint
    path.write_text(text.replace("train_text_encoder = true", "train_text_encoder = false"))
    assert not {"TL402", "TL406"} & {d.code for d in check_file(path, "config.toml", Settings()).diagnostics}


@pytest.mark.parametrize("stop", [100, -1, 0])
def test_a_lora_toml_ignores_the_text_encoder_stop(tmp_path: Path, stop: int) -> None:
    # only train_db.py has stop_text_encoder_training (train_db.py:538-542); a LoRA script takes the TOML
    # key unchecked (train_util.py:4700-4763) and trains the text encoder for the whole run
    adapted = toml(tmp_path, LORA + f"text_encoder_lr = 5e-5\nstop_text_encoder_training = {stop}\n")
    [note] = notes(adapted, base.TE_STOP_IGNORED)
    assert note.path == ("stop_text_encoder_training",) and note.on_key
    assert value(adapted, "text_encoder_ratio") == 1.0
    assert note.hint is not None and "network_train_unet_only" in note.hint
    # following the hint either way silences it, without a learning rate of 0
    for followed in (
        LORA + "text_encoder_lr = 5e-5\n",
        LORA + f"network_train_unet_only = true\nstop_text_encoder_training = {stop}\n",
    ):
        quiet = toml(tmp_path, followed)
        assert not notes(quiet, base.TE_STOP_IGNORED) and not notes(quiet, base.ZERO_LEARNING_RATE)


def test_a_lora_command_line_stops_at_the_text_encoder_stop(tmp_path: Path) -> None:
    # on a command line argparse refuses the flag of another script ("unrecognized arguments")
    path = tmp_path / "train.sh"
    path.write_text(
        "accelerate launch --num_processes 1 train_network.py --train_data_dir img "
        "--network_module networks.lora --max_train_steps 10 --stop_text_encoder_training 100\n"
    )
    doc, adapted = run(path, base_dir=FIXTURES)
    assert adapted is not None
    [note] = notes(adapted, base.UNKNOWN_KEY)
    assert note.path[-1] == "--stop_text_encoder_training" and note.path in doc.spans
    assert not notes(adapted, base.TE_STOP_IGNORED)


def test_sdxl_text_encoder_cache_is_pointed_out(tmp_path: Path) -> None:
    # SDXL LoRA: the text encoder cannot train while its outputs are cached (sdxl_train_network.py:40-42)
    adapted = toml(
        tmp_path,
        LORA.replace("runwayml/stable-diffusion-v1-5", "sd_xl_base_1.0.safetensors")
        + "cache_text_encoder_outputs = true\n",
    )
    assert adapted.base_model == "sdxl"
    assert "cache_text_encoder_outputs" in adapted.values["text_encoder_ratio"].note


@pytest.mark.parametrize(
    ("lines", "family", "unsupported"),
    [
        ('network_module = "networks.lora_flux"\n', "flux.1", False),
        ('ae = "ae.sft"\nt5xxl = "t5.sft"\n', "flux.1", False),
        ('ae = "ae.sft"\nt5xxl = "t5.sft"\nmodel_type = "chroma"\n', None, True),
        ('clip_g = "g.sft"\nt5xxl = "t5.sft"\n', None, True),
        ("v2 = true\n", None, True),
        ("learning_rate_te1 = 1e-5\n", "sdxl", False),
    ],
)
def test_model_family_hints(tmp_path: Path, lines: str, family: str | None, unsupported: bool) -> None:
    text = 'output_dir = "out"\ntrain_data_dir = "img"\npretrained_model_name_or_path = "model.safetensors"\n'
    adapted = toml(tmp_path, text + lines)
    assert adapted.base_model == family
    assert bool(notes(adapted, base.UNSUPPORTED_MODEL)) == unsupported


def test_nothing_names_the_family(tmp_path: Path) -> None:
    adapted = toml(tmp_path, 'output_dir = "o"\ntrain_data_dir = "img"\npretrained_model_name_or_path = "m.ckpt"\n')
    assert (adapted.base_model, adapted.base_model_key, adapted.method) == (None, None, None)


def test_metadata_keys_are_read_by_sd_scripts(tmp_path: Path) -> None:
    # get_sai_model_spec reads every metadata_* attribute: not unknown
    adapted = toml(tmp_path, LORA + 'metadata_trigger = "ohwx"\nepoch = 3\n')
    assert [n.path for n in notes(adapted, base.UNKNOWN_KEY)] == [("epoch",)]


def test_directive_hints_in_a_comment(tmp_path: Path) -> None:
    adapted = toml(tmp_path, "# trainlint: training_type=character preset=sd15/character\n" + LORA)
    assert (adapted.training_type, adapted.preset, adapted.hints_source) == ("character", "sd15/character", "directive")


def test_full_fine_tune_with_learning_rate_zero(tmp_path: Path) -> None:
    adapted = toml(
        tmp_path,
        LORA.replace('network_module = "networks.lora"\n', "") + "learning_rate = 0\nlearning_rate_te = 1e-6\n",
    )
    assert adapted.method == "full"
    assert value(adapted, "learning_rate_unet") is None
    assert [n.path for n in notes(adapted, base.ZERO_LEARNING_RATE)] == [("learning_rate",)]


def test_parse_flags() -> None:
    flags = parse_flags('--lr_scheduler_args "T_max=30" "eta_min=0" --network_train_unet --unet_lr=3e-4 x')
    assert [(f.name, f.values) for f in flags] == [
        ("lr_scheduler_args", ("T_max=30", "eta_min=0")),
        ("network_train_unet_only", ()),  # argparse abbreviation
        ("unet_lr", ("3e-4", "x")),
    ]
    assert parse_flags('--a "unclosed') == [parse_flags("--a")[0]._replace(values=('"unclosed',))]


# --- shell scripts that launch a training script ---------------------------------------------------------


def test_launch_script_over_its_config_file() -> None:
    # sdxl_train_network.py: SDXL LoRA whatever the TOML says; --config_file cli-base (".toml" is appended,
    # train_util.py:4700-4763) gives train_data_dir img and train_batch_size 2; the command line's
    # --learning_rate $LR (2e-4, set in the script) overrides the TOML's 1e-4
    # batches = ceil((4 x 4 + 2 x 2) / 2) = 10; steps = 3 epochs x ceil(10 / 2 processes / 1) = 15
    # (train_network.py:798-805, --num_processes 2 on accelerate launch); 15 / 6 images = 2.5
    doc, adapted = fixture("launch.sh")
    assert (adapted.base_model, adapted.base_model_key, adapted.method, adapted.images) == (
        "sdxl",
        "script sdxl_train_network.py",
        "lora",
        6,
    )
    assert value(adapted, "steps") == 15
    assert adapted.values["steps"].path == ("commands", 0, "args", "--max_train_epochs")
    assert value(adapted, "steps_per_image") == 2.5
    assert value(adapted, "learning_rate_unet") == 2e-4
    assert adapted.values["learning_rate_unet"].path == ("commands", 0, "args", "--learning_rate")
    assert adapted.notes == ()
    for val in adapted.values.values():
        assert val.path is None or val.path in doc.spans


@pytest.mark.parametrize("launch", [False, True])
def test_steps_from_epochs_without_a_process_count_are_for_one_process(tmp_path: Path, launch: bool) -> None:
    # a TOML, or accelerate launch without --num_processes, does not say how many processes share each epoch's
    # batches (train_network.py:798-805): the steps are for one process and the note says so, as kohya_ss
    # and diffusers do; ceil((4 x 4 + 2 x 2) / 2) = 10 batches of the N_name folders x 3 epochs = 30
    if launch:
        path = tmp_path / "train.sh"
        path.write_text(
            "accelerate launch train_network.py --pretrained_model_name_or_path model.safetensors "
            "--network_module networks.lora --train_data_dir img --train_batch_size 2 "
            "--max_train_epochs 3\n"
        )
        _, found = run(path, base_dir=FIXTURES)
        assert found is not None
        adapted = found
    else:
        adapted = toml(tmp_path, LORA + "train_batch_size = 2\nmax_train_epochs = 3\n")
    assert value(adapted, "steps") == 30
    note = adapted.values["steps"].note
    assert "for one process (" in note and "with N processes an epoch has about N times fewer steps" in note


def test_launch_flags_as_argparse_reads_them() -> None:
    # argparse converts command-line text with the option's type: int("1e3") fails and the script stops;
    # an unknown flag stops it too ("unrecognized arguments"); $UNET_LR is not set in the file
    _, failing = fixture("traps/launch-fail.sh")
    assert {n.kind: n.path[-1] for n in failing.notes} == {
        base.NUMBER_AS_STRING: "--max_train_steps",
        base.UNKNOWN_KEY: "--network_dimm",
    }
    assert value(failing, "steps") is None
    assert "$UNET_LR" in failing.values["learning_rate_unet"].note
    _, passing = fixture("traps/launch-pass.sh")
    assert passing.notes == ()
    assert (value(passing, "steps"), value(passing, "learning_rate_unet")) == (1000, 1e-4)


@pytest.mark.parametrize(
    ("script", "family", "method"),
    [
        ("train_network.py", "sd-1.5", "lora"),
        ("flux_train_network.py", "flux.1", "lora"),
        ("sd3_train_network.py", None, "lora"),
        ("train_db.py", "sd-1.5", "full"),
        ("sdxl_train.py", "sdxl", "full"),
        ("fine_tune.py", "sd-1.5", "full"),
        ("train_textual_inversion.py", "sd-1.5", None),
        ("hunyuan_image_train_network.py", None, "lora"),
    ],
)
def test_the_script_names_family_and_method(
    tmp_path: Path, script: str, family: str | None, method: str | None
) -> None:
    text = f"python sd-scripts/{script} --train_data_dir img --max_train_steps 10 --learning_rate 1e-4\n"
    assert FORMAT.detect(text.encode(), ".sh")
    adapted = _shell(tmp_path, text)
    assert (adapted.base_model, adapted.method) == (family, method)
    assert bool(notes(adapted, base.UNSUPPORTED_MODEL)) == (family is None)
    if method is None:  # a textual inversion trains embeddings
        assert "learning_rate_unet" not in adapted.values


def _shell(tmp_path: Path, text: str) -> Adapted:
    path = tmp_path / "run.sh"
    path.write_text(text)
    _, adapted = run(path, base_dir=FIXTURES)
    assert adapted is not None
    return adapted


def test_shell_scripts_of_other_tools_are_not_claimed(tmp_path: Path) -> None:
    for text in (
        "accelerate launch train_dreambooth_lora_sdxl.py --max_train_steps 10\n",
        "echo train_network\n",
        "python my_train_network_py.sh\n",
        "",
    ):
        assert not FORMAT.detect(text.encode(), ".sh"), text
    path = tmp_path / "x.sh"
    path.write_text("# train_network.py is mentioned here only\necho hello\n")
    assert run(path)[1] is None


# --- the reading traps: one failing and one passing fixture each ----------------------------------------

TRAPS = [
    base.NUMBER_AS_STRING,
    base.EPOCHS_OVERRIDE_STEPS,
    base.TE_STOP_IGNORED,
    base.ZERO_LEARNING_RATE,
    base.UNKNOWN_KEY,
    base.UNSUPPORTED_MODEL,
    base.ADAPTIVE_OPTIMIZER,
    f"dataset-{base.UNKNOWN_KEY}",
    f"dataset-{base.NUMBER_AS_STRING}",
]


@pytest.mark.parametrize("name", TRAPS)
def test_each_trap_has_a_failing_and_a_passing_fixture(name: str) -> None:
    kind = name.removeprefix("dataset-")
    doc, failing = fixture(f"traps/{name}-fail.toml")
    found = notes(failing, kind)
    assert found, name
    for note in found:
        assert note.path in doc.spans, note
    _, passing = fixture(f"traps/{name}-pass.toml")
    assert not notes(passing, kind)


def test_epochs_override_names_both_and_the_steps() -> None:
    # traps/epochs-override-steps-fail.toml: ../img gives 20 samples, batch 1 -> 20 batches; 2 epochs x 20 = 40
    _, adapted = fixture("traps/epochs-override-steps-fail.toml")
    [note] = notes(adapted, base.EPOCHS_OVERRIDE_STEPS)
    assert note.on_key and note.path == ("max_train_epochs",)
    assert note.message.startswith("max_train_epochs 2 overrides max_train_steps 1000: sd-scripts trains 40 steps")
    assert value(adapted, "steps") == 40


def test_unknown_keys_get_a_did_you_mean() -> None:
    _, adapted = fixture("traps/unknown-key-fail.toml")
    assert {n.path: n.hint for n in notes(adapted, base.UNKNOWN_KEY)} == {
        ("max_train_step",): "did you mean 'max_train_steps'?",
        ("network_dimension",): "did you mean 'network_dim'?",
    }
    _, dataset = fixture("traps/dataset-unknown-key-fail.toml")
    [note] = notes(dataset, base.UNKNOWN_KEY)
    assert note.path == ("datasets", 0, "subsets", 0, "num_repeat") and note.hint == "did you mean 'num_repeats'?"
    assert "extra keys not allowed" in note.message


def test_paths_are_the_trainers_own_keys() -> None:
    for path in sorted(FIXTURES.glob("**/*.toml")) + sorted(FIXTURES.glob("**/*.json")):
        doc, adapted = run(path)
        assert adapted is not None, path
        for val in adapted.values.values():
            assert val.path is None or val.path in doc.spans, (path, val)
        for note in adapted.notes:
            assert note.path in doc.spans, (path, note)


# --- detection --------------------------------------------------------------------------------------------

NOT_SD_SCRIPTS = {
    "pyproject": '[project]\nname = "x"\nversion = "1"\n[tool.ruff]\nline-length = 100\n',
    "gui-defaults": '[settings]\nuse_shell = false\n[model]\ntrain_data_dir = "./data"\noutput_name = "m"\n'
    "[basic]\nlearning_rate = 0.0001\nmax_train_steps = 0\ntrain_batch_size = 1\n"
    '[accelerate_launch]\nmixed_precision = "fp16"\n',
    "simpletuner": 'model_family = "flux"\nlearning_rate = 1e-4\nmax_train_steps = 100\noutput_dir = "o"\n'
    "train_batch_size = 1\n",
    "leco": '[[prompts]]\ntarget = "van gogh"\nresolution = 512\nbatch_size = 1\n',
    "empty": "",
    "two-keys": "learning_rate = 1e-4\nmax_train_steps = 10\n",
}


@pytest.mark.parametrize("name", sorted(NOT_SD_SCRIPTS))
def test_other_toml_is_not_claimed(name: str) -> None:
    raw = NOT_SD_SCRIPTS[name].encode()
    assert not FORMAT.detect(raw, ".toml")
    doc = FORMAT.read(raw, "x.toml", Limits())
    assert FORMAT.adapt(doc, FolderWorkspace(FIXTURES, FIXTURES, Limits(), READERS), Hints()) is None


def test_json_is_claimed_only_as_a_dataset_config() -> None:
    assert FORMAT.detect((FIXTURES / "dataset.json").read_bytes(), ".json")
    gui = (Path(__file__).resolve().parent.parent / "fixtures" / "kohya_ss" / "lora-gui-steps.json").read_bytes()
    assert not FORMAT.detect(gui, ".json")
    assert not FORMAT.detect(json.dumps({"__version": 11, "concepts": []}).encode(), ".json")
    assert not FORMAT.detect(b'learning_rate = 1e-4\nmax_train_steps = 10\noutput_dir = "o"\n', ".sh")


# --- hostile input -------------------------------------------------------------------------------------------

HOSTILE = [
    '""',
    '"abc"',
    '"1e400"',
    "nan",
    "-inf",
    "[]",
    "[1, 2]",
    '[["a"]]',
    "{}",
    "{ a = { b = [] } }",
    "true",
    "-1",
    "0",
    "-100000000000000000000000000000",
    "100000000000000000000000000000",
    "1e308",
    "-1e308",
    "2.5",
    "1979-05-27T07:32:00Z",
    '"../../etc"',
    '"/"',
    '"C:\\\\x"',
]
KEYS = [
    "max_train_steps",
    "max_train_epochs",
    "train_batch_size",
    "gradient_accumulation_steps",
    "learning_rate",
    "unet_lr",
    "text_encoder_lr",
    "network_module",
    "network_train_unet_only",
    "stop_text_encoder_training",
    "learning_rate_te",
    "learning_rate_te1",
    "dataset_config",
    "train_data_dir",
    "reg_data_dir",
    "optimizer_type",
    "model_type",
    "v2",
    "train_text_encoder",
    "dataset_repeats",
    "in_json",
]


@pytest.mark.parametrize("key", KEYS)
def test_wrong_types_everywhere_never_raise(tmp_path: Path, key: str) -> None:
    for bad in HOSTILE:
        text = LORA.replace(f"{key} = ", "# ") + 'dataset_config = "dataset.toml"\nmax_train_epochs = 2\n'
        text = "\n".join(line for line in text.splitlines() if not line.startswith(f"{key} ")) + f"\n{key} = {bad}\n"
        path = tmp_path / "c.toml"
        path.write_text(text)
        doc, adapted = run(path, base_dir=FIXTURES)
        if adapted is None:
            assert doc.findings or not FORMAT.detect(text.encode(), ".toml")
            continue
        for val in adapted.values.values():
            assert val.value is None or val.value == val.value


@pytest.mark.parametrize("bad", HOSTILE)
def test_hostile_dataset_configs_never_raise(tmp_path: Path, bad: str) -> None:
    for where in (
        "[general]\nbatch_size = {b}\n",
        "[[datasets]]\nbatch_size = {b}\nenable_bucket = {b}\n",
        "[[datasets]]\n  [[datasets.subsets]]\n  image_dir = {b}\n  num_repeats = {b}\n  is_reg = {b}\n",
        "datasets = {b}\n",
        "[[datasets]]\nsubsets = {b}\n",
        "general = {b}\ndatasets = []\n",
    ):
        path = tmp_path / "ds.toml"
        path.write_text(where.format(b=bad))
        run(path, base_dir=FIXTURES)


def test_broken_files() -> None:
    workspace = FolderWorkspace(FIXTURES, FIXTURES, Limits(), READERS)
    for raw in (b"", b"[", b"a = ", b"\xff\xfe\x00", b"= 1", b"[[datasets]]\n[[datasets]]\n"):
        FORMAT.adapt(FORMAT.read(raw, "x.toml", Limits()), workspace, Hints())
    for raw in (b"{", b"[]", b'{"datasets": 1}', b'{"datasets": [1, "a", null]}'):
        FORMAT.adapt(FORMAT.read(raw, "x.json", Limits()), workspace, Hints())


# --- knowledge -----------------------------------------------------------------------------------------------


def test_knowledge_cites_the_pinned_commit() -> None:
    assert knowledge.REPOSITORY == "kohya-ss/sd-scripts"
    assert re.fullmatch(r"[0-9a-f]{40}", knowledge.COMMIT)
    for key, info in {**knowledge.KEYS, **knowledge.DATASET_KEYS}.items():
        assert re.match(r"[\w/]+\.py", info.source), (key, info.source)
    for key in knowledge.KEYS:
        assert key in knowledge.ARGUMENTS, key
    for key in knowledge.DATASET_KEYS:
        assert key in knowledge.DATASET_SUBSET_KEYS | knowledge.DATASET_DATASET_KEYS, key


# --- the real configs ----------------------------------------------------------------------------------------


@pytest.mark.skipif(not (REAL / "sd-scripts").is_dir(), reason="the real-configs corpus is not here")
def test_real_sd_scripts_configs() -> None:
    """The documentation's dataset configs and launch commands are detected and adapted."""
    listed = real_config_kinds()
    adapted_by_kind: dict[str, int] = {}
    for path in sorted((REAL / "sd-scripts").glob("**/*")):
        if not path.is_file():
            continue
        kind = listed[str(path.relative_to(REAL))]
        raw = path.read_bytes()
        suffix = path.suffix.lower()
        assert suffix in FORMAT.suffixes and FORMAT.detect(raw, suffix), path
        doc, adapted = run(path)
        assert adapted is not None and adapted.input_format == "sd-scripts", path
        for val in adapted.values.values():
            assert val.path is None or val.path in doc.spans
        for note in adapted.notes:
            assert note.path in doc.spans
        label = "dataset" if kind.startswith("dataset config") else "launch"
        assert label == "dataset" or "launch command" in kind, (path, kind)
        adapted_by_kind[label] = adapted_by_kind.get(label, 0) + 1
        if path.name.startswith("flux_train_network") and suffix == ".sh":
            assert (adapted.base_model, adapted.method) == ("flux.1", "lora")
            assert value(adapted, "learning_rate_unet") == 1e-4
        if path.name.startswith("train_network") and suffix == ".sh":
            # the excerpt's lines lack their backslashes: bash runs only the first line as the command
            assert "16 flags after the command are not passed" in adapted.values["steps"].note
    assert adapted_by_kind == {"dataset": 2, "launch": 2}


@pytest.mark.skipif(not REAL.is_dir(), reason="the real-configs corpus is not here")
def test_real_configs_of_other_trainers_are_not_claimed() -> None:
    for trainer in ("OneTrainer", "SimpleTuner", "ai-toolkit", "diffusers"):
        for path in sorted((REAL / trainer).glob("**/*")):
            suffix = path.suffix.lower()
            if path.is_file() and suffix in FORMAT.suffixes:
                assert not FORMAT.detect(path.read_bytes(), suffix), path


@pytest.mark.parametrize(
    ("args", "multiplier"),
    [("", True), ('["scale_parameter=False", "relative_step=False", "warmup_init=False"]', False)],
)
def test_adafactor_with_its_relative_step_takes_no_learning_rate(tmp_path: Path, args: str, multiplier: bool) -> None:
    # library/train_util.py get_optimizer: relative_step defaults to True for Adafactor; then "learning rate is
    # used as initial_lr" and "unet_lr and text_encoder_lr are ignored"
    toml = 'network_module = "networks.lora"\noptimizer_type = "Adafactor"\nlearning_rate = 1.0\n'
    if args:
        toml += f"optimizer_args = {args}\n"
    path = tmp_path / "adafactor.toml"
    path.write_text(toml)
    doc = FORMAT.read(path.read_bytes(), str(path), Limits())
    adapted = FORMAT.adapt(doc, FolderWorkspace(tmp_path, tmp_path, Limits()), Hints())
    assert adapted is not None
    assert any(n.kind == base.ADAPTIVE_OPTIMIZER for n in adapted.notes) is multiplier
