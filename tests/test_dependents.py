"""`check` given a file that is no trainlint config (an image, a caption, a preset file, a trainer's
dataset config) checks the configs that use it; `--staged` asks git for the staged files, deletions
included. Through the real CLI on real files and a real git repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from helpers import git_env, run_cli, write_tree

HEAD = "schema_version: 1\nbase_model: sdxl\ntraining_type: style\n"
STYLE = HEAD + "preset: sdxl/style\nclassification: sdxl/style\ndataset:\n  path: ../data/style\n"
OTHER = HEAD + "preset: sdxl/style\nclassification: sdxl/style\ndataset:\n  path: ../data/other\n"
HOUSE = HEAD + "preset: ../presets/house.yaml\nclassification: ../presets/house.yaml\ndataset:\n  images: 24\n"
PRESET = "extends: sdxl/style@1\ntraining:\n  learning_rate_unet: 8.0e-5\n"
DATA = {
    f"data/{name}/{i:02}.{ext}": "a lake" for name in ("style", "other") for i in range(12) for ext in ("png", "txt")
}
SD_SCRIPTS = (
    "# trainlint: training_type=style\n"
    'pretrained_model_name_or_path = "stabilityai/stable-diffusion-xl-base-1.0"\n'
    'network_module = "networks.lora"\ndataset_config = "dataset.toml"\nmax_train_steps = 4000\n'
    "learning_rate = 1e-4\n"
)
DATASET_TOML = '[general]\nbatch_size = 1\n\n[[datasets]]\n[[datasets.subsets]]\nimage_dir = "img"\nnum_repeats = {n}\n'


def repo(tmp_path: Path) -> Path:
    write_tree(
        tmp_path,
        {
            **DATA,
            "configs/style.yaml": STYLE,
            "configs/other.yaml": OTHER,
            "configs/house.yaml": HOUSE,
            "presets/house.yaml": PRESET,
        },
    )
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "start")
    return tmp_path


def git(at: Path, *args: str) -> str:
    env = git_env(at / ".pre-commit-unused")
    return subprocess.run(["git", *args], cwd=at, env=env, capture_output=True, text=True, check=True).stdout


def test_a_named_caption_checks_the_configs_of_its_dataset_and_only_those(tmp_path):
    root = repo(tmp_path)
    (root / "data/style/03.txt").unlink()
    (root / "data/style/04.txt").write_text("a lake")
    out = run_cli("check", "data/style/04.txt", cwd=root)
    assert out.returncode == 1
    assert "configs/style.yaml:7:9: TL303 [warning] 1 of 12 images has no caption: 03.png" in out.stdout
    assert "configs/other.yaml" not in out.stdout and "TL006" not in out.stdout  # the caption is no config
    assert "trainlint: data/style/04.txt: checked the 1 config that uses it: configs/style.yaml" in out.stderr
    alone = run_cli("check", "data/style/05.png", "configs/other.yaml", cwd=root)
    assert alone.stdout.endswith("in 1 of 2 files checked\n"), (
        alone.stdout
    )  # the one named and the one that uses the image


def test_a_named_preset_file_is_checked_with_the_configs_that_extend_it(tmp_path):
    root = repo(tmp_path)
    write_tree(root, {"presets/house.yaml": PRESET.replace("8.0e-5", '"8e-5"')})
    out = run_cli("check", "presets/house.yaml", cwd=root)
    assert (
        "presets/house.yaml:3:23: TL102 [error] `training.learning_rate_unet` is a string, not a number" in out.stdout
    )
    assert "configs/house.yaml:4:9: TL206 [error] preset file '../presets/house.yaml' is not valid" in out.stdout
    assert "configs/style.yaml" not in out.stdout


def test_staged_deletions_and_images_check_their_configs(tmp_path):
    root = repo(tmp_path)
    git(root, "rm", "-q", "data/other/07.txt")
    out = run_cli("check", "--only-configs", "--staged", cwd=root)
    assert out.returncode == 1
    assert "configs/other.yaml:7:9: TL303 [warning] 1 of 12 images has no caption: 07.png" in out.stdout
    assert "configs/style.yaml" not in out.stdout
    git(root, "reset", "-q", "--hard")
    nothing = run_cli("check", "--only-configs", "--staged", cwd=root)  # nothing staged: nothing checked
    assert nothing.returncode == 0 and nothing.stdout == "no files checked\n" and "no configs checked" in nothing.stderr
    write_tree(root, {"notes.md": "x\n"})
    git(root, "add", "notes.md")
    quiet = run_cli("check", "--only-configs", "--staged", cwd=root)
    assert quiet.returncode == 0 and "checked the" not in quiet.stderr  # a file no config uses: no search


def test_staged_needs_a_git_repository(tmp_path):
    write_tree(tmp_path, {"c.yaml": STYLE})
    out = run_cli("check", "--staged", cwd=tmp_path, env={**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert out.returncode == 2 and "--staged: not in a git work tree" in out.stderr


def test_a_trainers_dataset_config_checks_the_training_configs_that_name_it(tmp_path):
    files = {
        "train/sdxl-style.toml": SD_SCRIPTS,
        "train/dataset.toml": DATASET_TOML.format(n=10),
        **{f"train/img/{i:02}.png": "" for i in range(20)},
        **{f"train/img/{i:02}.txt": "a lake" for i in range(20)},
    }
    write_tree(tmp_path, files)
    (tmp_path / ".git").mkdir()
    before = run_cli("check", "train/sdxl-style.toml", cwd=tmp_path).stdout
    out = run_cli("check", "train/dataset.toml", cwd=tmp_path)
    assert "trainlint: train/dataset.toml: checked the 1 config that uses it: train/sdxl-style.toml" in out.stderr
    assert before.splitlines()[0] in out.stdout  # the training config's findings, read with its dataset config


def test_the_search_stays_in_the_repository(tmp_path):
    outside = tmp_path / "outside"
    write_tree(outside, {"c.yaml": HEAD + "preset: sdxl/style\ndataset:\n  path: ../inside/data/style\n"})
    inside = repo(tmp_path / "inside")
    os.symlink(outside, inside / "linked")  # a symlink out of the repository is not searched
    out = run_cli("check", "data/style/01.txt", cwd=inside)
    assert "linked" not in out.stdout + out.stderr and "outside" not in out.stdout
