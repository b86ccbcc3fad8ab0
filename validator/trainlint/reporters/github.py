"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request's diff.

`::error file=F,line=L,col=C,endLine=…,endColumn=…,title=CODE name::message`; info findings are
`::notice`. Chosen automatically when `GITHUB_ACTIONS=true` and no `--format` is given. The file
is named relative to the repository root (`$GITHUB_WORKSPACE`, or the git work tree: see
`reporters.report_root`), as GitHub places annotations, whatever the working folder. Values
are first made printable as in every human-facing output (`text.printable`: control characters,
line breaks, bidi controls, `##[` and a line-opening `::` escaped), then escaped as the runner
expects (`%`, CR and LF everywhere; `:` and `,` in properties too), so a message can never end an
annotation early, inject another command, or reach the log as a raw escape sequence. A file whose
name needs escaping gets its annotation under the escaped name (GitHub shows it without a place).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from ..diagnostics import Severity
from ..results import FileResult
from ..text import printable
from .text import summary

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    """A message: the runner turns `%0D` and `%0A` back into the line breaks of a multi-line annotation."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A property's value (file, title): `:` and `,` would end it."""
    return _data(printable(text)).replace(":", "%3A").replace(",", "%2C")


def render(results: Iterable[FileResult], stream: TextIO) -> None:
    """One workflow command per finding, as results arrive, then the summary line."""
    from . import report_root, root_relative

    root = report_root()
    seen = []  # written as they arrive, counted at the end
    for result in results:
        seen.append(result)
        for d in result.diagnostics:
            props = {
                "file": root_relative(d.file, root) or d.file,
                "line": d.line,
                "col": d.col,
                "endLine": d.end_line,
                "endColumn": d.end_col,
                "title": f"{d.code} {d.name}",
            }
            message = printable(d.message) + (f"\nhint: {printable(d.hint)}" if d.hint else "")
            stream.write(
                f"::{_COMMANDS[d.severity]} "
                + ",".join(f"{k}={_property(str(v))}" for k, v in props.items())
                + f"::{_data(message)}\n"
            )
    stream.write(summary(seen) + "\n")
