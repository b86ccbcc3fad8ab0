"""Project configuration: discovery (closest file wins), every key, and errors that name file, line and key."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import REPO, run_cli, write_tree

from trainlint.api import check_paths
from trainlint.diagnostics import Severity
from trainlint.settings_file import ConfigError, Overrides, Resolver, _matches

ENV = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR")}

# TL401 (warning) at line 10, TL010 (warning, fixable) at line 11
CONFIG = """\
schema_version: 1
name: c
base_model: sdxl
training_type: style
preset: sdxl/style
classification: Custom
dataset:
  images: 24
training:
  steps: 12600
  learning_rate_unet: 2e-4
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


def found(repo: Path, *args: str) -> list[tuple[str, str, str]]:
    """(file, code, severity) of every finding, through the real command line."""
    run = run_cli("check", "--format", "json", *args, cwd=repo, env=ENV)
    assert run.returncode in (0, 1), run.stderr
    return [(d["file"], d["code"], d["severity"]) for d in json.loads(run.stdout)["diagnostics"]]


def error(repo: Path, *args: str) -> str:
    run = run_cli("check", *args, cwd=repo, env=ENV)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    return run.stderr.strip()


def test_closest_configuration_wins_and_does_not_merge(repo):
    write_tree(
        repo,
        {
            "pyproject.toml": '[tool.trainlint]\nignore = ["TL010"]\n',
            "a/c.yaml": CONFIG,
            "b/trainlint.toml": 'ignore = ["TL401"]\n',
            "b/c.yaml": CONFIG,
            "b/deep/c.yaml": CONFIG,
            "d/pyproject.toml": "[project]\nname = 'not-for-trainlint'\n",  # no [tool.trainlint]: skipped
            "d/c.yaml": CONFIG,
        },
    )
    assert found(repo, ".") == [
        ("a/c.yaml", "TL401", "warning"),
        ("b/c.yaml", "TL010", "warning"),  # b's own file replaces the root one: TL010 is back
        ("b/deep/c.yaml", "TL010", "warning"),
        ("d/c.yaml", "TL401", "warning"),
    ]


def test_dot_file_comes_before_plain_before_pyproject(repo):
    write_tree(
        repo,
        {
            "c.yaml": CONFIG,
            "pyproject.toml": '[tool.trainlint]\nignore = ["TL4"]\n',
            "trainlint.toml": 'ignore = ["TL010"]\n',
        },
    )
    assert [code for _, code, _ in found(repo, "c.yaml")] == ["TL401"]
    (repo / ".trainlint.toml").write_text('ignore = ["TL401", "TL010"]\n')
    assert found(repo, "c.yaml") == []


def test_config_and_isolated_flags(repo):
    write_tree(
        repo, {"c.yaml": CONFIG, "trainlint.toml": 'ignore = ["TL4"]\n', "ci/strict.toml": 'select = ["TL010"]\n'}
    )
    assert [code for _, code, _ in found(repo, "c.yaml")] == ["TL010"]
    assert [code for _, code, _ in found(repo, "--isolated", "c.yaml")] == ["TL401", "TL010"]
    assert [code for _, code, _ in found(repo, "--config", "ci/strict.toml", "c.yaml")] == ["TL010"]
    assert "no such configuration file" in error(repo, "--config", "nope.toml", "c.yaml")
    assert "not allowed with argument" in error(repo, "--config", "ci/strict.toml", "--isolated", "c.yaml")


def test_command_line_select_replaces_and_ignore_adds(repo):
    write_tree(repo, {"c.yaml": CONFIG, "trainlint.toml": 'select = ["TL010"]\nextend-select = ["TL401"]\n'})
    assert [code for _, code, _ in found(repo, "c.yaml")] == ["TL401", "TL010"]
    assert [code for _, code, _ in found(repo, "--ignore", "TL010", "c.yaml")] == ["TL401"]
    assert [code for _, code, _ in found(repo, "--select", "TL0", "c.yaml")] == [
        "TL401",
        "TL010",
    ]  # extend-select stays


def test_per_file_ignores_are_relative_to_the_configuration(repo):
    write_tree(
        repo,
        {
            "trainlint.toml": '[per-file-ignores]\n"legacy/**" = ["TL4"]\n"*-draft.yaml" = ["TL010"]\n',
            "legacy/old/c.yaml": CONFIG,
            "new/c.yaml": CONFIG,
            "new/c-draft.yaml": CONFIG,
        },
    )
    assert found(repo, ".") == [
        ("legacy/old/c.yaml", "TL010", "warning"),
        ("new/c-draft.yaml", "TL401", "warning"),
        ("new/c.yaml", "TL401", "warning"),
        ("new/c.yaml", "TL010", "warning"),
    ]


