"""The trainers' schemas in real editor tooling: yaml-language-server (over LSP stdio, as VS Code's
YAML extension runs it) completes, documents and validates an ai-toolkit job bound to its schema by
the catalog's file patterns, and Taplo (the TOML toolkit behind Even Better TOML) validates TOML
files against a schema given as a file URL, offline."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from pathlib import Path

import pytest
from editor.lsp import LanguageServer, node, yaml_settings
from helpers import run_cli

from trainlint.resources import trainer_schema_path, trainer_schema_url

pytestmark = pytest.mark.skipif(
    node() is None, reason="Node.js is not installed: the editor tests start yaml-language-server and Taplo"
)

REPO = Path(__file__).resolve().parent.parent
CATALOG = json.loads((REPO / "schema" / "catalog.json").read_text(encoding="utf-8"))
FIXTURES = REPO / "tests" / "fixtures" / "trainer-schemas"
_NUMBERS = itertools.count(1)


def file_match(name: str) -> list[str]:
    (entry,) = (e for e in CATALOG["schemas"] if e["url"] == trainer_schema_url(name))
    return list(entry["fileMatch"])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("trainers")


@pytest.fixture(scope="module")
def yaml_server(workspace):
    ls = LanguageServer(
        workspace, yaml_settings({trainer_schema_path("ai-toolkit").as_uri(): file_match("ai-toolkit")})
    )
    yield ls
    ls.shutdown()


def job_uri(workspace: Path) -> str:
    """A new document named by the catalog's convention (`NAME.ai-toolkit.yaml`)."""
    return (workspace / f"job-{next(_NUMBERS)}.ai-toolkit.yaml").as_uri()


JOB = "job: extension\nconfig:\n  name: mascot\n  process:\n    - type: sd_trainer\n"


def labels(items: list[dict]) -> set[str]:
    return {item["label"] for item in items}


def test_completion_under_train_offers_ai_toolkits_train_keys(yaml_server, workspace):
    uri = job_uri(workspace)
    yaml_server.open(uri, JOB + "      train:\n        \n")
    offered = labels(yaml_server.completion(uri, 6, 8))
    assert {"lr", "steps", "batch_size", "train_text_encoder", "optimizer"} <= offered
    assert "folder_path" not in offered and "name_or_path" not in offered


def test_completion_in_a_dataset_offers_the_dataset_keys(yaml_server, workspace):
    uri = job_uri(workspace)
    yaml_server.open(uri, JOB + "      datasets:\n        - folder_path: /data\n          \n")
    offered = labels(yaml_server.completion(uri, 7, 10))
    assert {"caption_ext", "num_repeats", "is_reg"} <= offered
    assert "lr" not in offered


def test_completion_in_sample_offers_the_sample_keys_and_a_wrong_type_is_marked(yaml_server, workspace):
    uri = job_uri(workspace)
    yaml_server.open(uri, JOB + "      sample:\n        \n")
    assert {"sample_every", "prompts", "sample_steps", "guidance_scale"} <= labels(yaml_server.completion(uri, 6, 8))
    text = JOB + '      sample:\n        sample_every: "250"\n        prompts:\n          - a mascot\n'
    found = {(d["range"]["start"]["line"], d["message"]) for d in yaml_server.diagnostics(job_uri(workspace), text)}
    assert found == {(6, 'Incorrect type. Expected "integer".')}


def test_completion_of_content_or_style_offers_its_values(yaml_server, workspace):
    uri = job_uri(workspace)
    yaml_server.open(uri, JOB + "      train:\n        content_or_style: \n")
    assert {"balanced", "content", "style"} <= labels(yaml_server.completion(uri, 6, len("        content_or_style: ")))


def test_hover_on_lr_shows_what_ai_toolkit_does_with_it_and_the_source(yaml_server, workspace):
    uri = job_uri(workspace)
    yaml_server.open(uri, JOB + "      train:\n        lr: 1e-4\n")
    shown = yaml_server.hover(uri, 6, 9).replace("\\_", "_")  # the server escapes Markdown in plain text
    assert "Learning rate of every parameter group" in shown
    assert "Default: 1e-06" in shown and "toolkit/config_modules.py:381" in shown


def test_wrong_types_and_values_get_diagnostics_on_their_lines(yaml_server, workspace):
    text = JOB + (
        "      train:\n"
        '        lr: "fast"\n'
        "        steps: 10.5\n"
        '        train_text_encoder: "false"\n'
        "        content_or_style: styles\n"
        "        a_key_ai_toolkit_ignores: 1\n"
    )
    found = {(d["range"]["start"]["line"], d["message"]) for d in yaml_server.diagnostics(job_uri(workspace), text)}
    assert found == {
        (6, 'Incorrect type. Expected "number".'),
        (7, 'Incorrect type. Expected "integer".'),
        (8, 'Incorrect type. Expected "boolean".'),
        (9, 'Value is not accepted. Valid values: "balanced", "style", "content".'),
    }


