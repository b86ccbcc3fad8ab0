"""trainlint's own format: YAML with a top-level `schema_version`, checked against schema v1 and a preset.

Detection is on the bytes (the config marker), so a folder full of other YAML costs no parse;
reading is the YAML reader's (yaml_reader.py).
"""

from __future__ import annotations

import re

from .. import codes
from ..diagnostics import Finding, Span
from ..document import Document
from ..text import WIDE_BOMS

NAME = "trainlint"
SUFFIXES = (".yaml", ".yml")

# the marker: a top-level `schema_version` key at a line start (also in a flow mapping or after `---`),
# or a yaml-language-server modeline naming a trainlint schema; each pattern is tried only where a
# match could start (see _has_marker), as searching the whole text tries it at every byte
_TOP_KEY = re.compile(rb"(?:---[ \t]+)?(?:\{\s*)?[\"']?schema_version[\"']?\s*:")
_MODELINE = re.compile(rb"#\s*yaml-language-server:\s*\$schema=(?!\S*preset\.schema\.json)\S*trainlint")
NOT_A_CONFIG = (
    "not a trainlint config (no top-level `schema_version` key, no trainlint `$schema` modeline), nor a config "
    "of a trainer trainlint reads (kohya_ss, sd-scripts, ai-toolkit, onetrainer, simpletuner, diffusers, scenario)"
)


def looks_like_config(raw: bytes) -> bool:
    """A top-level `schema_version` key, or a modeline naming a trainlint schema.

    Decided on the bytes, before parsing, so searching a repository full of other
    YAML stays cheap; UTF-16/32 files (with a BOM) are decoded first.
    """
    return marker(raw) is True


# a double-quoted scalar with an escape: the one way to write `schema_version` without the word itself
# (`"schema\x5fversion"`, `"schema_\<line break>version"`); an implicit key stands on one line
_ESCAPE_IN_QUOTES = re.compile(rb'"[^"\n]*\\')


def marker(raw: bytes) -> bool | None:
    """Whether the bytes carry the config marker: True when they do (a top-level `schema_version` at a
    line start, or a trainlint modeline), False when no spelling of a `schema_version` key can be in
    them, None when one may be but only the parsed document can tell (the word where the line-start
    test does not look: a flow mapping with another key first, an indented document, `? key`, a tag
    or an anchor before it; or a double-quoted escape that could spell it). A config the loader would
    accept is never False; the usual file (the marker on its first line, or no such word at all)
    costs a search or two and no parse."""
    for bom, encoding in WIDE_BOMS:
        if raw.startswith(bom):
            raw = raw[len(bom) :].decode(encoding, "replace").encode("utf-8")
            break
    if _has_marker(raw):
        return True
    if b"schema_version" in raw or (b"\\" in raw and _ESCAPE_IN_QUOTES.search(raw)):
        return None
    return False


def _has_marker(raw: bytes) -> bool:
    """Whether `_TOP_KEY` matches at a line start or `_MODELINE` anywhere, found from the words
    they contain rather than by trying every byte.

    Between a match's start and its word stand only `---`, a `{`, white space (line breaks
    too) and a quote: a key's match starts at the line of its word or at the line of the last
    character before it that is not white space (the `{`); a modeline's, at that character (the
    `#`). Each stretch of text is walked once, so a file full of the words costs linear time.
    """
    line = scanned = 0  # the start of the line holding `scanned`, the point the text is walked to
    at = raw.find(b"schema_version")
    while at >= 0:
        word = at - 1 if at and raw[at - 1] in b"\"'" else at
        last = _before_space(raw, word)  # just after the character a `{` would be
        brace_line = _line_start(raw, scanned, last, line)
        line, scanned = _line_start(raw, last, word, brace_line), word
        if _TOP_KEY.match(raw, line) or (brace_line != line and _TOP_KEY.match(raw, brace_line)):
            return True
        at = raw.find(b"schema_version", at + 1)
    at = raw.find(b"yaml-language-server")
    while at >= 0:
        last = _before_space(raw, at) - 1
        if last >= 0 and _MODELINE.match(raw, last):
            return True
        at = raw.find(b"yaml-language-server", at + 1)
    return False


def _before_space(raw: bytes, end: int) -> int:
    """The start of the run of white space that ends at `end`."""
    while end and raw[end - 1] in b" \t\n\r\x0b\x0c":
        end -= 1
    return end


def _line_start(raw: bytes, start: int, end: int, known: int) -> int:
    """The start of the line holding `end`, `known` being that of the line holding `start`."""
    found = raw.rfind(b"\n", start, end)
    return known if found < 0 else found + 1


def is_config(raw: bytes, doc: Document) -> bool:
    """The marker in the text, or a top-level `schema_version` the byte test cannot see (flow style).

    Asked only of files that loaded as a mapping: a file that did not load keeps the
    loader's own finding (syntax, limits), which says more than "not a config".
    """
    return "schema_version" in doc.data or looks_like_config(raw)


# --- repository preset files -------------------------------------------------------------

PRESET_KEYS = ("extends", "description", "version", "training")
# a built-in preset name (`sdxl/style`, `sdxl/style@1`, or a misspelling of one) or a preset file
_PRESET_REF = re.compile(r"[\w.\-]+/[\w.\-]+(?:@\w*)?|\S+\.ya?ml")
_PRESET_MODELINE = re.compile(rb"#\s*yaml-language-server:\s*\$schema=\S*trainlint\S*/preset\.schema\.json")


def may_be_preset(raw: bytes) -> bool:
    """Whether a YAML file may be a repository preset file, on the bytes: the word `extends`, or the preset
    schema's modeline. Only such files are parsed to decide (`is_preset_file`)."""
    for bom, encoding in WIDE_BOMS:
        if raw.startswith(bom):
            raw = raw[len(bom) :].decode(encoding, "replace").encode("utf-8")
            break
    return b"extends" in raw or b"preset.schema.json" in raw


def is_preset_file(raw: bytes, doc: Document) -> bool:
    """A repository preset file (docs/reference.md, "Presets"): no `schema_version`, and either the preset
    schema's modeline, or a top-level `extends` naming a preset (a built-in name, a misspelt one, or a
    `.yaml` file) beside keys that are a preset file's or a misspelling of one. Other tools' YAML with an
    `extends` (ESLint's `plugin:...`, a CI template with its own keys) is not taken for one."""
    data = doc.data
    if not isinstance(data, dict) or "schema_version" in data:
        return False
    if _PRESET_MODELINE.search(raw):
        return True
    extends = data.get("extends")
    if not isinstance(extends, str) or not _PRESET_REF.fullmatch(extends):
        return False
    return all(isinstance(key, str) and (key in PRESET_KEYS or _near_preset_key(key)) for key in data)


def _near_preset_key(key: str) -> bool:
    import difflib  # only files with an unusual key get here

    return bool(difflib.get_close_matches(key, PRESET_KEYS, n=1, cutoff=0.75))


def not_a_config() -> Finding:
    return Finding(
        codes.NOT_A_CONFIG,
        NOT_A_CONFIG,
        span=Span(0, 0, 0, 0),
        hint="add `schema_version: 1` at the top if this is a config; other YAML needs no trainlint",
    )
