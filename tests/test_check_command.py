"""`trainlint check` never gives a silent green run: what it checked, what it left alone and why, what
`--fix` fixed, and the reading findings whatever the selection. Through the real CLI, on real files."""

from __future__ import annotations

import json

import pytest
from helpers import GOOD_CONFIG as GOOD
from helpers import cli

BROKEN_YAML = "schema_version: 1\npreset: [sdxl/style\n"
FIXABLE = (
    GOOD.replace("classification: sdxl/style", "classification: Custom") + "training:\n  learning_rate_unet: 1e-4\n"
)


# --- a run that checks nothing ----------------------------------------------------------------


def test_a_run_that_checks_no_config_says_so_and_fails(repo):
    (repo / "ci.yaml").write_text("on: push\njobs: {}\n")
    (repo / "notes.md").write_text("# notes\n")
    run = cli("check", ".", cwd=repo)
    assert run.returncode == 2, run.stderr
    assert run.stdout == "no files checked\n"
    assert run.stderr == (
        "trainlint: error: no configs checked: 1 file found, none of them a config of trainlint or of a trainer format\n"
    )
    empty = repo / "empty"
    empty.mkdir()
    run = cli("check", "--format", "json", "empty", cwd=repo)
    assert run.returncode == 2 and json.loads(run.stdout) == {"version": 1, "files": 0, "diagnostics": []}
    assert "no file under the given paths has a suffix trainlint reads (.bash, .env, .json" in run.stderr


def test_with_only_configs_a_run_without_configs_warns_and_passes(repo):
    """The hooks hand over every staged file of a suffix trainlint reads: a commit of workflows alone is fine."""
    (repo / "ci.yaml").write_text("on: push\njobs: {}\n")
    run = cli("check", "--only-configs", "--", "ci.yaml", cwd=repo)
    assert run.returncode == 0
    assert run.stderr.splitlines() == [
        "ci.yaml: not checked: not a config of trainlint or of any trainer format trainlint reads",
        "trainlint: warning: no configs checked: 1 file found, none of them a config of trainlint or of a trainer format",
    ]
    quiet = cli("check", "-q", "--only-configs", "--", "ci.yaml", cwd=repo)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def test_a_named_file_the_configuration_excludes_is_named_on_stderr(repo):
    (repo / "trainlint.toml").write_text('exclude = ["drafts"]\n')
    (repo / "drafts").mkdir()
    (repo / "drafts" / "a.yaml").write_text(GOOD.replace("images: 24", "images: 0"))
    (repo / "b.yaml").write_text(GOOD)
    run = cli("check", "drafts/a.yaml", "b.yaml", cwd=repo)
    assert run.returncode == 0
    assert run.stderr == "drafts/a.yaml: not checked: excluded by `exclude` in trainlint.toml\n"
    assert run.stdout == "no problems in 1 file checked\n"
    only = cli("check", "drafts/a.yaml", cwd=repo)  # nothing else: nothing checked at all
    assert only.returncode == 2 and "no configs checked" in only.stderr
    assert cli("check", ".", cwd=repo).stderr == ""  # found by a search, not named: left alone quietly


def test_fix_names_excluded_and_skipped_files_too(repo):
    (repo / "trainlint.toml").write_text('exclude = ["drafts"]\n')
    (repo / "drafts").mkdir()
    (repo / "drafts" / "a.yaml").write_text(FIXABLE)
    (repo / "ci.yaml").write_text("on: push\n")
    run = cli("fix", "--only-configs", "drafts/a.yaml", "ci.yaml", cwd=repo)
    assert run.returncode == 0
    assert run.stderr.splitlines() == [
        "drafts/a.yaml: not checked: excluded by `exclude` in trainlint.toml",
        "ci.yaml: not checked: not a config of trainlint or of any trainer format trainlint reads",
    ]
    assert (repo / "drafts" / "a.yaml").read_text() == FIXABLE


