"""The default, ruff-style report: `file:line:col: CODE [severity] message`, then a hint."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TextIO

from ..diagnostics import Diagnostic, Severity, plural
from ..results import FileResult
from ..text import plain, printable, source_lines

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def colour(stream: TextIO) -> bool:
    """Whether the report written to `stream` is coloured: NO_COLOR and FORCE_COLOR, else a terminal's."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def render(
    results: Iterable[FileResult],
    stream: TextIO,
    hints: bool = True,
    quiet: bool = False,
    fixed: int | None = None,
) -> None:
    """Each finding on its line, its hint below it (unless `hints` is off: the concise format), then the
    summary (not with `quiet`; `fixed`: how many findings `check --fix` fixed first, said in it)."""
    coloured = colour(stream)

    def paint(code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if coloured else text

    seen = []  # written as they arrive, counted at the end
    for result in results:
        seen.append(result)
        if hints and not coloured and result.shown is not None:  # made where it was checked (`lines`)
            stream.write(result.shown)
        elif result.diagnostics:
            stream.write(lines(result, hints, paint))
    if not quiet:
        stream.write(summary(seen, fixed) + "\n")


def _plain(code: str, text: str) -> str:
    return text


def lines(result: FileResult, hints: bool = True, paint: Callable[[str, str], str] = _plain) -> str:
    """A result's part of the report: each finding's line, its source line with carets and its hint
    (with `hints`), painted by `paint` (colour codes, or none). Made in the worker that checked the file
    (`FileResult.shown`) and kept in the results cache, so a run over unchanged files only writes it."""
    out = []
    sources = _sources(result) if hints else {}
    for d in result.diagnostics:
        # what comes from the input is escaped: it must not start a line or send escape codes
        where = paint("1", f"{printable(d.file)}:{d.line}:{d.col}:")
        out.append(f"{where} {paint('1;' + _COLOURS[d.severity], d.code)} [{d.severity}] {printable(d.message)}\n")
        if hints:
            out.append(_excerpt(sources.get((d.line, d.col)), d, paint))
            if d.hint:
                out.append(
                    f"  hint: {printable(d.hint)}" + (" (fixable with `trainlint fix`)" if d.fixable else "") + "\n"
                )
    return "".join(out)


# the most columns of a source line shown, and of carets; a longer line is cut around the value with `…`
SHOWN_COLUMNS = 100
MAX_CARETS = 60
TAB_WIDTH = 4


def _sources(result: FileResult) -> dict[tuple[int, int], tuple[int, str]]:
    """The source lines under the result's diagnostics: kept by the check, or read from its document."""
    text = result.document.text if result.document is not None else ""
    if not text:
        return result.sources
    missing = [(d.line, d.col) for d in result.diagnostics if (d.line, d.col) not in result.sources]
    return {**result.sources, **source_lines(text, missing)} if missing else result.sources


def _excerpt(kept: tuple[int, str] | None, d: Diagnostic, paint: Callable[[str, str], str]) -> str:
    """The source line under a finding, with carets under the offending value (ruff, cfn-lint), or "" when
    the finding is about the whole file (placed at 1:1 with no width) or its line is not known. What comes
    from the file is escaped as everywhere else (`printable`), tabs are expanded, a long line is cut
    around the value; the carets stand under the value as shown."""
    if d.line == 1 and d.col == 1 and (d.end_line, d.end_col) == (1, 1):
        return ""
    if kept is None:
        return ""
    first, text = kept
    col = max(d.col - 1 - first, 0)
    if col > len(text):
        return ""
    end = d.end_col - 1 - first if d.end_line == d.line else len(text.rstrip(" \t"))
    end = min(max(end, col + 1), col + MAX_CARETS)
    number = str(d.line)
    if _whole(text, first, col):
        line, carets = printable(text), " " * col + "^" * max(min(end, len(text)) - col, 1)
    else:
        line, carets = _cut(text, first, col, end)
    gutter = " " * len(number)
    return f"  {number} | {line}\n  {gutter} | {paint('1;' + _COLOURS[d.severity], carets)}\n"


def _whole(text: str, first: int, col: int) -> bool:
    """Nearly every line: printable ASCII (no tab to expand, nothing to escape) and short, so shown
    whole, as it is; `_cut` shows any line the same way, at more cost."""
    return (
        first == 0
        and len(text) <= SHOWN_COLUMNS
        and col <= SHOWN_COLUMNS // 2
        and text.isascii()
        and text.isprintable()
    )


def _cut(text: str, first: int, col: int, end: int) -> tuple[str, str]:
    """The line as shown (tabs expanded, escaped, a long one cut around the value) and its carets."""
    before, value, after = text[:col], text[col:end], text[end:]
    clipped = first > 0
    if _width(before) > SHOWN_COLUMNS // 2:  # keep the value in view: cut the start of the line
        before, clipped = before[-(SHOWN_COLUMNS // 3) :], True
    room = max(SHOWN_COLUMNS - _width(before) - _width(value), 0)
    more = len(after) > room
    if more:
        after = after[:room]
    lead = "…" if clipped else ""
    shown_before = lead + _shown(before, len(lead))
    shown_value = _shown(value, _width(shown_before))
    shown_after = _shown(after, _width(shown_before) + _width(shown_value)) + ("…" if more else "")
    line = printable(shown_before + shown_value + shown_after)  # a `##[` made by joining the pieces, too
    carets = " " * _width(shown_before) + "^" * max(_width(shown_value), 1)
    return line, carets


def _shown(text: str, at: int) -> str:
    """`text` as the report shows it from display column `at`: tabs expanded, the rest escaped (`printable`)."""
    if "\t" not in text and plain(text):  # nearly every line: nothing to expand or escape
        return text
    out = []
    for char in text:
        if char == "\t":
            spaces = TAB_WIDTH - at % TAB_WIDTH
            out.append(" " * spaces)
            at += spaces
        else:
            shown = printable(char) if char != "\n" else "\\n"
            out.append(shown)
            at += _width(shown)
    return "".join(out)


def _width(text: str) -> int:
    """Display columns: East Asian wide and full-width characters take two, combining marks none."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def summary(results: list[FileResult], fixed: int | None = None) -> str:
    """The closing line: `14 problems (5 errors, 9 warnings) in 3 of 7 files checked; 2 fixable with
    `trainlint fix``, `no problems in 4 files checked`, `no files checked`. With `fixed` (after
    `check --fix`), ruff's count of what was fixed and what remains: `(3 fixed, 2 remaining)`."""
    checked = [r for r in results if not r.skipped]
    tallies = [r.tally() for r in checked]
    errors, warnings, infos, fixable = (
        (sum(column) for column in zip(*tallies, strict=True)) if tallies else (0, 0, 0, 0)
    )
    found = errors + warnings + infos
    tail = "" if fixed is None else f" ({fixed:,} fixed, {found:,} remaining)"
    if not checked:
        return "no files checked" + tail
    if not found:
        return f"no problems in {plural(len(checked), 'file')} checked" + tail
    counts = []
    for severity, n in ((Severity.ERROR, errors), (Severity.WARNING, warnings), (Severity.INFO, infos)):
        if n:
            counts.append(f"{n:,} {severity}" + ("" if n == 1 or severity == Severity.INFO else "s"))
    with_problems = sum(1 for tally in tallies if any(tally[:3]))
    where = (
        f"{plural(len(checked), 'file')} checked"
        if with_problems == len(checked)
        else f"{with_problems:,} of {plural(len(checked), 'file')} checked"
    )
    text = f"{plural(found, 'problem')} ({', '.join(counts)}) in {where}{tail}"
    if fixable:
        text += f"; {fixable:,} fixable with `trainlint fix`"
    return text