def test_per_file_ignores_win_over_a_specific_select(repo):
    write_tree(
        repo, {"trainlint.toml": 'select = ["TL401"]\n[per-file-ignores]\n"c.yaml" = ["TL4"]\n', "c.yaml": CONFIG}
    )
    assert found(repo, "c.yaml") == []


def test_severity_overrides_and_fail_on(repo):
    write_tree(repo, {"c.yaml": CONFIG, "trainlint.toml": '[severity]\nTL4 = "info"\nTL010 = "error"\n'})
    assert found(repo, "c.yaml") == [("c.yaml", "TL401", "info"), ("c.yaml", "TL010", "error")]
    (repo / "trainlint.toml").write_text('fail-on = "error"\n[severity]\nTL010 = "info"\nTL01 = "error"\n')
    assert found(repo, "c.yaml")[1] == ("c.yaml", "TL010", "info")  # the most specific prefix wins
    run = run_cli("check", "c.yaml", cwd=repo, env=ENV)
    assert run.returncode == 0, "warnings only, and the configuration fails on errors"
    assert run_cli("check", "--fail-on", "warning", "c.yaml", cwd=repo, env=ENV).returncode == 1


def test_include_and_exclude(repo):
    write_tree(
        repo,
        {
            "trainlint.toml": 'exclude = ["vendor", "*-draft.yaml"]\ninclude = ["configs/**"]\n',
            "configs/c.yaml": CONFIG,
            "configs/c-draft.yaml": CONFIG,
            "vendor/c.yaml": CONFIG,
            "other/c.yaml": CONFIG,
        },
    )
    assert {f for f, _, _ in found(repo, ".")} == {"configs/c.yaml"}
    # a file named on the command line bypasses include, never exclude (pre-commit passes names)
    assert {f for f, _, _ in found(repo, "other/c.yaml", "vendor/c.yaml")} == {"other/c.yaml"}


def test_limits_are_configuration_keys(repo):
    write_tree(repo, {"c.yaml": CONFIG, "trainlint.toml": "max-file-bytes = 100\n"})
    assert [code for _, code, _ in found(repo, "c.yaml")] == ["TL091"]
    resolver = Resolver()
    limits = Resolver(repo / "trainlint.toml").settings_for(repo / "c.yaml").limits
    assert limits.max_file_bytes == 100 and limits.max_nodes == resolver.settings_for(repo / "c.yaml").limits.max_nodes


def test_thresholds_override_a_rule(repo):
    config = CONFIG.replace("  learning_rate_unet: 2e-4\n", "")  # steps 1.5x the preset: TL403 fires above 1.4x
    write_tree(repo, {"c.yaml": config, "trainlint.toml": "[thresholds.TL403]\nhigh = 1.4\n"})
    assert "TL403" in [code for _, code, _ in found(repo, "c.yaml")]
    assert "TL403" not in [code for _, code, _ in found(repo, "--isolated", "c.yaml")]


def test_preset_paths_resolve_shared_preset_files(repo):
    write_tree(
        repo,
        {
            "shared/presets/house.yaml": "extends: sdxl/style@1\ntraining:\n  learning_rate_unet: 8.0e-5\n",
            "trainlint.toml": 'preset-paths = ["shared/presets"]\n',
            "configs/c.yaml": CONFIG.replace("preset: sdxl/style", "preset: house.yaml")
            .replace("  steps: 12600\n  learning_rate_unet: 2e-4\n", "  learning_rate_unet: 8.0e-5\n")
            .replace("classification: Custom", "classification: house.yaml"),
        },
    )
    codes = [code for _, code, _ in found(repo, "configs/c.yaml")]
    assert "TL201" not in codes, codes
    assert "TL201" in [code for _, code, _ in found(repo, "--isolated", "configs/c.yaml")]


@pytest.mark.parametrize(
    "content, message",
    [
        ("selct = ['TL4']\n", "trainlint.toml:1: unknown key `selct`; did you mean `select`?"),
        ("ignore = 'TL4'\n", "trainlint.toml:1: `ignore` must be a list of strings"),
        ("ignore = ['TL777']\n", "trainlint.toml:1: `ignore`: no rule code starts with 'TL777'"),
        ("fail-on = 'fatal'\n", "trainlint.toml:1: `fail-on`: unknown severity 'fatal'"),
        ("\n[severity]\nTL401 = 'loud'\n", "trainlint.toml:2: `severity.TL401`: unknown severity 'loud'"),
        ("max-nodes = 0\n", "trainlint.toml:1: `max-nodes` must be a whole number of at least 1, not 0"),
        ("max-depth = true\n", "`max-depth` must be a whole number of at least 1, not True"),
        ("[thresholds.TL403]\nhihg = 2\n", "`thresholds.TL403.hihg`: unknown threshold (known: low, high)"),
        ("[thresholds.TL403]\nhigh = 'x'\n", "`thresholds.TL403.high` must be like 2.0, not 'x'"),
        ("[thresholds.TL101]\nx = 1\n", "'TL101' is not a rule with thresholds"),
        ("preset-paths = ['nowhere']\n", "`preset-paths`: 'nowhere' is not a folder"),
        ("ignore = [\n", "not valid TOML"),
    ],
)
def test_bad_configuration_is_a_clear_error(repo, content, message):
    write_tree(repo, {"c.yaml": CONFIG, "trainlint.toml": content})
    assert message in error(repo, "c.yaml")


