"""`trainlint server`: the language server, on standard input and output (docs/server.md)."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from . import EXIT_ERROR


def install_line() -> str:
    """The pip line that installs this version with the `server` extra: the repository its metadata
    names (pyproject.toml's `[project.urls]`), at this version's tag, as the README's recipes do."""
    from importlib.metadata import PackageNotFoundError, metadata

    from .. import __version__

    try:
        urls = metadata("trainlint").get_all("Project-URL") or []
    except PackageNotFoundError:  # sources on sys.path, never installed
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip() == "Repository" and url.strip():
            return f'pip install "trainlint[server] @ git+{url.strip()}@v{__version__}"'
    return "install trainlint with its `server` extra (trainlint[server])"


def run(args: argparse.Namespace, out: TextIO) -> int:
    try:
        import lsprotocol.types  # noqa: F401 - the extra's two libraries, asked for before anything starts
        import pygls.lsp.server  # noqa: F401
    except ImportError as exc:
        print(
            "trainlint: error: the language server needs pygls and lsprotocol"
            f" ({exc.name} is missing): {install_line()}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    from ..server.app import serve

    return serve()
