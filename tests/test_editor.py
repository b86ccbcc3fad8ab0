"""The editor experience, proven with the real yaml-language-server over LSP stdio.

One server for the module, configured as an editor would be: the schema store off
(no network), and `yaml.schemas` binding the SchemaStore entry's file patterns
(`*.trainlint.yaml`) to our schema file. Documents bound by a modeline and documents
bound by those settings get the same completion, hover and diagnostics.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest
from editor.lsp import LanguageServer, node, yaml_settings
from helpers import REPO, run_cli

from trainlint import schema_layer
from trainlint.catalog import catalog
from trainlint.init import render, write
from trainlint.inputs.yaml_reader import load_file

pytestmark = pytest.mark.skipif(
    node() is None, reason="Node.js is not installed: the editor tests start yaml-language-server"
)

SCHEMA = REPO / "schema" / "v1" / "config.schema.json"
CATALOG_ENTRY = json.loads((REPO / "schema" / "catalog.json").read_text(encoding="utf-8"))["schemas"][0]
TRAINING_KEYS = {"steps", "steps_per_image", "learning_rate_unet", "learning_rate_text_encoder", "text_encoder_ratio"}

HEAD = "schema_version: 1\nbase_model: sdxl\ntraining_type: style\npreset: sdxl/style\ndataset:\n  images: 12\n"
INVALID = HEAD + 'training:\n  learning_rate_unte: 1.0e-4\n  steps: "5600"\n  text_encoder_ratio: 1.5\n'


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("workspace")


@pytest.fixture(scope="module")
def server(workspace):
    ls = LanguageServer(workspace, yaml_settings({SCHEMA.as_uri(): CATALOG_ENTRY["fileMatch"]}))
    yield ls
    ls.shutdown()


_NUMBERS = itertools.count(1)  # a document URI is never reused: the server keeps what it opened


class Bound:
    """Makes documents bound to the schema one way or the other, each at a new URI."""

    def __init__(self, workspace: Path, how: str) -> None:
        self.workspace, self.how = workspace, how

    def uri_and_text(self, body: str) -> tuple[str, str, int]:
        """(uri, text, line offset of `body` in the text)."""
        n = next(_NUMBERS)
        if self.how == "modeline":
            # relative, resolved from the file's folder, as `trainlint init --schema PATH` writes it
            rel = Path(os.path.relpath(SCHEMA, self.workspace)).as_posix()
            return (self.workspace / f"doc-{n}.yaml").as_uri(), f"# yaml-language-server: $schema={rel}\n{body}", 1
        return (self.workspace / f"doc-{n}.trainlint.yaml").as_uri(), body, 0

    def open(self, server: LanguageServer, body: str) -> tuple[str, int]:
        uri, text, offset = self.uri_and_text(body)
        server.open(uri, text)
        return uri, offset


@pytest.fixture(params=["modeline", "settings"])
def bound(request, workspace) -> Bound:
    return Bound(workspace, request.param)


def labels(items: list[dict]) -> set[str]:
    return {item["label"] for item in items}


def test_top_level_completion_offers_the_schema_keys(server, bound):
    uri, at = bound.open(server, "schema_version: 1\n\n")
    offered = labels(server.completion(uri, at + 1, 0))
    assert set(json.loads(SCHEMA.read_text())["properties"]) - {"schema_version"} <= offered
    assert not TRAINING_KEYS & offered


def test_completion_inside_training_offers_the_training_keys(server, bound):
    uri, at = bound.open(server, HEAD + "training:\n  \n")
    offered = labels(server.completion(uri, at + 7, 2))
    assert TRAINING_KEYS <= offered
    assert "base_model" not in offered


def test_completion_after_preset_offers_the_catalog_names(server, bound):
    uri, at = bound.open(server, "schema_version: 1\npreset: \n")
    items = server.completion(uri, at + 1, len("preset: "))
    assert set(catalog().refs()) <= labels(items)
    sdxl_style = next(i for i in items if i["label"] == "sdxl/style")
    assert "350 per image" in json.dumps(sdxl_style.get("documentation")), "enum descriptions reach the editor"


def test_completion_after_base_model_offers_the_catalog_models(server, bound):
    uri, at = bound.open(server, "schema_version: 1\nbase_model: \n")
    assert set(catalog().base_models) <= labels(server.completion(uri, at + 1, len("base_model: ")))


def test_snippet_for_a_new_config_fills_every_required_key(server, bound):
    uri, at = bound.open(server, "\n")
    snippet = next(i for i in server.completion(uri, at, 0) if i["label"] == "New trainlint config")
    text = snippet.get("insertText") or snippet["textEdit"]["newText"]
    for key in json.loads(SCHEMA.read_text())["required"]:
        assert f"{key}:" in text


def test_hover_on_text_encoder_ratio_shows_the_advice_and_the_defaults(server, bound):
    uri, at = bound.open(server, HEAD + "training:\n  text_encoder_ratio: 0.2\n")
    shown = server.hover(uri, at + 7, 5)
    assert "Styles are lower" in shown and "Subjects are higher" in shown
    assert "| `sd-1.5/style`, `sdxl/style` | 0.15 |" in shown, "the generated per-preset defaults"
    assert "| `flux.1/*` | 0 |" in shown  # FLUX.1's presets leave the text encoder out


def test_diagnostics_for_unknown_key_wrong_type_and_out_of_range(server, workspace, bound):
    uri, text, at = bound.uri_and_text(INVALID)
    found = {(d["range"]["start"]["line"] - at, d["message"]) for d in server.diagnostics(uri, text)}
    assert found == {
        (7, "Property learning_rate_unte is not allowed."),
        (8, 'Incorrect type. Expected "integer".'),
        (9, "Value is above the maximum of 1."),
    }


def _examples() -> list[Path]:
    base = REPO / "examples" / "lora-configs"
    return sorted([*base.glob("configs/*.yaml"), *base.glob("broken/*.yaml")])


CORPUS = REPO / "tests" / "corpus"
AGREEMENT = [*_examples(), *sorted(CORPUS.glob("invalid/*.yaml")), *sorted(CORPUS.glob("valid/*.yaml"))]


def _schema_layer_flags(path: Path) -> bool:
    doc = load_file(path, str(path))
    assert doc.ok and not [f for f in doc.findings if f.code != "TL010"], (
        "the corpus leaves the loader nothing to refuse"
    )
    return bool(schema_layer.check(doc))


@pytest.fixture(scope="module")
def lsp_verdicts(server) -> dict[Path, list[dict]]:
    """What the language server says about each file of the examples and the corpus, opened by its real path."""
    paths = [*AGREEMENT, *sorted(CORPUS.glob("edge/*.yaml"))]
    found = server.diagnostics_of({p.as_uri(): p.read_text(encoding="utf-8") for p in paths})
    return {p: found[p.as_uri()] for p in paths}


def test_the_valid_examples_get_no_diagnostics(lsp_verdicts):
    valid = [p for p in _examples() if p.parent.name == "configs"]
    assert valid and {p.name: lsp_verdicts[p] for p in valid} == {p.name: [] for p in valid}


@pytest.mark.parametrize("path", AGREEMENT, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_language_server_and_schema_layer_agree(lsp_verdicts, path):
    flagged_by_editor = bool(lsp_verdicts[path])
    assert flagged_by_editor == _schema_layer_flags(path), lsp_verdicts[path]
    if path.parent.name == "invalid":
        assert flagged_by_editor, "every file of the invalid corpus is invalid"
    if path.parent.name in ("valid", "configs"):
        assert not flagged_by_editor


def expectations(path: Path) -> dict[str, str]:
    """The `# expect: language-server=… check-jsonschema=… trainlint=…` line of an edge-case file."""
    line = next(t for t in path.read_text(encoding="utf-8").splitlines() if t.startswith("# expect: "))
    return dict(part.split("=", 1) for part in line.removeprefix("# expect: ").split())


EDGE = sorted(CORPUS.glob("edge/*.yaml"))


@pytest.mark.parametrize("path", EDGE, ids=lambda p: p.name)
def test_edge_cases_where_the_loader_decides(lsp_verdicts, path):
    """Values the loader refuses or reads differently; the README's "Editor support" explains each."""
    expect = expectations(path)
    assert ("invalid" if lsp_verdicts[path] else "valid") == expect["language-server"], lsp_verdicts[path]
    doc = load_file(path, str(path))
    codes = sorted({f.code for f in doc.findings} | {f.code for f in schema_layer.check(doc)})
    assert ",".join(codes) == expect["trainlint"]


