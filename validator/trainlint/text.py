"""Text primitives every layer shares: byte-order marks, line breaks, offsets to line and column,
and the escaping of text from a file before a person reads it.

One notion of a line break for the whole program: CR LF, CR and LF end a line (YAML 1.2, JSON,
TOML and every editor). NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029)
do not, although Python's `str.splitlines` and YAML 1.1 (libyaml) break there too.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Callable, Iterable
from typing import overload

from . import codes
from .diagnostics import Finding, Span
from .document import Document, Limits

LINE_BREAK = re.compile(r"\r\n|\r|\n")
# breaks that libyaml and str.splitlines honour but YAML 1.2 and editors do not
FOREIGN_BREAKS = ("\x85", "\u2028", "\u2029")

# byte-order marks, longest first (UTF-32-LE starts with UTF-16-LE's)
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
WIDE_BOMS = tuple((bom, encoding) for bom, encoding in BOMS if encoding != "utf-8")
BOM_OF = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": b"\xff\xfe\x00\x00",
    "utf-32-be": b"\x00\x00\xfe\xff",
}


def lines(text: str) -> list[tuple[int, str, int]]:
    """(start offset, line without its break, end offset including the break) of every line."""
    out, start = [], 0
    for match in LINE_BREAK.finditer(text):
        out.append((start, text[start : match.start()], match.end()))
        start = match.end()
    if start < len(text) or not out:
        out.append((start, text[start:], len(text)))
    return out


def line_starts(text: str) -> list[int]:
    """The offset of every line's first character; CRLF, lone CR and LF each end a line."""
    if "\r" not in text:
        starts, at = [0], text.find("\n")
        while at >= 0:
            starts.append(at + 1)
            at = text.find("\n", at + 1)
        return starts
    return [0, *(m.end() for m in LINE_BREAK.finditer(text))]


def position(starts: list[int], offset: int) -> tuple[int, int]:
    """0-based (line, column) of an offset, given `line_starts` of the text."""
    line = bisect.bisect_right(starts, offset) - 1
    return line, offset - starts[line]


def offset_span(text: str, start: int, end: int | None = None, starts: list[int] | None = None) -> Span:
    """The span of text[start:end] (one character when `end` is None, none at the end of the text);
    `starts` are the text's line starts when the caller has them already."""
    if end is None:
        end = min(start + 1, len(text))
    starts = line_starts(text) if starts is None else starts
    line, col = position(starts, start)
    end_line, end_col = position(starts, end)
    return Span(line, col, end_line, end_col, start, end)


# what a report keeps of a source line around a diagnostic's column: a long line (minified JSON, a
# megabyte on one line) is cut to this many characters before and after it
SOURCE_CONTEXT = 200


def source_line(text: str, line: int, col: int, starts: list[int] | None = None) -> tuple[int, str] | None:
    """The 0-based `line` of `text` without its break, for showing under a diagnostic at `col` (0-based):
    (the column its first kept character stands at, the kept text), at most SOURCE_CONTEXT characters on
    either side of the column; None past the text's last line. `starts`: the text's `line_starts`."""
    starts = line_starts(text) if starts is None else starts
    if not 0 <= line < len(starts):
        return None
    start = starts[line]
    end = starts[line + 1] if line + 1 < len(starts) else len(text)
    while end > start and text[end - 1] in "\r\n":
        end -= 1
    first = max(start, start + col - SOURCE_CONTEXT)
    last = min(end, start + max(col, 0) + SOURCE_CONTEXT)
    return first - start, text[first:last]


def source_lines(text: str, places: Iterable[tuple[int, int]]) -> dict[tuple[int, int], tuple[int, str]]:
    """`source_line` for each (1-based line, 1-based column) of `places` that the text has, keyed by it."""
    out: dict[tuple[int, int], tuple[int, str]] = {}
    if "\r" in text:  # CR and CR LF end lines too: the general way
        starts = line_starts(text)
        for line, col in places:
            kept = source_line(text, line - 1, col - 1, starts)
            if kept is not None:
                out[line, col] = kept
        return out
    rows = text.split("\n")  # LF only: one split in C, the same lines as `line_starts`
    for line, col in places:
        if 0 < line <= len(rows):
            row, col0 = rows[line - 1], col - 1
            first = max(0, col0 - SOURCE_CONTEXT)
            out[line, col] = first, row[first : max(col0, 0) + SOURCE_CONTEXT]
    return out


def too_large(raw: bytes, limits: Limits) -> Finding | None:
    """TL091, placed at the file's start, when the file is larger than the limit: it is then not decoded at all."""
    if len(raw) <= limits.max_file_bytes:
        return None
    return Finding(
        codes.FILE_TOO_LARGE,
        f"file is larger than {limits.max_file_bytes:,} bytes; a training config is a few hundred",
        span=Span(0, 0, 0, 0),
        hint="raise `max-file-bytes` in the trainlint configuration if this really is a config",
    )


def first_line_break(text: str) -> str:
    match = LINE_BREAK.search(text)
    return match.group() if match else "\n"


# control characters (C0 but tab, DEL, C1: NEL among them), line and paragraph separators, bidirectional
# controls (marks, embeddings, overrides, isolates) and lone surrogates (undecodable bytes of a file name)
_UNPRINTABLE_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNPRINTABLE = re.compile(f"[\n{_UNPRINTABLE_CHARS}]")
# GitHub's runner takes a line for a workflow command when it starts with `::` after blanks, and
# also when `##[` stands anywhere in it (the older form, still honoured: `##[add-mask]`, `##[error]`)
_COMMAND_OPENINGS = re.compile(r"\A(?P<blank>\s*):(?=:)|##\[")


