"""Hover, completion and go to definition of the real `trainlint server`: the numbers `trainlint show`
prints, the presets of the catalog and of the repository, and the files presets live in."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import REPO, run_cli
from lsp_session import Session
from lsprotocol import types as lsp


def hover_text(server: Session, uri: str, line: int, character: int) -> str | None:
    found = server.hover(uri, line, character)
    if found is None:
        return None
    assert isinstance(found.contents, lsp.MarkupContent) and found.contents.kind == lsp.MarkupKind.Markdown
    return found.contents.value


def show(root: Path, rel: str) -> dict:
    done = run_cli("show", "--format", "json", rel, cwd=root)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_hover_on_a_training_value_gives_the_effective_value_the_preset_and_the_advice(
    server: Session, root: Path
) -> None:
    rel = "examples/broken/mascot-untagged.yaml"
    text = (root / rel).read_text(encoding="utf-8")
    uri = server.open(root / rel)
    shown = show(root, rel)
    view, preset = shown["values"], shown["preset"]  # the newest flux.1/character of the catalog
    lines = text.split("\n")
    line = next(i for i, body in enumerate(lines) if body.strip().startswith("learning_rate_unet"))
    found = hover_text(server, uri, line, lines[line].index("learning_rate_unet") + 3)
    assert found is not None
    assert "**transformer learning rate**: `2e-4` (set in this file)" in found  # FLUX.1 has no UNet
    assert view["learning_rate_unet"]["preset"] == 1e-4 and view["learning_rate_unet"]["ratio"] == 2
    assert preset.startswith("flux.1/character@")
    assert f"preset `{preset}`: `1e-4`; ratio **2x**" in found
    assert "incremental" in found  # the guide's advice, from the schema's description
    # on the value too; steps carry the steps per image worked out from them
    line = next(i for i, body in enumerate(lines) if body.strip().startswith("steps"))
    found = hover_text(server, uri, line, lines[line].index("1500"))
    assert found is not None
    assert "**steps**: `1,500`" in found and "**steps per image**: `150` (worked out from the file)" in found
    assert found.index("**steps**") < found.index("**steps per image**")
    # the text encoder ratio names the training type's usual range
    line = next(i for i, body in enumerate(lines) if body.strip().startswith("text_encoder_ratio"))
    found = hover_text(server, uri, line, 4)
    assert found is not None and "Usual for character: 0.4-0.8." in found
    # a key that is no training value: nothing from trainlint (the schema's hover is yaml-language-server's)
    assert hover_text(server, uri, 3, 2) is None
    server.close_document(uri)


def test_hover_on_a_trainers_key_says_which_value_it_sets(server: Session, root: Path) -> None:
    folder = root / "hover-kohya"
    folder.mkdir()
    source = (REPO / "tests/fixtures/kohya_ss/traps/number-as-string-pass.json").read_text(encoding="utf-8")
    path = folder / "lora.json"
    path.write_text(source, encoding="utf-8")
    (folder / "trainlint.toml").write_text('[per-file-training-type]\n"*.json" = "style"\n', encoding="utf-8")
    uri = server.open(path, language="json")
    lines = source.split("\n")
    line = next(i for i, body in enumerate(lines) if body.strip().startswith('"unet_lr"'))
    found = hover_text(server, uri, line, lines[line].index("unet_lr"))
    assert found is not None
    assert "**UNet learning rate**: `1e-4` (set in this file), from `unet_lr`" in found
    assert "preset `sd-1.5/style@1`: `1e-4`; ratio **1x**" in found
    server.close_document(uri)


def typing(server: Session, path: Path, line: str) -> tuple[str, list[lsp.CompletionItem], int]:
    """Open the file with its line of the same key cut to `line`, and complete at that line's end."""
    key = line.split(":")[0] + ":"
    lines = [line if body.startswith(key) else body for body in path.read_text(encoding="utf-8").split("\n")]
    uri = server.open(path, "\n".join(lines))
    at = next(i for i, body in enumerate(lines) if body.startswith(key))
    return uri, server.completion(uri, at, len(line)), at