def test_pyproject_errors_point_into_the_trainlint_table(repo):
    write_tree(
        repo,
        {"c.yaml": CONFIG, "pyproject.toml": "[tool.ruff]\nselect = ['E']\n\n[tool.trainlint]\nselect = ['E501']\n"},
    )
    assert error(repo, "c.yaml").endswith(
        "pyproject.toml:5: `select`: no rule code starts with 'E501' (see `trainlint rules`)"
    )


def test_python_api_resolves_configuration_per_file(repo):
    write_tree(repo, {"a/c.yaml": CONFIG, "a/trainlint.toml": 'ignore = ["TL4"]\n', "b/c.yaml": CONFIG})
    results = check_paths([str(repo)], jobs=1)
    assert [[d.code for d in r.diagnostics] for r in results if not r.skipped] == [["TL010"], ["TL401", "TL010"]]
    overridden = check_paths([str(repo)], jobs=1, resolver=Resolver(overrides=Overrides(fail_on=Severity.ERROR)))
    assert all(r.fail_on is Severity.ERROR for r in overridden)
    with pytest.raises(ConfigError, match="unknown key `bogus`"):
        (repo / "b" / "trainlint.toml").write_text("bogus = 1\n")
        check_paths([str(repo)], jobs=1)


@pytest.mark.parametrize(
    "rel, pattern, expected",
    [
        ("broken/a.yaml", "broken", True),
        ("x/broken/a.yaml", "broken", True),
        ("a.yaml", "*.yaml", True),
        ("configs/a/b.yaml", "configs/**", True),
        ("configs/a/b.yaml", "configs/*.yaml", False),
        ("configs/b.yaml", "configs/*.yaml", True),
        ("x/configs/b.yaml", "configs/*.yaml", False),
        ("a/b/c.yml", "**/c.yml", True),
        ("c.yml", "**/c.yml", True),
        ("configs/a/b.yaml", "/configs/", True),
        ("configsx/b.yaml", "configs/**", False),
    ],
)
def test_globs(rel, pattern, expected):
    assert _matches(rel, pattern) is expected


def test_the_readme_python_api_example_runs(repo, monkeypatch, capsys):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Python API\n") :]
    code = section[section.index("```python\n") + len("```python\n") : section.index("\n```\n")]
    write_tree(repo, {"configs/a.yaml": CONFIG, "configs/trainlint.toml": 'ignore = ["TL010"]\n'})
    monkeypatch.chdir(repo)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 1 and " TL401 lr-steps-same-direction warning " in printed[0]  # TL010 ignored by the config
    assert [d.code for d in namespace["result"].diagnostics] == ["TL401", "TL010"]  # check_text: default settings
    assert namespace["failing"] is True
    assert "learning_rate_unet: 2.0e-4" in namespace["new_text"]


def test_show_settings_tells_which_file_wins(repo):
    write_tree(
        repo,
        {
            "a/c.yaml": CONFIG,
            "a/trainlint.toml": '[severity]\nTL401 = "error"\n[per-file-ignores]\n"c.yaml" = ["TL010"]\n',
            "b/c.yaml": CONFIG,
            "b/notes.yaml": "just: yaml\n",
        },
    )
    run = run_cli("check", "--show-settings", "--ignore", "TL304", ".", cwd=repo, env=ENV)
    assert run.returncode == 0, run.stderr
    shown = run.stdout.split("\nb/c.yaml:\n")
    assert shown[0].startswith(
        "a/c.yaml:\n  # configuration file: a/trainlint.toml\n"
        '  # per-file-ignores for this file: TL010\n  select = ["TL"]\n'
    )
    assert '  ignore = ["TL304"]\n' in shown[0] and shown[0].endswith('  [severity]\n  TL401 = "error"')
    assert shown[1].startswith("  # configuration file: none (defaults)\n")
    assert "notes.yaml" not in run.stdout  # not a config: a check would skip it too