# --- the summary --------------------------------------------------------------------------------


def test_the_summary_counts_files_with_problems_among_those_checked(repo):
    (repo / "a.yaml").write_text(GOOD.replace("classification: sdxl/style", "classification: Custom"))
    for name in ("b.yaml", "c.yaml", "d.yaml"):
        (repo / name).write_text(GOOD)
    (repo / "ci.yaml").write_text("on: push\n")  # not a config: not counted
    run = cli("check", ".", cwd=repo)
    assert (
        run.stdout.splitlines()[-1] == "1 problem (1 warning) in 1 of 4 files checked; 1 fixable with `trainlint fix`"
    )
    (repo / "a.yaml").unlink()
    assert cli("check", ".", cwd=repo).stdout == "no problems in 3 files checked\n"


def test_quiet_prints_the_findings_alone(repo):
    (repo / "a.yaml").write_text(GOOD.replace("classification: sdxl/style", "classification: Custom"))
    run = cli("check", "-q", "a.yaml", cwd=repo)
    assert run.returncode == 1 and run.stderr == ""
    assert run.stdout.startswith("a.yaml:6:17: TL205 [warning]") and "problem" not in run.stdout.splitlines()[-1]
    assert cli("check", "--quiet", "--format", "concise", "a.yaml", cwd=repo).stdout.count("\n") == 1
    (repo / "a.yaml").write_text(GOOD)
    assert cli("check", "-q", "a.yaml", cwd=repo).stdout == ""


# --- check --fix says what it fixed -----------------------------------------------------------------


def test_check_fix_says_how_many_it_fixed_and_how_many_remain(repo):
    (repo / "a.yaml").write_text(FIXABLE)  # TL010 (1e-4) and TL205 (a preset's values tagged Custom)
    (repo / "b.yaml").write_text(GOOD.replace("images: 24", "images: 60"))  # TL404 and TL304, info: no fix
    run = cli("check", "--fix", ".", cwd=repo)
    assert run.stdout.splitlines()[-1] == "2 problems (2 info) in 1 of 2 files checked (2 fixed, 2 remaining)"
    assert "learning_rate_unet: 1.0e-4" in (repo / "a.yaml").read_text()
    again = cli("check", "--fix", "--format", "json", ".", cwd=repo)  # machine formats: stderr keeps stdout clean
    assert json.loads(again.stdout)["files"] == 2
    assert again.stderr == "trainlint: 0 fixed, 2 remaining\n"


# --- reading findings whatever the selection -------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        ("--select", "TL4"),
        ("--ignore", "TL001"),
        ("--ignore", "TL0"),
        ("--select", "TL2", "--ignore", "TL"),
    ],
)
def test_reading_findings_are_reported_whatever_the_selection(repo, options):
    (repo / "bad.yaml").write_text(BROKEN_YAML)
    run = cli("check", *options, "bad.yaml", cwd=repo)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "bad.yaml:3:1: TL001 [error] YAML syntax error" in run.stdout


def test_reading_findings_show_through_the_configuration_and_per_file_ignores(repo):
    (repo / "trainlint.toml").write_text('ignore = ["TL0"]\n[per-file-ignores]\n"dup.yaml" = ["TL"]\n')
    (repo / "dup.yaml").write_text(GOOD + "name: again\n")
    (repo / "notes.json").write_text('{"a": 1}\n')
    run = cli("check", "dup.yaml", "notes.json", cwd=repo)
    assert "dup.yaml:9:1: TL002 [error] duplicate key 'name'" in run.stdout, run.stdout
    assert "notes.json:1:1: TL006 [error]" in run.stdout  # a named file that is no config says so
    (repo / "dup.yaml").write_text(GOOD.replace("classification: sdxl/style", "classification: Custom"))
    assert "TL205" not in cli("check", "dup.yaml", cwd=repo).stdout  # the rules' findings are still selectable
