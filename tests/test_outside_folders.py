"""Folders a config leads to: `preset-paths` folders outside the repository are allowed, as SECURITY.md
says, while a reference that climbs out of both stays refused; a dataset folder that exists but cannot
be listed is reported as unreadable, not as missing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from helpers import run_cli

from trainlint.rules.reading import _VALID

HOUSE = "extends: sdxl/style\ntraining:\n  learning_rate_unet: 8.0e-5\n"


def config(preset: str, classification: str = "Custom") -> str:
    return _VALID.replace("preset: sdxl/style", f"preset: {preset}").replace(
        "classification: sdxl/style", f"classification: {classification}"
    )


def shared_presets(tmp_path: Path, presets: dict[str, str]) -> Path:
    """A repository whose configuration names `../shared` as a preset folder, beside it."""
    shared, repo = tmp_path / "shared", tmp_path / "repo"
    shared.mkdir()
    for name, text in presets.items():
        (shared / name).write_text(text)
    (repo / ".git").mkdir(parents=True)
    (repo / "pyproject.toml").write_text('[tool.trainlint]\npreset-paths = ["../shared"]\n')
    return repo


def test_a_preset_paths_folder_outside_the_repository_is_used(tmp_path: Path) -> None:
    repo = shared_presets(tmp_path, {"house.yaml": "extends: ./base.yaml\n", "base.yaml": HOUSE})
    (repo / "c.yaml").write_text(config("house.yaml", classification="house.yaml"))
    run = run_cli("check", "c.yaml", cwd=repo)
    assert (run.returncode, run.stdout) == (0, "no problems in 1 file checked\n"), run.stdout + run.stderr


def test_from_a_preset_paths_folder_a_reference_out_of_it_is_still_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.yaml").write_text(HOUSE)
    repo = shared_presets(tmp_path, {"house.yaml": "extends: ../secret.yaml\n"})
    (repo / "c.yaml").write_text(config("house.yaml"))
    run = run_cli("check", "c.yaml", cwd=repo)
    assert run.returncode == 1
    assert "TL203" in run.stdout or "TL201" in run.stdout, run.stdout
    assert "outside the repository" in run.stdout and "and the preset-paths folders" in run.stdout, run.stdout


def test_without_preset_paths_a_folder_outside_is_refused(tmp_path: Path) -> None:
    repo = shared_presets(tmp_path, {"house.yaml": HOUSE})
    (repo / "pyproject.toml").unlink()
    (repo / "c.yaml").write_text(config("../shared/house.yaml"))
    run = run_cli("check", "c.yaml", cwd=repo)
    assert "TL201" in run.stdout and "outside the repository" in run.stdout, run.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists any folder")
def test_an_unreadable_dataset_folder_is_not_reported_missing(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "c.yaml").write_text(_VALID.replace("  images: 24", "  path: ./data"))
    data.chmod(0)
    try:
        run = run_cli("check", "c.yaml", cwd=tmp_path)
    finally:
        data.chmod(0o755)
    assert "dataset folder './data' cannot be read: Permission denied" in run.stdout, run.stdout


def test_a_dataset_folder_that_cannot_be_listed_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root any folder can be listed, so the refusal is made by hand: whatever `scandir` refuses is
    reported with its reason, and a path that is a file is said to be no folder."""
    from helpers import check_snippet

    from trainlint import effective

    real = os.scandir

    def refuse(path: Any) -> Any:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", refuse)
    effective._LISTINGS.clear()
    (tmp_path / "locked").mkdir()
    found = check_snippet(tmp_path, _VALID.replace("  images: 24", "  path: ./locked"))
    assert [(d.code, d.message) for d in found] == [
        ("TL301", "dataset folder './locked' cannot be read: Permission denied")
    ]
    (tmp_path / "plain").write_text("")
    found = check_snippet(tmp_path, _VALID.replace("  images: 24", "  path: ./plain"))
    assert [(d.code, d.message) for d in found] == [("TL301", "dataset folder './plain' is not a folder")]
    found = check_snippet(tmp_path, _VALID.replace("  images: 24", "  path: ./nowhere"))
    assert [(d.code, d.message) for d in found] == [("TL301", "dataset folder './nowhere' not found")]
