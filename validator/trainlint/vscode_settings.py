"""The `yaml.schemas` entry of a repository's `.vscode/settings.json` that binds configs to the schema.

VS Code's YAML extension (yaml-language-server) maps a schema to file patterns with the
`yaml.schemas` setting; a path relative to the workspace folder (`./.trainlint/...`) names
a file in the repository, so the binding works offline and for everyone who opens the clone.

An existing settings file is edited, never re-serialised: the entry (or the missing patterns)
is spliced in after the opening brace of the object that holds it, so comments, order and
formatting stay as they were. The result is read back (`//` and `/* */` comments allowed, as
VS Code allows them) and must hold the same settings plus the binding, or nothing is written.
A file that does not read as JSON with comments (VS Code also takes trailing commas, which
this does not) is left alone, and the error says what to add by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .document import Document
from .errors import FixError, InitError
from .inputs.readers.json_reader import read_json
from .replace import replace_file

SETTINGS_FILE = ".vscode/settings.json"
KEY = "yaml.schemas"
MAX_BYTES = 1 << 20


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _entry(schema_ref: str, patterns: list[str]) -> str:
    return f"{_quoted(schema_ref)}: [{', '.join(map(_quoted, patterns))}]"


def merged(old: str | None, schema_ref: str, patterns: list[str]) -> str:
    """The settings text with `schema_ref` mapped to `patterns` (added to those it has); InitError
    when the text is not a settings object this can edit safely. `old` None: a new file."""
    if old is None:
        return json.dumps({KEY: {schema_ref: patterns}}, indent=2, ensure_ascii=False) + "\n"
    doc = read_json(old.encode("utf-8"), SETTINGS_FILE, comments=True)
    problem = next((f for f in doc.findings), None)
    if problem is not None or not isinstance(doc.data, dict):
        where = f" (line {problem.span.line + 1}: {problem.message})" if problem and problem.span else ""
        raise InitError(
            f"{SETTINGS_FILE} is not a JSON object trainlint can edit{where}; {_by_hand(schema_ref, patterns)}"
        )
    settings: dict[str, Any] = doc.data
    schemas = settings.get(KEY)
    if schemas is not None and not isinstance(schemas, dict):
        raise InitError(f"`{KEY}` in {SETTINGS_FILE} is not an object; {_by_hand(schema_ref, patterns)}")
    if schemas is None:
        text = _insert_member(old, doc, (), f"{_quoted(KEY)}: {{{_entry(schema_ref, patterns)}}}", bool(settings))
    elif schema_ref not in schemas:
        text = _insert_member(old, doc, (KEY,), _entry(schema_ref, patterns), bool(schemas))
    else:
        have = schemas[schema_ref]
        have_list = [have] if isinstance(have, str) else have
        if not isinstance(have_list, list):
            raise InitError(
                f"`{KEY}` maps {schema_ref} to something other than patterns; {_by_hand(schema_ref, patterns)}"
            )
        missing = [p for p in patterns if p not in have_list]
        if not missing:
            return old
        if isinstance(have, str):
            raise InitError(f"`{KEY}` maps {schema_ref} to one pattern; {_by_hand(schema_ref, [have, *missing])}")
        added = ", ".join(map(_quoted, missing))
        if have_list:  # after the last pattern, on its line
            at = doc.spans[(KEY, schema_ref, len(have_list) - 1)][1].end
            text = old[:at] + ", " + added + old[at:]
        else:
            at = _value_start(doc, (KEY, schema_ref)) + 1
            text = old[:at] + added + old[at:]
    expected = {**settings, KEY: {**(schemas or {}), schema_ref: _union(schemas, schema_ref, patterns)}}
    check = read_json(text.encode("utf-8"), SETTINGS_FILE, comments=True)
    if check.findings or check.data != expected:  # the splice must add exactly the binding
        raise InitError(f"{SETTINGS_FILE} could not be edited safely; {_by_hand(schema_ref, patterns)}")
    return text


def _union(schemas: dict[str, Any] | None, schema_ref: str, patterns: list[str]) -> list[str]:
    have = (schemas or {}).get(schema_ref) or []
    return [*have, *(p for p in patterns if p not in have)] if isinstance(have, list) else patterns


def _value_start(doc: Document, path: tuple[str, ...]) -> int:
    return doc.spans[path][1].start


def _insert_member(old: str, doc: Document, path: tuple[str, ...], member: str, has_members: bool) -> str:
    """`member` as the first member of the object at `path`, on a line of its own, indented one level deeper
    than that object's line."""
    start = _value_start(doc, path)
    line_start = old.rfind("\n", 0, start) + 1
    indent = old[line_start : len(old[line_start:]) - len(old[line_start:].lstrip(" \t")) + line_start]
    inner = indent + "  "
    return old[: start + 1] + f"\n{inner}{member}" + ("," if has_members else f"\n{indent}") + old[start + 1 :]


def _by_hand(schema_ref: str, patterns: list[str]) -> str:
    return f"add this to it by hand: {_quoted(KEY)}: {{{_entry(schema_ref, patterns)}}}"


def bind(root: Path, schema_ref: str, patterns: list[str]) -> bool:
    """Map `schema_ref` to `patterns` in the repository's settings; False when it already was."""
    path = root / SETTINGS_FILE
    try:
        raw = path.read_bytes() if path.exists() else None
    except OSError as exc:
        raise InitError(f"cannot read {SETTINGS_FILE}: {exc.strerror or exc}") from None
    if raw is not None and len(raw) > MAX_BYTES:
        raise InitError(f"{SETTINGS_FILE} is larger than {MAX_BYTES} bytes; {_by_hand(schema_ref, patterns)}")
    try:
        old = None if raw is None else raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InitError(f"{SETTINGS_FILE} is not UTF-8; {_by_hand(schema_ref, patterns)}") from None
    new = merged(old, schema_ref, patterns)
    if new == old:
        return False
    try:
        if raw is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(new)
        else:
            replace_file(path, raw, new.encode("utf-8"))
    except (OSError, FixError) as exc:
        raise InitError(f"cannot write {SETTINGS_FILE}: {getattr(exc, 'strerror', None) or exc}") from None
    return True
