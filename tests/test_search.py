"""What a folder search finds: every config the loader would accept, however its marker is spelt,
and the configuration's globs (include, exclude, per-file settings) with .gitignore's semantics."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import run_cli
from trainlint.rules.reading import _VALID as VALID

ENV = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR")}
FULL = VALID + "training:\n  steps: 0\n"  # a config with one known finding: TL103 at training.steps
BODY = FULL.replace("schema_version: 1\n", "")  # the same without its marker line

# a config the loader accepts, with its top-level `schema_version` written in a way a line-start test misses
SPELLINGS = {
    "flow-other-key-first": "{name: flow, base_model: sdxl, training_type: style, preset: sdxl/style, "
                            "classification: sdxl/style, dataset: {images: 24}, training: {steps: 0}, "
                            "schema_version: 1}\n",
    "indented-document": "".join(f"  {line}\n" for line in FULL.splitlines()),
    "comments-first": ("#" + "x" * 79 + "\n") * 1000 + FULL,  # 80 KB of comments
    "explicit-key": "? schema_version\n: 1\n" + BODY,
    "tagged-key": "!!str schema_version: 1\n" + BODY,
    "anchored-key": "&v schema_version: 1\n" + BODY,
    "escaped-key": '"schema\\x5fversion": 1\n' + BODY,
    "unicode-escaped-key": '"schema_vers\\u0069on": 1\n' + BODY,
    "folded-escaped-key": '? "schema_\\\n  version"\n: 1\n' + BODY,
    "single-quoted-key": "'schema_version': 1\n" + BODY,
    "after-a-directive": "%YAML 1.2\n---\n" + FULL,
}


def check(repo: Path, *args: str) -> dict:
    run = run_cli("check", "--format", "json", *args, cwd=repo, env=ENV)
    assert run.returncode in (0, 1) and "Traceback" not in run.stderr, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("name", list(SPELLINGS))
def test_a_folder_search_finds_every_config_the_loader_accepts(tmp_path: Path, name: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "c.yaml").write_text(SPELLINGS[name])
    named = check(tmp_path, "c.yaml")
    assert [d["code"] for d in named["diagnostics"]] == ["TL103"], named  # the loader reads it as a config
    found = check(tmp_path, ".")
    assert found["files"] == 1 and [d["code"] for d in found["diagnostics"]] == ["TL103"], (name, found)


@pytest.mark.parametrize("text", [
    "name: other\nnested:\n  schema_version: 1\n",  # not at the top
    "# schema_version: 1\nname: other\n",  # a comment
    "name: \"schema\\x5fversion\"\n",  # a value
    "- schema_version: 1\n",  # a list
])
def test_other_yaml_is_still_left_alone(tmp_path: Path, text: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "other.yaml").write_text(text)
    assert check(tmp_path, ".") == {"version": 1, "files": 0, "diagnostics": []}
