"""scripts/release.py on a temporary clone of this checkout: a checked wheel and sdist, the version set,
the changelog entry, the recipes pinned to the new tag, and the annotated tag; refusals leave all as it was.
The build and the wheel's new environment take their packages from the session's wheelhouse (conftest.py)."""

from __future__ import annotations

import datetime
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from helpers import clean_git_env, next_version, run_release

from trainlint import __version__


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, env=clean_git_env(), capture_output=True, text=True, check=True
    ).stdout


NEW = next_version(__version__)


@pytest.fixture(scope="module")
def released_run(released) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The session's released clone (conftest.py) and the release script's run."""
    assert released.version == NEW
    return released.repo, released.run


def test_the_release_is_committed_and_tagged(released_run):
    repo, run = released_run
    assert run.returncode == 0, run.stdout + run.stderr
    assert _git(repo, "cat-file", "-t", f"v{NEW}").strip() == "tag"  # annotated, not a lightweight tag
    assert _git(repo, "rev-parse", f"v{NEW}^{{commit}}") == _git(repo, "rev-parse", "HEAD")
    assert _git(repo, "log", "-1", "--format=%s").strip() == f"Release {NEW}"
    assert _git(repo, "status", "--porcelain") == ""
    assert f'__version__ = "{NEW}"' in (repo / "validator/trainlint/__init__.py").read_text()
    assert run.stdout.endswith(f"publish with: git push origin HEAD v{NEW}\n")


def test_the_changelog_entry_moves_under_the_new_version(released_run):
    repo, _ = released_run
    text = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    today = datetime.date.today().isoformat()
    assert f"## [Unreleased]\n\n## [{NEW}] - {today}\n\n### " in text
    assert text.count("## [Unreleased]") == 1 and f"## [{__version__}]" in text


def test_every_recipe_is_pinned_to_the_new_tag(released_run):
    repo, run = released_run
    for name in (
        "README.md",
        "docs/ci.md",
        "docs/server.md",
        "examples/lora-configs/.github/workflows/ci.yml",
        "hooks/pre-commit",
        "editors/vscode/README.md",
        "editors/vscode/src/launch.ts",
    ):
        text = (repo / name).read_text(encoding="utf-8")
        assert f"@v{NEW}" in text, name
        assert not re.search(rf"trainlint@v(?!{re.escape(NEW)}\b)", text), name
        assert name in run.stdout
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert f"rev: v{NEW}\n" in readme
    assert "before-first-release" not in readme and "No release is tagged yet" not in readme


def test_the_wheel_and_sdist_are_built_for_the_new_version(released_run):
    repo, run = released_run
    wheel, sdist = repo / f"dist/trainlint-{NEW}-py3-none-any.whl", repo / f"dist/trainlint-{NEW}.tar.gz"
    assert wheel.is_file() and sdist.is_file(), run.stdout + run.stderr
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(archive.read(n).decode() for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
    assert f"\nVersion: {NEW}\n" in metadata
    assert "\nProject-URL: Repository, https://github.com/trainlint/trainlint\n" in metadata
    assert f"built and checked dist/trainlint-{NEW}-py3-none-any.whl and dist/trainlint-{NEW}.tar.gz" in run.stdout


@pytest.mark.parametrize(
    "version, change, said",
    [
        (NEW, None, f"tag v{NEW} exists already"),
        ("0.0.1", None, "is not newer than"),
        (__version__, None, f"CHANGELOG.md has a section for {__version__} already"),  # released, or 0.1.0
        ("1.2", None, "'1.2' is not a version X.Y.Z"),
        (next_version(NEW), None, "nothing to release: CHANGELOG.md has no entries under `## [Unreleased]`"),
        (next_version(NEW), "README.md", "the work tree has changes"),
    ],
    ids=["tag-exists", "older", "in-the-changelog", "not-a-version", "empty-changelog", "dirty"],
)
def test_refusals_change_nothing(released_run, wheelhouse, version, change, said):
    repo, _ = released_run
    if change is not None:
        (repo / change).write_text((repo / change).read_text() + "\nedited\n")
    head, tags = _git(repo, "rev-parse", "HEAD"), _git(repo, "tag")
    try:
        run = run_release(repo, version, wheelhouse)
        assert run.returncode == 1 and said in run.stderr, run.stderr
        assert _git(repo, "rev-parse", "HEAD") == head and _git(repo, "tag") == tags
        assert _git(repo, "status", "--porcelain") == ("" if change is None else f" M {change}\n")
    finally:
        if change is not None:
            _git(repo, "checkout", "--", change)