def test_the_language_server_agrees_with_the_fixtures_verdicts(yaml_server, workspace):
    paths = sorted((FIXTURES / "ai-toolkit").glob("*/*.yaml"))
    documents = {}
    for path in paths:
        copy = workspace / f"{path.parent.name}-{path.stem}-{next(_NUMBERS)}.ai-toolkit.yaml"
        copy.write_bytes(path.read_bytes())
        documents[copy.as_uri()] = path
    found = yaml_server.diagnostics_of({uri: path.read_text(encoding="utf-8") for uri, path in documents.items()})
    for uri, path in documents.items():
        errors = [d for d in found[uri] if d.get("severity", 1) == 1]
        assert (not errors) is (path.parent.name == "valid"), (path.name, errors)


# --- Taplo --------------------------------------------------------------------------------------------

TAPLO = REPO / "tests" / "editor" / "node_modules" / ".bin" / "taplo"


def taplo(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    if not TAPLO.is_file():
        pytest.skip(f"{TAPLO} is missing: run `npm ci` in tests/editor")
    return subprocess.run(
        [str(TAPLO), "check", "--colors", "never", *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("name", ["sd-scripts", "sd-scripts-dataset"])
def test_taplo_agrees_with_the_fixtures_verdicts(name):
    files = sorted((FIXTURES / name).glob("*/*.toml"))
    assert files
    for path in files:
        run = taplo("--schema", trainer_schema_path(name).as_uri(), str(path), cwd=path.parent)
        assert (run.returncode == 0) is (path.parent.name == "valid"), (path.name, run.stderr)


def test_taplo_places_and_words_a_wrong_type():
    path = FIXTURES / "sd-scripts" / "invalid" / "lr-as-text.toml"
    run = taplo("--schema", trainer_schema_path("sd-scripts").as_uri(), str(path), cwd=path.parent)
    assert run.returncode == 1
    assert 'error: "1e-4" is not of type "number"' in run.stderr
    assert f"{path}:3:17" in run.stderr, "the value's line and column"


def test_taplo_validates_an_option_inside_a_table():
    path = FIXTURES / "sd-scripts" / "invalid" / "table-batch-as-text.toml"
    run = taplo("--schema", trainer_schema_path("sd-scripts").as_uri(), str(path), cwd=path.parent)
    assert run.returncode == 1 and 'error: "2" is not of type "integer"' in run.stderr


def test_taplo_binds_by_schema_directive_and_by_its_configuration(tmp_path):
    """The two ways docs/trainer-schemas.md gives for Even Better TOML and the Taplo CLI: a `#:schema`
    comment on the first line (relative to the file), and a rule in the repository's `.taplo.toml`."""
    schema = trainer_schema_path("sd-scripts")
    bad = 'max_train_steps = "1600"\n'
    directive = tmp_path / "train.toml"
    directive.write_text(f"#:schema {Path(os.path.relpath(schema, tmp_path)).as_posix()}\n{bad}", encoding="utf-8")
    run = taplo(str(directive), cwd=tmp_path)
    assert run.returncode == 1 and 'error: "1600" is not of type "integer"' in run.stderr

    # the repository's copy, as trainlint schema --for writes it, bound by a rule with a relative path
    project = tmp_path / "project"
    (project / ".trainlint" / "trainers").mkdir(parents=True)
    (project / "configs").mkdir()
    run = run_cli("schema", "--for", "sd-scripts")
    (project / ".trainlint" / "trainers" / "sd-scripts.schema.json").write_text(run.stdout, encoding="utf-8")
    (project / ".taplo.toml").write_text(
        '[[rule]]\ninclude = ["**/*.sd-scripts.toml"]\n\n'
        '[rule.schema]\npath = ".trainlint/trainers/sd-scripts.schema.json"\n',
        encoding="utf-8",
    )
    (project / "configs" / "sdxl.sd-scripts.toml").write_text(bad, encoding="utf-8")
    (project / "configs" / "other.toml").write_text(bad, encoding="utf-8")
    assert 'is not of type "integer"' in taplo("configs/sdxl.sd-scripts.toml", cwd=project).stderr
    assert taplo("configs/other.toml", cwd=project).returncode == 0, "the rule binds only its file patterns"
