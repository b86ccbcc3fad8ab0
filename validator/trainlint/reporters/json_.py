"""A stable JSON shape for machines: one object per diagnostic, sorted by file and position.

Shape (version 1): {"version": 1, "files": N, "diagnostics": [{code, name, severity,
message, hint, file, line, column, end_line, end_column, fixable}]}.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from ..results import FileResult


def render(results: Iterable[FileResult], stream: TextIO) -> None:
    results = list(results)
    diagnostics = [
        {
            "code": d.code, "name": d.name, "severity": str(d.severity), "message": d.message, "hint": d.hint,
            "file": d.file, "line": d.line, "column": d.col, "end_line": d.end_line, "end_column": d.end_col,
            "fixable": d.fixable,
        }
        for r in results for d in r.diagnostics
    ]
    files = sum(1 for r in results if not r.skipped)
    json.dump({"version": 1, "files": files, "diagnostics": diagnostics}, stream, indent=2)
    stream.write("\n")
