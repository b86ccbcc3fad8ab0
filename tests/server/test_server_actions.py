"""Code actions of the real `trainlint server`: quick fixes and fix-all make `trainlint fix`'s bytes, and a
suppression comment silences exactly its finding; each applied as an editor applies it (UTF-16 positions)."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import run_cli
from lsp_session import Session, apply_edits
from lsprotocol import types as lsp


def edits_of(action: lsp.CodeAction, uri: str, version: int) -> list[lsp.TextEdit]:
    assert action.edit is not None and action.edit.document_changes, action
    [change] = action.edit.document_changes
    assert isinstance(change, lsp.TextDocumentEdit)
    assert change.text_document.uri == uri and change.text_document.version == version
    return [e for e in change.edits if isinstance(e, lsp.TextEdit)]


def fixed_by_cli(root: Path, rel: str) -> str:
    """What `trainlint fix` writes, on a copy beside the file (the same folder: the same dataset and presets)."""
    original = root / rel
    copy = original.with_name("cli-fixed-" + original.name)
    shutil.copyfile(original, copy)
    done = run_cli("fix", str(copy.relative_to(root)), cwd=root)
    assert done.returncode == 0, done.stderr
    text = copy.read_text(encoding="utf-8")
    copy.unlink()
    return text


def change(server: Session, uri: str, text: str) -> list[lsp.Diagnostic]:
    mark = server.mark()
    version = server.change(uri, text)
    return server.diagnostics(uri, version=version, after=mark)


def test_a_quick_fix_makes_the_fixers_edit_and_its_finding_clears(server: Session, root: Path) -> None:
    path = root / "examples/broken/mascot-untagged.yaml"
    text = path.read_text(encoding="utf-8")
    uri, diagnostics = server.opened(path)
    [tl010] = [d for d in diagnostics if d.code == "TL010"]
    actions = server.code_actions(uri, (tl010.range.start.line, tl010.range.start.character))
    [fix] = [
        a
        for a in actions
        if a.kind == lsp.CodeActionKind.QuickFix
        and a.diagnostics
        and a.diagnostics[0].code == "TL010"
        and a.is_preferred
    ]
    assert fix.title == "write it as 2.0e-4 (TL010)"
    new = apply_edits(text, edits_of(fix, uri, 1))
    assert new == text.replace("learning_rate_unet: 2e-4", "learning_rate_unet: 2.0e-4")
    after = change(server, uri, new)
    assert "TL010" not in {d.code for d in after}
    assert {d.code for d in after} == {d.code for d in diagnostics} - {"TL010"}
    server.close_document(uri)


def test_fix_all_writes_what_trainlint_fix_writes(server: Session, root: Path) -> None:
    rel = "examples/broken/mascot-untagged.yaml"
    path = root / rel
    text = path.read_text(encoding="utf-8")
    expected = fixed_by_cli(root, rel)
    assert expected != text
    uri, diagnostics = server.opened(path)
    assert sum(1 for d in diagnostics if d.data and d.data["fixable"]) == 2
    [fix_all] = server.code_actions(uri, (0, 0), only=["source.fixAll"])
    assert fix_all.kind == "source.fixAll.trainlint"
    edits = edits_of(fix_all, uri, 1)
    assert len(edits) == 2  # the two stretches that change, not the whole text
    new = apply_edits(text, edits)
    assert new == expected
    after = change(server, uri, new)
    assert not any(d.data and d.data["fixable"] for d in after)
    assert server.code_actions(uri, (0, 0), only=["source.fixAll"]) == []  # nothing left to fix
    # a request for other kinds gets no fix-all, one for quick fixes none either
    assert all(a.kind != "source.fixAll.trainlint" for a in server.code_actions(uri, (0, 0), only=["quickfix"]))
    server.close_document(uri)


def test_fix_all_on_an_ai_toolkit_config_is_the_cli_s(server: Session, root: Path) -> None:
    rel = "ai-toolkit/flux_lora.yaml"
    path = root / rel
    # `no` is the string 'no' to trainlint (YAML 1.2) but False to ai-toolkit's PyYAML: TL508 quotes it
    text = path.read_text(encoding="utf-8").replace('trigger_word: "sks person"', "trigger_word: no", 1)
    path.write_text(text, encoding="utf-8")
    expected = fixed_by_cli(root, rel)
    assert expected == text.replace("trigger_word: no", 'trigger_word: "no"')
    uri, _ = server.opened(path)
    [fix_all] = server.code_actions(uri, (0, 0), only=["source.fixAll.trainlint"])
    assert apply_edits(text, edits_of(fix_all, uri, 1)) == expected
    server.close_document(uri)


def test_positions_of_an_edit_after_an_emoji_are_utf16(server: Session, root: Path) -> None:
    text = (
        "schema_version: 1\nname: x\nbase_model: sdxl\ntraining_type: style\npreset: sdxl/style\n"
        "classification: Custom\ndataset: {images: 24}\n"
        'training: {"\U0001f98a\U0001f98a": 1, learning_rate_unet: 2e-4}\n'
    )
    uri, diagnostics = server.opened(root / "emoji" / "c.yaml", text)
    [tl010] = [d for d in diagnostics if d.code == "TL010"]
    assert tl010.range.start.character == text.split("\n")[7].index("2e-4") + 2  # two emoji: two more units
    [fix] = [a for a in server.code_actions(uri, (7, 0)) if a.is_preferred and a.diagnostics[0].code == "TL010"]
    assert apply_edits(text, edits_of(fix, uri, 1)) == text.replace("2e-4", "2.0e-4")
    server.close_document(uri)


def test_a_suppression_comment_silences_only_its_finding(server: Session, root: Path) -> None:
    path = root / "examples/broken/overtrained-style.yaml"
    text = path.read_text(encoding="utf-8")
    uri, diagnostics = server.opened(path)
    [tl401] = [d for d in diagnostics if d.code == "TL401"]
    line = tl401.range.start.line
    actions = server.code_actions(uri, (line, 0))
    [disable] = [a for a in actions if a.title == "Disable TL401 for this line"]
    new = apply_edits(text, edits_of(disable, uri, 1))
    assert new.split("\n")[line].endswith("  # trainlint: disable=TL401")
    after = change(server, uri, new)
    assert sorted((d.code, d.range.start.line) for d in after) == sorted(
        (d.code, d.range.start.line) for d in diagnostics if d.code != "TL401"
    )
    # a second code on a line that has a comment already joins it
    others = [d for d in after if d.range.start.line == line]
    if others:
        [disable] = [a for a in server.code_actions(uri, (line, 0)) if a.title.startswith(f"Disable {others[0].code}")]
        newer = apply_edits(new, edits_of(disable, uri, 2))
        assert newer.split("\n")[line].endswith(f"# trainlint: disable=TL401,{others[0].code}")
    server.close_document(uri)


def test_no_suppression_where_a_comment_cannot_stand(server: Session, root: Path) -> None:
    """JSON has no comments: a kohya_ss config's findings get no suppression action (it would break the file)."""
    path = root / "kohya_ss/traps/number-as-string-fail.json"
    uri, diagnostics = server.opened(path)
    assert {"TL501"} <= {d.code for d in diagnostics}
    for d in diagnostics:
        titles = [a.title for a in server.code_actions(uri, (d.range.start.line, d.range.start.character))]
        assert not any(t.startswith("Disable") for t in titles), titles
    server.close_document(uri)


