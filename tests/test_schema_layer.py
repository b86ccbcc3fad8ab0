"""The JSON Schema itself: made for people, generated where it mirrors the catalog, versioned, and
read the same way by an independent validator (check-jsonschema) as by trainlint's schema layer."""

from __future__ import annotations

import copy
import fnmatch
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO

from trainlint import schema_layer
from trainlint.catalog import ValueSpec, catalog
from trainlint.inputs.yaml_reader import load_file, load_text
from trainlint.resources import SUPPORTED_SCHEMA_VERSIONS, schema_path
from trainlint.tools.generate import build_schema
from trainlint.tools.schema_docs import default_rows, fill

SCHEMA = json.loads(schema_path(1).read_text(encoding="utf-8"))
CATALOG = json.loads((REPO / "schema" / "catalog.json").read_text(encoding="utf-8"))
CORPUS = REPO / "tests" / "corpus"
EXAMPLES = REPO / "examples" / "lora-configs"


def properties(schema: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for name, prop in schema.get("properties", {}).items():
        yield f"{path}{name}", prop
        yield from properties(prop, f"{path}{name}.")


def test_checked_in_schema_is_what_the_generator_makes():
    regenerated = build_schema(copy.deepcopy(SCHEMA))
    assert regenerated == SCHEMA, "run `python -m trainlint.tools.generate`"


def test_generating_twice_changes_nothing():
    once = build_schema(copy.deepcopy(SCHEMA))
    assert build_schema(copy.deepcopy(once)) == once


@pytest.mark.parametrize("path,prop", list(properties(SCHEMA)), ids=lambda v: v if isinstance(v, str) else "")
def test_every_property_is_documented_for_people(path, prop):
    assert prop.get("title"), path
    assert len(prop.get("description", "")) > 30, path
    assert len(prop.get("markdownDescription", "")) >= len(prop["description"]) * 0.8, path


def test_every_enum_value_has_a_description():
    enums = [SCHEMA["$defs"]["base_model"], SCHEMA["$defs"]["training_type"], SCHEMA["$defs"]["preset"]["anyOf"][0]]
    for enum in enums:
        assert len(enum["markdownEnumDescriptions"]) == len(enum["enumDescriptions"]) == len(enum["enum"])
        assert all(enum["markdownEnumDescriptions"])


def test_enums_mirror_the_catalog():
    cat = catalog()
    assert SCHEMA["$defs"]["base_model"]["enum"] == list(cat.base_models)
    assert SCHEMA["$defs"]["training_type"]["enum"] == list(cat.training_types)
    assert SCHEMA["$defs"]["preset"]["anyOf"][0]["enum"] == cat.refs()


@pytest.mark.parametrize(
    "key", ["steps", "steps_per_image", "learning_rate_unet", "learning_rate_text_encoder", "text_encoder_ratio"]
)
def test_training_keys_list_the_default_of_every_preset(key):
    """Each newest preset's value appears in the markdown, under a label that covers that preset."""
    prop = SCHEMA["properties"]["training"]["properties"][key]
    rows = default_rows(key, catalog())
    covered = set()
    for who, value in rows:
        assert f"| {who} | {value} |" in prop["markdownDescription"]
        assert f"{who.replace('`', '')} {value}" in prop["description"]
        for preset in catalog().presets.values():
            p = preset[max(preset)]
            if (
                who == "every preset"
                or f"`{p.name}`" in who
                or f"`{p.base_model}/*`" in who
                or f"`*/{p.training_type}`" in who
            ):
                covered.add(p.name)
    assert covered == set(catalog().presets)


@pytest.mark.parametrize("key", ["optimizer", "batch_size", "gradient_accumulation_steps", "repeats"])
def test_keys_no_preset_sets_have_no_defaults_table(key):
    """What an editor shows for a key outside the presets ends with its own text, not an empty table."""
    prop = SCHEMA["properties"]["training"]["properties"][key]
    assert default_rows(key, catalog()) == []
    assert "Preset defaults" not in prop["description"] and "Preset defaults" not in prop["markdownDescription"]
    assert prop["description"].endswith(".") and prop["markdownDescription"].endswith(".")


def test_flux_presets_name_the_transformer_rate():
    """FLUX.1 has no UNet: the preset enum's descriptions call its learning_rate_unet the transformer's."""
    enum = SCHEMA["$defs"]["preset"]["anyOf"][0]
    for ref, text in zip(enum["enum"], enum["markdownEnumDescriptions"], strict=True):
        flux = ref.startswith("flux.1/")
        assert ("transformer lr" in text) == flux and ("UNet lr" in text) != flux, ref


def test_preset_defaults_follow_the_catalog_when_it_changes():
    cat = copy.deepcopy(catalog())
    style = cat.presets["sdxl/style"][1]
    cat.presets["sdxl/style"][1] = style._replace(values={**style.values, "text_encoder_ratio": ValueSpec(value=0.2)})
    regenerated = fill(copy.deepcopy(SCHEMA), cat)
    shown = regenerated["properties"]["training"]["properties"]["text_encoder_ratio"]["markdownDescription"]
    assert "| `sdxl/style` | 0.2 |" in shown
    assert "| `*/style` | 0.15 |" not in shown
    assert regenerated != SCHEMA


# --- versioning ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", SUPPORTED_SCHEMA_VERSIONS)
def test_id_file_name_and_schema_version_carry_the_version(version):
    schema = json.loads(schema_path(version).read_text(encoding="utf-8"))
    assert (
        schema_path(version).relative_to(schema_path(version).parents[1]).as_posix() == f"v{version}/config.schema.json"
    )
    assert schema["$id"] == f"https://trainlint.dev/schema/v{version}/config.schema.json"
    assert schema["properties"]["schema_version"]["const"] == version
    assert str(version) in schema["title"]


def test_catalog_entry_is_ready_for_schemastore():
    entry = next(e for e in CATALOG["schemas"] if e["name"] == "trainlint config")
    assert CATALOG["$schema"] == "https://json.schemastore.org/schema-catalog.json"
    assert {"name", "description", "fileMatch", "url", "versions"} <= set(entry)
    assert entry["url"] == SCHEMA["$id"]
    newest = max(SUPPORTED_SCHEMA_VERSIONS)
    assert entry["versions"] == {
        str(v): f"https://trainlint.dev/schema/v{v}/config.schema.json" for v in SUPPORTED_SCHEMA_VERSIONS
    }
    assert entry["url"] == entry["versions"][str(newest)]
    # SchemaStore asks for no trailing period and no "schema"/"JSON" in the description
    assert not entry["description"].endswith(".") and "schema" not in entry["description"].lower()


@pytest.mark.parametrize(
    "name,matches",
    [
        ("watercolor.trainlint.yaml", True),
        ("configs/mascot.trainlint.yml", True),
        ("docker-compose.yml", False),
        ("presets/house-style.yaml", False),
        (".pre-commit-config.yaml", False),
    ],
)
def test_catalog_file_patterns(name, matches):
    patterns = next(e for e in CATALOG["schemas"] if e["name"] == "trainlint config")["fileMatch"]
    assert any(fnmatch.fnmatch(Path(name).name, p) for p in patterns) is matches


# --- snippets ----------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\$\{\d+(?::([^}]*)|\|([^|]*)\|)\}")


def _first_choice(body: Any) -> Any:
    """What a user gets by accepting every placeholder of a snippet as offered."""
    if isinstance(body, dict):
        return {k: _first_choice(v) for k, v in body.items()}
    if isinstance(body, str):
        raw = body.startswith("^")
        text = _PLACEHOLDER.sub(
            lambda m: m.group(1) if m.group(1) is not None else m.group(2).split(",")[0], body.removeprefix("^")
        )
        return load_text(f"v: {text}").data["v"] if raw else text
    return body


def test_snippets_accepted_as_offered_make_a_valid_config():
    (new_config,) = SCHEMA["defaultSnippets"]
    (training,) = SCHEMA["properties"]["training"]["defaultSnippets"]
    config = _first_choice(new_config["body"])
    config["training"] = _first_choice(training["body"])
    doc = load_text(json.dumps(config))
    assert doc.ok and schema_layer.check(doc) == []
    assert set(SCHEMA["required"]) <= set(new_config["body"])
    # every key a preset sets (steps as steps_per_image); the trainer's own keys (optimizer, batch size, ...) are no preset's
    trainer_keys = {"optimizer", "batch_size", "gradient_accumulation_steps", "repeats"}
    assert set(training["body"]) == set(SCHEMA["properties"]["training"]["properties"]) - {"steps"} - trainer_keys


# --- peer check: check-jsonschema ----------------------------------------------------------------


def _check_jsonschema(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *args], capture_output=True, text=True, timeout=300, cwd=REPO
    )