def test_preset_completion_offers_versions_and_the_repositorys_preset_files(server: Session, root: Path) -> None:
    uri, items, line = typing(server, root / "examples/configs/watercolor-landscapes.yaml", "preset: sdxl/")
    labels = [i.label for i in items]
    assert {"sdxl/style", "sdxl/style@1", "flux.1/character@1", "../presets/house-style.yaml"} <= set(labels)
    assert labels.index("sdxl/style") < labels.index("sdxl/style@1")
    assert not any("watercolor" in label for label in labels)  # configs are no presets
    style = next(i for i in items if i.label == "sdxl/style")
    assert style.detail is not None and "sdxl style" in style.detail
    assert isinstance(style.text_edit, lsp.TextEdit)
    assert style.text_edit.range.start == lsp.Position(line, len("preset: "))
    assert style.text_edit.range.end == lsp.Position(line, len("preset: sdxl/"))
    server.close_document(uri)


def test_classification_completion_puts_the_value_that_fits_first(server: Session, root: Path) -> None:
    uri, items, _ = typing(server, root / "examples/broken/mascot-untagged.yaml", "classification: ")
    assert [i.label for i in sorted(items, key=lambda i: i.sort_text or "")] == ["Custom", "flux.1/character"]
    newest = show(root, "examples/broken/mascot-untagged.yaml")["preset"]
    assert items[0].preselect and f"deviates from {newest}" in (items[0].detail or "")
    server.close_document(uri)
    # a config that matches its preset: the preset's name first
    uri, items, _ = typing(server, root / "examples/configs/watercolor-landscapes.yaml", "classification: ")
    assert sorted(items, key=lambda i: i.sort_text or "")[0].label == "sdxl/style"
    server.close_document(uri)


def test_extends_completes_in_a_preset_file_and_preset_does_not(server: Session, root: Path) -> None:
    uri, items, _ = typing(server, root / "examples/presets/house-style.yaml", "extends: ")
    labels = {i.label for i in items}
    assert "sdxl/style@1" in labels and "./house-style.yaml" not in labels  # not itself
    server.close_document(uri)


def test_go_to_definition_of_a_preset_file_and_a_built_in_preset(server: Session, root: Path) -> None:
    config = root / "examples/configs/house-style.yaml"
    text = config.read_text(encoding="utf-8")
    uri = server.open(config)
    line = text.split("\n").index("preset: ../presets/house-style.yaml")
    [location] = server.definition(uri, line, len("preset: ../pre"))
    assert location.uri == (root / "examples/presets/house-style.yaml").resolve().as_uri()
    server.close_document(uri)

    preset = root / "examples/presets/house-style.yaml"
    text = preset.read_text(encoding="utf-8")
    uri = server.open(preset)
    line = text.split("\n").index("extends: sdxl/style@1")
    [location] = server.definition(uri, line, len("extends: sd"))
    assert location.uri.endswith("/presets.yaml")
    catalog_lines = Path(location.uri.removeprefix("file://")).read_text(encoding="utf-8").split("\n")
    assert catalog_lines[location.range.start.line].strip() == "sdxl/style:"
    server.close_document(uri)


def test_no_definition_outside_the_repository(server: Session, root: Path) -> None:
    (root.parent / "elsewhere.yaml").write_text("extends: sdxl/style\ntraining: {}\n", encoding="utf-8")
    text = "schema_version: 1\nname: x\nbase_model: sdxl\ntraining_type: style\npreset: ../../elsewhere.yaml\n"
    uri, _ = server.opened(root / "outside" / "c.yaml", text)
    assert server.definition(uri, 4, len("preset: ../")) == []
    assert server.definition(uri, 1, 2) == []  # no reference there
    server.close_document(uri)
