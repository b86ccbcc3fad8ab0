"""One line per finding (`file:line:col: CODE [severity] message`), no hints: for grep and editors' quickfix."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from ..results import FileResult
from . import text


def render(results: Iterable[FileResult], stream: TextIO) -> None:
    text.render(results, stream, hints=False)
