"""The repository's copy of the editor schema: `trainlint schema --write` keeps it in step, `check` reports a
copy that is not (TL030) and `fix` rewrites it, through the real CLI on real files."""

from __future__ import annotations

import json
import os
import time

import pytest
from helpers import REPO, run_cli, write_tree

from trainlint.editor_schema import SCHEMA_FILE

SHIPPED = (REPO / "schema/v1/config.schema.json").read_bytes()
OLD = json.dumps({"$id": "https://trainlint.dev/schema/v1/config.schema.json", "type": "object"}, indent=2) + "\n"
CONFIG = (
    "schema_version: 1\nbase_model: sdxl\ntraining_type: style\npreset: sdxl/style\n"
    "classification: sdxl/style\ndataset:\n  images: 24\n"
)


def _modeline(target: str) -> str:
    return f"# yaml-language-server: $schema={target}\n" + CONFIG


def test_schema_write_writes_the_copy_at_the_repository_root_and_says_when_it_is_current(tmp_path):
    write_tree(tmp_path, {".git/HEAD": "", "configs/a.yaml": CONFIG})
    first = run_cli("schema", "--write", cwd=tmp_path / "configs")
    assert first.returncode == 0 and first.stdout == f"wrote ../{SCHEMA_FILE}\n", first.stderr
    assert (tmp_path / SCHEMA_FILE).read_bytes() == SHIPPED == run_cli("schema").stdout.encode()
    again = run_cli("schema", "--write", cwd=tmp_path)
    assert again.stdout == f"{SCHEMA_FILE} is up to date\n"
    elsewhere = run_cli("schema", "--write", "vendor/trainlint.json", cwd=tmp_path)
    assert elsewhere.returncode == 0 and (tmp_path / "vendor/trainlint.json").read_bytes() == SHIPPED


def test_schema_write_never_replaces_a_file_that_is_not_a_trainlint_schema(tmp_path):
    write_tree(tmp_path, {".git/HEAD": "", "other.json": '{"$id": "https://example.org/s.json"}\n'})
    run = run_cli("schema", "--write", "other.json", cwd=tmp_path)
    assert run.returncode == 2 and "is not a trainlint schema; not replaced" in run.stderr
    assert (tmp_path / "other.json").read_text() == '{"$id": "https://example.org/s.json"}\n'


def test_a_stale_copy_is_a_finding_with_a_fix_and_fix_rewrites_it_once(tmp_path):
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "",
            SCHEMA_FILE: OLD,
            "styles/a.yaml": _modeline("../.trainlint/v1/config.schema.json"),
            "styles/b.yaml": _modeline("../.trainlint/v1/config.schema.json"),
            "c.trainlint.yaml": CONFIG,  # no modeline: bound by its name (.vscode/settings.json, SchemaStore)
            "d.yaml": CONFIG,  # bound to nothing: nothing to say
        },
    )
    check = run_cli("check", ".", cwd=tmp_path)
    assert check.returncode == 1
    said = (
        "TL030 [warning] the editor schema `{}` is not the installed trainlint's: editors complete and check "
        "this config against other keys, presets and bounds than `trainlint check`"
    )
    assert [line for line in check.stdout.splitlines() if " TL030 " in line] == [
        "c.trainlint.yaml:1:1: " + said.format(SCHEMA_FILE),
        "styles/a.yaml:1:33: " + said.format("../" + SCHEMA_FILE),
        "styles/b.yaml:1:33: " + said.format("../" + SCHEMA_FILE),
    ]
    assert "hint: run `trainlint schema --write` (fixable with `trainlint fix`)" in check.stdout
    sarif = json.loads(run_cli("check", "--format", "sarif", "styles/a.yaml", cwd=tmp_path).stdout)
    (result,) = sarif["runs"][0]["results"]
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == SCHEMA_FILE
    assert change["replacements"][0]["insertedContent"]["text"].encode() == SHIPPED
    diff = run_cli("fix", "--diff", ".", cwd=tmp_path)
    assert diff.returncode == 1 and diff.stdout.count(f"--- a/{SCHEMA_FILE}\n") == 1, diff.stdout
    assert (tmp_path / SCHEMA_FILE).read_text() == OLD
    fixed = run_cli("fix", ".", cwd=tmp_path)
    assert fixed.returncode == 0 and fixed.stdout == f"fixed {SCHEMA_FILE}\nfixed 1 file\n", fixed.stdout
    assert (tmp_path / SCHEMA_FILE).read_bytes() == SHIPPED
    assert [(p.name, p.read_text()) for p in sorted(tmp_path.glob("styles/*.yaml"))] == [
        ("a.yaml", _modeline("../.trainlint/v1/config.schema.json")),
        ("b.yaml", _modeline("../.trainlint/v1/config.schema.json")),
    ]
    assert run_cli("check", ".", cwd=tmp_path).returncode == 0


