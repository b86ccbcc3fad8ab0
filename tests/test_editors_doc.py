"""docs/editors.md: the snippets people paste into their editors parse, start `trainlint server`,
and name the suffixes trainlint reads."""

from __future__ import annotations

import json
import re
import tomllib

from helpers import REPO

from trainlint.editor_schema import SCHEMA_FILE
from trainlint.init import PATTERNS
from trainlint.inputs import SEARCHED_SUFFIXES

DOC = (REPO / "docs" / "editors.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", DOC, re.M | re.S)


def test_every_json_and_toml_snippet_parses() -> None:
    assert len(blocks("json")) >= 3 and len(blocks("toml")) >= 1
    for text in blocks("json"):
        json.loads(text)
    for text in blocks("toml"):
        tomllib.loads(text)


def test_helix_starts_trainlint_server_for_the_languages_it_lists() -> None:
    (helix,) = (tomllib.loads(t) for t in blocks("toml") if "language-server" in t)
    assert helix["language-server"]["trainlint"] == {"command": "trainlint", "args": ["server"]}
    languages = {entry["name"]: entry["language-servers"] for entry in helix["language"]}
    assert set(languages) == {"yaml", "json", "toml", "bash"}
    for name, servers in languages.items():
        # the language's own server stays, trainlint comes beside it
        assert servers[-1] == "trainlint" and len(servers) == 2, name


def test_neovim_starts_trainlint_server() -> None:
    (lua,) = (t for t in blocks("lua") if "vim.lsp.config" in t)
    assert 'cmd = { "trainlint", "server" }' in lua
    assert 'vim.lsp.enable("trainlint")' in lua
    filetypes = re.search(r"filetypes = \{([^}]*)\}", lua)
    assert filetypes is not None
    assert set(re.findall(r'"([\w]+)"', filetypes.group(1))) == {"yaml", "json", "jsonc", "toml", "sh", "bash"}


def test_the_page_lists_the_suffixes_trainlint_reads() -> None:
    listed = re.search(r"whose suffix trainlint reads \(([^)]*)\)", DOC)
    assert listed is not None
    assert sorted(re.findall(r"`(\.\w+)`", listed.group(1))) == sorted(SEARCHED_SUFFIXES)


def test_vscode_settings_bind_the_repositorys_schema_copy_as_init_does_and_fix_all() -> None:
    settings = next(json.loads(t) for t in blocks("json") if "yaml.schemas" in t)
    catalog = json.loads((REPO / "schema" / "catalog.json").read_text(encoding="utf-8"))["schemas"][0]
    assert settings["yaml.schemas"] == {"./" + SCHEMA_FILE: catalog["fileMatch"]} == {"./" + SCHEMA_FILE: PATTERNS}
    assert settings["[yaml]"]["editor.codeActionsOnSave"] == {"source.fixAll.trainlint": "explicit"}
