"""TL010 and the properties written before a scalar: an anchor (`&lr`) and a tag (`!!str`).

The fix replaces the scalar's own text, so an anchor an alias refers to stays, and a tag stays;
an explicitly tagged scalar is read by its tag in YAML 1.1 as in 1.2, so it is no ambiguity
unless the two read that tag's value otherwise (`!!int 012` is octal to YAML 1.1).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trainlint.cli import main
from trainlint.engine import check_text
from trainlint.fixer import fix_text
from trainlint.rules.reading import _VALID

CUSTOM = _VALID.replace("classification: sdxl/style", "classification: Custom")


def tl010(text: str) -> list[tuple[int, int, str]]:
    return [(d.line, d.col, d.message) for d in check_text(text).diagnostics if d.code == "TL010"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # the anchor an alias refers to stays: dropping it made the file unreadable and the fix refused
        (
            "training:\n  learning_rate_unet: &lr 1e-4\n  learning_rate_text_encoder: *lr\n",
            "training:\n  learning_rate_unet: &lr 1.0e-4\n  learning_rate_text_encoder: *lr\n",
        ),
        ("name: &n on\nalias: *n\n", 'name: &n "on"\nalias: *n\n'),
        # a tag written before the anchor, a comment and a line break between the properties and the scalar
        ("name: !!int &n 012\n", "name: !!int &n 12\n"),
        ("name: &n # the name\n  on\nalias: *n\n", 'name: &n # the name\n  "on"\nalias: *n\n'),
        ("name: [&n off, *n]\n", 'name: [&n "off", *n]\n'),
    ],
)
def test_the_fix_replaces_only_the_scalar_and_keeps_anchor_and_tag(before: str, after: str) -> None:
    head = CUSTOM if "training" in before else _VALID  # classified as it is: the scalar is the only fix
    assert fix_text(head + before) == head + after


def test_a_finding_points_at_the_scalar_not_its_anchor() -> None:
    text = CUSTOM + "training:\n  learning_rate_unet: &lr 1e-4\n"
    ((line, col, _),) = tl010(text)
    assert (line, col) == (9, len("  learning_rate_unet: &lr ") + 1)


def test_an_aliased_value_is_one_finding() -> None:
    text = CUSTOM + "training:\n  learning_rate_unet: &lr 1e-4\n  learning_rate_text_encoder: *lr\n"
    assert len(tl010(text)) == 1


@pytest.mark.parametrize(
    "value",
    [
        "!!str yes",
        "!!str 1e-4",
        "!!float 1e-4",
        "!!str on",
        "!<tag:yaml.org,2002:str> no",
        "&a !!str off",
        "!!int 12",
        "!!float 1.0e-4",
    ],
)
def test_an_explicit_tag_both_versions_read_alike_is_no_ambiguity(value: str) -> None:
    assert tl010(CUSTOM + f"name: {value}\n") == []


def test_an_explicit_tag_the_versions_read_otherwise_is_reported() -> None:
    ((_, _, message),) = tl010(CUSTOM + "name: !!int 012\n")
    assert "the int 12 here" in message and "the int 10" in message


def test_fix_on_disk_keeps_the_anchor(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    path = tmp_path / "config.yaml"
    before = CUSTOM + "training:\n  learning_rate_unet: &lr 1e-4\n  learning_rate_text_encoder: *lr\n"
    path.write_text(before)
    assert main(["fix", str(path)]) == 0
    assert path.read_text() == before.replace("&lr 1e-4", "&lr 1.0e-4")