@pytest.mark.parametrize("preset", ["sdxl/style", "flux.1/character"])
def test_a_config_from_init_is_bound_and_clean_in_the_editor(server, workspace, preset):
    """`trainlint init --schema PATH` writes a modeline the server resolves from the file's own folder."""
    target = (
        workspace / "init" / preset.replace("/", "-") / "new.yaml"
    )  # not a *.trainlint.yaml name: the modeline binds it
    config = render(target, preset, schema_ref=str(SCHEMA))
    write(config)
    text = target.read_text(encoding="utf-8")
    assert server.diagnostics(target.as_uri(), text) == []
    broken = text.replace("# training:", "training:").replace("#   text_encoder_ratio", "  text_encoder_ratio: 7 #")
    assert {d["message"] for d in server.diagnostics(target.as_uri() + "?broken", broken)} == {
        "Value is above the maximum of 1."
    }


# --- configs made by `trainlint init`, bound the ways it binds them --------------------------------


def _repository(root: Path) -> Path:
    (root / ".git").mkdir(parents=True)
    return root


def _new_config_is_understood(ls: LanguageServer, path: Path, broken: Path | None = None) -> None:
    """The server loads the schema for the new config (no diagnostic at all: no schema-load error) and
    completes the keys not yet set and the preset names (so the schema is bound, not merely absent); a
    copy at `broken`, bound the same way, with a value out of range is flagged."""
    text = path.read_text(encoding="utf-8")
    assert ls.diagnostics(path.as_uri(), text, keep_open=True) == []
    lines = text.splitlines()
    unset = set(json.loads(SCHEMA.read_text())["properties"]) - {line.split(":")[0] for line in lines}
    offered = labels(ls.completion(path.as_uri(), len(lines), 0))  # the empty line after the last one
    assert "training" in unset and unset <= offered, offered
    preset_line = next(i for i, line in enumerate(lines) if line.startswith("preset: "))
    assert set(catalog().refs()) <= labels(ls.completion(path.as_uri(), preset_line, len("preset: ")))
    ls.close(path.as_uri())
    if broken is not None:
        bad = text.replace("# training:", "training:").replace("#   text_encoder_ratio", "  text_encoder_ratio: 7 #")
        assert {d["message"] for d in ls.diagnostics(broken.as_uri(), bad)} == {"Value is above the maximum of 1."}


