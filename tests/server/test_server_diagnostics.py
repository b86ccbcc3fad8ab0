"""The real `trainlint server` over stdio: diagnostics on open and on change, as the CLI reports them,
the configuration file applied and reloaded, trainers' configs, hostile documents."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from helpers import REPO, run_cli
from lsp_session import Session, trainlint_command
from lsprotocol import types as lsp

from trainlint import __version__

EXAMPLES = REPO / "examples" / "lora-configs"
FIXTURES = REPO / "tests" / "fixtures"


def cli_places(root: Path, rel: str, *options: str) -> list[tuple[str, int, int, int, int, str]]:
    """What `trainlint check` reports for the file, as 0-based (code, line, column, end line, end column, severity)."""
    done = run_cli("check", "--format", "json", *options, rel, cwd=root)
    assert done.returncode in (0, 1), done.stderr
    return sorted(
        (d["code"], d["line"] - 1, d["column"] - 1, d["end_line"] - 1, d["end_column"] - 1, d["severity"])
        for d in json.loads(done.stdout)["diagnostics"]
    )


SEVERITY = {
    lsp.DiagnosticSeverity.Error: "error",
    lsp.DiagnosticSeverity.Warning: "warning",
    lsp.DiagnosticSeverity.Information: "info",
}


def places(diagnostics: list[lsp.Diagnostic]) -> list[tuple[str, int, int, int, int, str]]:
    return sorted(
        (
            str(d.code),
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
            SEVERITY[d.severity or lsp.DiagnosticSeverity.Error],
        )
        for d in diagnostics
    )


def test_the_server_says_what_it_offers(server: Session) -> None:
    capabilities = server.initialize_result.capabilities
    assert server.initialize_result.server_info is not None
    assert server.initialize_result.server_info.name == "trainlint"
    sync = capabilities.text_document_sync
    assert isinstance(sync, lsp.TextDocumentSyncOptions)
    assert sync.open_close and sync.change == lsp.TextDocumentSyncKind.Full
    server.wait(lambda: server.registrations)
    assert [r.method for r in server.registrations] == [lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES]


@pytest.mark.parametrize(
    "rel",
    [
        "examples/broken/mascot-untagged.yaml",
        "examples/broken/typos.yaml",
        "examples/broken/overtrained-style.yaml",
        "examples/configs/house-style.yaml",
    ],
)
def test_opening_a_config_publishes_what_the_cli_reports(server: Session, root: Path, rel: str) -> None:
    mark = server.mark()
    uri = server.open(root / rel)
    diagnostics = server.diagnostics(uri, version=1, after=mark)
    assert places(diagnostics) == cli_places(root, rel)
    for d in diagnostics:
        assert d.source == "trainlint"
        assert d.code_description is not None
        assert d.code_description.href.startswith("https://trainlint.dev/rules#" + str(d.code).lower() + "-")
    server.close_document(uri)


@pytest.mark.parametrize(
    "rel",
    [
        "kohya_ss/traps/number-as-string-fail.json",
        "kohya_ss/traps/te-stop-unit-fail.json",
        "sd-scripts/lora-sdxl.toml",
        "sd-scripts/launch.sh",
        "ai-toolkit/flux_lora.yaml",
    ],
)
def test_trainers_configs_get_the_same_diagnostics_as_the_cli(server: Session, root: Path, rel: str) -> None:
    expected = cli_places(root, rel)
    assert expected, "the fixture must give findings"
    mark = server.mark()
    uri = server.open(root / rel, language=Path(rel).suffix.lstrip("."))
    assert places(server.diagnostics(uri, version=1, after=mark)) == expected
    server.close_document(uri)


def test_a_change_is_checked_after_the_debounce_and_closing_clears(server: Session, root: Path) -> None:
    folder = root / "change"
    folder.mkdir()
    path = folder / "a.yaml"
    text = (EXAMPLES / "configs" / "watercolor-landscapes.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("../data/", "../examples/data/"), encoding="utf-8")
    mark = server.mark()
    uri = server.open(path)
    assert server.diagnostics(uri, version=1, after=mark) == []
    # three quick changes: one check, of the last version (the debounce), with the typo the last one made
    mark = server.mark()
    for typo in ("learning_rate_u: 1.0e-4", "learning_rate_un: 1.0e-4", "learning_rate_unte: 1.0e-4"):
        version = server.change(uri, path.read_text(encoding="utf-8") + f"  {typo}\n")
    diagnostics = server.diagnostics(uri, version=version, after=mark)
    assert [d.code for d in diagnostics] == ["TL101"]
    assert "learning_rate_unte" in diagnostics[0].message
    assert all(p.version == version for p in server.published[mark:] if p.uri == uri)
    mark = server.mark()
    server.close_document(uri)
    assert server.diagnostics(uri, after=mark) == []


def test_the_configuration_file_applies_and_is_reloaded_when_it_changes(server: Session, root: Path) -> None:
    folder = root / "configured"
    shutil.copytree(EXAMPLES / "broken", folder / "broken")
    shutil.copytree(EXAMPLES / "data", folder / "data")
    rel = "configured/broken/mascot-untagged.yaml"
    mark = server.mark()
    uri = server.open(root / rel)
    before = {d.code for d in server.diagnostics(uri, version=1, after=mark)}
    assert {"TL205", "TL303", "TL401", "TL402"} <= before

    # a watched configuration file appears: ignore, a severity and per-file-ignores, exactly as the CLI reads them
    config = folder / ".trainlint.toml"
    config.write_text(
        'ignore = ["TL401"]\n[severity]\nTL402 = "error"\n[per-file-ignores]\n"broken/mascot-*.yaml" = ["TL3"]\n',
        encoding="utf-8",
    )
    mark = server.mark()
    server.files_changed(config, kind=lsp.FileChangeType.Created)
    after = server.diagnostics(uri, after=mark)
    assert places(after) == cli_places(root, rel)
    codes = {d.code for d in after}
    assert "TL401" not in codes and "TL303" not in codes and "TL205" in codes
    assert {d.severity for d in after if d.code == "TL402"} == {lsp.DiagnosticSeverity.Error}

    # changed again without telling the server: the next check reads it anew all the same
    time.sleep(0.01)  # a new modification time even on coarse clocks
    config.write_text('select = ["TL2"]\n', encoding="utf-8")
    os.utime(config, ns=(time.time_ns(), time.time_ns() + 1_000_000_000))
    mark = server.mark()
    version = server.change(uri, (root / rel).read_text(encoding="utf-8"))
    assert {d.code for d in server.diagnostics(uri, version=version, after=mark)} == {"TL205"}

    # a configuration the CLI refuses (exit 2) is said on the file, not a crash and not silence
    config.write_text('selekt = ["TL2"]\n', encoding="utf-8")
    mark = server.mark()
    server.files_changed(config)
    [problem] = server.diagnostics(uri, after=mark)
    assert problem.severity == lsp.DiagnosticSeverity.Error and "selekt" in problem.message
    config.unlink()
    mark = server.mark()
    server.files_changed(config, kind=lsp.FileChangeType.Deleted)
    assert {d.code for d in server.diagnostics(uri, after=mark)} == before
    server.close_document(uri)


def test_files_that_are_no_config_get_no_diagnostics(server: Session, root: Path) -> None:
    mark = server.mark()
    uri = server.open(root / "examples" / "docker-compose.yml")
    assert server.diagnostics(uri, version=1, after=mark) == []
    # the configuration's exclude leaves a config out, as a folder search does
    folder = root / "excluded"
    folder.mkdir()
    (folder / "trainlint.toml").write_text('exclude = ["skip/"]\n', encoding="utf-8")
    (folder / "skip").mkdir()
    path = folder / "skip" / "c.yaml"
    path.write_text("schema_version: 1\nname: x\nbase_model: sdxl-1.0\n", encoding="utf-8")
    mark = server.mark()
    uri = server.open(path)
    assert server.diagnostics(uri, version=1, after=mark) == []


def test_only_the_protocols_line_breaks_count(server: Session, root: Path) -> None:
    """A LINE SEPARATOR or a NEL inside a quoted value breaks no line for the protocol (nor for trainlint), but
    CR LF and a lone CR do: the findings below stay on the lines the editor shows."""
    text = (
        "schema_version: 1\n"
        'name: "fox\u2028cub \x85 x"\r\n'
        "base_model: sdxl\r"
        "preset: sdxl/style\n"
        "training: {learning_rate_unet: 1.0e-4, stepz: 10}\n"
    )
    uri, diagnostics = server.opened(root / "breaks" / "c.yaml", text)
    [stepz] = [d for d in diagnostics if "stepz" in d.message]
    assert (stepz.range.start.line, stepz.range.start.character) == (4, text.split("\n")[-2].index("stepz"))
    assert places(diagnostics) == cli_places(root, "breaks/c.yaml")
    server.close_document(uri)


def test_an_emoji_before_a_finding_shifts_it_by_two_utf16_units(server: Session, root: Path) -> None:
    text = (
        "schema_version: 1\nname: x\nbase_model: sdxl\npreset: sdxl/style\ndataset: {note: \U0001f98a, images: true}\n"
    )
    uri, diagnostics = server.opened(root / "emoji" / "c.yaml", text)
    cli = cli_places(root, "emoji/c.yaml")
    on_images = [c for c in cli if c[1] == 4 and c[2] > text.split("\n")[4].index("\U0001f98a")]
    assert on_images, cli
    code, line, col, end_line, end_col, _ = on_images[0]
    [d] = [d for d in diagnostics if d.code == code and d.range.start.line == line]
    assert d.range.start.character == col + 1  # the emoji: one code point, two UTF-16 units
    assert d.range.end.character == end_col + 1
    server.close_document(uri)


HOSTILE = {
    "invalid-yaml.yaml": ("schema_version: 1\nname: [unclosed\n", "TL001"),
    "huge.yaml": ("schema_version: 1\n" + "# padding\n" * 120_000, "TL091"),
    "binary.yaml": ("schema_version: 1\nname: \x00\x01\x02\n", "TL007"),
    "deep.yaml": ("schema_version: 1\nname: " + "[" * 5000 + "]" * 5000 + "\n", "TL093"),
    "aliases.yaml": (
        "schema_version: 1\n"
        + "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9 if i else ["x"] * 9) + "]\n" for i in range(12)),
        "TL092",
    ),
    "lone-surrogate.yaml": ("schema_version: 1\nname: \ud800\n", "TL007"),
    "deep.json": (
        (FIXTURES / "kohya_ss" / "traps" / "number-as-string-pass.json")
        .read_text(encoding="utf-8")
        .replace('"optimizer_args": ""', '"optimizer_args": ' + "[" * 5000 + "]" * 5000),
        "TL093",
    ),
    "broken.json": (
        (FIXTURES / "kohya_ss" / "traps" / "number-as-string-pass.json").read_text(encoding="utf-8")[:400],
        "TL001",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_document_gets_diagnostics_and_the_server_goes_on(server: Session, root: Path, name: str) -> None:
    text, code = HOSTILE[name]
    folder = root / "hostile"
    uri, diagnostics = server.opened(folder / name, text)
    if code is not None:
        assert code in {d.code for d in diagnostics}, diagnostics
    assert all(d.range.start.line >= 0 and d.range.start.character >= 0 for d in diagnostics)
    server.close_document(uri)
    # and it still serves: the next config is checked
    mark = server.mark()
    uri = server.open(folder / f"after-{name}.yaml", "schema_version: 1\nname: x\nbase_model: sdxl-1.0\n")
    assert "TL104" in {d.code for d in server.diagnostics(uri, version=1, after=mark)}
    server.close_document(uri)


def test_without_its_extra_the_command_says_how_to_install_it(tmp_path: Path) -> None:
    """pygls made unimportable, as where the extra is not installed: one line naming the pip command, exit 2."""
    code = "import sys; sys.modules['pygls'] = None; from trainlint.cli import main; sys.exit(main(['server']))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    url = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Repository"]
    wanted = f'pip install "trainlint[server] @ git+{url}@v{__version__}"'  # as the README's recipe
    assert len(lines) == 1 and lines[0].endswith(f" is missing): {wanted}"), done.stderr


def test_the_exit_code_follows_the_protocol(tmp_path: Path) -> None:
    """Exit without a shutdown request first: 1, as the protocol asks; standard output carries nothing else."""
    session = Session(tmp_path)
    session.notify(session.client.exit, None)
    session.call(session.process.wait(), timeout=30)
    assert session.close() == 1
    assert trainlint_command()


def test_every_input_of_the_hostile_corpus_is_served(server: Session, root: Path) -> None:
    """The safety contract's inputs (tests/fuzz/corpus.py, the quick ones), as an editor holds them: each
    gets its diagnostics published, within the time-out, and the server stays up for the next."""
    from fuzz.corpus import CASES

    for case in CASES:
        if case.big:
            continue
        path = case.build(root / "corpus" / case.name)
        if not os.path.isfile(path):  # a named pipe, a device, a dangling symlink: no editor opens those
            continue
        text = path.read_bytes().decode("utf-8", "replace")  # what an editor shows of bytes that are no UTF-8
        mark = server.mark()
        uri = server.open(path, text=text)
        server.diagnostics(uri, version=1, after=mark, timeout=60)
        server.close_document(uri)
        assert server.alive(), case.name


def test_a_client_that_counts_utf8_gets_utf8_positions(root: Path) -> None:
    """The encoding is negotiated: a client that offers UTF-8 first gets columns in bytes."""
    session = Session(root, {"debounceMs": 20}, position_encodings=[lsp.PositionEncodingKind.Utf8])
    try:
        assert session.initialize_result.capabilities.position_encoding == lsp.PositionEncodingKind.Utf8
        text = "schema_version: 1\nname: x\nbase_model: sdxl\npreset: sdxl/style\ndataset: {note: \U0001f98a, images: true}\n"
        _, diagnostics = session.opened(root / "utf8" / "c.yaml", text)
        [wrong] = [d for d in diagnostics if d.code == "TL102"]
        assert wrong.range.start.character == text.split("\n")[4].index("true") + 3  # the emoji: four bytes
    finally:
        assert session.close() == 0
