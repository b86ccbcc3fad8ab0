"""The built wheel works on its own: schema and presets ship inside it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from helpers import REPO

from trainlint.resources import TRAINER_SCHEMAS


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Build the wheel from a copy of the sources and install it, without dependencies, into a folder."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    shutil.copytree(
        REPO, src, ignore=shutil.ignore_patterns(".venv", ".git", "node_modules", "__pycache__", "dist", "build")
    )
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(work / "dist"), str(src)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = (work / "dist").glob("trainlint-*.whl")
    target = work / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return wheel, target


def test_wheel_carries_schema_presets_and_the_console_script(installed):
    wheel, _ = installed
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = next(zf.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    assert {"trainlint/_data/presets.yaml", "trainlint/_data/v1/config.schema.json", "trainlint/cli.py"} <= names
    assert {f"trainlint/_data/trainers/{name}.schema.json" for name in TRAINER_SCHEMAS} <= names
    assert "trainlint = trainlint.cli:entry" in entry_points


def test_installed_wheel_checks_the_examples_from_outside_the_source_tree(installed, tmp_path):
    _, target = installed
    shutil.copytree(REPO / "examples" / "lora-configs", tmp_path / "repo")
    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}
    where = subprocess.run(
        [sys.executable, "-c", "import trainlint.resources as r; print(r.data_dir())"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.strip() == str(target / "trainlint" / "_data")
    run = subprocess.run(
        [sys.executable, "-m", "trainlint", "check", "repo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr
    assert "repo/broken/typos.yaml:6:9: TL104 [error] `preset` cannot be 'sdxl/styel'" in run.stdout
    assert "repo/configs/" not in run.stdout


def test_installed_wheel_prints_a_trainers_schema(installed, tmp_path):
    _, target = installed
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run(
        [sys.executable, "-m", "trainlint", "schema", "--for", "ai-toolkit"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == (target / "trainlint" / "_data" / "trainers" / "ai-toolkit.schema.json").read_text("utf-8")
