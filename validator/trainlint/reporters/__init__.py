"""Reporters render results; the table below is also the list of `--format` choices."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TextIO

from ..results import FileResult

# a renderer reads the results once, in order; line-based formats write as they arrive
Renderer = Callable[[Iterable[FileResult], TextIO], None]

# format name -> module in this package that defines `render`
FORMATS: dict[str, str] = {
    "text": "text",
    "concise": "concise",
    "json": "json_",
    "sarif": "sarif",
    "github": "github",
    "junit": "junit",
}


def renderer(name: str) -> Renderer:
    render: Renderer = importlib.import_module(f".{FORMATS[name]}", __name__).render
    return render
