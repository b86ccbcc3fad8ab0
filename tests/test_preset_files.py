"""Repository preset files are first-class: checked on their own at their own lines, named in the
config's finding with their position, found where `preset-paths` says, and described by a JSON Schema
that an independent validator (check-jsonschema) holds to the same verdicts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, run_cli, write_tree

from trainlint.resources import schema_path

CONFIG = (
    "schema_version: 1\nbase_model: sdxl\ntraining_type: style\npreset: {preset}\nclassification: Custom\n"
    "dataset:\n  images: 24\n"
)
HOUSE = "extends: sdxl/style@1\ndescription: slower\ntraining:\n  learning_rate_unet: 8.0e-5\n"
BROKEN = 'extends: sdxl/styel\ntraining:\n  learning_rate_unte: 8.0e-5\n  steps: "900"\n'


def repo(tmp_path: Path, files: dict[str, str]) -> Path:
    write_tree(tmp_path, files)
    (tmp_path / ".git").mkdir(exist_ok=True)
    return tmp_path


def test_a_preset_file_is_checked_on_its_own_at_its_own_lines(tmp_path):
    root = repo(tmp_path, {"presets/house.yaml": BROKEN})
    out = run_cli("check", "presets/house.yaml", cwd=root)
    assert out.returncode == 1
    assert "schema_version" not in out.stdout and "TL006" not in out.stdout  # no "add schema_version" advice
    assert "presets/house.yaml:1:10: TL104 [error] `extends` cannot be 'sdxl/styel'; did you mean `sdxl/style`?" in (
        out.stdout
    )
    assert (
        "presets/house.yaml:3:3: TL101 [error] unknown key `learning_rate_unte` in training; "
        "did you mean `learning_rate_unet`?" in out.stdout
    )
    assert (
        "presets/house.yaml:4:10: TL102 [error] `training.steps` is a string, not a whole number: '900'" in out.stdout
    )
    assert "hint: remove the quotes so YAML reads a number" in out.stdout


def test_a_good_preset_file_passes_and_fix_leaves_it_alone(tmp_path):
    root = repo(tmp_path, {"presets/house.yaml": HOUSE})
    out = run_cli("check", "presets/house.yaml", cwd=root)
    assert out.returncode == 0 and out.stdout == "no problems in 1 file checked\n", out.stdout
    fixed = run_cli("fix", "presets/house.yaml", cwd=root)
    assert fixed.returncode == 0 and (root / "presets/house.yaml").read_text() == HOUSE


def test_staged_preset_files_are_checked_with_only_configs_and_other_yaml_with_extends_is_not(tmp_path):
    root = repo(
        tmp_path,
        {
            "presets/house.yaml": BROKEN,
            ".eslintrc.yml": "extends: plugin:react/recommended\nrules:\n  semi: error\n",
            ".gitlab-ci.yml": "include: x\nbuild:\n  extends: .base\n",
            "mkdocs.yml": "extends: ./base.yml\nsite_name: x\n",
        },
    )
    out = run_cli(
        "check", "--only-configs", "--", "presets/house.yaml", ".eslintrc.yml", ".gitlab-ci.yml", "mkdocs.yml", cwd=root
    )
    assert "presets/house.yaml:3:3: TL101" in out.stdout
    for other in (".eslintrc", ".gitlab-ci", "mkdocs"):
        assert other not in out.stdout
    folder = run_cli("check", ".", cwd=root)
    assert "presets/house.yaml:3:3: TL101" in folder.stdout and "eslintrc" not in folder.stdout


def test_parent_problems_are_reported_at_extends(tmp_path):
    root = repo(
        tmp_path,
        {
            "presets/child.yaml": "extends: ./gone.yaml\n",
            "presets/a.yaml": "extends: ./b.yaml\n",
            "presets/b.yaml": "extends: ./a.yaml\n",
        },
    )
    out = run_cli("check", "presets", cwd=root).stdout
    assert "presets/child.yaml:1:10: TL203 [error] preset file './gone.yaml' not found (extended by child.yaml" in out
    assert (
        "presets/a.yaml:1:10: TL202 [error] preset files extend each other in a cycle: a.yaml -> b.yaml -> a.yaml"
        in out
    )


def test_a_config_names_the_broken_preset_file_with_its_position(tmp_path):
    root = repo(tmp_path, {"presets/house.yaml": BROKEN, "c.yaml": CONFIG.format(preset="presets/house.yaml")})
    out = run_cli("check", "c.yaml", cwd=root).stdout
    assert (
        "c.yaml:4:9: TL206 [error] preset file 'presets/house.yaml' is not valid: presets/house.yaml:1:10: "
        "`extends` cannot be 'sdxl/styel'; did you mean `sdxl/style`? (and 2 more)" in out
    )
    assert "hint: `trainlint check presets/house.yaml` shows every problem of the preset file" in out
    # an unknown key alone, which the kept keys of a cached preset no longer hold, is found too
    write_tree(root, {"presets/house.yaml": HOUSE + "  learning_rate_unte: 1.0e-4\n"})
    out = run_cli("check", "c.yaml", cwd=root).stdout
    assert "presets/house.yaml:5:3: unknown key `learning_rate_unte` in training" in out


def test_a_preset_file_not_found_says_where_it_looked_and_mentions_preset_paths(tmp_path):
    root = repo(tmp_path, {"configs/c.yaml": CONFIG.format(preset="house.yaml"), "shared/other.yaml": HOUSE})
    out = run_cli("check", "configs/c.yaml", cwd=root).stdout
    assert "configs/c.yaml:4:9: TL201 [error] preset file 'house.yaml' not found; looked in configs/" in out
    assert "add the folder that holds it to `preset-paths` in the trainlint configuration" in out
    write_tree(root, {".trainlint.toml": 'preset-paths = ["shared"]\n'})
    out = run_cli("check", "configs/c.yaml", cwd=root).stdout
    assert "not found; looked in configs/, shared/" in out and "one of the `preset-paths` folders" in out
    write_tree(root, {"configs/d.yaml": CONFIG.format(preset="presets\\\\house.yaml")})
    assert "use forward slashes" in run_cli("check", "configs/d.yaml", cwd=root).stdout


@pytest.mark.parametrize(
    "text, valid",
    [
        (HOUSE, True),
        ("extends: ./base.yaml\ntraining:\n  steps_per_image: 300\n", True),
        (BROKEN, False),
        ("extends: sdxl/style\ntraining:\n  text_encoder_ratio: 1.5\n", False),
        ("description: no parent\n", False),
    ],
)
def test_the_preset_schema_agrees_with_check_jsonschema(tmp_path, text, valid):
    root = repo(tmp_path, {"p.yaml": text, "base.yaml": HOUSE})
    ours = run_cli("check", "p.yaml", cwd=root)
    theirs = subprocess.run(
        [Path(sys.executable).parent / "check-jsonschema", "--schemafile", str(schema_path(1, "preset")), "p.yaml"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (theirs.returncode == 0) is valid, theirs.stdout
    if text.startswith("extends"):  # a file without `extends` is no preset file to a folder search
        assert (ours.returncode == 0) is valid, ours.stdout


def test_a_preset_modeline_marks_a_preset_file_not_a_config():
    modeline = "# yaml-language-server: $schema=https://trainlint.dev/schema/v1/preset.schema.json\n"
    from trainlint.document import Document
    from trainlint.inputs.trainlint import is_preset_file, marker

    raw = (modeline + "extends: ./x.yaml\nsite: 1\n").encode()
    doc = Document("p.yaml")
    doc.data = {"extends": "./x.yaml", "site": 1}
    assert marker(raw) is False and is_preset_file(raw, doc)
    assert (REPO / "schema" / "catalog.json").is_file()


def test_show_on_a_preset_file_says_what_it_is(tmp_path):
    root = repo(tmp_path, {"presets/house.yaml": HOUSE})
    out = run_cli("show", "presets/house.yaml", cwd=root)
    assert out.returncode == 2 and "presets/house.yaml: a preset file, which trains nothing by itself" in out.stderr