def test_a_modeline_naming_a_missing_copy_is_reported_and_the_default_copy_is_created(tmp_path):
    write_tree(
        tmp_path,
        {".git/HEAD": "", "a.yaml": _modeline(".trainlint/v1/config.schema.json"), "b.yaml": _modeline("s/x.json")},
    )
    check = run_cli("check", ".", cwd=tmp_path)
    assert "a.yaml:1:33: TL030 [warning] the modeline's schema file `.trainlint/v1/config.schema.json` does not " in (
        check.stdout
    )
    assert "b.yaml:1:33: TL030" in check.stdout and "run `trainlint schema --write s/x.json`" in check.stdout
    assert run_cli("fix", ".", cwd=tmp_path).stdout == f"fixed {SCHEMA_FILE}\nfixed 1 file\n"
    assert (tmp_path / SCHEMA_FILE).read_bytes() == SHIPPED
    assert not (tmp_path / "s").exists()  # only the default copy is created by a fix


@pytest.mark.parametrize(
    "target, files",
    [
        ("https://trainlint.dev/schema/v1/config.schema.json", {}),  # a URL: the editor's to load
        ("../outside.json", {}),  # outside the repository: never read, never reported
        ("vendor/other.json", {"vendor/other.json": '{"$id": "https://example.org/other.json"}'}),  # not ours
        ("vendor/broken.json", {"vendor/broken.json": "{not json"}),
        (SCHEMA_FILE, {SCHEMA_FILE: SHIPPED.decode()}),  # current
    ],
    ids=["url", "outside", "foreign", "not-json", "current"],
)
def test_what_is_not_a_stale_copy_is_left_alone(tmp_path, target, files):
    repo = tmp_path / "repo"
    write_tree(tmp_path, {"outside.json": OLD})
    write_tree(repo, {".git/HEAD": "", "a.yaml": _modeline(target), **files})
    check = run_cli("check", "a.yaml", cwd=repo)
    assert check.returncode == 0 and "TL030" not in check.stdout, check.stdout
    assert (tmp_path / "outside.json").read_text() == OLD


def test_the_finding_can_be_ignored_like_any_other(tmp_path):
    write_tree(tmp_path, {".git/HEAD": "", SCHEMA_FILE: OLD, "a.yaml": _modeline(SCHEMA_FILE)})
    assert run_cli("check", "--ignore", "TL030", "a.yaml", cwd=tmp_path).returncode == 0


def test_the_results_cache_checks_again_when_the_copy_changes(tmp_path):
    """A warm run trusts an earlier result only while the copy the config is bound to stays as it was."""
    write_tree(
        tmp_path,
        {".git/HEAD": "", ".trainlint.toml": "", SCHEMA_FILE: SHIPPED.decode(), "a.yaml": _modeline(SCHEMA_FILE)},
    )

    def aged() -> None:  # the cache keeps a result only when what it read has not just changed
        for path in (tmp_path / "a.yaml", tmp_path / SCHEMA_FILE):
            if path.exists():
                os.utime(path, (time.time() - 60, time.time() - 60))

    aged()
    assert run_cli("check", "a.yaml", cwd=tmp_path).returncode == 0
    assert (tmp_path / ".trainlint_cache").is_dir()  # the result is kept
    (tmp_path / SCHEMA_FILE).write_text(OLD)
    aged()
    stale = run_cli("check", "a.yaml", cwd=tmp_path)
    assert stale.returncode == 1 and "TL030" in stale.stdout, stale.stdout
    (tmp_path / SCHEMA_FILE).unlink()
    missing = run_cli("check", "a.yaml", cwd=tmp_path)
    assert "the modeline's schema file" in missing.stdout, missing.stdout
    assert run_cli("schema", "--write", cwd=tmp_path).returncode == 0
    aged()
    assert run_cli("check", "a.yaml", cwd=tmp_path).returncode == 0
