"""Reports CI systems read right, whatever the working folder: SARIF's paths relative to the
repository root through `%SRCROOT%`, the `github` format's repository-relative file names, JUnit
failing only what the exit code fails, and `--show-settings` as TOML that reads back into the same
settings. Through the real CLI, the SARIF checked against the official schema."""

from __future__ import annotations

import json
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
from helpers import CLI_ENV, GOOD_CONFIG, cli, run_cli, write_tree
from test_reporters import sarif_schema

from trainlint.settings_file import Resolver, parse

CUSTOM = GOOD_CONFIG.replace("classification: sdxl/style", "classification: Custom")  # TL205, a warning


def sarif(cwd: Path, *paths: str) -> dict:
    run = cli("check", "--format", "sarif", *paths, cwd=cwd)
    assert run.returncode == 1, run.stderr
    log = json.loads(run.stdout)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    return log["runs"][0]


def test_sarif_paths_are_relative_to_the_repository_root_from_any_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, {".git/HEAD": "", "team/configs/a.yaml": CUSTOM})
    for cwd, path in (
        (tmp_path, "team/configs/a.yaml"),
        (tmp_path / "team" / "configs", "a.yaml"),
        (tmp_path / "team", "."),
    ):
        run = sarif(cwd, path)
        assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.resolve().as_uri() + "/"}}
        [result] = run["results"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
            "uri": "team/configs/a.yaml",
            "uriBaseId": "%SRCROOT%",
        }, cwd
        assert result["fixes"][0]["artifactChanges"][0]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"


def test_without_git_the_root_is_the_projects_configuration_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, {"project/pyproject.toml": "[tool.trainlint]\n", "project/configs/a.yaml": CUSTOM})
    write_tree(tmp_path, {"project/pyproject.toml": "[tool.trainlint]\nignore = []\n"})
    run = sarif(tmp_path / "project" / "configs", "a.yaml")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == (tmp_path / "project").resolve().as_uri() + "/"
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "configs/a.yaml", "uriBaseId": "%SRCROOT%"}


def test_a_file_outside_the_root_gets_its_absolute_uri(tmp_path: Path) -> None:
    write_tree(tmp_path, {"repo/.git/HEAD": "", "elsewhere/a.yaml": CUSTOM, "elsewhere/.git/HEAD": ""})
    run = sarif(tmp_path / "repo", str(tmp_path / "elsewhere" / "a.yaml"))
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (tmp_path / "elsewhere" / "a.yaml").as_uri()}


def test_github_annotations_name_files_from_the_repository_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {".git/HEAD": "", "team/configs/a.yaml": CUSTOM})
    run = cli("check", "--format", "github", "a.yaml", cwd=tmp_path / "team" / "configs")
    assert run.stdout.startswith("::warning file=team/configs/a.yaml,line=6,col=17,"), run.stdout
    env = {**CLI_ENV, "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(tmp_path / "team")}  # a checkout in a folder
    run = run_cli("check", "a.yaml", cwd=tmp_path / "team" / "configs", env=env)
    assert run.stdout.startswith("::warning file=configs/a.yaml,line=6,col=17,"), run.stdout


def test_junit_fails_only_what_fails_the_run(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "",
            "warned.yaml": CUSTOM,  # TL205, a warning
            "broken.yaml": GOOD_CONFIG.replace("base_model: sdxl", "base_model: sdxl-1.0"),  # TL104, an error
        },
    )
    run = cli("check", "--format", "junit", "--fail-on", "error", ".", cwd=tmp_path)
    assert run.returncode == 1
    root = ET.fromstring(run.stdout)
    findings = json.loads(cli("check", "--format", "json", ".", cwd=tmp_path).stdout)["diagnostics"]
    errors = sum(1 for d in findings if d["severity"] == "error")
    assert errors and (root.get("tests"), root.get("failures")) == (str(len(findings)), str(errors))
    suites = {suite.get("name"): suite for suite in root}
    assert suites["warned.yaml"].get("failures") == "0" and suites["broken.yaml"].get("failures") == str(errors)
    [case] = suites["warned.yaml"]
    assert case.find("failure") is None
    assert case.findtext("system-out", "").startswith("warned.yaml:6:17: TL205 [warning]")
    (tmp_path / "broken.yaml").unlink()
    run = cli("check", "--format", "junit", "--fail-on", "error", ".", cwd=tmp_path)
    assert run.returncode == 0 and ET.fromstring(run.stdout).get("failures") == "0"  # green where the run is


def test_show_settings_prints_toml_that_reads_back_into_the_same_settings(tmp_path: Path) -> None:
    configuration = """\
select = ["TL1", "TL2", "TL3", "TL4", "TL0"]
extend-select = ["TL401"]
ignore = ["TL304"]
fail-on = "error"
preset-paths = ["shared presets"]
max-depth = 32
respect-gitignore = false

[per-file-ignores]
"configs/*.yaml" = ["TL4"]

[severity]
TL406 = "error"
TL3 = "info"

[thresholds.TL403]
high = 1.5

[thresholds.TL406]
keys = ["learning_rate_unet"]
low = 0.25
"""
    write_tree(tmp_path, {".git/HEAD": "", "trainlint.toml": configuration, "configs/a.yaml": CUSTOM})
    (tmp_path / "shared presets").mkdir()
    run = cli("check", "--show-settings", "configs/a.yaml", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    head, *body = run.stdout.splitlines()
    assert head == "configs/a.yaml:"
    text = "\n".join(line.removeprefix("  ") for line in body)
    assert "# per-file-ignores for this file: TL4" in text
    pasted = tmp_path / "pasted" / "trainlint.toml"
    pasted.parent.mkdir()
    pasted.write_text(text)
    again = parse(tomllib.loads(text), pasted).settings
    shown = Resolver().settings_for(tmp_path / "configs" / "a.yaml")
    keep = ("select", "extend_select", "ignore", "fail_on", "severity", "thresholds", "limits", "preset_dirs")
    assert {k: getattr(again, k) for k in keep} == {k: getattr(shown, k) for k in keep}
    assert again.respect_gitignore is False and again.plugins == shown.plugins
