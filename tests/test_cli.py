"""The `trainlint` command end to end, as a subprocess on real files."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from helpers import CLI_ENV as ENV
from helpers import GOOD_CONFIG as GOOD
from helpers import REPO, cli, run_cli


def test_clean_config_exits_0_with_summary(repo):
    (repo / "good.yaml").write_text(GOOD)
    run = cli("check", "good.yaml", cwd=repo)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "no problems in 1 file checked\n"


def test_findings_are_ruff_style_and_exit_1(repo):
    (repo / "c.yaml").write_text(
        GOOD.replace("classification: sdxl/style", "classification: Custom")
        + "training:\n  steps: 12600\n  learning_rate_unet: 2.0e-4\n"
    )
    run = cli("check", "c.yaml", cwd=repo)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[0] == (
        "c.yaml:10:3: TL401 [warning] learning rate and steps both raised from preset sdxl/style@1 "
        "(lr 2x, steps 1.5x): overtraining risk; when you raise the learning rate, lower the steps"
    )
    assert lines[1:3] == ["  10 |   steps: 12600", "     |   ^^^^^"]  # the source line, carets under the key
    assert (
        lines[3]
        == "  hint: keep steps at 8,400 (350 per image) or lower them to about 4,200 (175 per image) with this learning rate"
    )
    assert lines[-1] == "1 problem (1 warning) in 1 file checked"


def test_summary_counts_severities_and_fixable(repo):
    (repo / "a.yaml").write_text(GOOD + "training:\n  learning_rate_unet: 2e-4\n  text_encoder_ratio: 2\n")
    (repo / "b.yaml").write_text(GOOD)
    run = cli("check", ".", cwd=repo)
    assert run.stdout.splitlines()[-1] == (
        "3 problems (1 error, 2 warnings) in 1 of 2 files checked; 2 fixable with `trainlint fix`"
    )


def test_fail_on_and_exit_zero(repo):
    (repo / "info.yaml").write_text(GOOD.replace("images: 24", "images: 60"))  # TL404 is info
    assert cli("check", "info.yaml", cwd=repo).returncode == 0
    assert cli("check", "--fail-on", "info", "info.yaml", cwd=repo).returncode == 1
    (repo / "bad.yaml").write_text(GOOD.replace("sdxl/style\n", "sdxl/nope\n", 1))
    assert cli("check", "--exit-zero", "bad.yaml", cwd=repo).returncode == 0
    assert cli("check", "--fail-on", "error", "bad.yaml", cwd=repo).returncode == 1


@pytest.mark.parametrize(
    "args,expected",
    [
        (["--select", "TL4"], {"TL401"}),
        (["--ignore", "TL4"], {"TL205", "TL010"}),
        (["--select", "TL0,TL401"], {"TL010", "TL401"}),
        (["--select", "TL4", "--ignore", "TL40", "--extend-select", "TL401"], {"TL401"}),
    ],
)
def test_select_and_ignore_take_prefixes(repo, args, expected):
    (repo / "c.yaml").write_text(GOOD + "training:\n  steps: 12600\n  learning_rate_unet: 2e-4\n")
    run = cli("check", "--format", "json", *args, "c.yaml", cwd=repo)
    assert {d["code"] for d in json.loads(run.stdout)["diagnostics"]} == expected


@pytest.mark.parametrize(
    "args,message",
    [
        (["check", "missing.yaml"], "missing.yaml: no such file or folder"),
        (["check", "--select", "XX1", "."], "no rule code starts with 'XX1'"),
        (["check", "--fail-on", "fatal", "."], "--fail-on: unknown severity"),
        (["check", "--format", "xml", "."], "unknown format 'xml'"),
        (["check", "--no-such-flag"], "unrecognized arguments"),
        (["check", "nomatch/*.yaml"], "no files match"),
        (["rule", "TL999"], "unknown rule 'TL999'"),
        (["presets", "sdxl/nope"], "unknown preset"),
        (["schema", "--schema-version", "9"], "schema version 9 is not supported"),
    ],
)
def test_usage_errors_exit_2_without_traceback(repo, args, message):
    run = cli(*args, cwd=repo)
    assert run.returncode == 2
    assert message in run.stderr and "Traceback" not in run.stderr


def test_an_unreadable_file_is_a_finding_on_it(repo):
    if os.geteuid() == 0:
        target = repo / "dir.yaml"
        target.mkdir()  # reading a folder fails even for root
    else:
        target = repo / "secret.yaml"
        target.write_text(GOOD)
        target.chmod(0)
    (repo / "list.txt").write_text("")
    run = cli("check", str(target), cwd=repo)
    if os.geteuid() == 0:  # a folder named *.yaml is searched, not read: nothing in it to check
        assert run.returncode == 2 and "no configs checked" in run.stderr
    else:
        assert run.returncode == 1 and "secret.yaml:1:1: TL090 [error] cannot read: Permission denied" in run.stdout


def test_findings_are_written_as_files_are_checked_and_a_report_file_never_half(repo):
    (repo / "a.yaml").write_text(GOOD.replace("classification: sdxl/style", "classification: Custom"))
    os.mkfifo(repo / "b.yaml")  # refused when reached (no writer would ever come), even for root
    (repo / "c.yaml").write_text(GOOD.replace("classification: sdxl/style", "classification: Custom"))
    run = cli("check", "a.yaml", "b.yaml", "c.yaml", cwd=repo)
    assert run.returncode == 1 and run.stderr == ""
    assert run.stdout.splitlines()[0].startswith("a.yaml:6:17: TL205")
    assert "b.yaml:1:1: TL090 [error] cannot read: not a regular file (a named pipe)" in run.stdout
    assert "c.yaml:6:17: TL205" in run.stdout  # the run went on past the file it could not read
    (repo / "report.json").write_text("the last report\n")
    run = cli("check", "a.yaml", "nowhere.yaml", "--format", "json", "--output", "report.json", cwd=repo)
    assert run.returncode == 2 and "nowhere.yaml: no such file" in run.stderr
    assert (repo / "report.json").read_text() == "the last report\n"  # not emptied by a run that wrote none


def test_folders_are_searched_and_other_yaml_left_alone(repo):
    (repo / "configs" / "deep").mkdir(parents=True)
    (repo / "configs" / "deep" / "a.yml").write_text(GOOD)
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "ci.yml").write_text("on: push\njobs: {}\n")
    (repo / "docker-compose.yaml").write_text("services: {}\n")
    run = cli("check", ".", cwd=repo)
    assert run.returncode == 0 and run.stdout == "no problems in 1 file checked\n"


def test_explicit_non_config_gets_one_clear_diagnostic(repo):
    (repo / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    run = cli("check", "compose.yaml", cwd=repo)
    assert run.returncode == 1
    assert run.stdout.count("TL006") == 1 and "TL101" not in run.stdout


def test_globs(repo):
    for name in ("a.yaml", "b.yaml", "c.txt"):
        (repo / name).write_text(GOOD)
    run = cli("check", "*.yaml", cwd=repo)
    assert run.stdout == "no problems in 2 files checked\n"


def test_rule_and_rules_explain_from_the_registry(repo):
    listing = cli("rules", cwd=repo).stdout.splitlines()
    assert any(line.startswith("TL401  lr-steps-same-direction") for line in listing)
    explained = cli("rule", "tl401", cwd=repo).stdout
    assert explained.startswith("# TL401 lr-steps-same-direction")
    assert "When increasing the learning rate, decrease the" in explained and "Fails:" in explained


def test_presets_list_and_show_with_sources(repo):
    listing = cli("presets", cwd=repo).stdout
    assert "sdxl/style" in listing and "350 per image" in listing
    shown = cli("presets", "flux.1/style", cwd=repo).stdout
    assert "500 + 50 per image" in shown and "source (community)" in shown and "help.scenario.com" in shown


def test_schema_prints_the_shipped_schema(repo):
    schema = json.loads(cli("schema", cwd=repo).stdout)
    assert schema["$id"].endswith("/v1/config.schema.json")


def test_show_explains_what_makes_a_config_custom(repo):
    (repo / "c.yaml").write_text(GOOD + "training:\n  learning_rate_unet: 2.0e-4\n")
    out = cli("show", "c.yaml", cwd=repo).stdout
    assert "Custom (deviates in learning_rate_unet); tagged sdxl/style" in out
    row = next(line for line in out.splitlines() if line.startswith("learning_rate_unet"))
    assert row.split() == ["learning_rate_unet", "2e-4", "override", "1e-4", "2x"]
    steps = next(line for line in out.splitlines() if line.startswith("steps "))
    assert steps.split() == ["steps", "8,400", "preset", "8,400", "1x"]


def test_examples_repo_verdicts():
    """The shipped examples: configs/ are clean, broken/ are not (the README shows the output)."""
    work = REPO / "examples" / "lora-configs"
    assert cli("check", "configs", cwd=work).returncode == 0
    run = cli("check", "broken", cwd=work)
    assert run.returncode == 1
    for code in ("TL205", "TL303", "TL010", "TL401", "TL402", "TL408", "TL101", "TL102", "TL103", "TL104"):
        assert f" {code} " in run.stdout


def test_no_color_unless_a_terminal(repo):
    (repo / "c.yaml").write_text(GOOD.replace("images: 24", "images: 60"))
    assert "\033[" not in cli("check", "c.yaml", cwd=repo).stdout
    forced = run_cli("check", "c.yaml", cwd=repo, env={**ENV, "NO_COLOR": "", "FORCE_COLOR": "1"})
    assert "\033[" in forced.stdout


def test_check_copies_of_examples_from_outside_the_repo(tmp_path):
    shutil.copytree(REPO / "examples" / "lora-configs", tmp_path / "repo")
    run = cli("check", "repo", cwd=tmp_path)
    assert run.returncode == 1 and "repo/broken/typos.yaml:" in run.stdout


def test_a_named_file_with_glob_characters_is_a_file(repo):
    (repo / "run[1].yaml").write_text(GOOD)
    run = cli("check", "run[1].yaml", cwd=repo)
    assert run.returncode == 0 and run.stdout == "no problems in 1 file checked\n"


def test_quote_hint_only_for_quoted_numbers(repo):
    (repo / "q.yaml").write_text(GOOD + 'training:\n  steps: "8400"\n  learning_rate_unet: fast\n')
    out = cli("check", "q.yaml", cwd=repo).stdout
    assert out.count("remove the quotes") == 1
