"""A config read from standard input: `check - --stdin-filename PATH` and `fix -`, for the editor
integrations that lint unsaved buffers (ALE, nvim-lint, efm, flycheck), as ruff's `-`.

The path given with `--stdin-filename` stands for the file the text belongs to: it decides the
configuration file (the closest one to it, its `exclude`, its per-file settings), the input format
(by its suffix, then the content) and where dataset folders, preset files and trainer files named
in the text are looked up. The file itself is not read, and need not exist. Without the option the
text is named `-` and stands for a file in the working folder.

No `from __future__ import annotations`: see diagnostics.py on records and start-up.
"""

import argparse
import os
import sys
from pathlib import Path
from typing import NamedTuple

from ..errors import UsageError
from ..paths import shown_name
from ..settings import Settings
from ..settings_file import Resolver

STDIN = "-"


class Source(NamedTuple):
    raw: bytes  # at most one byte past the size limit, as a file's read is
    path: Path  # what the text stands for
    display: str  # its name in the report
    settings: Settings | None  # None: the configuration excludes the path


def wanted(args: argparse.Namespace) -> bool:
    """Whether the command line asks for standard input (`-`, or `--stdin-filename` with no path);
    with `-` and other paths, or a path beside `--stdin-filename`, it is a usage error."""
    paths, name = args.paths, args.stdin_filename
    if STDIN in paths:
        if len(paths) > 1:
            raise UsageError("`-` reads one config from standard input: name no other path with it")
        return True
    if name is not None:
        if paths:
            raise UsageError("--stdin-filename names the config read from standard input: pass `-` as the only path")
        return True
    return False


def read(args: argparse.Namespace, resolver: Resolver) -> Source:
    name = args.stdin_filename or STDIN
    path = Path(name)
    settings = resolver.lookup(path, explicit=True)
    limit = (settings or resolver.settings_for(path)).limits.max_file_bytes + 1
    raw = sys.stdin.buffer.read(limit) if sys.stdin is not None else b""
    return Source(raw, path, shown_name(os.path.normpath(name)), settings)