def test_a_config_from_init_binds_the_repositorys_schema_copy_with_a_modeline(tmp_path):
    """The default: `.trainlint/v1/config.schema.json` written in the repository, a relative modeline."""
    repo = _repository(tmp_path / "lora-configs")
    made = run_cli("init", "--preset", "flux.1/character", "characters/mascot", cwd=repo)
    assert made.returncode == 0, made.stderr
    config = repo / "characters/mascot/config.trainlint.yaml"
    assert config.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../.trainlint/v1/config.schema.json\n"
    )
    assert (repo / ".trainlint/v1/config.schema.json").read_bytes() == SCHEMA.read_bytes()
    ls = LanguageServer(repo, {"schemaStore": {"enable": False}, "validate": True, "completion": True})
    try:
        _new_config_is_understood(ls, config, config.with_name("broken.yaml"))
    finally:
        ls.shutdown()


def test_a_config_from_init_for_vscode_is_bound_by_the_workspace_settings(tmp_path):
    """`--editor vscode`: no modeline; `.vscode/settings.json` maps the copy to `*.trainlint.yaml` (and to a file
    of another name by its path), and the server, given those settings as VS Code gives them, binds both."""
    repo = _repository(tmp_path / "lora-configs")
    for path in ("styles/ink.trainlint.yaml", "subjects/product.yaml"):
        made = run_cli("init", "--editor", "vscode", path, cwd=repo)
        assert made.returncode == 0, made.stderr
        assert "# yaml-language-server" not in (repo / path).read_text(encoding="utf-8")
    settings = json.loads((repo / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert settings == {
        "yaml.schemas": {
            "./.trainlint/v1/config.schema.json": ["*.trainlint.yaml", "*.trainlint.yml", "subjects/product.yaml"]
        }
    }
    yaml_section = {key.removeprefix("yaml."): value for key, value in settings.items() if key.startswith("yaml.")}
    ls = LanguageServer(repo, {**yaml_section, "schemaStore": {"enable": False}, "validate": True, "completion": True})
    try:
        _new_config_is_understood(ls, repo / "styles/ink.trainlint.yaml", repo / "other/broken.trainlint.yaml")
        _new_config_is_understood(ls, repo / "subjects/product.yaml")
        unbound = repo / "subjects/notes.yaml"  # a YAML file the settings do not name gets no schema
        assert ls.diagnostics(unbound.as_uri(), "schema_version: 1\nbase_model: 7\n") == []
    finally:
        ls.shutdown()


PRESET_SCHEMA = REPO / "schema" / "v1" / "preset.schema.json"


def test_a_preset_file_bound_to_its_schema_gets_completion_and_diagnostics(server, workspace):
    rel = Path(os.path.relpath(PRESET_SCHEMA, workspace)).as_posix()
    modeline = f"# yaml-language-server: $schema={rel}\n"
    n = next(_NUMBERS)
    uri = (workspace / f"preset-{n}.yaml").as_uri()
    text = modeline + 'extends: sdxl/style@1\ntraining:\n  learning_rate_unte: 1.0e-4\n  steps: "900"\n'
    found = {(d["range"]["start"]["line"], d["message"]) for d in server.diagnostics(uri, text)}
    assert found == {(3, "Property learning_rate_unte is not allowed."), (4, 'Incorrect type. Expected "integer".')}
    uri = (workspace / f"preset-{n}-b.yaml").as_uri()
    server.open(uri, modeline + "extends: \ntraining:\n  \n")
    assert set(catalog().refs()) <= labels(server.completion(uri, 1, len("extends: ")))
    assert TRAINING_KEYS <= labels(server.completion(uri, 3, 2))
