"""What checking one file gave: the record reporters, the fixer and the API hand around.

No `from __future__ import annotations`: see diagnostics.py on records and start-up.
"""

from collections.abc import Callable

from .diagnostics import Diagnostic, Severity
from .document import Document

# a result's findings and their source lines, decoded on first use (a result kept by the results cache)
Pending = Callable[[], tuple[list[Diagnostic], dict[tuple[int, int], tuple[int, str]]]]
# how many findings a result holds: errors, warnings, info, fixable
Tally = tuple[int, int, int, int]


class FileResult:
    """What checking one file gave; sent back from worker processes, so it stays small (see api.check_target).

    A result the cache kept decodes its findings only when something asks for them (`pending`): the
    text report of an unchanged file needs only the lines it showed last time (`shown`) and its `tally`."""

    __slots__ = ("file", "_diagnostics", "document", "skipped", "fail_on", "_sources", "shown", "_tally", "_pending")

    def __init__(
        self,
        file: str,
        diagnostics: list[Diagnostic] | None = None,
        document: Document | None = None,
        skipped: bool = False,
        fail_on: Severity = Severity.WARNING,
    ) -> None:
        self.file = file
        self._diagnostics = [] if diagnostics is None else diagnostics
        self.document = document
        self.skipped = skipped  # not a trainlint config (found while searching a folder)
        self.fail_on = fail_on  # the failing severity of the settings the file was checked with
        # (line, column) of a diagnostic -> (column of the first character kept, the text of its source line
        # from there): kept when the document is dropped, so the text report can show the line (`keep_sources`)
        self._sources: dict[tuple[int, int], tuple[int, str]] = {}
        # the text report's lines for this file (hints on, no colour), made where it was checked, or None
        self.shown: str | None = None
        self._tally: Tally | None = None
        self._pending: Pending | None = None

    @classmethod
    def kept(
        cls, file: str, skipped: bool, fail_on: Severity, tally: Tally, shown: str | None, pending: Pending
    ) -> "FileResult":
        """A result whose findings are decoded by `pending` when first asked for."""
        result = cls(file, None, None, skipped, fail_on)
        result._tally, result.shown, result._pending = tally, shown, pending
        return result

    def _decode(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self._diagnostics, self._sources = pending()

    @property
    def diagnostics(self) -> list[Diagnostic]:
        if self._pending is not None:
            self._decode()
        return self._diagnostics

    @diagnostics.setter
    def diagnostics(self, value: list[Diagnostic]) -> None:  # what was made of the old ones goes with them
        self._decode()
        self._diagnostics, self._tally, self.shown = value, None, None

    @property
    def sources(self) -> dict[tuple[int, int], tuple[int, str]]:
        if self._pending is not None:
            self._decode()
        return self._sources

    def tally(self) -> Tally:
        """Errors, warnings, info and fixable findings, counted without decoding a kept result's findings."""
        if self._tally is None or self._pending is None:
            found = self.diagnostics
            by = [0, 0, 0, 0]  # index: severity (INFO 1, WARNING 2, ERROR 3); 0 holds the fixable ones
            for d in found:
                by[d.severity] += 1
                by[0] += d.fixable
            return (by[3], by[2], by[1], by[0])
        return self._tally

    def failing(self) -> bool:
        """Whether a finding reaches the failing severity it was checked with."""
        errors, warnings, infos, _ = self.tally()
        return sum((errors, warnings, infos)[: 4 - self.fail_on]) > 0  # ERROR is 3: errors alone

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as a call with the fields set (what a worker sends for each file): cheaper both ways
        than a slot-by-slot state, and a file that is no config sends its name and little else."""
        args = (self.file, self.diagnostics, self.document, self.skipped, self.fail_on)
        if self._sources or self.shown is not None:
            return (FileResult, args, (self._sources, self.shown))
        return (FileResult, args)

    def __setstate__(self, state: tuple[dict[tuple[int, int], tuple[int, str]], str | None]) -> None:
        self._sources, self.shown = state

    def __repr__(self) -> str:
        return f"FileResult({self.file!r}, {self.diagnostics!r}, skipped={self.skipped})"
