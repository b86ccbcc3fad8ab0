"""What checking one file gave: the record reporters, the fixer and the API hand around.

No `from __future__ import annotations`: see diagnostics.py on records and start-up.
"""

from .diagnostics import Diagnostic, Severity
from .document import Document


class FileResult:
    """What checking one file gave; sent back from worker processes, so it stays small (see api.check_target)."""

    __slots__ = ("file", "diagnostics", "document", "skipped", "fail_on", "sources")

    def __init__(
        self,
        file: str,
        diagnostics: list[Diagnostic] | None = None,
        document: Document | None = None,
        skipped: bool = False,
        fail_on: Severity = Severity.WARNING,
    ) -> None:
        self.file = file
        self.diagnostics = [] if diagnostics is None else diagnostics
        self.document = document
        self.skipped = skipped  # not a trainlint config (found while searching a folder)
        self.fail_on = fail_on  # the failing severity of the settings the file was checked with
        # (line, column) of a diagnostic -> (column of the first character kept, the text of its source line
        # from there): kept when the document is dropped, so the text report can show the line (`keep_sources`)
        self.sources: dict[tuple[int, int], tuple[int, str]] = {}

    def __repr__(self) -> str:
        return f"FileResult({self.file!r}, {self.diagnostics!r}, skipped={self.skipped})"
