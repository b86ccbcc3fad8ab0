"""Fixtures; the helpers themselves live in helpers.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import check_snippet


@pytest.fixture
def snippet(tmp_path: Path):
    def run(text: str, files: dict[str, str] | None = None, **limits: int):
        return check_snippet(tmp_path, text, files, **limits)

    return run


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A folder that is a repository's root (it has `.git`)."""
    (tmp_path / ".git").mkdir()
    return tmp_path
