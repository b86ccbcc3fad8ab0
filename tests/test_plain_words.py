"""YAML mistakes said for people who are not YAML experts, and the source line under each finding.

Through the real CLI on real files: a tab that indents, a key left empty, `7,000`, a Windows
path, counts in the right number, and the text report's source line with carets under the
offending value (escaped and clipped like everything else it prints).
"""

from __future__ import annotations

import json
import re

from helpers import run_cli, write_tree

HEAD = "schema_version: 1\nbase_model: sdxl\ntraining_type: style\npreset: sdxl/style\nclassification: sdxl/style\n"
DATASET = "dataset:\n  images: 24\n"


def check(tmp_path, text: str, *args: str, files: dict[str, str] | None = None) -> str:
    write_tree(tmp_path, {**(files or {}), "c.yaml": text})
    (tmp_path / ".git").mkdir(exist_ok=True)
    result = run_cli("check", *args, "--", "c.yaml", cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def test_a_tab_that_indents_says_so(tmp_path):
    out = check(tmp_path, HEAD + "dataset:\n\timages: 24\n")
    assert (
        "c.yaml:7:1: TL001 [error] YAML syntax error: a tab is used for indentation; YAML indents with spaces only"
        in out
    )
    assert "hint: replace the tab with spaces" in out
    out = check(tmp_path, HEAD + DATASET + "training:\n  steps: 9000\n\tlearning_rate_unet: 1.0e-4\n")
    assert "c.yaml:10:1: TL001 [error] YAML syntax error: a tab is used for indentation" in out


def test_a_key_left_empty_says_it_is_empty_and_no_python_none_anywhere(tmp_path):
    out = check(tmp_path, HEAD + DATASET + "training:\n")
    assert "c.yaml:8:10: TL102 [error] `training` is empty; it must be a mapping" in out
    out = check(
        tmp_path,
        "schema_version: 1\nbase_model:\ntraining_type: style\npreset:\nclassification:\ndataset:\n"
        "training:\n  steps:\n  learning_rate_unet: true\n",
    )
    assert "`base_model` is empty; it must be one of: sd-1.5, sdxl, flux.1" in out
    assert out.count("`base_model`") == 1  # said once, not as a type error and again as a bad name
    assert "`training.steps` is empty; it must be a whole number" in out
    assert "`training.learning_rate_unet` must be a number, not true" in out
    assert "None" not in out and "True" not in out
    out = check(tmp_path, "schema_version:\nbase_model: sdxl\n")
    assert "TL100 [error] schema_version is empty; this trainlint supports: 1" in out and "None" not in out


def test_thousands_separators_and_underscores_say_how_to_write_the_number(tmp_path):
    out = check(tmp_path, HEAD + DATASET + "training:\n  steps: 7,000\n  steps_per_image: 1_000\n")
    assert "`training.steps` is a string, not a whole number: '7,000'" in out
    assert "hint: remove the thousands separator: write 7000" in out
    assert "hint: remove the underscores: write 1000" in out


def test_a_windows_path_gets_forward_slashes(tmp_path):
    out = check(tmp_path, HEAD + "dataset:\n  path: data\\watercolor\n  images: 24\n")
    assert "dataset folder 'data\\watercolor' not found" in out  # as written, not doubled by repr
    assert "hint: use forward slashes: `data/watercolor`" in out
    out = check(tmp_path, HEAD + 'dataset:\n  path: "C:\\data\\x"\n')
    assert "c.yaml:7:12: TL001 [error] YAML syntax error: a backslash in double quotes starts an escape" in out
    assert "use forward slashes" in out


def test_counts_in_the_right_number(tmp_path):
    out = check(tmp_path, HEAD + "dataset:\n  images: 1\n")
    assert "1 image is outside the usual 10-30 for style training" in out


def test_the_source_line_and_carets_stand_under_the_value(tmp_path):
    text = HEAD + "base_model: sdxl-1.0\n"
    out = check(tmp_path, HEAD.replace("base_model: sdxl", "base_model: sdxl-1.0") + DATASET)
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if "TL104" in line)
    assert lines[at + 1] == "  2 | base_model: sdxl-1.0"
    assert lines[at + 2] == "    |             ^^^^^^^^"
    assert lines[at + 3].startswith("  hint: valid values:")
    # the concise format and the structured ones carry no source line
    concise = check(tmp_path, text, "--format", "concise")
    assert " | " not in concise
    assert "^^^" not in check(tmp_path, text, "--format", "json")


def test_every_caret_line_matches_the_json_positions(tmp_path):
    text = (
        HEAD.replace("sdxl/style\n", "sdxl/styel\n", 1)
        + DATASET
        + "training:\n\n  steps: '5600'\n  text_encoder_ratio: 1.5\n"
    )
    write_tree(tmp_path, {"c.yaml": text})
    (tmp_path / ".git").mkdir(exist_ok=True)
    found = json.loads(run_cli("check", "--format", "json", "c.yaml", cwd=tmp_path).stdout)
    diagnostics = found if isinstance(found, list) else found["diagnostics"]
    out = run_cli("check", "c.yaml", cwd=tmp_path).stdout.splitlines()
    source = text.splitlines()
    for d in diagnostics:
        head = f"c.yaml:{d['line']}:{d['column']}: {d['code']}"
        at = next(i for i, line in enumerate(out) if line.startswith(head))
        gutter = f"  {d['line']} | "
        assert out[at + 1] == gutter + source[d["line"] - 1]
        carets = out[at + 2][len(gutter) :]
        width = d["end_column"] - d["column"] if d["end_line"] == d["line"] else None
        assert carets.index("^") == d["column"] - 1
        if width:
            assert carets.strip() == "^" * width


def test_hostile_text_in_the_source_line_is_escaped_and_long_lines_are_clipped(tmp_path):
    hostile = HEAD + DATASET + "training:\n  steps: \x1b[31mred\u202e ::error::x ##[add-mask]\n"
    out = check(tmp_path, hostile)
    assert "\x1b" not in out and "\u202e" not in out and "##[" not in out
    shown = next(line for line in out.splitlines() if line.startswith("  9 | "))
    assert "\\x1b[31mred\\u202e" in shown
    carets = out.splitlines()[out.splitlines().index(shown) + 1]
    assert carets.index("^") == shown.index("\\x1b")  # under the value as shown, escapes included
    long = HEAD + DATASET + "training:\n  steps: '" + "9" * 5000 + "'\n"
    out = check(tmp_path, long)
    shown = next(line for line in out.splitlines() if line.startswith("  9 | "))
    assert len(shown) < 130 and shown.endswith("…")
    tabbed = HEAD + DATASET + "training:\n  steps:\t'5600'\n"
    lines = check(tmp_path, tabbed).splitlines()
    at = next(i for i, line in enumerate(lines) if "TL102" in line)
    assert "\t" not in lines[at + 1] and lines[at + 2].index("^") == lines[at + 1].index("'5600'")
    assert re.search(r"\^{6}$", lines[at + 2])
