"""Where the shipped data (schema, preset catalog, the trainers' schemas) lives.

In the wheel the repository's `schema/` folder is packaged as `trainlint/_data`; in a
source checkout (editable install, tests) it is read from the repository itself, so
there is one copy of the data, never two.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

SUPPORTED_SCHEMA_VERSIONS = (1,)
# the schemas of the trainers' own config files (schema/trainers/NAME.schema.json), by the name
# `trainlint schema --for` takes: the input formats' names, and sd-scripts' dataset config
TRAINER_SCHEMAS = (
    "kohya_ss",
    "sd-scripts",
    "sd-scripts-dataset",
    "ai-toolkit",
    "onetrainer",
    "onetrainer-concepts",
    "simpletuner",
    "simpletuner-dataloader",
    "scenario",
)
TRAINER_SCHEMA_BASE = "https://trainlint.dev/schema/trainers/"


@functools.cache
def data_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent.parent / "schema"):
        if (candidate / "presets.yaml").is_file():
            return candidate
    raise FileNotFoundError("trainlint's schema and preset data are missing from this installation")


# the documents a schema version has: a config, and a repository preset file
SCHEMA_KINDS = ("config", "preset")


def schema_path(version: int = 1, kind: str = "config") -> Path:
    return data_dir() / f"v{version}" / f"{kind}.schema.json"


@functools.cache
def schema(version: int = 1, kind: str = "config") -> dict[str, Any]:
    with open(schema_path(version, kind), encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
        return loaded


def trainer_schema_path(name: str) -> Path:
    return data_dir() / "trainers" / f"{name}.schema.json"


def trainer_schema_url(name: str) -> str:
    return f"{TRAINER_SCHEMA_BASE}{name}.schema.json"
