"""`check -` and `fix -` read the config from standard input, as editors lint unsaved buffers (ALE,
nvim-lint, efm and flycheck run `trainlint check --format concise|json --stdin-filename PATH -`).
The path decides the configuration, the input format and the folder things resolve from; the file
on disk is never read. Through the real CLI in a child process, on real files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import CLI_ENV as ENV
from helpers import GOOD_CONFIG, REPO, write_tree

CONFIG = GOOD_CONFIG.replace("images: 24", "path: data")
KOHYA = (REPO / "tests" / "fixtures" / "kohya_ss" / "lora-gui-steps.json").read_text()


def run(*args: str, text: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "trainlint", *args],
        input=text.encode(),
        cwd=cwd,
        env=ENV,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    images = {f"configs/data/{n:02}.png": "" for n in range(24)}
    captions = {f"configs/data/{n:02}.txt": "a watercolor" for n in range(24)}
    write_tree(tmp_path, {".git/HEAD": "", **images, **captions})
    (tmp_path / "configs" / "style.yaml").write_text("on disk: not a config at all\n")
    return tmp_path


def test_the_text_is_checked_as_the_file_it_names_in_concise_and_json(repo: Path) -> None:
    buffer = CONFIG.replace("classification: sdxl/style", "classification: Custom")
    concise = run("check", "--format", "concise", "--stdin-filename", "configs/style.yaml", "-", text=buffer, cwd=repo)
    assert concise.returncode == 1, concise.stderr
    lines = concise.stdout.decode().splitlines()
    # the dataset folder resolved beside the named file: 24 captioned images, so only the stale tag is left
    assert lines == [
        "configs/style.yaml:6:17: TL205 [warning] config matches preset sdxl/style@1 in every value but is classified Custom",
        "1 problem (1 warning) in 1 file checked; 1 fixable with `trainlint fix`",
    ]
    assert re.match(r"^(.+):(\d+):(\d+): (\w+) \[(\w+)\] (.*)$", lines[0])  # efm's and ALE's errorformat
    report = json.loads(
        run("check", "--format", "json", "--stdin-filename", "configs/style.yaml", "-", text=buffer, cwd=repo).stdout
    )
    assert [(d["file"], d["code"], d["line"], d["column"]) for d in report["diagnostics"]] == [
        ("configs/style.yaml", "TL205", 6, 17)
    ]
    assert (repo / "configs" / "style.yaml").read_text() == "on disk: not a config at all\n"


def test_the_path_picks_the_configuration_and_its_per_file_settings(repo: Path) -> None:
    (repo / "configs" / "trainlint.toml").write_text('[per-file-ignores]\n"legacy-*.yaml" = ["TL2"]\n')
    buffer = CONFIG.replace("classification: sdxl/style", "classification: Custom")
    found = run("check", "--stdin-filename", "configs/style.yaml", "-", text=buffer, cwd=repo)
    ignored = run("check", "--stdin-filename", "configs/legacy-style.yaml", "-", text=buffer, cwd=repo)
    assert b"TL205" in found.stdout and ignored.stdout == b"no problems in 1 file checked\n"
    (repo / "configs" / "trainlint.toml").write_text('exclude = ["drafts"]\n')
    excluded = run("check", "--stdin-filename", "configs/drafts/style.yaml", "-", text=buffer, cwd=repo)
    assert excluded.returncode == 0  # an editor's buffer of an excluded file: no findings, no failure
    assert excluded.stderr == b"configs/drafts/style.yaml: not checked: excluded by the configuration\n"


def test_the_suffix_decides_the_input_format(repo: Path) -> None:
    kohya = run("check", "--format", "json", "--stdin-filename", "kohya/sdxl.json", "-", text=KOHYA, cwd=repo)
    codes = {d["code"] for d in json.loads(kohya.stdout)["diagnostics"]}
    assert codes and "TL006" not in codes, kohya.stdout  # read as a kohya_ss config, not refused as no config
    named_yaml = run("check", "--format", "json", "--stdin-filename", "kohya/sdxl.yaml", "-", text=KOHYA, cwd=repo)
    assert {d["code"] for d in json.loads(named_yaml.stdout)["diagnostics"]} == {"TL006"}


def test_without_a_file_name_the_text_is_named_dash(repo: Path) -> None:
    done = run("check", "-", text=CONFIG.replace("path: data", "images: 24"), cwd=repo)
    assert (done.returncode, done.stdout) == (0, b"no problems in 1 file checked\n")
    broken = run("check", "-", text="schema_version: 1\npreset: [x\n", cwd=repo)
    assert broken.returncode == 1 and broken.stdout.startswith(b"-:3:1: TL001 [error]")


def test_a_size_past_the_limit_is_refused_without_reading_it_all(repo: Path) -> None:
    (repo / "trainlint.toml").write_text("max-file-bytes = 100\n")
    huge = CONFIG + "# " + "x" * 10_000_000 + "\n"
    done = run("check", "--format", "concise", "--stdin-filename", "big.yaml", "-", text=huge, cwd=repo)
    assert done.returncode == 1 and b"big.yaml:1:1: TL091 [error]" in done.stdout


def test_dash_takes_no_other_path_and_check_fix_does_not_read_it(repo: Path) -> None:
    mixed = run("check", "-", "configs", text=CONFIG, cwd=repo)
    assert mixed.returncode == 2 and b"reads one config from standard input" in mixed.stderr
    fixing = run("check", "--fix", "-", text=CONFIG, cwd=repo)
    assert fixing.returncode == 2 and b"`trainlint fix -` prints the fixed text" in fixing.stderr


def test_fix_writes_the_fixed_text_to_stdout_and_leaves_the_file_alone(repo: Path) -> None:
    buffer = CONFIG.replace("classification: sdxl/style", "classification: Custom   # tag\r\n").replace("\n", "\r\n")
    buffer = buffer.replace("\r\r\n", "\r\n") + "training:\r\n  learning_rate_unet: 1e-4\r\n"
    done = run("fix", "--stdin-filename", "configs/style.yaml", "-", text=buffer, cwd=repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout == buffer.replace("Custom", "sdxl/style").replace("1e-4", "1.0e-4").encode()  # CR LF kept
    assert (repo / "configs" / "style.yaml").read_text() == "on disk: not a config at all\n"
    diff = run("fix", "--diff", "--stdin-filename", "configs/style.yaml", "-", text=buffer, cwd=repo)
    assert (
        diff.returncode == 1
        and b"-classification: Custom" in diff.stdout
        and b"+classification: sdxl/style" in diff.stdout
    )
    clean = CONFIG.replace("path: data", "images: 24")
    same = run("fix", "-", text=clean, cwd=repo)
    assert (same.returncode, same.stdout) == (0, clean.encode())


def test_fix_of_a_text_it_cannot_fix_gives_it_back_unchanged(repo: Path) -> None:
    buffer = CONFIG.replace("classification: sdxl/style", "classification: Custom") + "name: twice\n"
    done = run("fix", "--stdin-filename", "configs/style.yaml", "-", text=buffer, cwd=repo)
    assert done.returncode == 2 and done.stdout == buffer.encode()
    assert done.stderr.startswith(b"configs/style.yaml: not fixed: line 9: duplicate key 'name'")
