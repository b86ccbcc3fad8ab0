"""`trainlint init`: new configs that bind the schema, pass `trainlint check`, and tell the truth
about the preset's values in their commented training block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from helpers import REPO, run_cli, write_tree

from trainlint import editor_schema
from trainlint.api import check_file
from trainlint.catalog import catalog
from trainlint.editor_schema import SCHEMA_FILE
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


def test_init_writes_a_config_that_checks_clean_bound_to_the_repositorys_schema_copy(tmp_path):
    _dataset(tmp_path, 12)
    run = run_cli("init", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    written = tmp_path / "config.trainlint.yaml"
    assert run.stdout.splitlines() == [
        f"wrote {written.name} from preset sdxl/style@1",
        "wrote the schema for editors: .trainlint/v1/config.schema.json",
        "found 12 images in ./data; next: `trainlint check config.trainlint.yaml`",
    ]
    text = written.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=.trainlint/v1/config.schema.json"
    assert (tmp_path / SCHEMA_FILE).read_bytes() == (REPO / "schema/v1/config.schema.json").read_bytes()
    check = run_cli("check", str(written), cwd=tmp_path)
    assert check.returncode == 0 and " TL" not in check.stdout, check.stdout
    again = run_cli("init", "--preset", "sdxl/subject", "second.trainlint.yaml", cwd=tmp_path)
    assert "kept the schema for editors: .trainlint/v1/config.schema.json" in again.stdout


def test_the_public_url_stays_available(tmp_path):
    run = run_cli("init", "--schema", schema(1)["$id"], "a.trainlint.yaml", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    first = (tmp_path / "a.trainlint.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema={schema(1)['$id']}"
    assert not (tmp_path / ".trainlint").exists() and "schema for editors" not in run.stdout


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_gives_a_clean_config_and_its_shown_values_are_the_presets(tmp_path, preset):
    """Uncommenting the training block as written changes nothing: the values shown are the preset's."""
    _dataset(tmp_path, 10)  # the count the image-dependent values are shown for
    editor_schema.write(tmp_path / SCHEMA_FILE)
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


