"""The default, ruff-style report: `file:line:col: CODE [severity] message`, then a hint."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TextIO

from ..diagnostics import Severity
from ..results import FileResult
from ..text import printable

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _use_colour(stream: TextIO) -> bool:
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
    colour = _use_colour(stream)

    def paint(code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if colour else text

    seen = []  # written as they arrive, counted at the end
    for result in results:
        seen.append(result)
        for d in result.diagnostics:
            # what comes from the input is escaped: it must not start a line or send escape codes
            where = paint("1", f"{printable(d.file)}:{d.line}:{d.col}:")
            head = f"{where} {paint('1;' + _COLOURS[d.severity], d.code)} [{d.severity}] {printable(d.message)}"
            stream.write(head + "\n")
            if d.hint and hints:
                stream.write(
                    f"  hint: {printable(d.hint)}" + (" (fixable with `trainlint fix`)" if d.fixable else "") + "\n"
                )
    if not quiet:
        stream.write(summary(seen, fixed) + "\n")


def plural(n: int, word: str) -> str:
    """`1 file`, `2 files`, `1,000 files`."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def summary(results: list[FileResult], fixed: int | None = None) -> str:
    """The closing line: `14 problems (5 errors, 9 warnings) in 3 of 7 files checked; 2 fixable with
    `trainlint fix``, `no problems in 4 files checked`, `no files checked`. With `fixed` (after
    `check --fix`), ruff's count of what was fixed and what remains: `(3 fixed, 2 remaining)`."""
    checked = [r for r in results if not r.skipped]
    diags = [d for r in checked for d in r.diagnostics]
    tail = "" if fixed is None else f" ({fixed:,} fixed, {len(diags):,} remaining)"
    if not checked:
        return "no files checked" + tail
    if not diags:
        return f"no problems in {plural(len(checked), 'file')} checked" + tail
    counts = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        n = sum(1 for d in diags if d.severity == severity)
        if n:
            counts.append(f"{n:,} {severity}" + ("" if n == 1 or severity == Severity.INFO else "s"))
    with_problems = sum(1 for r in checked if r.diagnostics)
    where = (
        f"{plural(len(checked), 'file')} checked"
        if with_problems == len(checked)
        else f"{with_problems:,} of {plural(len(checked), 'file')} checked"
    )
    text = f"{plural(len(diags), 'problem')} ({', '.join(counts)}) in {where}{tail}"
    fixable = sum(1 for d in diags if d.fixable)
    if fixable:
        text += f"; {fixable:,} fixable with `trainlint fix`"
    return text