def _escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def _opening(match: re.Match[str]) -> str:
    blank = match.group("blank")
    return "##\\x5b" if blank is None else blank + "\\x3a"


@overload
def printable(text: str) -> str: ...


@overload
def printable(text: None) -> None: ...


def printable(text: str | None) -> str | None:
    """Escape what a key, a value or a file name from a pull request could use against a reader
    of plain-text output: a line break starts a forged line in a CI log (`::error::` is a GitHub
    workflow command), escape sequences colour or hide text in a terminal, bidi controls reorder
    what a reviewer sees. Control characters, NEL, LS, PS, bidi controls and lone surrogates
    become Python escapes (`\\n`, `\\x1b`, `\\u202e`); a `::` that would open the line and any
    `##[` lose their first colon or bracket to `\\x3a` or `\\x5b`. The one function for every
    human-facing output; structured formats (JSON, SARIF, JUnit) escape the same characters in
    their own syntax with `guarded`, the GitHub format its properties and message on top of this."""
    if not text:
        return text
    if not plain(text):
        text = _UNPRINTABLE.sub(_escaped, text)
    if "##[" in text or text.lstrip()[:2] == "::":
        text = _COMMAND_OPENINGS.sub(_opening, text)
    return text


def plain(text: str) -> bool:
    """Whether `text` is shown as it is, character by character: no control, bidi or line-break
    character that `printable` would escape (the `::` and `##[` guards concern whole lines)."""
    return _printable_ascii(text) or _UNPRINTABLE.search(text) is None


def _printable_ascii(text: str) -> bool:
    """Printable ASCII only (space to tilde): nothing `_UNPRINTABLE` matches, told in C without the
    regular expression's character-class walk, which nearly every message and source line would take."""
    return text.isascii() and text.isprintable()


def printable_lines(text: str) -> str:
    """`printable` line by line, for text that is meant to span lines, such as a diff of a file: LF
    and CR LF stay, a bare CR is shown `\\r` before a LF (a terminal returns to the start of the
    line there, and the next line would be written over this one)."""
    return "".join(
        f"{printable(line)}{_BREAK_SHOWN[text[start + len(line) : end]]}" for start, line, end in lines(text)
    )


_BREAK_SHOWN = {"\n": "\n", "\r\n": "\r\n", "\r": "\\r\n", "": ""}


# `printable`'s characters but the line feed (a report's own layout; its data holds none raw),
# `##[`, and `::` opening a line
_UNSAFE_IN_REPORT = re.compile(f"(?P<char>[{_UNPRINTABLE_CHARS}])|##(?P<bracket>\\[)|(?m:^(?P<blank>[ \t]*):(?=:))")


def guarded(serialized: str, escape: Callable[[str], str]) -> str:
    """A structured report (JSON, SARIF, JUnit XML) as it is printed: what `printable` escapes,
    but the report's own line feeds, written as the format's escape of the character (`escape`,
    such as `\\u001b` in JSON or `&#x1b;` in XML), so a parser reads the same data and neither a
    terminal nor a CI log sees the character or a workflow command."""

    def one(match: re.Match[str]) -> str:
        if match.group("char") is not None:
            return escape(match.group("char"))
        if match.group("bracket") is not None:
            return "##" + escape("[")
        return match.group("blank") + escape(":")

    return _UNSAFE_IN_REPORT.sub(one, serialized)


def decode(raw: bytes, doc: Document) -> str | None:
    """Decode bytes as YAML allows (UTF-8, or UTF-16/32 with a BOM); report otherwise."""
    encoding, bom_len = "utf-8", 0
    for bom, name in BOMS:
        if raw.startswith(bom):
            encoding, bom_len, doc.bom = name, len(bom), True
            break
    doc.encoding = encoding
    try:
        text = raw[bom_len:].decode(encoding)
    except UnicodeDecodeError as exc:
        where = bom_len + exc.start
        before = exc.object[: exc.start].decode(encoding)  # the valid part: columns count characters
        doc.findings.append(
            Finding(
                codes.ENCODING,
                f"not valid {encoding.upper()} text (byte 0x{raw[where]:02x} at offset {where}); "
                "is this a binary file?",
                span=offset_span(before, len(before)),
            )
        )
        return None
    if "\x00" in text:
        doc.findings.append(
            Finding(
                codes.ENCODING,
                "the file holds NUL bytes: is this a binary file?",
                span=offset_span(text, text.index("\x00")),
            )
        )
        return None
    first_break = LINE_BREAK.search(text)
    doc.newline = first_break.group() if first_break else "\n"
    return text


def decoded_text(raw: bytes, doc: Document, limits: Limits) -> str | None:
    """Every reader's first step: the file's text, set on `doc` (with its encoding, BOM and line
    ending), or None with the reason as a finding on `doc` (too large: not decoded at all; not text)."""
    finding = too_large(raw, limits)
    if finding is not None:
        doc.findings.append(finding)
        return None
    text = decode(raw, doc)
    if text is not None:
        doc.text = text
    return text


def did_you_mean(word: str, choices: Iterable[str], quote: str = "`", cutoff: float = 0.6) -> str:
    """`; did you mean `x`?` for the closest of `choices` to a mistyped word (difflib's ratio, as
    ruff and argparse's suggest_on_error choose), or "" when none is close. Only a mistake pays
    for difflib's import."""
    import difflib

    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    if not close and word.lower() != word:
        close = difflib.get_close_matches(word.lower(), options, n=1, cutoff=cutoff)
    return f"; did you mean {quote}{close[0]}{quote}?" if close else ""
