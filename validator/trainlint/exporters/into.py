"""`--into`: an exporter's managed values written into an existing trainer file, every other byte kept.

The file is read by its trainer's reader, which gives the span of every key and value by path; each
managed value is then spliced in where its key stands (the value's text replaced), added beside its
siblings when the key is missing, or taken out (a bare flag turned off, a key that would override
the managed ones), as `fix` edits: `Edit` records applied from the end backwards
(`yaml_edit.apply_edits`). A value the file already holds, however it is spelt, is left as it is.
Where no edit is safe (a value that is a list or a table, a flow collection, a key in an array of
tables), `IntoError` says so and nothing is written.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from ..diagnostics import ConfigPath, Edit, Span
from ..document import Document
from ..init import yaml_number
from ..inputs.yaml_edit import scalar_text
from ..text import LINE_BREAK, first_line_break
from .writing import shell_word, toml_value


class IntoError(Exception):
    """No safe edit: the reason, worded for the user."""


def same(old: Any, new: Any) -> bool:
    """Whether the file already holds the value (`1e-4` holds 0.0001; `true` is not 1)."""
    if isinstance(old, bool) or isinstance(new, bool):
        return isinstance(old, bool) and isinstance(new, bool) and old == new
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return math.isclose(old, new, rel_tol=1e-12, abs_tol=0.0) if old or new else True
    return bool(old == new and type(old) is type(new))


def _at(data: Any, path: ConfigPath) -> tuple[bool, Any]:
    node = data
    for step in path:
        if isinstance(step, str) and isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node):
            node = node[step]
        else:
            return False, None
    return True, node


def _shown(path: ConfigPath) -> str:
    return ".".join(str(step) for step in path)


# --- which existing key a flat trainer's key is ----------------------------------------------------


def flat_key(doc: Document, key: str, tables: bool) -> ConfigPath | None:
    """Where a flat key stands: at the top level or, for sd-scripts' TOML (whose loader flattens tables),
    in a table; written with or without SimpleTuner's leading `--`. The last one wins, as when loading."""
    found = None
    for path in doc.spans:
        if not path or not isinstance(path[-1], str) or path[-1].lstrip("-") != key.lstrip("-"):
            continue
        if len(path) == 1 or (tables and len(path) == 2 and isinstance(doc.data.get(path[0]), dict)):
            found = path
    return found


# --- edits per file kind --------------------------------------------------------------------------


def edits(
    kind: str, doc: Document, assign: Mapping[ConfigPath, Any], remove: tuple[ConfigPath, ...], flat: bool
) -> list[Edit]:
    """The edits that make `doc` hold `assign` and not `remove`. `kind`: json, toml, yaml or shell;
    `flat`: the trainer reads one level of keys (sd-scripts, SimpleTuner), wherever they stand."""
    out: list[Edit] = []
    inserted: dict[ConfigPath, list[tuple[str, Any]]] = {}
    for path, value in assign.items():
        where = flat_key(doc, str(path[-1]), kind == "toml") if flat and len(path) == 1 else path
        present = where is not None and where in doc.spans
        if present:
            assert where is not None
            _, old = _at(doc.data, where)
            if kind == "shell" and value is None or value is False and kind == "shell":
                out.append(_shell_remove(doc, where))
            elif not same(old, value):
                out.append(_replace(kind, doc, where, value))
        elif value is not None and not (kind == "shell" and value is False):
            inserted.setdefault(path[:-1], []).append((str(path[-1]), value))
    for path in remove:
        where = flat_key(doc, str(path[-1]), kind == "toml") if flat and len(path) == 1 else path
        if where is not None and where in doc.spans:
            out.append(_remove_line(doc, where) if kind != "shell" else _shell_remove(doc, where))
    for parent, entries in inserted.items():
        out.append(_insert(kind, doc, parent, entries, assign))
    return out


