"""Shared helpers: check a snippet on real files and get (code, line, col) back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from trainlint.api import check_file
from trainlint.document import Document, Limits
from trainlint.inputs.base import Adapted, Hints, InputFormat
from trainlint.inputs.workspace import FolderWorkspace
from trainlint.settings import Settings

REPO = Path(__file__).resolve().parent.parent
# the verbatim trainer configs beside the project (never copied into it); tests that read them skip without
REAL_CONFIGS = Path(os.environ.get("TRAINLINT_REAL_CONFIGS", REPO.parent / "shared" / "real-configs"))


def real_config_kinds() -> dict[str, str]:
    """The real configs' SOURCES.md: each file (relative to the corpus) -> its `kind` column."""
    kinds: dict[str, str] = {}
    for line in (REAL_CONFIGS / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 4 and cells[1].startswith("`") and cells[1].endswith("`") and not cells[1].endswith("/`"):
            kinds[cells[1].strip("`")] = cells[3]
    return kinds


def adapt_with(
    fmt: InputFormat, path: Path, base: Path | None = None, clean: bool = False, readers: dict[str, Any] | None = None
) -> tuple[Document, Adapted]:
    """A fixture through a format's three steps (detect, read, adapt with no hints), the workspace
    rooted at the repository and based at `base` (the file's folder); `clean`: no reading finding."""
    raw = path.read_bytes()
    assert fmt.detect(raw, path.suffix.lower()), path
    doc = fmt.read(raw, str(path), Limits())
    if clean:
        assert not doc.findings, doc.findings
    workspace = FolderWorkspace(base or path.parent, REPO, Limits(), readers if readers is not None else {})
    adapted = fmt.adapt(doc, workspace, Hints())
    assert adapted is not None, path
    return doc, adapted


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8", "surrogateescape"))


def check_snippet(
    tmp_path: Path, text: str, files: dict[str, str] | None = None, name: str = "config.yaml", **limits: int
):
    """Write the config (and any files beside it) to disk and run the real pipeline on it."""
    write_tree(tmp_path, files or {})
    (tmp_path / ".git").mkdir(exist_ok=True)  # the repository boundary for preset and dataset paths
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    settings = Settings(limits=Limits(**limits)) if limits else Settings()
    return check_file(path, name, settings).diagnostics


def codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


def run_cli(
    *args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "trainlint", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


# the command line's environment in tests: no colour, and not the GitHub format a CI runner would pick
CLI_ENV = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"} | {"NO_COLOR": "1"}

# a clean trainlint config: the preset's values, its tag, a declared image count
GOOD_CONFIG = """\
schema_version: 1
name: ok
base_model: sdxl
training_type: style
preset: sdxl/style
classification: sdxl/style
dataset:
  images: 24
"""


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`trainlint ARGS` in `cwd`, with CLI_ENV."""
    return run_cli(*args, cwd=cwd, env=CLI_ENV)


def git_env(home: Path) -> dict[str, str]:
    """The environment of a git (and pre-commit) run in a test: no user or system configuration, a fixed
    author, pre-commit's cache at `home`, no colour."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    return {**env, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}


GIT_IDENTITY = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "A",
    "GIT_AUTHOR_EMAIL": "a@example.org",
    "GIT_COMMITTER_NAME": "A",
    "GIT_COMMITTER_EMAIL": "a@example.org",
}


def clean_git_env(**extra: str) -> dict[str, str]:
    """The environment for git in a temporary repository: no user or system configuration, a fixed identity."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return {**env, **GIT_IDENTITY, **extra}


def clone_checkout(dest: Path, tag: str | None = None) -> Path:
    """This checkout as a new git repository at `dest`: every file git tracks or would track (so work not
    yet committed is in it), committed once, and tagged `tag` (annotated) when given. Tags are made in the
    copy only, never in this repository."""
    import shutil

    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8", "surrogateescape")
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a file deleted but not yet committed is gone
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    env = clean_git_env()
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", *command], cwd=dest, env=env, check=True, capture_output=True)
    if tag is not None:
        subprocess.run(["git", "tag", "-a", tag, "-m", tag], cwd=dest, env=env, check=True, capture_output=True)
    return dest


def next_version(version: str) -> str:
    """The next minor version: what the tests release a temporary clone as."""
    major, minor, _ = version.split(".")
    return f"{major}.{int(minor) + 1}.0"


def run_release(repo: Path, version: str, index: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`scripts/release.py VERSION` in `repo` (a temporary clone: never this repository)."""
    import sys

    return subprocess.run(
        [sys.executable, "scripts/release.py", version],
        cwd=repo,
        env=clean_git_env(**index),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
