"""Inline suppressions: the three forms, what counts as a comment, and unused ones (TL020) with their fix."""

from __future__ import annotations

import os

import pytest
from helpers import run_cli
from test_settings_file import CONFIG

from trainlint.api import check_file
from trainlint.fixer import fix_text
from trainlint.settings import Settings

HEAD = CONFIG[: CONFIG.index("  steps:")]  # the config up to `training:`
# line 10: TL401 (steps and learning rate both raised); line 11: TL010 (`2e-4`)
BODY = "  steps: 12600{a}\n  learning_rate_unet: 2e-4{b}\n"


def check(tmp_path, text: str, **settings):
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "config.yaml").write_bytes(text.encode())
    return check_file(tmp_path / "config.yaml", "config.yaml", Settings(**settings)).diagnostics


def found(tmp_path, text: str, **settings) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.col) for d in check(tmp_path, text, **settings)]


def body(a: str = "", b: str = "") -> str:
    return HEAD + BODY.format(a=a, b=b)


def test_unsuppressed_baseline(tmp_path):
    assert found(tmp_path, body()) == [("TL401", 10, 3), ("TL010", 11, 23)]


def test_end_of_line(tmp_path):
    assert found(tmp_path, body(a="  # trainlint: disable=TL401")) == [("TL010", 11, 23)]
    assert found(tmp_path, body(b=" # trainlint: disable=TL010,TL401")) == [("TL401", 10, 3), ("TL020", 11, 55)]


def test_line_above_skips_blank_lines_and_comments(tmp_path):
    text = (
        HEAD
        + "  # trainlint: disable=TL401 raised together on purpose\n\n  # why: see the run log\n"
        + BODY.format(a="", b="")
    )
    assert found(tmp_path, text) == [("TL010", 14, 23)]


def test_file_level_and_prefixes(tmp_path):
    assert found(tmp_path, "# trainlint: disable-file=TL4, TL010\n" + body()) == []
    assert found(tmp_path, body() + "# trainlint: disable-file=TL0\n") == [("TL401", 10, 3)]


def test_a_hash_inside_a_value_is_not_a_comment(tmp_path):
    text = body().replace("name: c", "name: 'c # trainlint: disable=TL401'")
    assert found(tmp_path, text) == [("TL401", 10, 3), ("TL010", 11, 23)]
    text = body().replace("name: c", "name: |\n  c\n  # trainlint: disable-file=TL4")
    assert [code for code, _, _ in found(tmp_path, text)] == ["TL401", "TL010"]
    assert found(tmp_path, body(a=" #trainlint:disable=TL401")) == [("TL010", 11, 23)]  # spacing is free
    text = body().replace("name: c", "name: c#trainlint:disable-file=TL4")  # no space before `#`: part of the value
    assert [code for code, _, _ in found(tmp_path, text)] == ["TL401", "TL010"]


def test_unused_suppressions_are_reported_where_they_stand(tmp_path):
    text = body(a="  # trainlint: disable=TL401,TL402", b="  # trainlint: disable=TL999") + "# trainlint: disable\n"
    diagnostics = check(tmp_path, text)
    unused = [(d.line, d.col, d.message) for d in diagnostics if d.code == "TL020"]
    assert unused == [
        (10, 44, "unused suppression: no TL402 finding on line 10"),
        (11, 50, "suppression names TL999, which is no rule (or its plugin is not enabled)"),
        (12, 1, "suppression names no rule code"),
    ]
    assert "TL010" in [d.code for d in diagnostics]  # TL999 suppressed nothing
    last = check(tmp_path, body() + "  # trainlint: disable=TL401\n")  # nothing below it to suppress
    assert [(d.code, d.line, d.message) for d in last if d.code in ("TL401", "TL020")] == [
        ("TL401", 10, last[0].message),
        ("TL020", 12, "unused suppression: no TL401 finding below it"),
    ]


def test_suppressions_of_rules_that_are_not_enabled_are_left_alone(tmp_path):
    text = body(a="  # trainlint: disable=TL401", b="  # trainlint: disable=TL010")
    assert found(tmp_path, text, ignore=("TL4",)) == []
    assert found(tmp_path, text, ignore=("TL020",)) == []


def test_fix_removes_unused_codes_and_empty_comments(tmp_path):
    text = (
        body(a="  # trainlint: disable=TL402,TL401", b="  # trainlint: disable=TL999")
        + "  # trainlint: disable=TL405\n# trainlint: disable-file=TL303\n"
    )
    fixed = fix_text(text, base_dir=tmp_path)
    assert fixed == HEAD + "  steps: 12600  # trainlint: disable=TL401\n  learning_rate_unet: 2.0e-4\n"


def test_suppressions_work_from_the_command_line(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "c.yaml").write_text(body(a="  # trainlint: disable=TL401", b="  # trainlint: disable=TL010"))
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    run = run_cli("check", "c.yaml", cwd=tmp_path, env=env)
    assert (run.returncode, run.stdout) == (0, "no problems in 1 file checked\n")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_fix_keeps_line_endings(tmp_path, newline):
    text = (body(b="  # trainlint: disable=TL010") + "# trainlint: disable=TL401\n").replace("\n", newline)
    fixed = fix_text(text, base_dir=tmp_path)
    assert fixed == body(b="  # trainlint: disable=TL010").replace("\n", newline)


def test_only_suppressions_of_rules_that_ran_can_be_unused(tmp_path):
    broken_yaml = body(a="  # trainlint: disable=TL401", b="  # trainlint: disable=TL010") + "  bad: [unclosed\n"
    assert [code for code, _, _ in found(tmp_path, broken_yaml)] == ["TL001"]  # no rule after the loader ran
    no_preset = body(a="  # trainlint: disable=TL401", b="  # trainlint: disable=TL010").replace(
        "preset: sdxl/style", "preset: nowhere.yaml"
    )
    assert [code for code, _, _ in found(tmp_path, no_preset)] == ["TL201"]  # TL010 was used; TL401 never ran
    unused_loader_code = no_preset.replace("disable=TL401", "disable=TL002")
    assert [code for code, _, _ in found(tmp_path, unused_loader_code)] == ["TL201", "TL020"]


@pytest.mark.parametrize("odd_break", ["\x85", "\u2028", "\u2029"])
def test_foreign_line_breaks_in_comments_do_not_shift_suppressions(tmp_path, odd_break):
    """NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR end no line in YAML 1.2 or an editor: a comment
    holding one before a suppression must not move it (the finding stays suppressed, TL020 stays
    quiet, and `fix` keeps the comment)."""
    text = body(a="  # trainlint: disable=TL401").replace("training:\n", f"# note{odd_break}# more\ntraining:\n")
    assert [code for code, _, _ in found(tmp_path, text)] == ["TL010"]
    own_line = HEAD.replace(
        "training:\n", f"# a{odd_break}# b\ntraining:\n  # trainlint: disable=TL401\n"
    ) + BODY.format(a="", b="")
    assert [code for code, _, _ in found(tmp_path, own_line)] == ["TL010"]
    fixed = fix_text(own_line)
    assert "# trainlint: disable=TL401" in fixed and f"# a{odd_break}# b" in fixed
    assert fixed == own_line.replace("2e-4", "2.0e-4")