def test_reading_findings_are_not_suppressible_and_a_broken_file_has_no_fix(server: Session, root: Path) -> None:
    text = "schema_version: 1\nname: [x\ntraining: {learning_rate_unet: 2e-4}\n"
    uri, diagnostics = server.opened(root / "broken-yaml" / "c.yaml", text)
    assert "TL001" in {d.code for d in diagnostics}
    actions = [a for d in diagnostics for a in server.code_actions(uri, (d.range.start.line, 0))]
    assert not any("TL001" in a.title for a in actions)
    assert server.code_actions(uri, (0, 0), only=["source.fixAll"]) == []
    server.close_document(uri)


def test_fix_all_is_resolved_when_the_editor_asks(root: Path) -> None:
    session = Session(root, {"debounceMs": 20}, resolve_edits=True)
    try:
        rel = "examples/broken/mascot-untagged.yaml"
        text = (root / rel).read_text(encoding="utf-8")
        uri, _ = session.opened(root / rel)
        [fix_all] = session.code_actions(uri, (0, 0), only=["source.fixAll"])
        assert fix_all.edit is None  # worked out on resolve only
        resolved = session.call(session.client.code_action_resolve_async(fix_all))
        assert apply_edits(text, edits_of(resolved, uri, 1)) == fixed_by_cli(root, rel)
    finally:
        assert session.close() == 0


def test_a_fix_of_another_file_edits_that_file_as_trainlint_fix_writes_it(server: Session, root: Path) -> None:
    """TL030: the repository's copy of the editor schema is stale; its fix rewrites the copy, not the config."""
    folder = root / "schema-copy"
    stale = folder / ".trainlint" / "v1" / "config.schema.json"
    stale.parent.mkdir(parents=True)
    stale.write_text('{\n  "$id": "https://trainlint.dev/schema/v1/config.schema.json",\n  "type": "object"\n}\n')
    (folder / ".git").mkdir()
    text = (
        "# yaml-language-server: $schema=.trainlint/v1/config.schema.json\n"
        "schema_version: 1\nname: x\nbase_model: sdxl\ntraining_type: style\npreset: sdxl/style\n"
        "classification: sdxl/style\ndataset: {images: 24}\ntraining: {learning_rate_unet: 2e-4}\n"
    )
    uri, diagnostics = server.opened(folder / "c.yaml", text)
    assert "TL030" in {d.code for d in diagnostics}
    schema_uri = stale.resolve().as_uri()
    installed = run_cli("schema").stdout
    [fix] = [a for a in server.code_actions(uri, (0, 10)) if a.is_preferred and a.diagnostics[0].code == "TL030"]
    assert fix.edit is not None and fix.edit.document_changes
    [change] = fix.edit.document_changes
    assert isinstance(change, lsp.TextDocumentEdit) and change.text_document.uri == schema_uri
    assert apply_edits(stale.read_text(encoding="utf-8"), list(change.edits)) == installed
    # fix-all: the config's own fixes and the copy, as `trainlint fix` writes both
    [fix_all] = server.code_actions(uri, (0, 0), only=["source.fixAll"])
    assert fix_all.edit is not None and fix_all.edit.document_changes
    by_uri = {c.text_document.uri: c for c in fix_all.edit.document_changes if isinstance(c, lsp.TextDocumentEdit)}
    assert set(by_uri) == {uri, schema_uri}
    new_config = apply_edits(text, list(by_uri[uri].edits))
    new_schema = apply_edits(stale.read_text(encoding="utf-8"), list(by_uri[schema_uri].edits))
    done = run_cli("fix", "schema-copy/c.yaml", cwd=root)
    assert done.returncode == 0, done.stderr
    assert new_config == (folder / "c.yaml").read_text(encoding="utf-8")
    assert new_schema == stale.read_text(encoding="utf-8") == installed
    server.close_document(uri)
