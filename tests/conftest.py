"""Fixtures; the helpers themselves live in helpers.py."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import NamedTuple

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


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment that has pip and uv install from one folder of wheels alone: trainlint's
    dependencies, its `server` extra's and its build backend's, fetched once per session from the index.
    The tests that install trainlint as a user would (tests/test_recipes.py, tests/test_release.py) then
    resolve every dependency from it, once built, instead of asking the index again each time."""
    import sys
    import tomllib

    from helpers import REPO

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [
        *pyproject["build-system"]["requires"],
        *pyproject["project"]["dependencies"],
        *pyproject["project"]["optional-dependencies"]["server"],
    ]
    folder = tmp_path_factory.mktemp("wheelhouse")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(folder), *wanted],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(folder), "UV_NO_INDEX": "1", "UV_FIND_LINKS": str(folder)}


class Released(NamedTuple):
    repo: Path
    version: str
    run: subprocess.CompletedProcess[str]


@pytest.fixture(scope="session")
def released(tmp_path_factory: pytest.TempPathFactory, wheelhouse: dict[str, str]) -> Released:
    """This checkout as a temporary repository, released by `scripts/release.py` as the next minor
    version: the version set, the recipes re-pinned, a checked wheel and sdist, the annotated tag.
    tests/test_release.py checks what the script did; tests/test_recipes.py runs the recipes as they
    read at that tag, against it. Never this repository: no tag or release commit is made here."""
    import re

    from helpers import clean_git_env, clone_checkout, next_version, run_release

    from trainlint import __version__

    repo = clone_checkout(tmp_path_factory.mktemp("release") / "trainlint")
    changelog = repo / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    if re.search(r"## \[Unreleased\]\s*\n## \[", text):  # just after a release: something to release
        changelog.write_text(text.replace("## [Unreleased]\n", "## [Unreleased]\n\n### Changed\n\n- A change.\n", 1))
        subprocess.run(["git", "commit", "-q", "-am", "A change"], cwd=repo, env=clean_git_env(), check=True)
    version = next_version(__version__)
    return Released(repo, version, run_release(repo, version, wheelhouse))