def test_schema_passes_the_metaschema_check():
    run = _check_jsonschema("--check-metaschema", str(schema_path(1)))
    assert run.returncode == 0, run.stdout + run.stderr


PEER = sorted(
    [
        *EXAMPLES.glob("configs/*.yaml"),
        *EXAMPLES.glob("broken/*.yaml"),
        *CORPUS.glob("invalid/*.yaml"),
        *CORPUS.glob("valid/*.yaml"),
        *CORPUS.glob("edge/*.yaml"),
    ]
)


@pytest.fixture(scope="module")
def peer_flagged() -> set[Path]:
    """The files check-jsonschema rejects with our schema (one run over all of them)."""
    run = _check_jsonschema("--output-format", "json", "--schemafile", str(schema_path(1)), *map(str, PEER))
    report = json.loads(run.stdout)
    return {Path(e["filename"]).resolve() for e in [*report.get("errors", []), *report.get("parse_errors", [])]}


@pytest.mark.parametrize("path", PEER, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_check_jsonschema_agrees_with_the_schema_layer(peer_flagged, path):
    flagged = path.resolve() in peer_flagged
    if path.parent.name == "edge":  # where the loader decides; the file says what each tool does
        expect = next(t for t in path.read_text(encoding="utf-8").splitlines() if t.startswith("# expect: "))
        assert f"check-jsonschema={'invalid' if flagged else 'valid'}" in expect
        return
    doc = load_file(path, str(path))
    assert flagged == bool(schema_layer.check(doc))


def test_the_preset_file_schema_is_in_the_catalog_and_made_from_the_configs():
    entry = next(e for e in CATALOG["schemas"] if e["name"] == "trainlint preset")
    preset = json.loads(schema_path(1, "preset").read_text(encoding="utf-8"))
    assert entry["url"] == preset["$id"] == entry["versions"]["1"]
    assert not entry["description"].endswith(".") and "schema" not in entry["description"].lower()
    assert preset["properties"]["training"] == SCHEMA["properties"]["training"]  # one block, never two
    assert preset["required"] == ["extends"] and preset["additionalProperties"] is False
