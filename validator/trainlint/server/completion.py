"""Completion the schema cannot give: the value of `preset:` (built-in presets with their versions, and
the repository's own preset files as paths relative to the config), of `extends:` in a preset file,
and of `classification:` (`Custom` or the preset's name, the one that fits this config first).

The line is read as it is being typed, so completion works while the file does not parse yet.
A repository preset file is a YAML file with a top-level `extends:` key; the search stays inside
the repository (and the configuration's `preset-paths` folders), skips hidden and dependency
folders and stops after a bounded number of entries.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from lsprotocol import types as lsp

from ..catalog import Preset, catalog
from ..errors import UsageError
from ..repository import repo_root
from ..settings import Settings
from ..show import effective_view
from .positions import Lines, Position
from .project import encode

# a top-level key being given its value: `preset: sdxl/st|`, `classification: "Cu|`
_VALUE = re.compile(r"(?P<key>preset|classification|extends)[ \t]*:[ \t]*(?P<quote>[\"']?)(?P<typed>[^\"'#]*)$")
_EXTENDS = re.compile(rb"^extends[ \t]*:", re.MULTILINE)
SKIPPED_FOLDERS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"})
MAX_ENTRIES = 20_000  # folder entries looked at for preset files
HEAD_BYTES = 4096  # of each YAML file, for its `extends:`


class Typed(NamedTuple):
    key: str
    start: int  # editor offset where the value being typed starts
    typed: str


def typed_value(lines: Lines, at: Position) -> Typed | None:
    """The top-level key whose value the cursor is typing, if any."""
    offset = lines.offset(at)
    start = lines.starts[min(at.line, len(lines.starts) - 1)]
    match = _VALUE.match(lines.text, start, offset)
    if match is None or match.end() != offset:
        return None
    return Typed(match.group("key"), match.start("typed"), match.group("typed"))


def _describe(preset: Preset) -> str:
    values = ", ".join(f"{key} {spec.describe()}" for key, spec in preset.values.items())
    note = f"\n\n{preset.note}" if preset.note else ""
    return f"{preset.base_model}, {preset.training_type}, version {preset.version}: {values}{note}"


def builtin_items() -> list[tuple[str, str, str]]:
    """(label, detail, documentation) of every built-in preset: the plain name (its newest version) first,
    then each version pinned."""
    cat = catalog()
    items = []
    for name, versions in cat.presets.items():
        newest = versions[max(versions)]
        items.append(
            (name, f"{newest.base_model} {newest.training_type} (newest: version {newest.version})", _describe(newest))
        )
        for version in sorted(versions):
            preset = versions[version]
            items.append(
                (f"{name}@{version}", f"{preset.base_model} {preset.training_type}, pinned", _describe(preset))
            )
    return items


def preset_files(folder: Path, settings: Settings) -> list[tuple[str, str]]:
    """(reference as the config writes it, where it was found) of the repository's preset files, relative to
    the config's folder, and of those in the `preset-paths` folders, relative to their folder."""
    root = settings.root or repo_root(folder)
    found: list[tuple[str, str]] = []
    for base in (root, *settings.preset_dirs):
        for path in _yaml_files(base):
            if not _is_preset(path):
                continue
            if base == root:
                ref = os.path.relpath(path, folder).replace(os.sep, "/")
                found.append((ref if ref.startswith("../") else f"./{ref}", "a preset file of this repository"))
            else:
                found.append((path.relative_to(base).as_posix(), f"a preset file of preset-paths ({base})"))
    return found


def _yaml_files(base: Path) -> list[Path]:
    out: list[Path] = []
    seen = 0
    stack = [base]
    while stack and seen < MAX_ENTRIES:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in sorted(entries, key=lambda e: e.name):
            seen += 1
            if entry.is_symlink():
                continue  # nothing outside the repository, and no loops
            if entry.is_dir():
                if entry.name not in SKIPPED_FOLDERS and not entry.name.startswith("."):
                    stack.append(Path(entry.path))
            elif entry.name.endswith((".yaml", ".yml")):
                out.append(Path(entry.path))
    return out


def _is_preset(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return False
    return _EXTENDS.search(head) is not None and b"schema_version" not in head


def _classification_items(path: Path, text: str, settings: Settings) -> list[tuple[str, str, bool]]:
    """(value, why, fits) for `classification`: Custom and the preset as the config names it."""
    try:
        view = effective_view(path, str(path), settings, raw=encode(text))
    except (UsageError, OSError):
        return [("Custom", "at least one training value differs from the preset", False)]
    preset, deviations = str(view["preset"]), view.get("deviations")
    match = re.search(r"^preset[ \t]*:[ \t]*[\"']?([^\"'#\s]+)", text, re.MULTILINE)
    written = match.group(1) if match else preset
    if deviations is None:
        return [
            ("Custom", "if a value differs from the preset (the image count is unknown: it cannot be told)", False),
            (written, f"if every value is {preset}'s", False),
        ]
    custom = (
        "Custom",
        f"this config deviates from {preset} in {', '.join(deviations)}" if deviations else "",
        bool(deviations),
    )
    same = (
        written,
        f"every value is {preset}'s" if not deviations else f"it deviates in {', '.join(deviations)}",
        not deviations,
    )
    return [custom, same] if deviations else [same, custom]


def completions(
    path: Path, text: str, settings: Settings, lines: Lines, at: Position, is_config: bool
) -> list[lsp.CompletionItem]:
    typed = typed_value(lines, at)
    if typed is None or (typed.key == "extends") == is_config:
        return []
    start = lines.position(typed.start)
    end = lines.position(lines.offset(at))
    replace = lsp.Range(lsp.Position(*start), lsp.Position(*end))

    def item(
        label: str,
        detail: str,
        doc: str = "",
        kind: lsp.CompletionItemKind = lsp.CompletionItemKind.Value,
        sort_text: str | None = None,
        preselect: bool | None = None,
    ) -> lsp.CompletionItem:
        return lsp.CompletionItem(
            label=label,
            kind=kind,
            detail=detail,
            documentation=lsp.MarkupContent(kind=lsp.MarkupKind.PlainText, value=doc) if doc else None,
            text_edit=lsp.TextEdit(range=replace, new_text=label),
            filter_text=label,
            sort_text=sort_text,
            preselect=preselect,
        )

    if typed.key == "classification":
        return [
            item(value, why, sort_text=f"{index}", preselect=fits or None)
            for index, (value, why, fits) in enumerate(_classification_items(path, text, settings))
        ]
    found = [
        item(label, detail, doc, sort_text=f"0{index:04}") for index, (label, detail, doc) in enumerate(builtin_items())
    ]
    found += [
        item(ref, where, kind=lsp.CompletionItemKind.File, sort_text=f"1{ref}")
        for ref, where in preset_files(path.parent, settings)
        if Path(os.path.normpath(path.parent / ref)) != path
    ]
    return found