def _replace(kind: str, doc: Document, path: ConfigPath, value: Any) -> Edit:
    key, span = doc.spans[path]
    _, old = _at(doc.data, path)
    if isinstance(old, (dict, list)) and not (kind == "toml" and isinstance(old, list)):
        raise IntoError(f"{_shown(path)} holds a {'table' if isinstance(old, dict) else 'list'}; it is not replaced")
    if kind == "shell" and key is not None and span.start == key.start:  # a bare flag that now takes a value
        return Edit(key.end, key.end, f"={shell_word(value)}")
    return Edit(span.start, span.end, _value_text(kind, value, doc.text[span.start : span.end]))


def _value_text(kind: str, value: Any, like: str = "") -> str:
    if kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if kind == "toml":
        return toml_value(value)
    if kind == "shell":
        return shell_word(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return yaml_number(value) if isinstance(value, float) else str(value)
    return scalar_text(str(value), like)


def _line_of(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The whole line(s) from `start` to `end` with their line break, when nothing else stands on them
    but white space and a comment; None otherwise."""
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    if text[line_start:start].strip():
        return None
    brk = LINE_BREAK.search(text, end)
    rest = text[end : brk.start() if brk else len(text)]
    if rest.strip() and not rest.strip().startswith("#"):
        return None
    return line_start, brk.end() if brk else len(text)


def _remove_line(doc: Document, path: ConfigPath) -> Edit:
    key, value = doc.spans[path]
    start = key.start if key is not None else value.start
    line = _line_of(doc.text, start, value.end)
    if line is None:
        raise IntoError(f"{_shown(path)} shares its line with other keys; take it out by hand")
    return Edit(line[0], line[1], "")


# --- inserting keys -------------------------------------------------------------------------------


def _children(doc: Document, parent: ConfigPath) -> list[tuple[Span | None, Span]]:
    return [doc.spans[p] for p in doc.spans if len(p) == len(parent) + 1 and p[: len(parent)] == parent]


def _insert(
    kind: str, doc: Document, parent: ConfigPath, entries: list[tuple[str, Any]], assign: Mapping[ConfigPath, Any]
) -> Edit:
    if kind == "shell":
        return _shell_insert(doc, parent, entries)
    if kind == "toml":
        return _toml_insert(doc, entries)
    # the nearest ancestor that exists takes the entries, nested under the parents it lacks
    base = parent
    while base and base not in doc.spans:
        base = base[:-1]
    nested: list[tuple[str, Any]] = entries
    missing = parent[len(base) :]
    for step in reversed(missing):
        if isinstance(step, int):
            raise IntoError(f"{_shown(parent)}: the file has no such list entry to update")
        nested = [(step, dict(nested))]
    found, holder = _at(doc.data, base)
    if not found or not isinstance(holder, dict):
        raise IntoError(f"{_shown(base) or 'the file'} is not a mapping; {_shown(parent)} cannot be added")
    if kind == "json":
        return _json_insert(doc, base, nested)
    return _yaml_insert(doc, base, nested)


def _json_insert(doc: Document, parent: ConfigPath, entries: list[tuple[str, Any]]) -> Edit:
    text = doc.text
    whole = doc.spans[parent][1]
    members = _children(doc, parent)
    newline = first_line_break(text)
    if not members:
        inner = ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v)}" for k, v in entries)
        return Edit(whole.start + 1, whole.start + 1, inner)
    last_key, last_value = max(members, key=lambda m: m[1].end)
    assert last_key is not None
    if last_key.line == whole.line:  # an object on one line: the new members follow on it
        inner = "".join(f", {json.dumps(k, ensure_ascii=False)}: {json.dumps(v)}" for k, v in entries)
        return Edit(last_value.end, last_value.end, inner)
    indent = " " * last_key.col
    step = max(2, last_key.col - whole.col) if parent else max(2, last_key.col)
    parts = []
    for key, value in entries:
        shown = json.dumps(value, indent=step, ensure_ascii=False).replace("\n", newline + indent)
        parts.append(f",{newline}{indent}{json.dumps(key, ensure_ascii=False)}: {shown}")
    return Edit(last_value.end, last_value.end, "".join(parts))


def _yaml_block(entries: list[tuple[str, Any]], indent: str, newline: str) -> str:
    lines = []
    for key, value in entries:
        if isinstance(value, dict):
            lines.append(f"{indent}{scalar_text(key)}:")
            lines.append(_yaml_block(list(value.items()), indent + "  ", newline).rstrip("\r\n"))
        else:
            lines.append(f"{indent}{scalar_text(key)}: {_value_text('yaml', value)}")
    return newline.join(lines) + newline


def _yaml_insert(doc: Document, parent: ConfigPath, entries: list[tuple[str, Any]]) -> Edit:
    text = doc.text
    whole = doc.spans[parent][1]
    members = _children(doc, parent)
    if not members or text[whole.start : whole.start + 1] in ("{", "["):
        raise IntoError(f"{_shown(parent) or 'the file'} is empty or written in flow style; add the keys by hand")
    last_key, last_value = max(members, key=lambda m: m[1].end)
    assert last_key is not None
    newline = first_line_break(text)
    block = _yaml_block(entries, " " * last_key.col, newline)
    end = last_value.end
    if end and text[end - 1] in "\r\n":  # a block scalar ends after its line break
        return Edit(end, end, block)
    brk = LINE_BREAK.search(text, end)
    if brk is None:
        return Edit(len(text), len(text), newline + block.rstrip("\r\n"))
    return Edit(brk.end(), brk.end(), block)


def _toml_insert(doc: Document, entries: list[tuple[str, Any]]) -> Edit:
    """New keys of a flat trainer go at the top level: before the first table, else at the end."""
    text = doc.text
    newline = first_line_break(text)
    block = "".join(f"{k} = {toml_value(v)}{newline}" for k, v in entries)
    tables = [
        value.start
        for path, (_, value) in doc.spans.items()
        if len(path) == 1
        and isinstance(doc.data.get(path[0]), (dict, list))
        and text[value.start : value.start + 1] == "["
    ]
    if tables:
        at = min(tables)
        return Edit(at, at, block + newline)
    if text and not text.endswith(("\n", "\r")):
        return Edit(len(text), len(text), newline + block.rstrip("\r\n"))
    return Edit(len(text), len(text), block)


# --- a launch script ------------------------------------------------------------------------------


def _command_words(doc: Document, command: ConfigPath) -> list[Span]:
    spans = []
    for path, (key, value) in doc.spans.items():
        if path[: len(command)] == command and len(path) > len(command) and path[len(command)] in ("script", "args"):
            spans += [s for s in (key, value) if s is not None]
    return spans


def _shell_insert(doc: Document, parent: ConfigPath, entries: list[tuple[str, Any]]) -> Edit:
    command = parent[:2]
    if command not in doc.spans:
        raise IntoError("the script runs no training command to update")
    words = _command_words(doc, command)
    last = max(words, key=lambda s: s.end)
    args = [doc.spans[p][0] for p in doc.spans if p[:3] == (*command, "args") and len(p) == 4]
    multiline = any(a is not None and a.line != last.line for a in args) or any(
        a is not None and a.line > doc.spans[(*command, "script")][1].line for a in args
    )
    newline = first_line_break(doc.text)
    indent = " " * min((a.col for a in args if a is not None), default=2)
    parts = []
    for flag, value in entries:
        word = flag if value is True else f"{flag}={shell_word(value)}"
        parts.append(f" \\{newline}{indent}{word}" if multiline else f" {word}")
    return Edit(last.end, last.end, "".join(parts))


def _shell_remove(doc: Document, path: ConfigPath) -> Edit:
    """A flag and its value out of the command, with the separator before it (` \\` and the line break)."""
    key, value = doc.spans[path]
    assert key is not None
    words = _command_words(doc, path[:2])
    before = max((s.end for s in words if s.end <= key.start), default=None)
    if before is None:
        raise IntoError(f"{path[-1]} cannot be taken out of the command")
    return Edit(before, max(value.end, key.end), "")
