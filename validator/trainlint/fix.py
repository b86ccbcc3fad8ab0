"""The fixer: apply the edits that findings carry, re-check until stable, write safely.

Edits are splices into the original text (from the end backwards, pre-commit's
`yaml_rewrite` approach), so every byte a fix is not about stays as it was:
comments, blank lines, quotes, key order, indentation, flow style, anchors,
document markers, line endings, the BOM and a missing final newline. A round-trip
dumper (ruamel.yaml's) re-emits the whole document and normalises some of these,
so it is not used to write. Instead, before anything is written, the old and new
texts are both read back with ruamel.yaml, a second and independent YAML 1.2
parser, and must hold the same data apart from the fixed keys: the rewriter never
loses data, even if a splice were wrong.

Writing is `replace.replace_file`'s: a temporary file beside the target, with its
owner, group, mode and extended attributes, swapped in atomically, and undone when
another process saved the file meanwhile.
"""

from __future__ import annotations

import codecs
import difflib
import functools
import json
import re
from pathlib import Path
from typing import Any, NamedTuple

from .diagnostics import Edit, Span
from .engine import NOT_A_CONFIG, FileResult, check_text, is_config, run
from .document import Document
from .load import load_bytes, load_text, read_head
from .replace import TMP_SUFFIX, ReplaceError, sweep_stale_temps  # noqa: F401 - still importable from fix
from .replace import replace_file as safe_write
from .settings import Settings

MAX_PASSES = 5
# loader codes that mean the text is not trustworthy enough to rewrite (syntax, duplicates, tags, limits)
_UNSAFE = ("TL00", "TL09")
_BOM = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}
_EOL = re.compile(r"\r\n|\r|\n")
_ALIAS = re.compile(r"[ \t]*:[ \t]*(\*[^\s,\[\]{}]+)")
_PROPERTIES = re.compile(r"(?:[&!][^\s,\[\]{}]*[ \t]+)+")
_FLOW_ENTRY_END = re.compile(r"[ \t]*,[ \t]*(?:#.*)?")


# One error for a fix refused and a replacement refused or undone: the file keeps what it holds, the message says why.
FixError = ReplaceError


class FixOutcome(NamedTuple):
    file: str
    old: str
    new: str
    result: FileResult  # what is left after fixing

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.old.splitlines(keepends=True), self.new.splitlines(keepends=True),
            fromfile=f"a/{self.file}", tofile=f"b/{self.file}",
        ))


# --- building edits ---------------------------------------------------------------------

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
    text = "{k: %s}" % value if flow else f"k: {value}\n"
    doc = load_text(text)
    return doc.data == {"k": value} and not doc.findings


def _written_value(text: str, key: Span, value: Span) -> tuple[int, int] | None:
    """Where the value written after `key` stands: for an alias (`*name`) that is the alias, not its anchor."""
    if value.start >= key.end:
        return value.start, value.end
    match = _ALIAS.match(text, key.end)
    return (match.start(1), match.end(1)) if match else None


def _line_break(text: str) -> str:
    match = _EOL.search(text)
    return match.group() if match else "\n"


def set_top_level_key(doc: Document, key: str, value: str, after: str) -> tuple[Edit, ...]:
    """Edits that make top-level `key` the string `value`: its scalar replaced in place, or, when
    the key is missing, a new entry right after the entry `after`, in the same style.

    Empty when there is no safe place (the caller then has no fix to offer).
    """
    text, spans = doc.text, doc.spans
    if () not in spans or not isinstance(doc.data, dict):
        return ()
    root = spans[()][1]
    flow = text[root.start:root.start + 1] == "{"
    if (key,) in spans:
        if isinstance(doc.data.get(key), (dict, list)):
            return ()
        key_span, value_span = spans[(key,)]
        return _replace_scalar(text, key_span, value_span, value, flow)  # type: ignore[arg-type]
    if (after,) in spans:
        after_key, after_value = spans[(after,)]
        return _insert_after(text, after_key, after_value, key, value, flow)  # type: ignore[arg-type]
    return ()


def _replace_scalar(text: str, key: Span, value_span: Span, value: str, flow: bool) -> tuple[Edit, ...]:
    where = _written_value(text, key, value_span)
    if where is None:
        return ()
    start, end = where
    properties = _PROPERTIES.match(text, start, end)  # an anchor or tag stays where it is
    start = properties.end() if properties else start
    old = text[start:end]
    if old[:1] in ("|", ">"):  # a block scalar: keep the line break it ends with
        return (Edit(start, end, scalar_text(value, flow=flow) + old[len(old.rstrip("\r\n")):]),)
    if start == end:  # `key:` with nothing after it (null)
        return (Edit(start, end, (" " if text[start - 1:start] == ":" else "") + scalar_text(value, flow=flow)),)
    return (Edit(start, end, scalar_text(value, old, flow)),)


