"""Go to definition from `preset:` in a config and `extends:` in a preset file: a repository preset file
opens where the engine finds it (beside the file, else in the first `preset-paths` folder holding
it), a built-in preset at its entry in the shipped catalog (`presets.yaml`). A reference that
leaves the repository and the `preset-paths` folders, which the engine refuses, leads nowhere.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..catalog import catalog, is_file_ref
from ..document import Document
from ..engine import preset_dir
from ..paths import is_inside
from ..repository import repo_root
from ..resources import data_dir
from ..settings import Settings
from .positions import Lines, Position


def reference_at(doc: Document, lines: Lines, at: Position) -> str | None:
    """The `preset` or `extends` value under the cursor (top level only)."""
    offset = lines.offset(at) - lines.shift
    for key in ("preset", "extends"):
        spans = doc.spans.get((key,))
        value = doc.data.get(key) if isinstance(doc.data, dict) else None
        if spans is None or not isinstance(value, str):
            continue
        name, span = spans
        if span.start <= offset <= span.end or (name is not None and name.start <= offset <= name.end):
            return value
    return None


def target(ref: str, folder: Path, settings: Settings) -> tuple[Path, int] | None:
    """The file a reference names and the 0-based line to show."""
    if not is_file_ref(ref):
        name = ref.partition("@")[0]
        if name not in catalog().presets:
            return None
        catalog_file = data_dir() / "presets.yaml"
        text = catalog_file.read_text(encoding="utf-8")
        found = re.search(rf"^[ \t]+{re.escape(name)}[ \t]*:", text, re.MULTILINE)
        return catalog_file, text.count("\n", 0, found.start()) if found else 0
    try:
        path = (preset_dir(ref, folder, settings) / ref).resolve()
        allowed = (settings.root or repo_root(folder), *settings.preset_dirs)
        if not path.is_file() or not any(is_inside(path, bound) for bound in allowed):
            return None
    except (OSError, RuntimeError, ValueError):  # a loop, a NUL: no file
        return None
    return path, 0
