"""`trainlint show --format json`: one stable object per file, for every input format."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import REPO, run_cli, write_tree

from trainlint.rules.trainer_traps import ai_toolkit

FIXTURES = REPO / "tests" / "fixtures"
TOP_KEYS = {"file", "input_format", "base_model", "training_type", "method", "images", "preset", "values"}
VALUE_KEYS = {"steps", "steps_per_image", "learning_rate_unet", "learning_rate_text_encoder", "text_encoder_ratio"}
ENTRY_KEYS = {"value", "source", "key", "line", "column", "preset", "ratio", "note"}
SOURCES = {"config", "trainer-default", "derived", "preset"}

# one file of each format, as its format's own tests know it
SAMPLES = [
    ("examples/lora-configs/broken/mascot-untagged.yaml", "trainlint"),
    ("tests/fixtures/kohya_ss/lora-epochs.json", "kohya_ss"),
    ("tests/fixtures/ai-toolkit/flux_lora.yaml", "ai-toolkit"),
    ("tests/fixtures/onetrainer/sd15_lora.json", "onetrainer"),
    ("tests/fixtures/simpletuner/config/config.json", "simpletuner"),
    ("tests/fixtures/diffusers/sdxl_epochs.sh", "diffusers"),
    ("tests/fixtures/scenario/flux_model.json", "scenario"),
]


def show(path: str | Path, *args: str, cwd: Path = REPO) -> dict:
    run = run_cli("show", "--format", "json", *args, "--", str(path), cwd=cwd)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize(("path", "input_format"), SAMPLES, ids=[f for _, f in SAMPLES])
def test_every_format_gives_the_same_documented_object(path, input_format):
    view = show(path)
    assert set(view) == TOP_KEYS and view["input_format"] == input_format
    assert set(view["values"]) == VALUE_KEYS
    for entry in view["values"].values():
        assert set(entry) == ENTRY_KEYS and entry["source"] in SOURCES
        assert (entry["line"] is None) == (entry["column"] is None)
        if entry["value"] is not None and entry["preset"]:
            assert entry["ratio"] == pytest.approx(entry["value"] / entry["preset"])


def test_positions_point_at_the_trainers_own_key():
    view = show("tests/fixtures/kohya_ss/lora-epochs.json")
    text = (REPO / "tests/fixtures/kohya_ss/lora-epochs.json").read_text().splitlines()
    for entry in view["values"].values():
        if entry["line"] is not None and entry["key"] and " " not in entry["key"]:
            line = text[entry["line"] - 1]
            assert line[entry["column"] - 1 :].lstrip('"').startswith(entry["key"].split(".")[-1]), (entry, line)


def test_trainlint_values_say_which_come_from_the_preset():
    view = show("examples/lora-configs/broken/mascot-untagged.yaml")
    steps = view["values"]["steps"]
    assert steps["source"] == "config" and steps["key"] == "training.steps" and steps["line"] == 12
    assert view["values"]["steps_per_image"]["source"] == "derived"


def _sd_scripts(tmp_path: Path, head: str = "") -> Path:
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "",
            "train.toml": head + 'pretrained_model_name_or_path = "stabilityai/'
            'stable-diffusion-xl-base-1.0"\nnetwork_module = "networks.lora"\nlearning_rate = 1e-4\n'
            "max_train_steps = 3000\n",
        },
    )
    return tmp_path / "train.toml"


def test_training_type_comes_from_the_directive_then_the_configuration_then_the_command_line(tmp_path):
    path = _sd_scripts(tmp_path)
    assert show(path, cwd=tmp_path)["training_type"] is None
    assert show(path, "--training-type", "object", cwd=tmp_path)["training_type"] == "object"
    (tmp_path / "trainlint.toml").write_text('[per-file-training-type]\n"*.toml" = "subject"\n')
    assert show(path, "--training-type", "object", cwd=tmp_path)["training_type"] == "subject"
    _sd_scripts(tmp_path, "# trainlint: training_type=style\n")
    view = show(path, "--training-type", "object", cwd=tmp_path)
    assert view["training_type"] == "style" and view["preset"] == "sdxl/style@1"


def test_a_preset_hint_picks_the_preset_to_compare_with(tmp_path):
    path = _sd_scripts(tmp_path, "# trainlint: preset=sdxl/subject@1\n")
    view = show(path, cwd=tmp_path)
    assert view["preset"] == "sdxl/subject@1" and view["training_type"] == "subject"
    assert view["values"]["learning_rate_unet"]["preset"] is not None


def test_input_format_forces_a_format(tmp_path):
    shutil.copy(REPO / "tests/fixtures/kohya_ss/lora-epochs.json", tmp_path / "settings.data")
    (tmp_path / ".git").mkdir()
    assert show(tmp_path / "settings.data", "--input-format", "kohya_ss", cwd=tmp_path)["input_format"] == "kohya_ss"


def test_a_named_file_of_no_format_is_a_clear_error(tmp_path):
    (tmp_path / "package.json").write_text('{"name": "web", "version": "1.0.0"}\n')
    (tmp_path / ".git").mkdir()
    run = run_cli("check", "package.json", cwd=tmp_path)
    assert run.returncode == 1 and "TL006" in run.stdout
    for name in ("kohya_ss", "sd-scripts", "ai-toolkit", "onetrainer", "simpletuner", "diffusers", "scenario"):
        assert name in run.stdout
    assert "Traceback" not in run.stderr


def test_a_folder_search_skips_files_no_format_claims(tmp_path):
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "",
            "package.json": '{"name": "web"}\n',
            "pyproject.toml": "[project]\nname='x'\n",
            "ci.yaml": "on: push\njobs: {}\n",
            "run.sh": "echo hello\n",
        },
    )
    run = run_cli("check", ".", cwd=tmp_path)
    assert (run.returncode, run.stdout) == (2, "no files checked\n")  # a run that checks no config fails
    assert "no configs checked: 4 files found, none of them a config" in run.stderr


def test_a_directive_counts_only_in_a_comment(tmp_path):
    """A `# trainlint:` inside a value (a JSON string, a quoted TOML string) is no directive."""
    path = _sd_scripts(tmp_path, 'training_comment = "# trainlint: training_type=style"\n')
    assert show(path, cwd=tmp_path)["training_type"] is None
    path = _sd_scripts(tmp_path, "learning_rate_note = 1 # trainlint: training_type=object\n")
    assert show(path, cwd=tmp_path)["training_type"] == "object"


def test_a_full_fine_tune_is_not_compared_with_lora_learning_rates(tmp_path):
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "",
            "db.sh": "# trainlint: training_type=subject\n"
            "accelerate launch --num_processes 1 train_db.py "
            "--pretrained_model_name_or_path=runwayml/stable-diffusion-v1-5 --learning_rate=2e-6 "
            "--max_train_steps=1500\n",
        },
    )
    view = show(tmp_path / "db.sh", cwd=tmp_path)
    assert (view["input_format"], view["method"]) == ("sd-scripts", "full")
    assert view["values"]["learning_rate_unet"]["value"] == 2e-6
    assert view["values"]["learning_rate_unet"]["preset"] is None
    run = run_cli("check", "db.sh", cwd=tmp_path)
    assert "TL407" not in run.stdout and "TL406" not in run.stdout, run.stdout


def test_a_named_template_is_read_by_the_suffix_before_its_own(tmp_path):
    """`config.json.example` named on the command line is the JSON it stands for; folder searches leave it alone."""
    shutil.copy(REPO / "tests/fixtures/simpletuner/config/config.json", tmp_path / "config.json.example")
    (tmp_path / ".git").mkdir()
    assert show(tmp_path / "config.json.example", cwd=tmp_path)["input_format"] == "simpletuner"
    run = run_cli("check", ".", cwd=tmp_path)
    assert "config.json.example" not in run.stdout


def test_the_table_says_how_many_images_a_step_shows_and_an_adaptive_optimizer(tmp_path):
    """The table's steps are the file's; beneath it, the images each step shows and what the steps come to per
    image against the preset (what the steps rules judge), and an optimizer whose rates are multipliers."""
    write_tree(tmp_path, {".git/HEAD": "", **{f"img/10_style/{n:02}.png": "" for n in range(10)}})
    (tmp_path / "job.yaml").write_text(
        "# trainlint: training_type=style\n" + ai_toolkit(steps=1000, lr=1.0, batch_size=4, optimizer="prodigy")
    )
    shown = run_cli("show", "job.yaml", cwd=tmp_path).stdout
    assert "samples per step  4 from train.batch_size (" in shown
    assert "400 samples per image, 4x the preset's 100" in shown
    assert "optimizer         optimizer (" in shown and "adaptive, the learning rates are multipliers" in shown
    (tmp_path / "cfg.yaml").write_text(
        "schema_version: 1\nbase_model: sdxl\ntraining_type: style\npreset: sdxl/style\nclassification: Custom\n"
        "dataset:\n  images: 24\ntraining:\n  steps: 2100\n  batch_size: 2\n  gradient_accumulation_steps: 2\n"
        "  optimizer: DAdaptAdam\n"
    )
    shown = run_cli("show", "cfg.yaml", cwd=tmp_path).stdout
    assert (
        "samples per step  4 from training.batch_size 2 x training.gradient_accumulation_steps 2; "
        "350 samples per image, 1x the preset's 350"
    ) in shown
    assert "optimizer         DAdaptAdam (12:3): adaptive" in shown
    # a batch of one and AdamW: nothing beneath the table
    (tmp_path / "plain.yaml").write_text(
        "schema_version: 1\nbase_model: sdxl\ntraining_type: style\npreset: sdxl/style\nclassification: sdxl/style\n"
        "dataset:\n  images: 24\ntraining:\n  optimizer: adamw8bit\n"
    )
    shown = run_cli("show", "plain.yaml", cwd=tmp_path).stdout
    assert "samples per step" not in shown and "optimizer" not in shown