def _insert_after(text: str, key: Span, value_span: Span, new_key: str, value: str, flow: bool) -> tuple[Edit, ...]:
    where = _written_value(text, key, value_span)
    if where is None:
        return ()
    like = text[where[0]:where[0] + 1]  # quote the new value as the one it follows
    entry = f"{new_key}: {scalar_text(value, like, flow)}"
    indent = " " * key.col
    end = where[1]
    line_break = _EOL.search(text, end)
    if flow:
        rest = text[end:line_break.start()] if line_break else ""
        if line_break and _FLOW_ENTRY_END.fullmatch(rest):  # one entry per line: add a line like it
            return (Edit(line_break.end(), line_break.end(), f"{indent}{entry},{line_break.group()}"),)
        return (Edit(end, end, f", {entry}"),)
    if end and text[end - 1] in "\r\n":  # the value was a block scalar, which ends after its line break
        newline = "\r\n" if text.endswith("\r\n", 0, end) else text[end - 1]
        return (Edit(end, end, f"{indent}{entry}{newline}"),)
    if line_break is None:  # the last line, without a final newline: keep it without one
        return (Edit(len(text), len(text), f"{_line_break(text)}{indent}{entry}"),)
    return (Edit(line_break.end(), line_break.end(), f"{indent}{entry}{line_break.group()}"),)


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Splice edits in from the end backwards; an edit overlapping one already applied waits for the next pass."""
    last_start = len(text) + 1
    for edit in sorted(set(edits), key=lambda e: (e.start, e.end), reverse=True):
        if edit.end > last_start or (edit.end == last_start and edit.start == edit.end == last_start):
            continue
        text = text[:edit.start] + edit.text + text[edit.end:]
        last_start = edit.start
    return text


# --- fixing -----------------------------------------------------------------------------

def fix_document(doc: Document, base_dir: Path, settings: Settings) -> FixOutcome:
    """Fix until no fixable finding is left (at most MAX_PASSES passes), then verify."""
    old = text = doc.text
    diagnostics = run(doc, base_dir, settings)
    for _ in range(MAX_PASSES):
        # the loader's own findings, whatever the selection: a duplicate key is never rewritten around
        if any(f.code.startswith(_UNSAFE) for f in doc.findings):
            break
        edits = [e for d in diagnostics for e in d.fix]
        if not edits:
            break
        text = apply_edits(text, edits)
        doc = _reload(doc, text, settings)
        diagnostics = run(doc, base_dir, settings)
    else:
        if any(d.fix for d in diagnostics):
            raise FixError(f"the fixes did not settle after {MAX_PASSES} passes; file left unchanged")
    if text != old:
        verify_same_data(old, text)
    return FixOutcome(doc.file, old, text, FileResult(doc.file, diagnostics, doc))


def _reload(doc: Document, text: str, settings: Settings) -> Document:
    new = load_text(text, doc.file, settings.limits)
    new.encoding, new.bom, new.newline = doc.encoding, doc.bom, doc.newline
    return new


def fix_text(text: str, file: str = "<string>", settings: Settings = Settings(), base_dir: Path | None = None) -> str:
    """The fixed text of a config given as a string (Python API)."""
    doc = check_text(text, file, settings, base_dir).document
    assert doc is not None
    return fix_document(doc, base_dir or Path.cwd(), settings).new


def verify_same_data(old: str, new: str, fixed_keys: tuple[str, ...] = ("classification",)) -> None:
    """ruamel.yaml reads both texts: a second, independent parser as the safety net."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    try:
        before, after = yaml.load(old), yaml.load(new)
    except Exception as exc:  # noqa: BLE001 - any doubt means: do not write
        raise FixError(f"the fixed text could not be verified ({type(exc).__name__}); file left unchanged") from None
    if _strip(before, fixed_keys) != _strip(after, fixed_keys):
        raise FixError("the fix would change data beyond the fixed keys; file left unchanged")
    for key in fixed_keys:
        if isinstance(after, dict) and key in after and not isinstance(after[key], str):
            raise FixError(f"the fix would make `{key}` a {type(after[key]).__name__}; file left unchanged")


def _strip(data: Any, keys: tuple[str, ...]) -> Any:
    return {k: v for k, v in data.items() if k not in keys} if isinstance(data, dict) else data


def encode(doc: Document, text: str) -> bytes:
    return (_BOM.get(doc.encoding, b"") if doc.bom else b"") + text.encode(doc.encoding)


def fix_file(path: Path, display: str, settings: Settings, write: bool = True, raw: bytes | None = None,
             marked: bool = False) -> FixOutcome:
    """Fix one file on disk; FixError (file untouched) for anything that is not safe to rewrite.

    `raw` is the file as the caller already read it: the write later refuses a file that
    no longer holds exactly these bytes; `marked`: the caller found the config marker in it."""
    try:
        raw = read_head(path, settings.limits) if raw is None else raw
    except OSError as exc:
        raise FixError(f"cannot read: {exc.strerror or exc}") from None
    doc = load_bytes(raw, display, settings.limits)
    if doc.ok and not (marked or is_config(raw, doc)):
        raise FixError(NOT_A_CONFIG)
    no_mapping = next((f for f in doc.findings if f.code == "TL006"), None)
    if no_mapping is not None:  # empty, only comments, or a list or a single value at the top
        raise FixError(f"not a trainlint config: {no_mapping.message}")
    outcome = fix_document(doc, path.parent, settings)
    if outcome.changed and write:
        safe_write(path, raw, encode(doc, outcome.new))
    return outcome

