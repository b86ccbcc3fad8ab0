"""A workspace and one real server per test module: a repository holding the shipped examples and the
trainers' fixtures, each test adding a folder of its own (the closest configuration file wins per folder)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import REPO
from lsp_session import Session


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workspace")
    (root / ".git").mkdir()
    shutil.copytree(REPO / "examples" / "lora-configs", root / "examples")
    for trainer in ("kohya_ss", "sd-scripts", "ai-toolkit"):
        shutil.copytree(REPO / "tests" / "fixtures" / trainer, root / trainer)
    return root


@pytest.fixture(scope="module")
def server(root: Path) -> Iterator[Session]:
    session = Session(root, {"debounceMs": 20})
    yield session
    assert session.close() == 0
    assert b"Traceback" not in session.stderr, session.stderr.decode()
