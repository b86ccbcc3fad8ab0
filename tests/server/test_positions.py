"""Offsets and LSP positions (server/positions.py) in the three encodings a client may agree on."""

from __future__ import annotations

import pytest

from trainlint.server.positions import UTF8, UTF16, UTF32, Lines, Position

TEXT = "a: 1\r\nb: \U0001f98a x\rc: \u00e9\u2028d\n"  # CR LF, a lone CR, an emoji, an accent, a LINE SEPARATOR


@pytest.mark.parametrize(
    ("encoding", "after_emoji", "after_accent"),
    [(UTF16, 5, 4), (UTF8, 7, 5), (UTF32, 4, 4)],
)
def test_positions_count_the_agreed_units(encoding: str, after_emoji: int, after_accent: int) -> None:
    lines = Lines(TEXT, encoding)
    emoji_end = TEXT.index("\U0001f98a") + 1
    assert lines.position(emoji_end) == Position(1, after_emoji)
    assert lines.offset(Position(1, after_emoji)) == emoji_end
    accent_end = TEXT.index("\u00e9") + 1
    assert lines.position(accent_end) == Position(2, after_accent)
    assert lines.offset(Position(2, after_accent)) == accent_end


def test_only_cr_lf_cr_and_lf_end_lines() -> None:
    lines = Lines(TEXT)
    assert lines.starts == [0, 6, TEXT.index("c"), len(TEXT)]
    assert lines.position(TEXT.index("d")) == Position(2, 5)  # the LINE SEPARATOR is a character of line 2
    assert lines.offset(Position(3, 0)) == len(TEXT)  # the empty last line after the final LF


def test_positions_past_the_end_and_inside_a_surrogate_pair_are_clamped() -> None:
    lines = Lines(TEXT)
    assert lines.offset(Position(0, 99)) == TEXT.index("\r")  # the end of the line, not its break
    assert lines.offset(Position(99, 0)) == len(TEXT)
    inside = Position(1, 4)  # between the two UTF-16 units of the emoji
    assert lines.offset(inside) == TEXT.index("\U0001f98a")
    assert lines.position(-5) == Position(0, 0) and lines.position(10_000) == lines.position(len(TEXT))


def test_a_kept_bom_shifts_the_readers_offsets_by_one() -> None:
    text = "\ufeffa: 1\nb: 2\n"
    lines = Lines(text)
    assert lines.shift == 1
    assert lines.from_trainlint(0) == Position(0, 1)  # the reader's text starts after the BOM
    assert lines.trainlint_offset(1, 1) == 1 and lines.trainlint_offset(2, 1) == text.index("b")
