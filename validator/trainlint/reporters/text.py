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


def render(results: Iterable[FileResult], stream: TextIO, hints: bool = True) -> None:
    """Each finding on its line, its hint below it (unless `hints` is off: the concise format), then the summary."""
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
    stream.write(summary(seen) + "\n")


def summary(results: list[FileResult]) -> str:
    checked = [r for r in results if not r.skipped]
    diags = [d for r in checked for d in r.diagnostics]
    files = f"{len(checked)} file" + ("" if len(checked) == 1 else "s")
    if not diags:
        return f"no problems in {files}"
    counts = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        n = sum(1 for d in diags if d.severity == severity)
        if n:
            counts.append(f"{n} {severity}" + ("" if n == 1 or severity == Severity.INFO else "s"))
    text = f"{len(diags)} problem{'' if len(diags) == 1 else 's'} ({', '.join(counts)}) in {files}"
    fixable = sum(1 for d in diags if d.fixable)
    if fixable:
        text += f"; {fixable} fixable with `trainlint fix`"
    return text
