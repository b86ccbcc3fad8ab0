"""The hooks, driven by the real `pre-commit` and real `git` in a temporary config repository.

The hook repository is a snapshot of this checkout (working tree included) committed
to a temporary git repository, which `.pre-commit-config.yaml` names by path and
commit, exactly as a config repository names ours. pre-commit installs it into its
own environment once per module (that install may use the package index); every
commit after that runs with the index and any HTTP proxy made unreachable, so the
hooks themselves need no network.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import REPO, git_env, run_cli, write_tree

from trainlint.cli import build_parser

SNAPSHOT = ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "validator", "schema", "hooks"]
HEAD = "schema_version: 1\nbase_model: sdxl\ntraining_type: style\n"
GOOD = HEAD + "preset: sdxl/style\nclassification: sdxl/style\ndataset:\n  images: 24\n"
UNTAGGED = GOOD + "training:\n  steps: 9000  # a little longer\n"
BROKEN = GOOD + "training:\n  learning_rate_unte: 1.0e-4\n"
OTHER_YAML = {
    ".github/workflows/ci.yml": "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - uses: actions/checkout@v4\n",
    "docker-compose.yml": "services:\n  trainer:\n    image: kohya:latest\n    volumes: [./data:/data]\n",
    "presets/house.yaml": "extends: sdxl/style@1\ntraining:\n  learning_rate_unet: 8.0e-5\n",
}
OFFLINE = {
    "PIP_NO_INDEX": "1",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "no_proxy": "",
}


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600, check=False
    )


def init_repo(path: Path, env: dict[str, str]) -> None:
    path.mkdir(parents=True, exist_ok=True)
    run(["git", "init", "-q", "-b", "main"], path, env)


def commit(
    repo: Path, env: dict[str, str], files: dict[str, str] | None = None, **extra_env: str
) -> subprocess.CompletedProcess:
    """Write `files` (if any), stage everything and commit, with `extra_env` on top of `env`."""
    write_tree(repo, files or {})
    env = {**env, **extra_env}
    run(["git", "add", "-A"], repo, env)
    return run(["git", "commit", "-q", "-m", "change"], repo, env)


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory) -> tuple[Path, str, dict[str, str]]:
    """This checkout as a hook repository: (path, commit, environment with a module-wide PRE_COMMIT_HOME)."""
    root = tmp_path_factory.mktemp("hooks-repo")
    env = git_env(root.parent / "pre-commit-home")
    source = root / "trainlint"
    for name in SNAPSHOT:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    init_repo(source, env)
    assert commit(source, env).returncode == 0
    sha = run(["git", "rev-parse", "HEAD"], source, env).stdout.strip()
    # install the hook environment once, with the package index available
    warm = root / "warm-up"
    init_repo(warm, env)
    (warm / ".pre-commit-config.yaml").write_text(_config(source, sha))
    installed = run([sys.executable, "-m", "pre_commit", "install-hooks"], warm, env)
    assert installed.returncode == 0, installed.stdout
    return source, sha, {**env, **OFFLINE}


def _config(source: Path, sha: str) -> str:
    return f"repos:\n  - repo: {source}\n    rev: {sha}\n    hooks:\n      - id: trainlint-fix\n      - id: trainlint\n"


@pytest.fixture
def config_repo(tmp_path, hook_source) -> tuple[Path, dict[str, str]]:
    """A config repository that uses our hooks, with other YAML already committed."""
    source, sha, env = hook_source
    repo = tmp_path / "lora-configs"
    init_repo(repo, env)
    (repo / ".pre-commit-config.yaml").write_text(_config(source, sha))
    installed = run([sys.executable, "-m", "pre_commit", "install"], repo, env)
    assert installed.returncode == 0, installed.stdout
    result = commit(repo, env, OTHER_YAML)
    assert result.returncode == 0, result.stdout
    return repo, env


def skipped_only(output: str, name: str) -> bool:
    """A staged file that is no config is only named as such, never reported on (`--only-configs`)."""
    mentions = [line for line in output.splitlines() if name in line]
    return all(
        line == f"{name}: not checked: not a config of trainlint or of any trainer format trainlint reads"
        for line in mentions
    )


def test_a_broken_config_fails_the_commit_with_its_diagnostics(config_repo):
    repo, env = config_repo
    result = commit(repo, env, {"configs/typo.yaml": BROKEN})
    assert result.returncode != 0
    assert "configs/typo.yaml:9:3: TL101 [error] unknown key `learning_rate_unte` in training" in result.stdout
    assert "- hook id: trainlint\n" in result.stdout
    for other in OTHER_YAML:
        assert other not in result.stdout
    assert run(["git", "log", "--oneline"], repo, env).stdout.count("\n") == 1  # nothing was committed


def test_an_untagged_custom_config_is_tagged_the_commit_stops_and_the_next_one_passes(config_repo):
    repo, env = config_repo
    tagged = UNTAGGED.replace("classification: sdxl/style", "classification: Custom")
    first = commit(repo, env, {"configs/style.yaml": UNTAGGED, "more/other.yaml": UNTAGGED})
    assert first.returncode != 0
    assert "files were modified by this hook" in first.stdout
    assert "fixed configs/style.yaml" in first.stdout and "fixed more/other.yaml" in first.stdout
    assert first.stdout.count("fixed 2 files") == 1  # the whole file list in one process
    assert (repo / "configs/style.yaml").read_text() == tagged == (repo / "more/other.yaml").read_text()
    second = commit(repo, env)
    assert second.returncode == 0, second.stdout
    assert run(["git", "show", "HEAD:configs/style.yaml"], repo, env).stdout == tagged
    for other, text in OTHER_YAML.items():
        assert (repo / other).read_text() == text


def test_commits_of_other_yaml_pass_and_leave_it_alone(config_repo):
    repo, env = config_repo
    changed = {name: text + "# edited\n" for name, text in OTHER_YAML.items()}
    result = commit(repo, env, changed)
    assert result.returncode == 0, result.stdout
    for name, text in changed.items():
        assert (repo / name).read_text() == text


def test_the_hook_manifest_is_valid_for_pre_commit_and_our_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"trainlint", "trainlint-fix"}
    for hook in hooks.values():
        command, *args = hook["entry"].split()
        assert command == "trainlint" and hook["language"] == "python"
        assert "--only-configs" in args and hook["require_serial"] is True
        assert args[-1] == "--" and "args" not in hook  # file names (and any `args`) come after `--`
        build_parser().parse_args([*args, "a.yaml"])  # exits 2 on an unknown flag


# --- the plain git hook, for repositories without the pre-commit framework ----------------


@pytest.fixture
def plain_repo(tmp_path) -> tuple[Path, dict[str, str]]:
    env = git_env(tmp_path / "unused")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    repo = tmp_path / "plain"
    init_repo(repo, env)
    shutil.copy2(REPO / "hooks" / "pre-commit", repo / ".git" / "hooks" / "pre-commit")
    assert commit(repo, env, OTHER_YAML).returncode == 0
    return repo, env


def test_plain_hook_stops_a_broken_config_and_passes_other_yaml(plain_repo):
    repo, env = plain_repo
    compose = OTHER_YAML["docker-compose.yml"] + "# edited\n"
    result = commit(repo, env, {"configs/my typo.yaml": BROKEN, "docker-compose.yml": compose})
    assert result.returncode != 0
    assert "configs/my typo.yaml:9:3: TL101" in result.stdout
    assert skipped_only(result.stdout, "docker-compose.yml")
    assert commit(repo, env, {"configs/my typo.yaml": GOOD}).returncode == 0


def test_plain_hook_fixes_when_asked_and_stops_so_the_fix_is_reviewed(plain_repo):
    repo, env = plain_repo
    first = commit(repo, env, {"configs/style.yaml": UNTAGGED}, TRAINLINT_FIX="1")
    assert first.returncode != 0 and "trainlint fixed files" in first.stdout
    assert "classification: Custom" in (repo / "configs/style.yaml").read_text()
    assert commit(repo, env, TRAINLINT_FIX="1").returncode == 0


def test_plain_hook_without_trainlint_says_so(plain_repo):
    repo, env = plain_repo
    result = commit(repo, env, {"configs/style.yaml": GOOD}, TRAINLINT="trainlint-not-installed")
    assert result.returncode != 0 and "'trainlint-not-installed' not found" in result.stdout


# --- file names that look like options ----------------------------------------------------
# pre-commit runs `entry`, then `args`, then the file names; git names a file in a folder called
# `--output=x` as `--output=x/c.yaml`. Without a `--` before the names, such a name is an option:
# the read-only check hook wrote its report over a config, or above the repository.

DASH_FOLDERS = [("--output=x", "x/c.yaml"), ("--output=..", "../c.yaml")]  # folder, where its name would write


def _assert_checked_as_a_file(
    repo: Path, env: dict[str, str], result: subprocess.CompletedProcess, folder: str
) -> None:
    assert result.returncode != 0
    assert f"{folder}/c.yaml:9:3: TL101 [error] unknown key `learning_rate_unte` in training" in result.stdout
    assert "report written" not in result.stdout and "unrecognized arguments" not in result.stdout
    assert (repo / "x/c.yaml").read_text() == GOOD  # the config the name points at is not overwritten
    assert not (repo.parent / "c.yaml").exists()  # nothing is written above the repository
    status = run(["git", "status", "--porcelain", "--untracked-files=all"], repo, env).stdout
    assert status.splitlines() == [f"A  {folder}/c.yaml"]  # nothing else appeared in the repository


@pytest.mark.parametrize("folder, target", DASH_FOLDERS)
def test_a_folder_named_like_an_option_makes_the_check_hook_write_nothing(config_repo, folder, target):
    repo, env = config_repo
    assert commit(repo, env, {"x/c.yaml": GOOD}).returncode == 0
    result = commit(repo, env, {f"{folder}/c.yaml": BROKEN})
    _assert_checked_as_a_file(repo, env, result, folder)
    assert "- hook id: trainlint\n" in result.stdout


def test_the_fix_hook_fixes_configs_in_folders_named_like_options(config_repo):
    repo, env = config_repo
    result = commit(repo, env, {"--only-configs/u.yaml": UNTAGGED, "--diff/v.yaml": UNTAGGED})
    assert result.returncode != 0 and "files were modified by this hook" in result.stdout
    assert "fixed --only-configs/u.yaml" in result.stdout and "fixed --diff/v.yaml" in result.stdout
    tagged = UNTAGGED.replace("classification: sdxl/style", "classification: Custom")
    assert (repo / "--only-configs/u.yaml").read_text() == tagged == (repo / "--diff/v.yaml").read_text()
    assert commit(repo, env).returncode == 0


def test_options_given_as_hook_args_are_file_names_and_fail_loudly(tmp_path, hook_source):
    """The hooks' `--` ends the entry, so `args` (which pre-commit puts after it) are file names too:
    an option there is a missing file (exit 2), never an option. Options belong in the configuration
    file, or in an overridden `entry` that still ends with `--`."""
    source, sha, env = hook_source
    repo = tmp_path / "lora-configs"
    init_repo(repo, env)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {source}\n    rev: {sha}\n    hooks:\n"
        "      - id: trainlint\n        args: [--output=report.txt]\n"
        "      - id: trainlint\n        alias: lenient\n        entry: trainlint check --only-configs --exit-zero --\n"
    )
    assert run([sys.executable, "-m", "pre_commit", "install"], repo, env).returncode == 0
    result = commit(repo, env, {"configs/typo.yaml": BROKEN})
    assert result.returncode != 0
    assert "trainlint: error: --output=report.txt: no such file or folder" in result.stdout
    assert not (repo / "report.txt").exists()
    lenient = run([sys.executable, "-m", "pre_commit", "run", "--verbose", "lenient"], repo, env)
    assert lenient.returncode == 0 and "configs/typo.yaml:9:3: TL101" in lenient.stdout, lenient.stdout


@pytest.mark.parametrize("folder, target", DASH_FOLDERS)
def test_plain_hook_writes_nothing_where_a_folder_name_points(plain_repo, folder, target):
    repo, env = plain_repo
    assert commit(repo, env, {"x/c.yaml": GOOD}).returncode == 0
    result = commit(repo, env, {f"{folder}/c.yaml": BROKEN})
    _assert_checked_as_a_file(repo, env, result, folder)


def test_plain_hook_fixes_configs_in_folders_named_like_options(plain_repo):
    repo, env = plain_repo
    result = commit(repo, env, {"--only-configs/u.yaml": UNTAGGED, "--diff/v.yaml": UNTAGGED}, TRAINLINT_FIX="1")
    assert result.returncode != 0 and "trainlint fixed files" in result.stdout
    tagged = UNTAGGED.replace("classification: sdxl/style", "classification: Custom")
    assert (repo / "--only-configs/u.yaml").read_text() == tagged == (repo / "--diff/v.yaml").read_text()


def test_check_fix_and_show_read_every_name_after_double_dash_as_a_file(tmp_path):
    """What the hooks rely on, for each command that takes files: after `--`, a name that looks like an option
    is a file."""
    write_tree(tmp_path, {".git/HEAD": "", "x/c.yaml": GOOD, "--output=x/c.yaml": BROKEN, "--diff/v.yaml": UNTAGGED})
    checked = run_cli("check", "--", "--output=x/c.yaml", cwd=tmp_path)
    assert checked.returncode == 1, checked.stderr
    assert "--output=x/c.yaml:9:3: TL101 [error] unknown key `learning_rate_unte` in training" in checked.stdout
    assert (tmp_path / "x/c.yaml").read_text() == GOOD
    fixed = run_cli("fix", "--only-configs", "--", "--diff/v.yaml", cwd=tmp_path)
    assert fixed.returncode == 0 and "fixed --diff/v.yaml" in fixed.stdout, fixed.stderr
    shown = run_cli("show", "--", "--output=x/c.yaml", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[0].split() == ["config", "--output=x/c.yaml"]
    assert (tmp_path / "x/c.yaml").read_text() == GOOD


# --- trainer configs: JSON, TOML, YAML and shell scripts -------------------------------------
# Each hook passes every staged file with a suffix trainlint reads; `--only-configs` checks those a
# format claims by content and skips the rest of them without a word.

TRAINER_CONFIGS = {
    # a kohya_ss GUI config: the fields the GUI saves in every file, a learning rate a hundred times the usual
    "kohya/style.json": '{\n  "LoRA_type": "Standard",\n  "pretrained_model_name_or_path": '
    '"stabilityai/stable-diffusion-xl-base-1.0",\n  "sdxl": true,\n  "train_data_dir": "img",\n'
    '  "max_resolution": "1024,1024",\n  "caption_extension": ".txt",\n  "learning_rate": 0.01,\n'
    '  "unet_lr": 0.01,\n  "text_encoder_lr": 0.0001,\n  "train_batch_size": 1,\n  "epoch": 1,\n'
    '  "max_train_steps": 2000,\n  "save_model_as": "safetensors",\n  "keep_tokens": 0,\n'
    '  "shuffle_caption": true,\n  "additional_parameters": ""\n}\n',
    # an ai-toolkit job with a learning rate a hundred times the usual
    "ai-toolkit/job.yaml": "job: extension\nconfig:\n  name: my_style\n  process:\n    - type: sd_trainer\n"
    "      network:\n        type: lora\n      datasets:\n        - folder_path: images\n"
    "      train:\n        steps: 2000\n        lr: 1e-2\n      model:\n"
    "        name_or_path: stabilityai/stable-diffusion-xl-base-1.0\n",
    # a diffusers DreamBooth LoRA script, not executable and without a shebang
    "diffusers/train_lora.sh": "accelerate launch train_dreambooth_lora_sdxl.py \\\n"
    "  --pretrained_model_name_or_path=stabilityai/stable-diffusion-xl-base-1.0 \\\n"
    '  --instance_data_dir=photos \\\n  --instance_prompt="a photo of sks dog" \\\n'
    "  --learning_rate=1e-2 \\\n  --max_train_steps=500\n",
}
NOT_CONFIGS = {
    "web/package.json": '{"name": "web", "version": "1.0.0", "scripts": {"test": "jest"}}\n',
    ".github/workflows/release.yml": "name: release\non:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n"
    "    runs-on: ubuntu-latest\n    steps:\n      - run: echo publish\n",
    "tools/pyproject.toml": '[project]\nname = "tools"\nversion = "0.1"\n\n[tool.black]\nline-length = 100\n',
    "tools/build.sh": "#!/bin/sh\nset -eu\npython -m build\n",
    "deploy/app.env": "DATABASE_URL=postgres://localhost/app\nDEBUG=0\n",
}


def too_fast(name: str) -> re.Pattern[str]:
    """The finding each of TRAINER_CONFIGS gets: its learning rate of 0.01, at whatever position the format gives."""
    return re.compile(
        rf"^{re.escape(name)}:\d+:\d+: TL407 \[warning\] UNet learning rate .*0\.01 is extremely high", re.MULTILINE
    )


def test_the_hooks_take_the_suffixes_trainlint_reads_and_nothing_else() -> None:
    from trainlint.inputs import SEARCHED_SUFFIXES

    for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()):
        files = re.compile(hook["files"])
        for suffix in SEARCHED_SUFFIXES:
            for name in (f"a/b{suffix}", f"B{suffix.upper()}", f".hidden{suffix}"):
                assert files.search(name), (hook["id"], name)
        for name in ("README.md", "a.py", "x.yaml.bak", "json", ".env", "a/.env", "Makefile", "x.yamlx"):
            assert not files.search(name), (hook["id"], name)
        assert "types_or" not in hook and hook["types"] == ["text"]
    plain = (REPO / "hooks" / "pre-commit").read_text()
    assert sorted(re.findall(r"':\(icase\)\*(\.\w+)'", plain)) == sorted(SEARCHED_SUFFIXES)


def test_trainer_configs_get_findings_and_other_files_of_their_kinds_nothing(
    config_repo: tuple[Path, dict[str, str]],
) -> None:
    repo, env = config_repo
    result = commit(repo, env, {**TRAINER_CONFIGS, **NOT_CONFIGS})
    assert result.returncode != 0
    out = result.stdout
    assert re.search(r"^trainlint fix\.+Passed$", out, re.MULTILINE), out  # nothing to fix in a trainer's config
    assert re.search(r"^trainlint\.+Failed$", out, re.MULTILINE), out
    for name in TRAINER_CONFIGS:
        assert too_fast(name).search(out), out
    assert "in 3 files" in out  # the others were skipped, not checked
    for name in NOT_CONFIGS:
        assert skipped_only(out, name)
    assert commit(repo, env, NOT_CONFIGS).returncode != 0  # the trainer configs are still staged and failing
    for folder in ("kohya", "ai-toolkit", "diffusers"):
        shutil.rmtree(repo / folder)
    passed = commit(repo, env, NOT_CONFIGS)
    assert passed.returncode == 0, passed.stdout


def test_plain_hook_checks_trainer_configs_and_skips_other_files_of_their_kinds(
    plain_repo: tuple[Path, dict[str, str]],
) -> None:
    repo, env = plain_repo
    result = commit(repo, env, {**TRAINER_CONFIGS, **NOT_CONFIGS})
    assert result.returncode != 0
    for name in TRAINER_CONFIGS:
        assert too_fast(name).search(result.stdout), result.stdout
    assert "in 3 files" in result.stdout
    for name in NOT_CONFIGS:
        assert skipped_only(result.stdout, name)
    fixing = commit(repo, env, TRAINLINT_FIX="1")  # the fix step changes nothing in them, the check still stops
    assert fixing.returncode != 0 and "trainlint fixed files" not in fixing.stdout
    for folder in ("kohya", "ai-toolkit", "diffusers"):
        shutil.rmtree(repo / folder)
    assert commit(repo, env, NOT_CONFIGS).returncode == 0


def test_the_repositorys_own_pre_commit_config_runs_its_checks(tmp_path):
    """`.pre-commit-config.yaml` of this repository, run by the real pre-commit on a snapshot of the
    checkout: ruff, the formatter, mypy and trainlint's own hooks on the example configs all pass;
    a broken example config added to the checked folder fails the trainlint hook."""
    env = git_env(tmp_path / "pre-commit-home")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # ruff, mypy, trainlint
    snapshot = tmp_path / "checkout"
    for name in [*SNAPSHOT, ".pre-commit-config.yaml", "examples", "tests", "bench"]:
        if (REPO / name).is_dir():
            shutil.copytree(
                REPO / name,
                snapshot / name,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "node_modules", ".mypy_cache"),
            )
        else:
            snapshot.mkdir(exist_ok=True)
            shutil.copy2(REPO / name, snapshot / name)
    init_repo(snapshot, env)
    run(["git", "add", "-A"], snapshot, env)
    passed = run([sys.executable, "-m", "pre_commit", "run", "--all-files"], snapshot, {**env, **OFFLINE})
    assert passed.returncode == 0, passed.stdout
    for hook in ("ruff check", "ruff format", "mypy", "trainlint fix (examples)", "trainlint (examples)"):
        assert any(line.startswith(hook) and line.endswith("Passed") for line in passed.stdout.splitlines()), (
            passed.stdout
        )
    broken = REPO / "examples/lora-configs/broken/typos.yaml"
    shutil.copy2(broken, snapshot / "examples/lora-configs/configs/typos.yaml")
    run(["git", "add", "-A"], snapshot, env)
    failed = run([sys.executable, "-m", "pre_commit", "run", "trainlint", "--all-files"], snapshot, {**env, **OFFLINE})
    assert failed.returncode == 1 and "TL104" in failed.stdout, failed.stdout


# --- what changes a config's verdict without being a config ---------------------------------
# pre-commit passes no deleted file and (by `files`) no image or caption; the check hook asks git
# for the staged files itself (`--staged`) and checks the configs that use them.

CAPTIONED = HEAD + "preset: sdxl/style\nclassification: sdxl/style\ndataset:\n  path: ../data/style\n"
DATASET = {f"data/style/{i:02}.png": "" for i in range(12)} | {f"data/style/{i:02}.txt": "a lake" for i in range(12)}
USES_HOUSE = HEAD + "preset: ../presets/house.yaml\nclassification: ../presets/house.yaml\ndataset:\n  images: 24\n"


def _remove(repo: Path, env: dict[str, str], name: str) -> subprocess.CompletedProcess:
    run(["git", "rm", "-q", name], repo, env)
    return run(["git", "commit", "-q", "-m", "remove"], repo, env)


def test_a_commit_that_removes_a_caption_checks_the_configs_of_that_dataset(config_repo):
    repo, env = config_repo
    assert commit(repo, env, {"configs/style.yaml": CAPTIONED, **DATASET}).returncode == 0
    result = _remove(repo, env, "data/style/03.txt")
    assert result.returncode != 0, result.stdout
    assert "configs/style.yaml:7:9: TL303 [warning] 1 of 12 images has no caption: 03.png" in result.stdout
    assert "data/style/03.txt: checked the 1 config that uses it: configs/style.yaml" in result.stdout
    assert (repo / "data/style/03.txt").exists() is False
    assert run(["git", "log", "--oneline"], repo, env).stdout.count("\n") == 2  # the removal was not committed


def test_a_commit_that_edits_a_preset_file_checks_it_and_the_configs_that_use_it(config_repo):
    repo, env = config_repo
    assert commit(repo, env, {"configs/house-style.yaml": USES_HOUSE}).returncode == 0
    broken = OTHER_YAML["presets/house.yaml"].replace("learning_rate_unet", "learning_rate_unte")
    result = commit(repo, env, {"presets/house.yaml": broken})
    assert result.returncode != 0, result.stdout
    assert "presets/house.yaml:3:3: TL101 [error] unknown key `learning_rate_unte` in training" in result.stdout
    assert "configs/house-style.yaml:4:9: TL206 [error] preset file '../presets/house.yaml' is not valid" in (
        result.stdout
    )
    assert commit(repo, env, {"presets/house.yaml": OTHER_YAML["presets/house.yaml"] + "# ok\n"}).returncode == 0


def test_a_commit_of_images_alone_checks_their_configs_and_one_of_other_files_nothing(config_repo):
    repo, env = config_repo
    assert commit(repo, env, {"configs/style.yaml": CAPTIONED, **DATASET}).returncode == 0
    result = commit(repo, env, {"data/style/12.png": ""})
    assert result.returncode != 0 and "configs/style.yaml:7:9: TL303" in result.stdout, result.stdout
    assert commit(repo, env, {"data/style/12.txt": "a lake"}).returncode == 0
    quiet = commit(repo, env, {"README.md": "# configs\n"})
    assert quiet.returncode == 0 and "checked the" not in quiet.stdout, quiet.stdout


def test_plain_hook_checks_the_configs_of_a_removed_caption(plain_repo):
    repo, env = plain_repo
    assert commit(repo, env, {"configs/style.yaml": CAPTIONED, **DATASET}).returncode == 0
    result = _remove(repo, env, "data/style/05.txt")
    assert result.returncode != 0 and "configs/style.yaml:7:9: TL303" in result.stdout, result.stdout
