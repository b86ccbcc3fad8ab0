"""Positions as the Language Server Protocol counts them, and the offsets trainlint's records hold.

An LSP position is a line and a character in code units of the encoding the client and the
server agreed on (UTF-16 unless the client offers another): a character beyond the Basic
Multilingual Plane (an emoji) counts two UTF-16 units, one code point in Python. Lines end
where the protocol says and where trainlint says (`text.LINE_BREAK`: CR LF, CR, LF), not at
NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR, where `str.splitlines` breaks too: a document
holding one of those keeps every later position where the editor shows it.

trainlint's spans and edits count code points in the text the reader decoded, which is the
editor's text without a leading BOM, should the editor keep one as a character (`shift`).
"""

from __future__ import annotations

import bisect
from typing import NamedTuple

from ..text import line_starts

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


class Position(NamedTuple):
    line: int
    character: int


def units(text: str, encoding: str) -> int:
    """How many code units of `encoding` the text takes."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for ch in text if ch > "\uffff")


class Lines:
    """An editor's text with its line starts, converting offsets to positions and back."""

    __slots__ = ("text", "encoding", "starts", "shift")

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text, self.encoding = text, encoding
        self.starts = line_starts(text)
        self.shift = 1 if text.startswith("\ufeff") else 0  # the reader drops a BOM: its offsets start after it

    def _end(self, line: int) -> int:
        """Where the line's content ends (before its break)."""
        if line + 1 < len(self.starts):
            end = self.starts[line + 1]
            if self.text[end - 1] == "\n":
                end -= 2 if end >= 2 and self.text[end - 2] == "\r" else 1
            else:
                end -= 1  # a lone CR
            return end
        return len(self.text)

    def position(self, offset: int) -> Position:
        """The position of an offset into the editor's text (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        return Position(line, units(self.text[start:offset], self.encoding))

    def offset(self, position: Position) -> int:
        """The offset of a position; a line past the end is the end of the text, a character past the end
        of its line is the line's end, and one inside a character (half of a surrogate pair) its start."""
        line, character = position
        if line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[line], self._end(max(line, 0))
        body = self.text[start:end]
        if self.encoding == UTF32 or body.isascii():
            return start + min(max(character, 0), len(body))
        counted = 0
        for index, ch in enumerate(body):
            step = units(ch, self.encoding)
            if counted + step > character:
                return start + index
            counted += step
        return end

    def from_trainlint(self, offset: int) -> Position:
        """The position of an offset into the decoded text (a span's or an edit's)."""
        return self.position(offset + self.shift)

    def trainlint_offset(self, line: int, col: int) -> int:
        """The editor offset of a 1-based line and column of a trainlint diagnostic (code points)."""
        line = max(1, min(line, len(self.starts)))
        start = self.starts[line - 1] if line > 1 else self.shift
        return min(start + max(col, 1) - 1, self._end(line - 1))
