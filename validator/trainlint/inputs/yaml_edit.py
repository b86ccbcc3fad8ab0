"""Edits to YAML text that keep every other byte: the primitives the fixer and the rules that offer
fixes share (pre-commit's yaml_rewrite habit: find the node by its position, splice the new text in).

Edits are `Edit(start, end, text)` records on the decoded text; they are applied from the end
backwards, so earlier offsets stay valid.
"""

from __future__ import annotations

import functools
import json
import re

from ..diagnostics import Edit, Span
from ..document import Document
from ..text import LINE_BREAK, first_line_break
from .yaml_reader import load_text

_ALIAS = re.compile(r"[ \t]*:[ \t]*(\*[^\s,\[\]{}]+)")
_PROPERTIES = re.compile(r"(?:[&!][^\s,\[\]{}]*[ \t]+)+")
_FLOW_ENTRY_END = re.compile(r"[ \t]*,[ \t]*(?:#.*)?")


def scalar_text(value: str, like: str = "", flow: bool = False) -> str:
    """`value` spelled so that YAML 1.2 and YAML 1.1 readers both read back that exact string.

    The spelling follows `like` (the scalar it replaces or sits beside): single
    quotes stay single, double stay double, plain stays plain where plain is safe.
    """
    if like[:1] == "'":
        return "'" + value.replace("'", "''") + "'"
    if like[:1] != '"' and value and _plain_is_safe(value, flow):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


@functools.lru_cache(maxsize=1024)
def _plain_is_safe(value: str, flow: bool) -> bool:
    """The loader itself decides: unquoted, it must read back as this string and YAML 1.1 must agree.
    Memoised: a repository's configs are tagged with the same few names, each parsed once."""
    text = f"{{k: {value}}}" if flow else f"k: {value}\n"
    doc = load_text(text)
    return doc.data == {"k": value} and not doc.findings and not doc.yaml11


def _written_value(text: str, key: Span, value: Span) -> tuple[int, int] | None:
    """Where the value written after `key` stands: for an alias (`*name`) that is the alias, not its anchor."""
    if value.start >= key.end:
        return value.start, value.end
    match = _ALIAS.match(text, key.end)
    return (match.start(1), match.end(1)) if match else None


def set_top_level_key(doc: Document, key: str, value: str, after: str) -> tuple[Edit, ...]:
    """Edits that make top-level `key` the string `value`: its scalar replaced in place, or, when
    the key is missing, a new entry right after the entry `after`, in the same style.

    Empty when there is no safe place (the caller then has no fix to offer).
    """
    text, spans = doc.text, doc.spans
    if () not in spans or not isinstance(doc.data, dict):
        return ()
    root = spans[()][1]
    flow = text[root.start : root.start + 1] == "{"
    if (key,) in spans:
        if isinstance(doc.data.get(key), (dict, list)):
            return ()
        key_span, value_span = spans[(key,)]
        return _replace_scalar(text, key_span, value_span, value, flow)  # type: ignore[arg-type]
    if (after,) in spans:
        after_key, after_value = spans[(after,)]
        return _insert_after(text, after_key, after_value, key, value, flow)  # type: ignore[arg-type]
    return ()


def set_number(doc: Document, path: tuple[str, ...], number: int) -> tuple[Edit, ...]:
    """Edits that write the whole number `number` in place of the plain number at `path` (`images: 20`
    becomes `images: 12`), an anchor or tag before it kept; empty when the value there is no plain
    number written in place (quoted, an alias, a block scalar), which the caller then does not fix."""
    spans = doc.spans.get(path)
    if spans is None:
        return ()
    key, value = spans
    if key is None:
        return ()
    where = _written_value(doc.text, key, value)
    if where is None or where[0] != value.start:  # an alias stands there: its anchor is elsewhere
        return ()
    start, end = where
    properties = _PROPERTIES.match(doc.text, start, end)
    start = properties.end() if properties else start
    if not re.fullmatch(r"[+]?[0-9]+", doc.text[start:end]):
        return ()
    return (Edit(start, end, str(number)),)


def _replace_scalar(text: str, key: Span, value_span: Span, value: str, flow: bool) -> tuple[Edit, ...]:
    where = _written_value(text, key, value_span)
    if where is None:
        return ()
    start, end = where
    properties = _PROPERTIES.match(text, start, end)  # an anchor or tag stays where it is
    start = properties.end() if properties else start
    old = text[start:end]
    if old[:1] in ("|", ">"):  # a block scalar: keep the line break it ends with
        return (Edit(start, end, scalar_text(value, flow=flow) + old[len(old.rstrip("\r\n")) :]),)
    if start == end:  # `key:` with nothing after it (null)
        return (Edit(start, end, (" " if text[start - 1 : start] == ":" else "") + scalar_text(value, flow=flow)),)
    return (Edit(start, end, scalar_text(value, old, flow)),)


def _insert_after(text: str, key: Span, value_span: Span, new_key: str, value: str, flow: bool) -> tuple[Edit, ...]:
    where = _written_value(text, key, value_span)
    if where is None:
        return ()
    like = text[where[0] : where[0] + 1]  # quote the new value as the one it follows, the new key as its key
    entry = f"{scalar_text(new_key, text[key.start : key.start + 1], flow)}: {scalar_text(value, like, flow)}"
    indent = " " * key.col
    end = where[1]
    line_break = LINE_BREAK.search(text, end)
    if flow:
        rest = text[end : line_break.start()] if line_break else ""
        if line_break and _FLOW_ENTRY_END.fullmatch(rest):  # one entry per line: add a line like it
            return (Edit(line_break.end(), line_break.end(), f"{indent}{entry},{line_break.group()}"),)
        return (Edit(end, end, f", {entry}"),)
    if end and text[end - 1] in "\r\n":  # the value was a block scalar, which ends after its line break
        newline = "\r\n" if text.endswith("\r\n", 0, end) else text[end - 1]
        return (Edit(end, end, f"{indent}{entry}{newline}"),)
    if line_break is None:  # the last line, without a final newline: keep it without one
        return (Edit(len(text), len(text), f"{first_line_break(text)}{indent}{entry}"),)
    return (Edit(line_break.end(), line_break.end(), f"{indent}{entry}{line_break.group()}"),)


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Splice edits in from the end backwards; an edit overlapping one already applied waits for the next pass."""
    last_start = len(text) + 1
    for edit in sorted(set(edits), key=lambda e: (e.start, e.end), reverse=True):
        if edit.end > last_start or (edit.end == last_start and edit.start == edit.end == last_start):
            continue
        text = text[: edit.start] + edit.text + text[edit.end :]
        last_start = edit.start
    return text
