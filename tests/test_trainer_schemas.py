"""The trainers' config schemas (schema/trainers/): generated, shipped, listed, and judged alike by
check-jsonschema and trainlint (the trainer's own reader and the reference validator) on the
project's fixtures, and never rejecting the real trainer configs beside the project."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REAL_CONFIGS, REPO, real_config_kinds, run_cli
from jsonschema import Draft7Validator

from trainlint.inputs.base import KeyInfo
from trainlint.resources import TRAINER_SCHEMA_BASE, TRAINER_SCHEMAS, trainer_schema_path, trainer_schema_url
from trainlint.tools import trainer_schemas

FIXTURES = REPO / "tests" / "fixtures" / "trainer-schemas"
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")
CATALOG = json.loads((REPO / "schema" / "catalog.json").read_text(encoding="utf-8"))

# the real configs' kinds (SOURCES.md) and the schema each kind is a file of
REAL_KIND_SCHEMA = {
    "job config (YAML)": "ai-toolkit",
    "sd-scripts dataset config TOML (test fixture)": "sd-scripts-dataset",
    "sd-scripts dataset config TOML (example)": "sd-scripts-dataset",
    "dataset config TOML (doc example)": "sd-scripts-dataset",
    "GUI preset (lora)": "kohya_ss",
    "GUI preset (dreambooth)": "kohya_ss",
    "GUI preset (finetune)": "kohya_ss",
    "GUI saved config (test fixture)": "kohya_ss",
    "built-in preset (overlay on TrainConfig defaults)": "onetrainer",
    "trainer config (JSON, CLI-flag map)": "simpletuner",
    "data backend config (multidatabackend JSON)": "simpletuner-dataloader",
}


def schema(name: str) -> dict:
    return json.loads(trainer_schema_path(name).read_text(encoding="utf-8"))


def fixtures(name: str) -> list[Path]:
    return sorted(p for p in (FIXTURES / name).glob("*/*") if p.is_file())


def check_jsonschema(name: str, files: list[Path]) -> dict:
    """check-jsonschema's JSON report for files against the shipped schema file."""
    run = subprocess.run(
        [str(CHECK_JSONSCHEMA), "-o", "json", "--schemafile", str(trainer_schema_path(name)), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("name", TRAINER_SCHEMAS)
def test_each_schema_is_a_draft_7_schema_with_its_id(name):
    loaded = schema(name)
    Draft7Validator.check_schema(loaded)
    assert loaded["$schema"] == trainer_schemas.DRAFT
    assert loaded["$id"] == trainer_schema_url(name) == f"{TRAINER_SCHEMA_BASE}{name}.schema.json"


@pytest.mark.parametrize("name", TRAINER_SCHEMAS)
def test_every_description_cites_the_trainers_source(name):
    def walk(node, where):
        if isinstance(node, dict):
            if "description" in node and where and where[-1] not in ("meta",):
                assert "Source: " in node["description"], where
            for key, value in node.items():
                walk(value, (*where, key))
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    walk(schema(name), ())


@pytest.mark.parametrize("name", TRAINER_SCHEMAS)
def test_schema_for_prints_the_shipped_file(name):
    run = run_cli("schema", "--for", name)
    assert run.returncode == 0, run.stderr
    assert run.stdout == trainer_schema_path(name).read_text(encoding="utf-8")


def test_schema_without_for_still_prints_trainlints_own_schema():
    run = run_cli("schema")
    assert run.returncode == 0
    assert json.loads(run.stdout)["$id"] == "https://trainlint.dev/schema/v1/config.schema.json"


def test_diffusers_has_no_schema_and_says_why():
    run = run_cli("schema", "--for", "diffusers")
    assert run.returncode == 2 and not run.stdout
    assert "no schema for diffusers" in run.stderr and "command-line flag" in run.stderr


def test_an_unknown_trainer_is_a_usage_error_naming_the_schemas():
    run = run_cli("schema", "--for", "kohya")
    assert run.returncode == 2 and not run.stdout
    assert all(name in run.stderr for name in TRAINER_SCHEMAS)


def test_the_catalog_lists_every_trainer_schema_after_trainlints_own():
    entries = CATALOG["schemas"]
    assert entries[0]["url"] == "https://trainlint.dev/schema/v1/config.schema.json"
    assert entries[1]["url"] == "https://trainlint.dev/schema/v1/preset.schema.json"  # a repository preset file
    listed = {entry["url"]: entry for entry in entries[2:]}
    assert set(listed) == {trainer_schema_url(name) for name in TRAINER_SCHEMAS}
    for entry in listed.values():
        assert {"name", "description", "fileMatch", "url"} <= set(entry)
        # SchemaStore asks for no trailing period and no "schema"/"JSON" in the description
        assert not entry["description"].endswith(".") and "schema" not in entry["description"].lower()


@pytest.mark.parametrize(
    "name,path,matches",
    [
        ("ai-toolkit", "jobs/mascot.ai-toolkit.yaml", True),
        ("ai-toolkit", "ai-toolkit/config/examples/train_lora_flux_24gb.yaml", True),
        ("ai-toolkit", "config/train.yaml", False),
        ("ai-toolkit", "mascot.trainlint.yaml", False),
        ("sd-scripts", "configs/sdxl-style.sd-scripts.toml", True),
        ("sd-scripts", "pyproject.toml", False),
        ("sd-scripts-dataset", "dataset_config.toml", True),
        ("sd-scripts-dataset", "configs/mascot.sd-scripts-dataset.toml", True),
        ("sd-scripts-dataset", "configs/mascot.sd-scripts.toml", False),
        ("kohya_ss", "kohya_ss/presets/lora/SDXL - LoRA AI_characters standard v1.1.json", True),
        ("kohya_ss", "configs/mascot.kohya_ss.json", True),
        ("kohya_ss", "presets/lora/mascot.json", False),
        ("onetrainer", "OneTrainer/training_presets/#sdxl 1.0 LoRA.json", True),
        ("onetrainer", "configs/style.onetrainer.json", True),
        ("simpletuner", "SimpleTuner/config/flux/config.json", True),
        ("simpletuner", "configs/flux.simpletuner.json", True),
        ("simpletuner", "config/config.json", False),
        ("onetrainer-concepts", "OneTrainer/training_concepts/concepts.json", True),
        ("onetrainer-concepts", "configs/style.onetrainer.json", False),
        ("simpletuner-dataloader", "config/multidatabackend.json", True),
        ("simpletuner-dataloader", "config/config.json", False),
        ("scenario", "requests/mascot.scenario.json", True),
        ("scenario", "package.json", False),
    ],
)
def test_catalog_file_patterns(name, path, matches):
    (entry,) = (e for e in CATALOG["schemas"] if e["url"] == trainer_schema_url(name))
    assert any(glob(pattern).fullmatch(path) for pattern in entry["fileMatch"]) is matches


def glob(pattern: str) -> re.Pattern[str]:
    """A catalog pattern as editors read it: without a folder it matches the file name in any folder;
    `**/` is any number of folders, none included; `*` stays within one name."""
    if "/" not in pattern:
        pattern = "**/" + pattern
    out = ""
    for part in re.split(r"(\*\*/|\*)", pattern):
        out += "(?:.*/)?" if part == "**/" else "[^/]*" if part == "*" else re.escape(part)
    return re.compile(out)


def test_a_default_that_does_not_fit_the_type_stops_the_generator():
    origin = trainer_schemas.Origin("ai-toolkit", "ostris/ai-toolkit", "0" * 40)
    with pytest.raises(ValueError, match="not of type"):
        trainer_schemas.key_schema("lr", KeyInfo("1e-4", "learning rate", "x.py:1", json_type="number"), origin)
    with pytest.raises(ValueError, match="not one of"):
        trainer_schemas.key_schema("o", KeyInfo("c", "name", "x.py:1", json_type="string", enum=("a", "b")), origin)


def test_a_loader_that_converts_text_admits_numbers_written_as_text():
    origin = trainer_schemas.Origin("kohya_ss", "bmaltais/kohya_ss", "0" * 40)
    info = KeyInfo(None, "learning rate", "kohya_gui/common_gui.py:379-509", json_type="number")
    converted = trainer_schemas.key_schema("learning_rate", info, origin, text=trainer_schemas.NUMBER_TEXT)
    assert converted["type"] == ["number", "string"]
    assert trainer_schemas.key_schema("learning_rate", info, origin)["type"] == "number"
    check = Draft7Validator({"properties": {"lr": converted}}).is_valid
    assert all(check({"lr": v}) for v in (1e-4, "1e-4", "0.0001", " 5e-5 ", "", ".5", "-1"))
    assert not any(check({"lr": v}) for v in ("fast", "1e-4x", "0.0001 0.0002", True, None, [1e-4]))


def test_integer_text_is_whole_numbers_only():
    check = Draft7Validator({"type": "string", "pattern": trainer_schemas.INTEGER_TEXT}).is_valid
    assert all(check(v) for v in ("50", " 50", "-1", ""))
    assert not any(check(v) for v in ("50.0", "1e3", "fifty"))


def test_flag_text_is_the_words_simpletuners_parser_takes():
    check = Draft7Validator({"type": "string", "pattern": trainer_schemas.BOOLEAN_TEXT}).is_valid
    assert all(check(v) for v in ("true", "False", "YES", "no", "on", "off", "1", "0", "y", "n"))
    assert not any(check(v) for v in ("sometimes", "truee", "2"))


# --- verdicts on the project's fixtures -------------------------------------------------------------


@pytest.mark.parametrize("name", TRAINER_SCHEMAS)
def test_every_schema_has_valid_and_invalid_fixtures(name):
    folders = {p.parent.name for p in fixtures(name)}
    assert folders == {"valid", "invalid"}


@pytest.mark.parametrize("name", TRAINER_SCHEMAS)
def test_check_jsonschema_and_trainlint_agree_with_each_fixtures_verdict(name):
    files = fixtures(name)
    report = check_jsonschema(name, files)
    assert not report.get("parse_errors", []), report.get("parse_errors", [])
    failing = {Path(error["filename"]) for error in report.get("errors", [])}
    for path in files:
        expected_valid = path.parent.name == "valid"
        found = trainer_schemas.violations(name, path.read_bytes(), str(path))
        assert found is not None, f"{path}: trainlint's reader found no data"
        assert (not found) is expected_valid, f"trainlint on {path.name}: {found}"
        assert (path not in failing) is expected_valid, f"check-jsonschema on {path.name}"
        if not expected_valid:
            # both name the same places
            theirs = sorted(
                e["path"].removeprefix("$").lstrip(".") for e in report.get("errors", []) if Path(e["filename"]) == path
            )
            ours = sorted(line.split(": ", 1)[0] for line in found)
            assert len(theirs) == len(ours), (theirs, ours)


# --- the real trainer configs beside the project ------------------------------------------------------


def real_files(name: str) -> list[Path]:
    if not (REAL_CONFIGS / "SOURCES.md").is_file():
        return []
    return [
        REAL_CONFIGS / rel for rel, kind in real_config_kinds().items() if REAL_KIND_SCHEMA.get(kind.strip()) == name
    ]


@pytest.mark.parametrize("name", sorted(set(REAL_KIND_SCHEMA.values())))
def test_no_schema_rejects_a_real_config(name):
    files = real_files(name)
    if not files:
        pytest.skip(f"the real trainer configs are not at {REAL_CONFIGS}")
    report = check_jsonschema(name, files)
    assert not report.get("errors", []), json.dumps(report.get("errors", []), indent=1)[:4000]
    # a file the reader cannot parse (a real, broken one upstream) is no verdict of the schema
    assert len(report.get("parse_errors", [])) < len(files) / 4


# --- the adapters' own fixtures ----------------------------------------------------------------------

ADAPTER_FIXTURES = REPO / "tests" / "fixtures"
# each schema's files among the fixtures the adapters' tests read (trainer configs, not the files they name)
ADAPTER_GLOBS = {
    "kohya_ss": ("kohya_ss/*.json", "kohya_ss/traps/*.json"),
    "sd-scripts": ("sd-scripts/[!d]*.toml", "sd-scripts/traps/[!d]*.toml"),
    "sd-scripts-dataset": ("sd-scripts/dataset.*", "kohya_ss/dataset.toml", "sd-scripts/traps/dataset-*.toml"),
    "ai-toolkit": ("ai-toolkit/*.yaml", "ai-toolkit/*.json", "ai-toolkit/traps/*.yaml"),
    "onetrainer": ("onetrainer/[!c]*.json", "onetrainer/traps/*.json"),
    "onetrainer-concepts": ("onetrainer/concepts.json",),
    "simpletuner-dataloader": ("simpletuner/config/multidatabackend.json",),
    "simpletuner": ("simpletuner/config/config.json", "simpletuner/config/config.toml", "simpletuner/traps/*.json"),
    "scenario": ("scenario/*.json", "scenario/traps/*.json"),
}
# the reading traps the trainer's loader cannot get past, which the adapter notes: the schema refuses them
# too (a number as text the trainer does not convert or cannot, an enum name the loader does not know, an
# option the parser refuses, a misspelt key of a strict dataset config)
REFUSED = {
    "kohya_ss/traps/number-as-string-fail.json",
    "sd-scripts/traps/number-as-string-fail.toml",
    "sd-scripts/traps/dataset-number-as-string-fail.toml",
    "sd-scripts/traps/dataset-unknown-key-fail.toml",
    "ai-toolkit/traps/number-as-string-fail.yaml",
    "ai-toolkit/traps/yaml11-reading-fail.yaml",
    "onetrainer/traps/strings.json",
    "onetrainer/traps/unknown_model.json",
    "simpletuner/traps/misspelt_family.json",
    "simpletuner/traps/strings_refused.json",
    "simpletuner/traps/unknown_keys.json",
    "scenario/traps/number-as-string-fail.json",
    # `train_text_encoder: yes` is true for ai-toolkit's YAML 1.1 loader and text for a YAML 1.2
    # validator: the schema asks for true/false (docs/trainer-schemas.md)
    "ai-toolkit/sdxl_full_legacy_accumulation.yaml",
}


@pytest.mark.parametrize("name", TRAINER_SCHEMAS)
def test_the_adapters_fixtures_are_valid_except_the_traps_the_trainer_cannot_read(name):
    files = sorted({p for pattern in ADAPTER_GLOBS[name] for p in ADAPTER_FIXTURES.glob(pattern) if p.is_file()})
    assert files, f"no adapter fixtures for {name}"
    report = check_jsonschema(name, files)
    assert not report.get("parse_errors", [])
    refused = {Path(e["filename"]).relative_to(ADAPTER_FIXTURES).as_posix() for e in report.get("errors", [])}
    expected = {p.relative_to(ADAPTER_FIXTURES).as_posix() for p in files} & REFUSED
    assert refused == expected


def test_for_and_write_together_is_a_usage_error(tmp_path):
    run = run_cli("schema", "--for", "ai-toolkit", "--write", str(tmp_path / "x.json"), cwd=tmp_path)
    assert run.returncode == 2 and "--for" in run.stderr and "--write" in run.stderr
    assert not (tmp_path / "x.json").exists()
