"""Make a release: `python scripts/release.py X.Y.Z`, from a clean checkout of the branch to release.

1. checks the work tree is clean, that `X.Y.Z` is newer than the version in the package (or equal
   to it while it has no tag yet), that CHANGELOG.md has no section for it yet (0.1.0 has one and
   was never tagged: the first release is a later version) and something under `## [Unreleased]`;
2. sets the version (`validator/trainlint/__init__.py`), moves the Unreleased entries under
   `## [X.Y.Z] - DATE` and pins every recipe to the new tag: each `<repository URL>@vA.B.C`,
   `<owner>/<name>@vA.B.C` and the `rev: vA.B.C` of a pre-commit entry naming the repository, in
   every tracked text file but the changelog (the URL is pyproject.toml's `[project.urls]`); the
   notes between `<!-- before-first-release:start -->` and `<!-- before-first-release:end -->`
   (the README's: no tag exists yet) go;
3. builds the wheel and the sdist into `dist/` (`python -m build`), runs `twine check --strict`
   on both, checks the sdist holds the sources and the schema, installs the wheel in a new virtual
   environment and smoke-tests it there: `--version`, `schema`, and `init` then `check` in a new
   repository;
4. commits ("Release X.Y.Z") and makes the annotated tag `vX.Y.Z`. Nothing is pushed.

Any failure before the commit puts the changed files back as they were and exits 1. Building and
the new environment take their packages from the index, as `pip install` does.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION_FILE = ROOT / "validator" / "trainlint" / "__init__.py"
CHANGELOG = ROOT / "CHANGELOG.md"
SEMVER = r"\d+\.\d+\.\d+"
VERSION_LINE = re.compile(rf'^__version__ = "({SEMVER})"$', re.MULTILINE)
UNRELEASED = "## [Unreleased]"


class ReleaseError(Exception):
    """Why the release stopped; the work tree is as it was."""


def git(*args: str, check: bool = True) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def repository_url() -> str:
    """The project's home, declared once: pyproject.toml's `[project.urls]` Repository."""
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return str(tomllib.load(handle)["project"]["urls"]["Repository"]).rstrip("/")


def pin_patterns(url: str) -> list[re.Pattern[str]]:
    """What pins a recipe to a release: group 1 is kept, the version after it replaced."""
    owner_name = url.split("://", 1)[-1].split("/", 1)[1]
    return [
        re.compile(rf"({re.escape(url)}@v){SEMVER}\b"),
        re.compile(rf"((?<![\w/.-]){re.escape(owner_name)}@v){SEMVER}\b"),
        re.compile(rf"(repo: {re.escape(url)}[ \t]*\r?\n[ \t#]*rev: v){SEMVER}\b"),  # also in a comment
    ]


def pinned_files() -> list[Path]:
    """Tracked text files that may hold recipes (the changelog names old versions on purpose)."""
    names = git("ls-files", "-z").split("\0")
    return [
        ROOT / name
        for name in names
        if name and name != "CHANGELOG.md" and not name.endswith(("package-lock.json", ".png", ".jpg", ".webp"))
    ]


BEFORE_FIRST_RELEASE = re.compile(
    r"<!-- before-first-release:start -->\n.*?<!-- before-first-release:end -->\n\n?", re.DOTALL
)


def pin(text: str, url: str, version: str) -> str:
    """The text with every recipe pinned to `version`, and no note that says nothing is released."""
    for pattern in pin_patterns(url):
        text = pattern.sub(lambda m: m.group(1) + version, text)
    return BEFORE_FIRST_RELEASE.sub("", text)


def parse(version: str) -> tuple[int, ...]:
    if not re.fullmatch(SEMVER, version):
        raise ReleaseError(f"{version!r} is not a version X.Y.Z")
    return tuple(int(part) for part in version.split("."))


def changelog_with(text: str, version: str, date: str) -> str:
    start = text.find(UNRELEASED)
    if start < 0:
        raise ReleaseError(f"CHANGELOG.md has no `{UNRELEASED}` heading")
    body_start = start + len(UNRELEASED)
    following = text.find("\n## [", body_start)
    body = text[body_start : following if following >= 0 else len(text)]
    if not body.strip():
        raise ReleaseError(f"nothing to release: CHANGELOG.md has no entries under `{UNRELEASED}`")
    return text[:body_start] + f"\n\n## [{version}] - {date}" + text[body_start:]


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ReleaseError(f"`{' '.join(cmd)}` failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def build(version: str) -> tuple[Path, Path]:
    dist = ROOT / "dist"
    for old in dist.glob(f"trainlint-{version}*"):
        old.unlink()
    run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)])
    wheel, sdist = dist / f"trainlint-{version}-py3-none-any.whl", dist / f"trainlint-{version}.tar.gz"
    for made in (wheel, sdist):
        if not made.is_file():
            raise ReleaseError(f"the build made no {made.name}")
    run([sys.executable, "-m", "twine", "check", "--strict", str(wheel), str(sdist)])
    with tarfile.open(sdist) as archive:
        names = set(archive.getnames())
    for needed in ("pyproject.toml", "validator/trainlint/__init__.py", "schema/v1/config.schema.json"):
        if f"trainlint-{version}/{needed}" not in names:
            raise ReleaseError(f"the sdist lacks {needed}")
    return wheel, sdist


SMOKE_CONFIG_IMAGES = 12


def smoke_test(wheel: Path, version: str) -> None:
    """The wheel in a new virtual environment, away from the sources: it runs and checks a new config."""
    with tempfile.TemporaryDirectory(prefix="trainlint-release-") as temp:
        venv, repo = Path(temp) / "venv", Path(temp) / "repo"
        run([sys.executable, "-m", "venv", str(venv)])
        python = venv / "bin" / "python"
        run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)])
        trainlint = str(venv / "bin" / "trainlint")
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        said = run([trainlint, "--version"], env=env).strip()
        if said != f"trainlint {version}":
            raise ReleaseError(f"the installed wheel says {said!r}, not trainlint {version}")
        if '"$id"' not in run([trainlint, "schema"], env=env):
            raise ReleaseError("`trainlint schema` printed no schema")
        (repo / ".git").mkdir(parents=True)
        (repo / "data").mkdir()
        for i in range(SMOKE_CONFIG_IMAGES):
            (repo / "data" / f"{i:02}.png").write_bytes(b"")
            (repo / "data" / f"{i:02}.txt").write_text("a caption", encoding="utf-8")
        run([trainlint, "init"], cwd=repo, env=env)
        run([trainlint, "check", "."], cwd=repo, env=env)


def release(version: str) -> str:
    if git("status", "--porcelain").strip():
        raise ReleaseError("the work tree has changes: commit or stash them first")
    tag = f"v{version}"
    if git("rev-parse", "-q", "--verify", f"refs/tags/{tag}", check=False).strip():
        raise ReleaseError(f"tag {tag} exists already")
    old_text = VERSION_FILE.read_text(encoding="utf-8")
    found = VERSION_LINE.search(old_text)
    if found is None:
        raise ReleaseError(f'no `__version__ = "X.Y.Z"` line in {VERSION_FILE.relative_to(ROOT)}')
    current = found.group(1)
    untagged = not git("rev-parse", "-q", "--verify", f"refs/tags/v{current}", check=False).strip()
    changelog = CHANGELOG.read_text(encoding="utf-8")
    if f"\n## [{version}]" in changelog:
        raise ReleaseError(f"CHANGELOG.md has a section for {version} already: release a later version")
    if parse(version) < parse(current) or (parse(version) == parse(current) and not untagged):
        raise ReleaseError(f"{version} is not newer than {current}")
    changelog = changelog_with(changelog, version, datetime.date.today().isoformat())
    url = repository_url()
    new_texts = {
        VERSION_FILE: VERSION_LINE.sub(f'__version__ = "{version}"', old_text, count=1),
        CHANGELOG: changelog,
    }
    for path in pinned_files():
        if path in new_texts or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        pinned = pin(text, url, version)
        if pinned != text:
            new_texts[path] = pinned
    olds = {path: path.read_bytes() for path in new_texts}
    try:
        for path, text in new_texts.items():
            path.write_bytes(text.encode("utf-8"))
        wheel, sdist = build(version)
        smoke_test(wheel, version)
        git("add", "--", *(str(path.relative_to(ROOT)) for path in new_texts))
        git("commit", "-q", "-m", f"Release {version}")
    except BaseException:
        for path, raw in olds.items():
            path.write_bytes(raw)
        raise
    git("tag", "-a", tag, "-m", f"trainlint {version}")
    pinned_names = sorted(str(p.relative_to(ROOT)) for p in new_texts if p not in (VERSION_FILE, CHANGELOG))
    return (
        f"released {version}: tag {tag} ({git('rev-parse', '--short', 'HEAD').strip()})\n"
        f"built and checked {wheel.relative_to(ROOT)} and {sdist.relative_to(ROOT)}\n"
        f"recipes pinned to {tag} in: {', '.join(pinned_names) or 'no file'}\n"
        f"publish with: git push origin HEAD {tag}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="release.py", description=__doc__.splitlines()[0])
    parser.add_argument("version", metavar="X.Y.Z", help="the version to release")
    args = parser.parse_args(argv)
    try:
        sys.stdout.write(release(args.version))
    except ReleaseError as exc:
        print(f"release.py: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