def test_the_commented_values_are_shown_for_the_images_the_dataset_folder_holds(tmp_path):
    """flux.1/style's learning rate moves with the image count: the new config shows the value for the
    folder's 25 images, says so, and uncommented it is still exactly the preset (no finding)."""
    _dataset(tmp_path, 25)
    (tmp_path / "data/extra.png").write_bytes(b"")
    run = run_cli("init", "--preset", "flux.1/style", "style.trainlint.yaml", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "found 26 images in ./data, 1 without a caption; next: " in run.stdout
    text = (tmp_path / "style.trainlint.yaml").read_text(encoding="utf-8")
    preset = catalog().get("flux.1/style")
    varying = [key for key, spec in preset.values.items() if spec.depends_on_images]
    assert varying, "flux.1/style has a value that depends on the image count"
    for key in varying:
        line = next(line for line in text.splitlines() if line.startswith(f"#   {key}: "))
        assert line.startswith(f"#   {key}: {yaml_number(preset.values[key].at(26))}  #"), line
        assert line.endswith("; the dataset's 26 images"), line
    (tmp_path / "data/extra.txt").write_text("a caption")
    (tmp_path / "style.trainlint.yaml").write_text(_uncomment_training(text), encoding="utf-8")
    check = run_cli("check", "style.trainlint.yaml", cwd=tmp_path)
    assert " TL2" not in check.stdout and " TL4" not in check.stdout, check.stdout


def test_a_folder_names_the_config_and_is_made_when_missing(tmp_path):
    (tmp_path / ".git").mkdir()
    run = run_cli("init", "characters/mascot", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    made = tmp_path / "characters/mascot/config.trainlint.yaml"
    text = made.read_text(encoding="utf-8")
    assert "name: mascot\n" in text
    assert text.startswith("# yaml-language-server: $schema=../../.trainlint/v1/config.schema.json\n")
    assert "next: put the images in ./data (beside config.trainlint.yaml)" in run.stdout
    (tmp_path / "watercolor").mkdir()
    assert run_cli("init", ".", cwd=tmp_path / "watercolor").returncode == 0
    assert "name: watercolor\n" in (tmp_path / "watercolor/config.trainlint.yaml").read_text(encoding="utf-8")


def test_init_starts_from_a_repository_preset_file(tmp_path):
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "",
            "presets/house.yaml": "extends: sdxl/style@1\ndescription: house style, a gentler UNet\n"
            "training:\n  learning_rate_unet: 8.0e-5\n",
        },
    )
    run = run_cli("init", "--preset", "presets/house.yaml", "styles/ink.trainlint.yaml", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("wrote styles/ink.trainlint.yaml from preset ../presets/house.yaml\n")
    text = (tmp_path / "styles/ink.trainlint.yaml").read_text(encoding="utf-8")
    assert "preset: ../presets/house.yaml\nclassification: ../presets/house.yaml\n" in text
    assert "base_model: sdxl\ntraining_type: style\n" in text and "# house style, a gentler UNet\n" in text
    assert "#   learning_rate_unet: 8.0e-5\n" in text
    write_tree(tmp_path, {"styles/data/01.png": "", "styles/data/01.txt": "c"})
    path = tmp_path / "styles/ink.trainlint.yaml"
    for variant in (text, _uncomment_training(text)):
        path.write_text(variant, encoding="utf-8")
        found = run_cli("check", str(path), cwd=tmp_path)
        assert not re.search(r" TL(1|2|4)\d\d ", found.stdout), found.stdout  # the dataset is small: TL304 only
    missing = run_cli("init", "--preset", "presets/nope.yaml", "x.trainlint.yaml", cwd=tmp_path)
    assert missing.returncode == 2 and "preset file 'presets/nope.yaml' not found" in missing.stderr
    assert not (tmp_path / "x.trainlint.yaml").exists()


def test_init_for_vscode_adds_the_binding_to_existing_settings_byte_for_byte(tmp_path):
    settings = (
        '// the team\'s editor settings\n{\n  "editor.tabSize": 2, /* keep */\n'
        '  "yaml.schemas": {\n    "https://json.schemastore.org/github-workflow.json": ".github/workflows/*"\n  }\n}\n'
    )
    write_tree(tmp_path, {".git/HEAD": "", ".vscode/settings.json": settings})
    run = run_cli("init", "--editor", "vscode", "a.trainlint.yaml", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "bound in .vscode/settings.json (`yaml.schemas`)" in run.stdout
    new = (tmp_path / ".vscode/settings.json").read_text(encoding="utf-8")
    entry = '\n    "./.trainlint/v1/config.schema.json": ["*.trainlint.yaml", "*.trainlint.yml"],'
    assert new == settings.replace('"yaml.schemas": {', '"yaml.schemas": {' + entry)
    again = run_cli("init", "--editor", "vscode", "b.trainlint.yaml", cwd=tmp_path)
    assert "already bound in .vscode/settings.json" in again.stdout
    assert (tmp_path / ".vscode/settings.json").read_text(encoding="utf-8") == new
    other = run_cli("init", "--editor", "vscode", "c.yaml", cwd=tmp_path)
    assert other.returncode == 0, other.stderr
    assert (tmp_path / ".vscode/settings.json").read_text(encoding="utf-8") == new.replace(
        '"*.trainlint.yml"]', '"*.trainlint.yml", "c.yaml"]'
    )


@pytest.mark.parametrize(
    "settings",
    ['{"editor.tabSize": 2,}\n', "[1, 2]\n", '{"yaml.schemas": ["x"]}\n', b"\xff\xfe{".decode("latin-1")],
    ids=["trailing-comma", "a-list", "schemas-not-an-object", "not-utf-8"],
)
def test_settings_trainlint_cannot_edit_safely_are_left_alone_with_what_to_add(tmp_path, settings):
    write_tree(tmp_path, {".git/HEAD": ""})
    (tmp_path / ".vscode").mkdir()
    raw = settings.encode("latin-1")
    (tmp_path / ".vscode/settings.json").write_bytes(raw)
    run = run_cli("init", "--editor", "vscode", "a.trainlint.yaml", cwd=tmp_path)
    assert run.returncode == 2 and 'add this to it by hand: "yaml.schemas": {' in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert (tmp_path / ".vscode/settings.json").read_bytes() == raw
    assert not (tmp_path / "a.trainlint.yaml").exists()


def test_schema_and_editor_vscode_exclude_each_other(tmp_path):
    run = run_cli("init", "--editor", "vscode", "--schema", "s.json", cwd=tmp_path)
    assert run.returncode == 2 and "--editor vscode binds by file name" in run.stderr
