"""Hover on a training value: what it is once the preset and the file are read together (the
effective value), the preset's value and the ratio to it, where the value comes from, and the
guide's advice for that parameter in a line or two.

The numbers are `show`'s (`show.effective_view`, the object `trainlint show --format json`
prints), so the editor and the command never disagree. For a trainer's config the hover sits on
the trainer's own key (`learning_rate`, `max_train_steps`, ...) and says which of trainlint's
values it sets and how. The advice is the first sentences of the schema's description of the
key (the guide's words, the same text yaml-language-server shows for trainlint's own keys),
with the training type's usual range for the text encoder ratio.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..catalog import catalog
from ..diagnostics import ConfigPath, fmt_number
from ..document import Document
from ..errors import UsageError
from ..resources import schema
from ..settings import Settings
from ..show import effective_view
from ..text import printable
from .positions import Lines, Position
from .project import encode

LABELS = {
    "steps": "steps",
    "steps_per_image": "steps per image",
    "learning_rate_unet": "UNet learning rate",
    "learning_rate_text_encoder": "text encoder learning rate",
    "text_encoder_ratio": "text encoder ratio",
}
SOURCES = {
    "config": "set in this file",
    "preset": "the preset's (not set in this file)",
    "derived": "worked out from the file",
    "trainer-default": "the trainer's default (not set in this file)",
}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~])")


def markdown_text(text: str) -> str:
    """Text from a file, shown as itself: escaped for Markdown (no link, image or HTML can be made of
    it) and for people (`text.printable`)."""
    return _MARKDOWN.sub(r"\\\1", printable(text))


def code(text: str) -> str:
    """Text from a file as inline code: nothing in a code span is Markdown, but a backtick would end it."""
    return "`" + printable(text).replace("`", "'") + "`"


def _number(value: float | None) -> str:
    return "unknown" if value is None else fmt_number(value)


def place_at(doc: Document, offset: int) -> tuple[ConfigPath, bool] | None:
    """The innermost key or value of the document at a text offset, and whether it is the key."""
    best: tuple[int, ConfigPath, bool] | None = None
    for path, (key, value) in doc.spans.items():
        for span, is_key in ((key, True), (value, False)):
            if span is not None and span.start <= offset <= span.end and span.end > span.start:
                size = span.end - span.start
                if best is None or size < best[0]:
                    best = (size, path, is_key)
    return None if best is None else (best[1], best[2])


def advice(key: str, training_type: str | None) -> str:
    """The guide's advice for a parameter: the schema's description up to its list of preset defaults."""
    described = schema(1)["properties"]["training"]["properties"].get(key, {}).get("description", "")
    text = str(described).split(" Preset defaults")[0].strip()
    if key == "text_encoder_ratio" and training_type in catalog().training_types:
        usual = catalog().training_types[training_type].get("text_encoder_ratio")
        if isinstance(usual, dict) and "min" in usual and "max" in usual:
            text += f" Usual for {training_type}: {fmt_number(usual['min'])}-{fmt_number(usual['max'])}."
    return text


def label(key: str, base_model: str | None) -> str:
    """What a value is called: FLUX.1's `learning_rate_unet` is its transformer's rate (catalog denoiser)."""
    if key == "learning_rate_unet":
        return f"{catalog().denoiser(base_model)} learning rate"
    return LABELS.get(key, key)


def describe(key: str, entry: dict[str, Any], view: dict[str, Any]) -> str:
    lines = [
        f"**{label(key, view.get('base_model'))}**: `{_number(entry['value'])}` "
        f"({SOURCES.get(entry['source'], entry['source'])})"
    ]
    if entry.get("key") and view["input_format"] != "trainlint":
        lines[0] += f", from {code(str(entry['key']))}"
    if view.get("preset"):
        ratio = entry.get("ratio")
        versus = f"; ratio **{ratio:.3g}x**" if ratio is not None else ""
        lines.append(f"preset {code(str(view['preset']))}: `{_number(entry.get('preset'))}`{versus}")
    if entry.get("note"):
        lines.append(markdown_text(str(entry["note"])))
    guide = advice(key, view.get("training_type"))
    if guide:
        lines.append(f"*{guide}*")
    return "  \n".join(lines)


def hover_text(doc: Document, path: Path, text: str, settings: Settings, lines: Lines, at: Position) -> str | None:
    """The hover's Markdown for the key or value under the cursor, None where there is nothing to say."""
    offset = lines.offset(at) - lines.shift
    found = place_at(doc, offset)
    if found is None:
        return None
    config_path, _ = found
    key_span, value_span = doc.spans[config_path]
    span = key_span or value_span
    where = (span.line + 1, span.col + 1)
    try:
        view = effective_view(path, doc.file, settings, raw=encode(text))
    except (UsageError, OSError):
        return None
    matched = [
        (key, entry)
        for key, entry in view["values"].items()
        if (entry.get("line"), entry.get("column")) == where and entry.get("key") is not None
    ]
    if not matched:
        return None
    # the value the key sets first, then what is worked out from it (steps per image from steps)
    matched.sort(key=lambda item: item[1]["source"] == "derived")
    return "\n\n".join(describe(key, entry, view) for key, entry in matched)
