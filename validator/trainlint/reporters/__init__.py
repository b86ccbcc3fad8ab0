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


def report_root() -> str:
    """The folder CI systems take paths from: the git work tree of the working folder (GitHub's
    `$GITHUB_WORKSPACE`, where a checkout lies, when the working folder is inside it), else the
    project root, the closest folder above holding a configuration file, else the working folder."""
    import os

    from ..settings_file import NAMES

    cwd = os.path.realpath(os.getcwd())
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace and _below(cwd, os.path.realpath(workspace)):
        return os.path.realpath(workspace)
    folders = [cwd, *_parents(cwd)]
    for folder in folders:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
    for folder in folders:
        if any(_configures(os.path.join(folder, name)) for name in NAMES):
            return folder
    return cwd


def _configures(path: str) -> bool:
    """Whether a file is a configuration file (a pyproject.toml only with its `[tool.trainlint]` table)."""
    import os
    from pathlib import Path

    from ..errors import UsageError
    from ..settings_file import read_table

    if not os.path.isfile(path):
        return False
    try:
        return read_table(Path(path)) is not None
    except UsageError:  # unreadable or not TOML: still where the project's configuration is meant to be
        return True


def root_relative(file: str, root: str) -> str | None:
    """A report's file name as a path relative to `root` with forward slashes, or None when the file
    lies outside it (or the name is no path: standard input without `--stdin-filename`)."""
    import os

    if file == "-":
        return None
    path = os.path.abspath(file)  # as named: a symlink inside the repository keeps its own path
    if not _below(path, root):
        return None
    return os.path.relpath(path, root).replace(os.sep, "/")


def _below(path: str, root: str) -> bool:
    import os

    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _parents(folder: str) -> list[str]:
    import os

    out: list[str] = []
    while True:
        parent = os.path.dirname(folder)
        if parent == folder:
            return out
        out.append(parent)
        folder = parent


def renderer(name: str) -> Renderer:
    render: Renderer = importlib.import_module(f".{FORMATS[name]}", __name__).render
    return render
