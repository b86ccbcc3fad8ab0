"""The VS Code extension as it ships: the `.vsix` that `.ci/run` builds in editors/vscode.

The package is opened as the zip VS Code installs; its manifest, bundle and README must agree with
each other and with the formats trainlint reads. The extension's own logic (resolving the command
line, reading a failed start) is unit-tested by `npm test` in editors/vscode.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from typing import Any

import pytest
from helpers import REPO

from trainlint.inputs import SEARCHED_SUFFIXES

EXTENSION = REPO / "editors" / "vscode"
VSIX = EXTENSION / "trainlint.vsix"
# the language VS Code (with the common TOML and dotenv extensions) gives a file of each suffix
LANGUAGE_OF_SUFFIX = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".jsonc": "jsonc",
    ".toml": "toml",
    ".env": "dotenv",
    ".sh": "shellscript",
    ".bash": "shellscript",
}


@pytest.fixture(scope="module")
def vsix() -> zipfile.ZipFile:
    if not VSIX.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{VSIX.relative_to(REPO)} was not built: .ci/run packages it before the tests")
        pytest.skip("build it first: cd editors/vscode && npm ci && npm run package")
    with zipfile.ZipFile(VSIX) as z:
        yield z


@pytest.fixture(scope="module")
def manifest(vsix: zipfile.ZipFile) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(vsix.read("extension/package.json"))
    return data


@pytest.fixture(scope="module")
def bundle(vsix: zipfile.ZipFile, manifest: dict[str, Any]) -> str:
    main = "extension/" + manifest["main"].removeprefix("./")
    return vsix.read(main).decode("utf-8")


def test_the_package_holds_the_bundle_and_its_texts_only(vsix: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    assert manifest["main"] == "./dist/extension.js"
    shipped = {n for n in vsix.namelist() if n.startswith("extension/")}
    assert shipped == {
        "extension/package.json",
        "extension/dist/extension.js",
        "extension/readme.md",
        "extension/changelog.md",
        "extension/LICENSE.txt",
    }
    assert "MIT License" in vsix.read("extension/LICENSE.txt").decode("utf-8")


def test_the_manifest_is_the_committed_one(manifest: dict[str, Any]) -> None:
    committed = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    for key in ("name", "publisher", "version", "engines", "main", "activationEvents", "contributes", "license"):
        assert manifest[key] == committed[key], key


def test_the_bundle_carries_the_language_client_and_leaves_vscode_to_the_editor(bundle: str) -> None:
    # vscode-languageclient is inside the one file (the package has no node_modules) ...
    assert "Pending response rejected since connection got disposed" in bundle
    assert "textDocument/publishDiagnostics" in bundle
    # ... and the editor's API is the editor's, not bundled
    assert re.search(r"""require\(["']vscode["']\)""", bundle)


def test_the_bundle_starts_trainlint_server(bundle: str) -> None:
    # trainlint.path / PATH / a virtualenv: `trainlint server` followed by trainlint.args
    assert re.search(r'\["server",\.\.\.[\w$]+\.args\]', bundle), "the server's arguments are not `server ...args`"
    # trainlint.interpreter: `INTERPRETER -m trainlint server ...args`
    assert re.search(r'\["-m","trainlint",\.\.\.[\w$]+\]', bundle)
    assert '"trainlint"' in bundle  # the executable looked up on PATH


def test_the_bundle_gives_the_server_every_suffix_trainlint_reads(bundle: str) -> None:
    committed = json.loads((EXTENSION / "src" / "suffixes.json").read_text(encoding="utf-8"))
    assert committed == list(SEARCHED_SUFFIXES), "editors/vscode/src/suffixes.json is not inputs.SEARCHED_SUFFIXES"
    assert json.dumps(committed, separators=(",", ":")) in bundle


def test_a_file_of_every_suffix_activates_the_extension(manifest: dict[str, Any]) -> None:
    events = set(manifest["activationEvents"])
    for suffix in SEARCHED_SUFFIXES:
        assert suffix in LANGUAGE_OF_SUFFIX, f"which language does VS Code give {suffix} files?"
        assert f"onLanguage:{LANGUAGE_OF_SUFFIX[suffix]}" in events, suffix
    # without a TOML or dotenv extension those files are plain text
    assert "onLanguage:plaintext" in events


def test_every_contributed_command_is_registered_by_the_bundle(manifest: dict[str, Any], bundle: str) -> None:
    commands = [c["command"] for c in manifest["contributes"]["commands"]]
    assert "trainlint.restart" in commands
    for command in commands:
        assert re.search(rf'registerCommand\("{re.escape(command)}"', bundle), command


def test_every_setting_and_command_is_documented_in_the_readme(vsix: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    readme = vsix.read("extension/readme.md").decode("utf-8")
    settings = manifest["contributes"]["configuration"]["properties"]
    assert {"trainlint.path", "trainlint.interpreter", "trainlint.args", "trainlint.trace.server"} <= set(settings)
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([\w.]+)` \| ([^|]+) \|", readme, re.M)}
    for key, schema in settings.items():
        assert key in rows, f"{key} has no row in the README's settings table"
        default = schema["default"]
        shown = "(empty)" if default == "" else f"`{json.dumps(default) if isinstance(default, list) else default}`"
        assert rows[key].strip() == shown, f"{key}: the README says {rows[key].strip()}, the manifest {default!r}"
    for command in manifest["contributes"]["commands"]:
        assert f"**{command['category']}: {command['title']}** (`{command['command']}`)" in readme


def test_the_bundle_reads_every_contributed_setting(manifest: dict[str, Any], bundle: str) -> None:
    # trace.server is read by the language client itself, from the client's id
    for key in manifest["contributes"]["configuration"]["properties"]:
        section, _, name = key.partition(".")
        assert section == "trainlint"
        if name != "trace.server":
            assert re.search(rf'\.get\("{re.escape(name)}"', bundle), f"the extension never reads {key}"
    assert re.search(r'new [\w$]+\("trainlint","trainlint",', bundle), (
        "the client's id must be `trainlint` for trace.server"
    )


def test_argparse_answers_an_unknown_command_as_the_extension_expects() -> None:
    # the extension calls a trainlint whose `server --help` says `invalid choice: 'server'` too old
    proc = subprocess.run(
        [sys.executable, "-m", "trainlint", "no-such-command", "--help"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert re.search(r"invalid choice: '?no-such-command'?", proc.stderr), proc.stderr


def test_the_built_files_are_not_committed() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "editors/vscode/trainlint.vsix", "editors/vscode/dist/extension.js"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert ignored.stdout.split() == ["editors/vscode/trainlint.vsix", "editors/vscode/dist/extension.js"]


def test_the_lockfile_pins_what_the_manifest_asks(manifest: dict[str, Any]) -> None:
    lock = json.loads((EXTENSION / "package-lock.json").read_text(encoding="utf-8"))
    root = lock["packages"][""]
    committed = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    assert root["dependencies"] == committed["dependencies"]
    assert root["devDependencies"] == committed["devDependencies"]
    types_vscode = lock["packages"]["node_modules/@types/vscode"]["version"]
    # the API the code is compiled against is no newer than the oldest VS Code it claims to run on
    assert manifest["engines"]["vscode"] == f"^{types_vscode}"
