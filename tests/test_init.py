"""`trainlint init`: new configs that bind the schema, pass `trainlint check`, and tell the truth
about the preset's values in their commented training block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from helpers import REPO, run_cli, write_tree

from trainlint.api import check_file
from trainlint.catalog import catalog
from trainlint.init import render, yaml_number
from trainlint.inputs.yaml_reader import load_text
from trainlint.resources import schema
from trainlint.settings import Settings

PRESETS = list(catalog().presets)


def _dataset(root: Path, images: int) -> None:
    write_tree(
        root, {f"data/{i:02}.png": "" for i in range(images)} | {f"data/{i:02}.txt": "a caption" for i in range(images)}
    )
    (root / ".git").mkdir(exist_ok=True)


def _uncomment_training(text: str) -> str:
    return re.sub(r"^# training:.*$", "training:", text, flags=re.M).replace("\n#   ", "\n  ")


def test_init_writes_a_config_that_checks_clean(tmp_path):
    _dataset(tmp_path, 12)
    run = run_cli("init", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    written = tmp_path / "config.trainlint.yaml"
    assert run.stdout.startswith(f"wrote {written.name} from preset sdxl/style@1")
    text = written.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={schema(1)['$id']}"
    check = run_cli("check", str(written), cwd=tmp_path)
    assert check.returncode == 0 and " TL" not in check.stdout, check.stdout


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_gives_a_clean_config_and_its_shown_values_are_the_presets(tmp_path, preset):
    """Uncommenting the training block as written changes nothing: the values shown are the preset's."""
    _dataset(tmp_path, 10)  # the count the image-dependent values are shown for
    config = render(tmp_path / "x.trainlint.yaml", preset)
    path = tmp_path / "x.trainlint.yaml"
    for text in (config.text, _uncomment_training(config.text)):
        path.write_text(text, encoding="utf-8")
        assert check_file(path, path.name, Settings()).diagnostics == [], text
    assert "training:\n  " in _uncomment_training(config.text)


def test_schema_option_writes_a_path_relative_to_the_new_file(tmp_path):
    run = run_cli(
        "init",
        "--preset",
        "flux.1/subject",
        "--schema",
        str(REPO / "schema/v1/config.schema.json"),
        "nested/deeper/mascot.trainlint.yaml",
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    target = tmp_path / "nested/deeper/mascot.trainlint.yaml"
    first = target.read_text(encoding="utf-8").splitlines()[0]
    relative = first.removeprefix("# yaml-language-server: $schema=")
    assert not Path(relative).is_absolute()
    assert (target.parent / relative).resolve() == (REPO / "schema/v1/config.schema.json").resolve()
    assert "name: mascot\n" in target.read_text(encoding="utf-8")


def test_init_never_overwrites_without_force(tmp_path):
    assert run_cli("init", "a.trainlint.yaml", cwd=tmp_path).returncode == 0
    again = run_cli("init", "--preset", "sd-1.5/object", "a.trainlint.yaml", cwd=tmp_path)
    assert again.returncode == 2 and "exists; pass --force" in again.stderr
    assert "preset: sdxl/style@1" in (tmp_path / "a.trainlint.yaml").read_text(encoding="utf-8")
    forced = run_cli("init", "--preset", "sd-1.5/object", "--force", "a.trainlint.yaml", cwd=tmp_path)
    assert forced.returncode == 0
    assert "preset: sd-1.5/object@1" in (tmp_path / "a.trainlint.yaml").read_text(encoding="utf-8")


def test_unknown_preset_is_a_usage_error(tmp_path):
    run = run_cli("init", "--preset", "sdxl/styel", cwd=tmp_path)
    assert run.returncode == 2 and "unknown preset 'sdxl/styel'" in run.stderr
    assert not list(tmp_path.iterdir())


def test_a_folder_gets_the_default_file_name(tmp_path):
    assert run_cli("init", ".", cwd=tmp_path).returncode == 0
    assert (tmp_path / "config.trainlint.yaml").is_file()


@pytest.mark.parametrize("name", ["yes", "1e-4", "2024-01-01", "a: b", "# not a comment", "  padded", "naïve 🦊"])
def test_names_are_read_back_as_written_by_yaml_1_1_and_1_2(name, tmp_path):
    text = render(tmp_path / "c.trainlint.yaml", name=name).text
    assert load_text(text).data["name"] == name
    assert yaml.safe_load(text)["name"] == name


@pytest.mark.parametrize(
    "value,written",
    [(350, "350"), (0.15, "0.15"), (1e-4, "1.0e-4"), (1.5e-4, "1.5e-4"), (1.25e-5, "1.25e-5"), (0.6, "0.6")],
)
def test_numbers_are_written_so_yaml_1_1_and_1_2_agree(value, written):
    assert yaml_number(value) == written
    assert yaml.safe_load(written) == value and load_text(f"v: {written}").data["v"] == value
