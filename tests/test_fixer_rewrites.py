"""The rewriter changes the bytes a fix is about and nothing else.

Every case is a config in some formatting, written to disk in several encodings and
line-ending styles, fixed with the real `trainlint fix`, and compared byte for byte
with the expected file: the classification value (or the one fixed number) and
nothing else. A second run must leave the file untouched, down to its mtime.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from trainlint.cli import main
from trainlint.engine import check_text
from trainlint.fixer import fix_text
from trainlint.inputs.yaml_edit import scalar_text

HEAD = "schema_version: 1\nbase_model: sdxl\ntraining_type: style\n"
# (before, after): the config as written, and exactly what `fix` must make of it
CASES: dict[str, tuple[str, str]] = {
    "comments-and-blank-lines": (
        "# house style, tuned\n" + HEAD + "\n# the preset we start from\npreset: sdxl/style   # tested\n"
        "classification: sdxl/style  # keep in sync\n\ndataset:   # 24 images\n  images: 24\n\n"
        "training:\n  # a little longer\n  steps: 9000 # was 8400\n\n# end\n",
        "# house style, tuned\n" + HEAD + "\n# the preset we start from\npreset: sdxl/style   # tested\n"
        "classification: Custom  # keep in sync\n\ndataset:   # 24 images\n  images: 24\n\n"
        "training:\n  # a little longer\n  steps: 9000 # was 8400\n\n# end\n",
    ),
    "key-order": (
        "training: {steps: 9000}\nclassification: sdxl/style\ndataset: {images: 24}\npreset: sdxl/style\n" + HEAD,
        "training: {steps: 9000}\nclassification: Custom\ndataset: {images: 24}\npreset: sdxl/style\n" + HEAD,
    ),
    "double-quoted": (
        HEAD + 'preset: "sdxl/style"\nclassification: "sdxl/style"\nname: "x"\ndataset:\n  images: 24\n'
        "training:\n  steps: 9000\n",
        HEAD + 'preset: "sdxl/style"\nclassification: "Custom"\nname: "x"\ndataset:\n  images: 24\n'
        "training:\n  steps: 9000\n",
    ),
    "single-quoted": (
        HEAD
        + "preset: 'sdxl/style'\nclassification: 'sdxl/style' # q\ndataset:\n  images: 24\ntraining:\n  steps: 9000\n",
        HEAD + "preset: 'sdxl/style'\nclassification: 'Custom' # q\ndataset:\n  images: 24\ntraining:\n  steps: 9000\n",
    ),
    "four-space-indent": (
        HEAD + "preset: sdxl/style\nclassification: sdxl/style\ndataset:\n    images: 24\ntraining:\n    steps: 9000\n",
        HEAD + "preset: sdxl/style\nclassification: Custom\ndataset:\n    images: 24\ntraining:\n    steps: 9000\n",
    ),
    "flow-root": (
        "{schema_version: 1, base_model: sdxl, training_type: style, preset: sdxl/style, "
        "classification: sdxl/style, dataset: {images: 24}, training: {steps: 9000}}\n",
        "{schema_version: 1, base_model: sdxl, training_type: style, preset: sdxl/style, "
        "classification: Custom, dataset: {images: 24}, training: {steps: 9000}}\n",
    ),
    "flow-root-missing": (
        "{schema_version: 1, base_model: sdxl, training_type: style, preset: sdxl/style, "
        "dataset: {images: 24}, training: {steps: 9000}}\n",
        "{schema_version: 1, base_model: sdxl, training_type: style, preset: sdxl/style, classification: Custom, "
        "dataset: {images: 24}, training: {steps: 9000}}\n",
    ),
    "flow-root-multiline-missing": (
        "{\n  schema_version: 1,\n  base_model: sdxl,\n  training_type: style,\n  preset: sdxl/style,  # p\n"
        "  dataset: {images: 24},\n  training: {steps: 9000}\n}\n",
        "{\n  schema_version: 1,\n  base_model: sdxl,\n  training_type: style,\n  preset: sdxl/style,  # p\n"
        "  classification: Custom,\n  dataset: {images: 24},\n  training: {steps: 9000}\n}\n",
    ),
    "anchors-and-aliases": (
        HEAD + "preset: sdxl/style\nclassification: sdxl/style\ndataset: &ds\n  images: 24\ntraining:\n"
        "  learning_rate_unet: &lr 1.0e-5\n  learning_rate_text_encoder: *lr\n",
        HEAD + "preset: sdxl/style\nclassification: Custom\ndataset: &ds\n  images: 24\ntraining:\n"
        "  learning_rate_unet: &lr 1.0e-5\n  learning_rate_text_encoder: *lr\n",
    ),
    "document-markers": (
        "%YAML 1.2\n---\n" + HEAD + "preset: sdxl/style\nclassification: sdxl/style\ndataset:\n  images: 24\n"
        "training:\n  steps: 9000\n...\n",
        "%YAML 1.2\n---\n" + HEAD + "preset: sdxl/style\nclassification: Custom\ndataset:\n  images: 24\n"
        "training:\n  steps: 9000\n...\n",
    ),
    "missing-after-commented-preset": (
        HEAD + "preset: sdxl/style  # from the catalog\n# data\ndataset:\n  images: 24\ntraining:\n  steps: 9000\n",
        HEAD + "preset: sdxl/style  # from the catalog\nclassification: Custom\n# data\ndataset:\n  images: 24\n"
        "training:\n  steps: 9000\n",
    ),
    "missing-quoted-preset-last": (
        HEAD + "dataset:\n  images: 24\ntraining:\n  steps: 9000\npreset: 'sdxl/style' # last\n",
        HEAD
        + "dataset:\n  images: 24\ntraining:\n  steps: 9000\npreset: 'sdxl/style' # last\nclassification: 'Custom'\n",
    ),
    "back-to-the-preset": (
        HEAD
        + "preset: sdxl/style\nclassification: Custom # was tuned\ndataset:\n  images: 24\ntraining:\n  steps: 8400\n",
        HEAD + "preset: sdxl/style\nclassification: sdxl/style # was tuned\ndataset:\n  images: 24\n"
        "training:\n  steps: 8400\n",
    ),
    "yaml11-number": (
        HEAD + "preset: sdxl/style\nclassification: sdxl/style\ndataset:\n  images: 24\ntraining:\n"
        "  learning_rate_unet: 1e-4   # the preset's\n",
        HEAD + "preset: sdxl/style\nclassification: sdxl/style\ndataset:\n  images: 24\ntraining:\n"
        "  learning_rate_unet: 1.0e-4   # the preset's\n",
    ),
    "yaml11-number-anchored-and-aliased": (
        HEAD + "preset: sdxl/style\nclassification: sdxl/style\ndataset:\n  images: 24\ntraining:\n"
        "  learning_rate_unet: &lr !!float 1e-4\n  learning_rate_text_encoder: &te\n    1e-5\nname: *te\n",
        HEAD + "preset: sdxl/style\nclassification: sdxl/style\ndataset:\n  images: 24\ntraining:\n"
        "  learning_rate_unet: &lr !!float 1e-4\n  learning_rate_text_encoder: &te\n    1.0e-5\nname: *te\n",
    ),
    "non-ascii-before-the-edit": (
        '# Aquarelle 🎨, paysages d\'été\nname: "été ☀"\n' + HEAD + "preset: sdxl/style\nclassification: sdxl/style\n"
        "dataset:\n  images: 24\ntraining:\n  steps: 9000\n",
        '# Aquarelle 🎨, paysages d\'été\nname: "été ☀"\n' + HEAD + "preset: sdxl/style\nclassification: Custom\n"
        "dataset:\n  images: 24\ntraining:\n  steps: 9000\n",
    ),
    "null-classification": (
        HEAD + "preset: sdxl/style\nclassification:\ndataset:\n  images: 24\ntraining:\n  steps: 9000\n",
        HEAD + "preset: sdxl/style\nclassification: Custom\ndataset:\n  images: 24\ntraining:\n  steps: 9000\n",
    ),
    "alias-classification": (
        "name: &tag sdxl/style\n" + HEAD + "preset: sdxl/style\nclassification: *tag\ndataset:\n  images: 24\n"
        "training:\n  steps: 9000\n",
        "name: &tag sdxl/style\n" + HEAD + "preset: sdxl/style\nclassification: Custom\ndataset:\n  images: 24\n"
        "training:\n  steps: 9000\n",
    ),
    "null-with-comment": (
        HEAD + "preset: sdxl/style\nclassification: # later\ndataset:\n  images: 24\ntraining:\n  steps: 9000\n",
        HEAD + "preset: sdxl/style\nclassification: Custom # later\ndataset:\n  images: 24\ntraining:\n  steps: 9000\n",
    ),
    "block-scalars": (
        HEAD + "preset: >-\n  sdxl/style\nclassification: |-\n  sdxl/style\ndataset:\n  images: 24\n"
        "training:\n  steps: 9000\n",
        HEAD + "preset: >-\n  sdxl/style\nclassification: Custom\ndataset:\n  images: 24\ntraining:\n  steps: 9000\n",
    ),
    "missing-after-block-scalar-preset": (
        HEAD + "preset: >-\n  sdxl/style\ndataset:\n  images: 24\ntraining:\n  steps: 9000\n",
        HEAD + "preset: >-\n  sdxl/style\nclassification: Custom\ndataset:\n  images: 24\ntraining:\n  steps: 9000\n",
    ),
    "missing-after-alias-preset": (
        "name: &p sdxl/style\n" + HEAD + "preset: *p\ndataset:\n  images: 24\ntraining:\n  steps: 9000\n",
        "name: &p sdxl/style\n" + HEAD + "preset: *p\nclassification: Custom\ndataset:\n  images: 24\n"
        "training:\n  steps: 9000\n",
    ),
    "anchored-and-tagged": (
        HEAD + "preset: !!str sdxl/style\nclassification: &tag !!str sdxl/style\ndataset:\n  images: 24\n"
        "training:\n  steps: 9000\n",
        HEAD + "preset: !!str sdxl/style\nclassification: &tag !!str Custom\ndataset:\n  images: 24\n"
        "training:\n  steps: 9000\n",
    ),
}

ENCODINGS = {
    "utf-8": lambda text: text.encode("utf-8"),
    "utf-8-bom": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "utf-16-le-bom": lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
    "utf-16-be-bom": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
}
NEWLINES = {
    "lf": lambda text: text,
    "crlf": lambda text: text.replace("\n", "\r\n"),
    "no-final-newline": lambda text: text[:-1],
}


def write_config(tmp_path: Path, raw: bytes) -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)  # the repository boundary
    path = tmp_path / "config.yaml"
    path.write_bytes(raw)
    return path


def fix_on_disk(tmp_path: Path, raw: bytes, *args: str) -> tuple[int, Path]:
    path = write_config(tmp_path, raw)
    return main(["fix", *args, str(path)]), path


@pytest.mark.parametrize("newline", NEWLINES)
@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("case", CASES)
def test_fix_changes_only_the_fixed_bytes(case, encoding, newline, tmp_path, capsys):
    before, after = CASES[case]
    to_bytes = lambda text: ENCODINGS[encoding](NEWLINES[newline](text))  # noqa: E731
    code, path = fix_on_disk(tmp_path, to_bytes(before))
    assert code == 0, capsys.readouterr()
    assert path.read_bytes() == to_bytes(after)

    mtime = path.stat().st_mtime_ns
    os.utime(path, ns=(mtime - 10**9, mtime - 10**9))  # so that any rewrite would show
    assert main(["fix", str(path)]) == 0
    assert path.stat().st_mtime_ns == mtime - 10**9
    assert "fixed 0 files" in capsys.readouterr().out


def test_missing_classification_on_a_last_line_without_newline_stays_without(tmp_path):
    before = HEAD + "dataset:\n  images: 24\ntraining:\n  steps: 9000\npreset: sdxl/style # last"
    code, path = fix_on_disk(tmp_path, before.replace("\n", "\r\n").encode())
    assert code == 0
    assert path.read_bytes() == (before + "\nclassification: Custom").replace("\n", "\r\n").encode()


def test_diff_prints_the_change_writes_nothing_and_exits_1(tmp_path, capsys):
    before, after = CASES["comments-and-blank-lines"]
    code, path = fix_on_disk(tmp_path, before.encode(), "--diff")
    assert code == 1
    out = capsys.readouterr().out
    assert path.read_bytes() == before.encode()
    removed = [line for line in out.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["-classification: sdxl/style  # keep in sync"]
    assert added == ["+classification: Custom  # keep in sync"]
    path.write_bytes(after.encode())
    assert main(["fix", "--diff", str(path)]) == 0


def test_check_fix_fixes_then_reports_what_is_left(tmp_path, capsys):
    before = HEAD + "preset: sdxl/style\ndataset:\n  images: 24\ntraining:\n  steps: 9000\n  text_encoder_ratio: 1.5\n"
    path = write_config(tmp_path, before.encode())
    code = main(["check", "--fix", str(path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "TL103" in out and "TL205" not in out
    assert path.read_text() == before.replace("preset: sdxl/style\n", "preset: sdxl/style\nclassification: Custom\n")


def test_a_fix_that_would_change_other_data_is_refused_and_the_file_kept(tmp_path, capsys):
    # `name` shares the anchored classification: no splice can change one without the other
    before = (
        HEAD + "preset: sdxl/style\nclassification: &tag sdxl/style\nname: *tag\n"
        "dataset:\n  images: 24\ntraining:\n  steps: 9000\n"
    )
    code, path = fix_on_disk(tmp_path, before.encode())
    assert code == 2
    assert "not fixed: the fix would change data beyond the fixed keys" in capsys.readouterr().err
    assert path.read_text() == before


@pytest.mark.parametrize(
    ("value", "like", "flow", "spelled"),
    [
        ("Custom", "", False, "Custom"),
        ("../presets/house-style.yaml", "", False, "../presets/house-style.yaml"),
        ("yes", "", False, '"yes"'),  # a boolean to YAML 1.1 readers
        ("1.0", "", False, '"1.0"'),  # a number
        ("a: b", "", False, '"a: b"'),
        ("a,b", "", True, '"a,b"'),  # ends a flow entry
        ("a,b", "", False, "a,b"),
        ("it's", "'x'", False, "'it''s'"),
        ('say "hi"', '"x"', False, '"say \\"hi\\""'),
    ],
)
def test_new_values_read_back_as_the_same_string(value, like, flow, spelled):
    assert scalar_text(value, like, flow) == spelled
    text = f"{{k: {spelled}}}" if flow else f"k: {spelled}\n"
    assert YAML(typ="safe", pure=True).load(text) == {"k": value}


# --- property: any formatting, any values --------------------------------------------------

_WORDS = st.sampled_from(["tuned", "see notes", "v2", "from Ana", "TODO", "ok", "été 🎨"])
_QUOTES = st.sampled_from(["", "'", '"'])
_NUMBERS = {
    "steps": st.sampled_from(["8400", "9000", "7000"]),
    "learning_rate_unet": st.sampled_from(["1e-4", "1.0e-4", "0.0001", "2e-4", "1.5e-4", "12e-5"]),
    "learning_rate_text_encoder": st.sampled_from(["1e-5", "1.0e-5", "0.00001"]),
    "text_encoder_ratio": st.sampled_from(["0.15", "0.2"]),
}


@st.composite
def configs(draw) -> str:
    """A valid sdxl/style config with random comments, blank lines, quoting, order, styles and values."""
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    indent = " " * draw(st.sampled_from([2, 4]))

    def scalar(value: str) -> str:
        quote = draw(_QUOTES)
        return f"{quote}{value}{quote}"

    def comment() -> str:
        return f"  # {draw(_WORDS)}" if draw(st.booleans()) else ""

    training = {key: draw(values) for key, values in _NUMBERS.items() if draw(st.booleans())}
    items = draw(st.permutations(sorted(training)))
    if draw(st.booleans()):
        nested = "{" + ", ".join(f"{k}: {training[k]}" for k in items) + "}"
        training_text = f"training: {nested}{comment()}"
    else:
        training_text = (
            "training:" + comment() + "".join(f"{newline}{indent}{k}: {training[k]}{comment()}" for k in items)
        )
    entries = [
        "schema_version: 1",
        "base_model: sdxl",
        "training_type: style",
        f"preset: {scalar('sdxl/style')}{comment()}",
        draw(st.sampled_from([f"dataset:{newline}{indent}images: 24", "dataset: {images: 24}"])),
    ]
    if training:
        entries.append(training_text)
    classification = draw(st.sampled_from([None, "sdxl/style", "Custom"]))
    if classification:
        entries.append(f"classification: {scalar(classification)}{comment()}")
    if draw(st.booleans()):
        entries.append(f"name: {scalar('watercolor')}")
    lines = []
    for entry in draw(st.permutations(entries)):
        lines.extend(draw(st.lists(st.sampled_from(["", f"# {draw(_WORDS)}"]), max_size=2)))
        lines.append(entry if "#" in entry.splitlines()[-1] else entry + comment())
    text = newline.join(lines)
    return text + newline if draw(st.booleans()) else text


def _ruamel(text: str) -> dict:
    return YAML(typ="safe", pure=True).load(text)


def _exponents_spelled_out(line: str) -> str:
    return re.sub(r"(?<![\d.])(\d+)e-", r"\1.0e-", line)


@hypothesis_settings(max_examples=150, deadline=None)
@given(configs())
def test_fix_is_idempotent_and_loses_nothing(text):
    fixed = fix_text(text)
    assert fix_text(fixed) == fixed

    before, after = _ruamel(text), _ruamel(fixed)
    before.pop("classification", None)
    assert after.pop("classification") in ("Custom", "sdxl/style")
    assert after == before

    left = {d.code for d in check_text(fixed).diagnostics}
    assert not left & {"TL205", "TL010"}, left
    # line by line: only classification lines come or go, and only numbers are respelled
    old_lines = [line for line in text.splitlines() if not line.startswith("classification")]
    new_lines = [line for line in fixed.splitlines() if not line.startswith("classification")]
    assert [_exponents_spelled_out(line) for line in old_lines] == new_lines
    assert fixed.count("\r\n") - text.count("\r\n") in (0, 1) and ("\r\n" in text) == ("\r\n" in fixed)
