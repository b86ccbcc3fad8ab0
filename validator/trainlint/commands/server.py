"""`trainlint server`: the language server, on standard input and output (docs/server.md)."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from . import EXIT_ERROR

INSTALL = "pip install 'trainlint[server]'"


def run(args: argparse.Namespace, out: TextIO) -> int:
    try:
        import lsprotocol.types  # noqa: F401 - the extra's two libraries, asked for before anything starts
        import pygls.lsp.server  # noqa: F401
    except ImportError as exc:
        print(
            f"trainlint: error: the language server needs pygls and lsprotocol ({exc.name} is missing): {INSTALL}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    from ..server.app import serve

    return serve()
