"""Edges of `fix` that a pull request can reach: a value the second parser reads otherwise must not
block unrelated fixes, the second parser's warnings are not printed, a JSON-style config gets its new
key quoted like its neighbours, and what an interrupted run already rewrote has been said."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_cli

from trainlint.cli import main
from trainlint.engine import check_text
from trainlint.fixer import fix_text
from trainlint.rules.reading import _VALID

CUSTOM = _VALID.replace("classification: sdxl/style", "classification: Custom")


def write(tmp_path: Path, text: str, name: str = "config.yaml") -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("odd", ["1_000", "0b101", "0x_1f", "1_000.5", "2001-01-01"])
def test_a_value_the_second_parser_reads_otherwise_does_not_block_the_classification_fix(
    tmp_path: Path, odd: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """ruamel.yaml, which verifies every fix, reads `1_000` as 1000 where trainlint reads a string:
    quoting it would change ruamel's data, so TL010 offers no fix for it, and the classification,
    which has nothing to do with it, is fixed."""
    path = write(tmp_path, CUSTOM + f"name: {odd}\n")
    diagnostics = check_text(path.read_text()).diagnostics
    assert [(d.code, d.fixable) for d in diagnostics if d.code in ("TL010", "TL205")] == [
        ("TL205", True),
        ("TL010", False),
    ]
    assert main(["fix", str(path)]) == 0, capsys.readouterr()
    assert path.read_text() == _VALID + f"name: {odd}\n"


def test_the_second_parser_s_warnings_are_not_printed(tmp_path: Path) -> None:
    path = write(tmp_path, "%YAML 1.1\n---\n" + CUSTOM + "training:\n  learning_rate_unet: 1e-4\n")
    run = run_cli("fix", str(path))
    assert run.returncode == 0, run.stderr
    assert run.stderr == "", run.stderr
    assert "learning_rate_unet: 1.0e-4" in path.read_text()


JSON_ONE_LINE = (
    '{"schema_version": 1, "base_model": "sdxl", "training_type": "style", "preset": "sdxl/style", '
    '"dataset": {"images": 24}}\n'
)
JSON_LINES = (
    '{\n  "schema_version": 1,\n  "base_model": "sdxl",\n  "training_type": "style",\n'
    '  "preset": "sdxl/style",\n  "dataset": {"images": 24}\n}\n'
)
SINGLE_QUOTED = (
    "{'schema_version': 1, 'base_model': sdxl, 'training_type': style, 'preset': sdxl/style, 'dataset': {images: 24}}\n"
)
BLOCK_QUOTED = _VALID.replace("classification: sdxl/style\n", "").replace("preset:", '"preset":')


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (JSON_ONE_LINE, JSON_ONE_LINE.replace('"dataset"', '"classification": "sdxl/style", "dataset"')),
        (JSON_LINES, JSON_LINES.replace('  "dataset"', '  "classification": "sdxl/style",\n  "dataset"')),
        (SINGLE_QUOTED, SINGLE_QUOTED.replace("'dataset'", "'classification': sdxl/style, 'dataset'")),
        (BLOCK_QUOTED, BLOCK_QUOTED.replace("sdxl/style\n", 'sdxl/style\n"classification": sdxl/style\n')),
    ],
)
def test_the_inserted_key_is_quoted_like_the_key_it_follows(before: str, after: str) -> None:
    assert fix_text(before) == after


def test_an_interrupted_fix_has_named_every_file_it_rewrote(tmp_path: Path) -> None:
    """Ctrl-C halfway: the files rewritten so far are exactly those named `fixed`, the rest are as they
    were, and the exit code is 130. (The names were printed only once every file was done.)"""
    import os
    import signal
    import subprocess
    import sys

    (tmp_path / ".git").mkdir()
    unclassified = _VALID.replace("classification: sdxl/style\n", "")
    paths = [tmp_path / f"c{i:02}.yaml" for i in range(60)]  # fewer than a parallel run needs: one process
    for path in paths:
        path.write_text(unclassified)
    proc = subprocess.Popen(
        [sys.executable, "-m", "trainlint", "fix", *map(str, paths)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()  # printed as soon as the first file is rewritten
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (first, rest, err)
    named = {line.removeprefix("fixed ") for line in (first + rest).splitlines()}
    changed = {str(path) for path in paths if path.read_text() != unclassified}
    assert first.startswith("fixed ") and named == changed, (first + rest, err)
    assert 0 < len(changed) < len(paths)


LAST_LINE = (
    _VALID.replace("classification: sdxl/style\n", "").replace("preset: sdxl/style\n", "") + "preset: sdxl/style"
)  # the classification goes after the last line, which has no line break


@pytest.mark.parametrize(
    "before",
    [
        LAST_LINE,
        LAST_LINE.replace("\n", "\r\n"),
        CUSTOM.rstrip("\n"),  # the change is on the last line, without a line break
        CUSTOM + "training:\n  learning_rate_unet: 1e-4",
    ],
)
@pytest.mark.parametrize("tool", ["git", "patch"])
def test_the_diff_applies_with_patch_and_git_apply(tmp_path: Path, before: str, tool: str) -> None:
    """`fix --diff` is a patch: applied to the file it turns it into what `fix` writes, a missing
    final line break and CR LF included."""
    import shutil
    import subprocess
    import sys

    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    path = repo / "config.yaml"
    path.write_bytes(before.encode())
    run = subprocess.run(
        [sys.executable, "-m", "trainlint", "fix", "--diff", "config.yaml"], cwd=repo, capture_output=True, check=False
    )  # bytes: a CR LF in the diff is the file's
    assert run.returncode == 1, run.stderr
    patch_file = tmp_path / "fix.patch"
    patch_file.write_bytes(run.stdout)
    command = ["git", "apply", str(patch_file)] if tool == "git" else ["patch", "-p1", "-s", "-i", str(patch_file)]
    applied = subprocess.run(command, cwd=repo, capture_output=True, text=True, check=False)
    assert applied.returncode == 0, applied.stderr + run.stdout.decode()
    patched = path.read_bytes()
    path.write_bytes(before.encode())
    assert main(["fix", str(path)]) == 0
    assert patched == path.read_bytes()
