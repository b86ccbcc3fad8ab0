"""What a folder search finds: every config the loader would accept, however its marker is spelt,
and the configuration's globs (include, exclude, per-file settings) with .gitignore's semantics."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

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


def check(repo: Path, *args: str) -> dict[str, Any]:
    run = run_cli("check", "--format", "json", *args, cwd=repo, env=ENV)
    assert "Traceback" not in run.stderr, run.stderr
    # a run that checks no config says so and exits 2 (the report is still written)
    assert run.returncode == (2 if "no configs checked" in run.stderr else 0 if run.returncode == 0 else 1), run.stderr
    report: dict[str, Any] = json.loads(run.stdout)
    return report


@pytest.mark.parametrize("name", list(SPELLINGS))
def test_a_folder_search_finds_every_config_the_loader_accepts(tmp_path: Path, name: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "c.yaml").write_text(SPELLINGS[name])
    named = check(tmp_path, "c.yaml")
    assert [d["code"] for d in named["diagnostics"]] == ["TL103"], named  # the loader reads it as a config
    found = check(tmp_path, ".")
    assert found["files"] == 1 and [d["code"] for d in found["diagnostics"]] == ["TL103"], (name, found)


@pytest.mark.parametrize(
    "text",
    [
        "name: other\nnested:\n  schema_version: 1\n",  # not at the top
        "# schema_version: 1\nname: other\n",  # a comment
        'name: "schema\\x5fversion"\n',  # a value
        "- schema_version: 1\n",  # a list
    ],
)
def test_other_yaml_is_still_left_alone(tmp_path: Path, text: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "other.yaml").write_text(text)
    assert check(tmp_path, ".") == {"version": 1, "files": 0, "diagnostics": []}


# (path relative to the configuration's folder, glob, matches): .gitignore's rules, as documented
GLOBS = [
    ("broken/a.yaml", "broken", True),  # no `/`: a name at any depth, and a folder matches below it
    ("x/broken/a.yaml", "broken", True),
    ("a.yaml", "*.yaml", True),
    ("deep/er/a.yaml", "*.yaml", True),
    ("a/.hidden.yaml", "*.yaml", True),  # unlike the shell, `*` takes a leading dot
    ("configs/b.yaml", "configs/*.yaml", True),  # a `/`: anchored at the configuration's folder
    ("x/configs/b.yaml", "configs/*.yaml", False),
    ("configs/a/b.yaml", "configs/*.yaml", False),  # `*` stays within a name
    ("a/b.yaml", "/a/b.yaml", True),
    ("configs/a/b.yaml", "configs/**", True),  # `**` spans folders
    ("configsx/b.yaml", "configs/**", False),
    ("a/b/c.yml", "**/c.yml", True),
    ("c.yml", "**/c.yml", True),
    ("a/c.yaml", "a/**/c.yaml", True),  # zero folders too
    ("a/b/d/c.yaml", "a/**/c.yaml", True),
    ("a/b/d/c.yaml", "a/*/c.yaml", False),
    ("a/b/c/d.yaml", "**/c/**", True),
    ("configs/a/b.yaml", "/configs/", True),  # a trailing `/`: folders only, so what lies below one
    ("configs", "configs/", False),
    ("b.yaml", "*.y?ml", True),
    ("c.yaml", "[!c].yaml", False),
    ("a*b.yaml", "a\\*b.yaml", True),  # a backslash escapes
    ("axb.yaml", "a\\*b.yaml", False),
    ("x.yaml", "#x.yaml", False),  # a comment, as in .gitignore
    ("x1/a/x2/b/x3/z.yaml", "**/x*/**/x*/**/x*/**/z.yaml", True),
]


@pytest.mark.parametrize(("rel", "pattern", "expected"), GLOBS)
def test_configuration_globs_follow_gitignore(rel: str, pattern: str, expected: bool) -> None:
    from trainlint.settings_file import _matches

    assert _matches(rel, pattern) is expected


def test_every_glob_setting_reaches_files_at_depth(tmp_path: Path) -> None:
    """include, exclude, per-file-ignores and the per-file mappings, end to end."""
    (tmp_path / ".git").mkdir()
    for rel in ("configs/team/a.yaml", "configs/team/skip/b.yaml", "configs/other.yaml", "elsewhere/c.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(FULL)
    (tmp_path / "trainlint.toml").write_text(
        'include = ["configs/**"]\nexclude = ["skip"]\n[per-file-ignores]\n"**/team/*.yaml" = ["TL103"]\n'
    )
    found = check(tmp_path, ".")
    assert found["files"] == 2 and [(d["file"], d["code"]) for d in found["diagnostics"]] == [
        ("configs/other.yaml", "TL103")
    ], found


@pytest.mark.parametrize(
    "spelling", [".", "./", "repo", "repo/", "./repo//", "repo/../repo", "repo/./sub/..", "{abs}", "{abs}/./"]
)
def test_found_files_are_shown_by_their_normalised_path(tmp_path: Path, monkeypatch, spelling: str) -> None:
    """A folder search names each file as `os.path.normpath` would, however the folder was spelt (the
    folder is normalised once, not every file's path)."""
    from trainlint.discovery import discover

    for rel in ("a.yaml", "sub/b.json", "sub/deeper/c.toml"):
        (tmp_path / "repo" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "repo" / rel).write_text("x: 1\n")
    monkeypatch.chdir(tmp_path / "repo" if spelling in (".", "./") else tmp_path)
    found = discover([spelling.format(abs=tmp_path / "repo")])
    assert len(found) == 3
    assert [t.display for t in found] == [os.path.normpath(t.path) for t in found]
