"""The command line forgives and explains: did-you-mean for commands, options, values, rules and
presets; a command's own usage on its errors; repeated selection options that add up; rules by
name; `show` on a folder; a mistyped code in a suppression comment. Through the real CLI."""

from __future__ import annotations

import pytest
from helpers import GOOD_CONFIG as GOOD
from helpers import cli


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ("chek", "."),
            "invalid choice: 'chek' (choose from 'check', 'fix', 'show', 'rule', 'rules', 'presets', "
            "'schema', 'init', 'server', 'export', 'import'); did you mean `check`?",
        ),
        (("check", "--selct", "TL4", "."), "unrecognized arguments: --selct; did you mean `--select`?"),
        (("check", "--fail_on=error", "."), "unrecognized arguments: --fail_on=error; did you mean `--fail-on`?"),
        (("fix", "--dif", "--quite", "."), "unrecognized arguments: --quite; did you mean `--quiet`?"),
        (("check", "--input-format", "kohya", "."), "did you mean `kohya_ss`?"),
        (
            ("show", "--format", "jsn", "x.yaml"),
            "invalid choice: 'jsn' (choose from 'text', 'json'); did you mean `json`?",
        ),
    ],
)
def test_mistyped_commands_options_and_values_get_a_suggestion(repo, args, said):
    run = cli(*args, cwd=repo)
    assert run.returncode == 2 and run.stdout == ""
    assert last_line(run.stderr) == f"trainlint: error: {said}" or said in last_line(run.stderr), run.stderr


def test_an_unknown_option_shows_the_commands_own_usage(repo):
    run = cli("check", "--selct", "TL4", ".", cwd=repo)
    assert run.stderr.startswith("usage: trainlint check [-h]"), run.stderr
    run = cli("rule", "TL401", "--verbose", cwd=repo)
    assert run.stderr.startswith("usage: trainlint rule [-h]"), run.stderr
    assert last_line(run.stderr) == "trainlint: error: unrecognized arguments: --verbose"


def test_the_format_option_and_selection_codes_suggest_too(repo):
    (repo / "a.yaml").write_text(GOOD)
    assert last_line(cli("check", "--format", "jsno", "a.yaml", cwd=repo).stderr).endswith("did you mean `json`?")
    run = cli("check", "--select", "TL4O1", "a.yaml", cwd=repo)
    assert run.returncode == 2
    assert (
        run.stderr
        == "trainlint: error: no rule code starts with 'TL4O1'; did you mean `TL401`? (see `trainlint rules`)\n"
    )


def test_repeated_selection_options_add_up(repo):
    text = (
        GOOD.replace("classification: sdxl/style", "classification: Custom") + "training:\n  learning_rate_unet: 1e-4\n"
    )
    (repo / "a.yaml").write_text(text)  # TL010 and TL205
    both = cli("check", "--format", "concise", "--select", "TL010", "--select", "TL205", "a.yaml", cwd=repo)
    assert [line.split()[1] for line in both.stdout.splitlines()[:-1]] == ["TL205", "TL010"]
    one = cli(
        "check",
        "--format",
        "concise",
        "--select",
        "TL010",
        "--select",
        "TL205",
        "--ignore",
        "TL205",
        "--ignore",
        "TL010",
        "a.yaml",
        cwd=repo,
    )
    assert (one.returncode, one.stdout) == (0, "no problems in 1 file checked\n")


def test_rule_takes_a_name_as_well_as_a_code(repo):
    by_name = cli("rule", "lr-steps-same-direction", cwd=repo)
    assert by_name.returncode == 0 and by_name.stdout == cli("rule", "TL401", cwd=repo).stdout
    assert by_name.stdout.startswith("# TL401 lr-steps-same-direction")
    typo = cli("rule", "lr-steps-same-directon", cwd=repo)
    assert typo.returncode == 2
    assert typo.stderr == (
        "trainlint: error: unknown rule 'lr-steps-same-directon'; did you mean `lr-steps-same-direction`? "
        "(see `trainlint rules`)\n"
    )


def test_presets_and_init_suggest_close_preset_names(repo):
    run = cli("presets", "sdxl/styel", cwd=repo)
    assert run.returncode == 2
    assert (
        run.stderr
        == "trainlint: error: unknown preset 'sdxl/styel'; did you mean `sdxl/style`? (see `trainlint presets`)\n"
    )
    run = cli("init", "new.yaml", "--preset", "flux.1/charcter", cwd=repo)
    assert run.returncode == 2 and "did you mean `flux.1/character`?" in run.stderr
    assert not (repo / "new.yaml").exists()
    run = cli("check", "--preset", "sd-15/style", ".", cwd=repo)
    assert run.returncode == 2 and "did you mean `sd-1.5/style`?" in run.stderr


def test_show_on_a_folder_says_it_takes_one_file(repo):
    (repo / "configs").mkdir()
    run = cli("show", "configs", cwd=repo)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == (
        "trainlint: error: configs: is a folder; `show` takes one config file (`trainlint check configs` checks a folder)\n"
    )


def test_a_mistyped_code_in_a_suppression_is_not_a_code(repo):
    preset_line = "preset: sdxl/style  # trainlint: disable={}"
    text = GOOD.replace("images: 24", "images: 60").replace("preset: sdxl/style", preset_line.format("TL404"))
    (repo / "a.yaml").write_text(text)
    assert "TL404" not in cli("check", "a.yaml", cwd=repo).stdout  # TL404 stands on that line
    (repo / "a.yaml").write_text(text.replace("TL404", "TL4O4") + "# trainlint: disable-file=TL30a\n")
    lines = cli("check", "--format", "concise", "a.yaml", cwd=repo).stdout.splitlines()
    assert "a.yaml:5:42: TL020 [warning] `TL4O4` is not a rule code; did you mean `TL404`?" in lines, lines
    assert any(line.startswith("a.yaml:9:27: TL020 [warning] `TL30a` is not a rule code") for line in lines)
    assert any(line.startswith("a.yaml:5:1: TL404 [info]") for line in lines)  # the typo suppressed nothing
    (repo / "a.yaml").write_text(text.replace("TL404", "large-dataset-steps"))
    run = cli("check", "--format", "concise", "a.yaml", cwd=repo)
    assert "a.yaml:5:42: TL020 [warning] `large-dataset-steps` is the name of TL404, not a code" in run.stdout
