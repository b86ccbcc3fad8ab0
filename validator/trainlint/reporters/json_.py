"""A stable JSON shape for machines: one object per diagnostic, sorted by file and position.

Shape (version 1): {"version": 1, "files": N, "diagnostics": [{code, name, severity,
message, hint, file, line, column, end_line, end_column, fixable}]}. JSON escapes every character
outside ASCII; `##[`, which GitHub's runner reads as a workflow command anywhere in a line, is
written `##\\u005b` (`text.guarded`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from ..results import FileResult
from ..text import guarded


def json_escape(char: str) -> str:
    """A character as a JSON string escape (`guarded` only rewrites characters inside strings)."""
    return f"\\u{ord(char):04x}"


def render(results: Iterable[FileResult], stream: TextIO) -> None:
    """The whole report as one JSON document."""
    results = list(results)
    diagnostics = [
        {
            "code": d.code,
            "name": d.name,
            "severity": str(d.severity),
            "message": d.message,
            "hint": d.hint,
            "file": d.file,
            "line": d.line,
            "column": d.col,
            "end_line": d.end_line,
            "end_column": d.end_col,
            "fixable": d.fixable,
        }
        for r in results
        for d in r.diagnostics
    ]
    files = sum(1 for r in results if not r.skipped)
    stream.write(guarded(json.dumps({"version": 1, "files": files, "diagnostics": diagnostics}, indent=2), json_escape))
    stream.write("\n")
