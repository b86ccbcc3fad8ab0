"""A config cannot hide what reading it found: `# trainlint: disable...` comments do not suppress the
reading findings (TL001-TL009) and the safety limits of the file (TL090-TL093), as ruff's `noqa` cannot
hide a syntax error; TL020 says so where a suppression names one."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_suppressions import body, check

from trainlint.document import Limits
from trainlint.rules.reading import _VALID
from trainlint.suppressions import unsuppressible

PYTHON_TAG = "name: !!python/object/apply:os.system [echo]\n"
NOT_SUPPRESSED = [
    ("TL001", "# trainlint: disable-file=TL001\n" + _VALID + "preset: [sdxl/style\n"),
    ("TL002", "# trainlint: disable-file=TL002\n" + _VALID + "preset: sdxl/subject\n"),
    ("TL003", "# trainlint: disable-file=TL003\n" + _VALID + PYTHON_TAG),
    ("TL003", _VALID + PYTHON_TAG.rstrip("\n") + "  # trainlint: disable=TL003\n"),
    ("TL003", _VALID + "# trainlint: disable=TL00\n" + PYTHON_TAG),
    ("TL003", "# trainlint: disable-file=TL0\n" + _VALID + PYTHON_TAG),
    ("TL004", "# trainlint: disable-file=TL004\n" + _VALID + "1: one\n"),
    ("TL005", "# trainlint: disable-file=TL005\n" + _VALID + "---\nname: hidden\n"),
    ("TL008", "# trainlint: disable-file=TL008\n" + _VALID + "training:\n  learning_rate_unet: .nan\n"),
    ("TL092", "# trainlint: disable-file=TL092\n" + _VALID + "loop: &loop [a, *loop]\n"),
    ("TL093", "# trainlint: disable-file=TL093\n" + _VALID + "deep: " + "[" * 70 + "]" * 70 + "\n"),
]


@pytest.mark.parametrize(("code", "text"), NOT_SUPPRESSED, ids=[f"{c}-{i}" for i, (c, _) in enumerate(NOT_SUPPRESSED)])
def test_reading_and_limit_findings_are_never_suppressed_inline(tmp_path: Path, code: str, text: str) -> None:
    diagnostics = check(tmp_path, text)
    assert code in [d.code for d in diagnostics], diagnostics
    said = [d.message for d in diagnostics if d.code == "TL020"]
    assert any("cannot be suppressed inline" in message and code[:4] in message for message in said), said


def test_file_size_limit_is_never_suppressed_inline(tmp_path: Path) -> None:
    text = "# trainlint: disable-file=TL091\n" + _VALID + "name: " + "x" * 300 + "\n"
    assert [d.code for d in check(tmp_path, text, limits=Limits(max_file_bytes=200))] == ["TL091"]


def test_a_prefix_still_suppresses_the_codes_it_may(tmp_path: Path) -> None:
    """`TL0` covers TL010 too: that one it suppresses, and it is not unused."""
    text = body() + "# trainlint: disable-file=TL0\n"
    assert [d.code for d in check(tmp_path, text)] == ["TL401"]


def test_tl020_names_the_code_even_when_no_such_finding_is_there(tmp_path: Path) -> None:
    diagnostics = check(tmp_path, body(a="  # trainlint: disable=TL401,TL003"))
    ((line, message, fixable),) = [(d.line, d.message, d.fixable) for d in diagnostics if d.code == "TL020"]
    assert line == 10
    assert message == (
        "TL003 cannot be suppressed inline: findings about reading the file (TL001-TL009) and its "
        "safety limits (TL090-TL093) always show"
    )
    assert fixable  # the fix drops the code the comment cannot use


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("TL001", True),
        ("TL003", True),
        ("TL008", True),
        ("TL00", True),
        ("TL090", True),
        ("TL091", True),
        ("TL093", True),
        ("TL094", False),
        ("TL09", False),
        ("TL0", False),
        ("TL010", False),
        ("TL020", False),
        ("TL101", False),
        ("TL", False),
        ("X001", False),
    ],
)
def test_which_codes_cannot_be_suppressed(code: str, expected: bool) -> None:
    assert unsuppressible(code) is expected
