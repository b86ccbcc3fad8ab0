"""JSON read into a Document: the data Python's `json.loads` makes, and where every key and value stood.

Trainers read JSON with Python's `json` module (kohya_ss GUI presets, OneTrainer presets and
concepts, SimpleTuner, ai-toolkit's `.json` and `.jsonc`), so this reader accepts what that module
accepts and builds the same data, with three deliberate exceptions, each reported as a finding on
its value rather than passed on silently:

- `NaN`, `Infinity`, `-Infinity` and numbers beyond a float (`1e999`): Python's json reads them,
  so the trainer would train with a NaN or infinite value; JSON proper has no such numbers. TL008,
  and the value becomes a `Refused` placeholder, as the YAML loader does with `.nan`.
- integers of more than 400 digits or beyond a float's range: Python refuses more than 4,300
  digits (`int` max_str_digits) and every later step may turn the value into a float. TL008, refused.
- a `\\ud800` escape without its other half: Python's json makes a string that cannot be written
  as UTF-8, which would break every report that shows it. TL007; a value is refused, a key keeps
  its escapes as written.

A key given twice is reported at both places (TL002) and the later value wins, as in Python's
json. Bytes are decoded as the YAML loader decodes them (text.decode: UTF-8, or UTF-8/16/32 with a
BOM; invalid text and NUL bytes are TL007).

Comments are not JSON: ai-toolkit reads `.jsonc` files with plain `json.loads` too, so a comment
there stops the trainer, and it is a syntax error here with that hint. `comments=True` accepts
`//` and `/* */` comments for a format whose trainer does strip them (none yet).

How: one compiled pattern matches every token, skipping whitespace (and comments) possessively,
and also matches any other single character and the end of the text, so `finditer` never skips
a character and never backtracks far; a loop with an explicit stack turns tokens into data, so
no depth of nesting can exhaust Python's stack. Strings without escapes (nearly all) are sliced;
the others go through the json module's own C string scanner, so escapes mean exactly what they
mean to the trainer. bench/readers.py measures this against `json.loads` plus a separate
position pass and against tree-sitter-json; docs/readers.md has the figures.
"""

import bisect
import functools
import math
import re
from typing import Any, NamedTuple

from ... import codes
from ...diagnostics import ConfigPath, Finding, Span
from ...document import Document, Limits
from ...text import decoded_text, line_starts  # the primitives every reader shares

__all__ = ["DEEPEST", "DEFAULT_LIMITS", "Refused", "read_json"]
DEFAULT_LIMITS = Limits()
# whatever the configured limit, data is never nested deeper than this: later stages walk it recursively
DEEPEST = 128

_SURROGATE = re.compile("[\ud800-\udfff]")


class Refused(str):
    """Stands for a value the reader refused (reported as a finding): its source text. Rules skip it."""

    __slots__ = ()


# --- positions -------------------------------------------------------------------------


# --- tokens ----------------------------------------------------------------------------

# token kinds: the number of the pattern's group that matched (`Match.lastindex`); group 1 is an optional
# comma before the token, group 3 the string of a key, so a pair takes two matches: `, "key":` and its value
_COMMA, _KEY = 1, 2
_STR, _ESTR, _FLOAT, _INT, _TRUE, _FALSE, _NULL, _CONST = range(4, 12)
_LBRACE, _LBRACKET, _RBRACE, _RBRACKET, _COLON, _EOF, _OTHER = range(12, 19)
_TOKENS = r"""(?:(,)WS)?(?:
  (("[^"\\\x00-\x1f]*+")WS:)                                    # 2 a key without escapes and its colon
| ("[^"\\\x00-\x1f]*+")                                         # 4 a string without escapes
| ("(?:[^"\\\x00-\x1f]++|\\[^\x00-\x1f])*+")                    # 5 a string with escapes
| (-?(?:0|[1-9][0-9]*+)(?:\.[0-9]++(?:[eE][-+]?[0-9]++)?+|[eE][-+]?[0-9]++))  # 6 a float
| (-?(?:0|[1-9][0-9]*+))                                        # 7 an integer
| (true) | (false) | (null) | (NaN|-?Infinity)                  # 8-11
| (\{) | (\[) | (\}) | (\]) | (:)                               # 12-16
| (\Z)                                                          # 17 the end
| ([\s\S])                                                      # 18 anything else: an error
)"""
_WHITESPACE = r"[ \t\n\r]*+"
_WHITESPACE_AND_COMMENTS = r"(?:[ \t\n\r]++|//[^\n\r]*+|/\*(?:[^*]++|\*(?!/))*+\*/)*+"
_PATTERN = re.compile(_WHITESPACE + _TOKENS.replace("WS", _WHITESPACE), re.VERBOSE)


@functools.cache
def _pattern_with_comments() -> re.Pattern[str]:
    """The pattern that also skips comments, compiled on first use: it costs some 10 ms to compile."""
    return re.compile(_WHITESPACE_AND_COMMENTS + _TOKENS.replace("WS", _WHITESPACE_AND_COMMENTS), re.VERBOSE)


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# the json module's words for a bad string, as the finding says them
_STRING_ERRORS = {
    "Unterminated string starting at": "the string is not closed",
    "Invalid control character at": "a control character in a string (write a line break as \\n, a tab as \\t)",
    "Invalid \\escape": "an invalid escape in a string",
    "Invalid \\uXXXX escape": "an invalid \\uXXXX escape in a string",
}

# what the parser expects next
_VALUE, _VALUE_OR_CLOSE, _KEY, _KEY_OR_CLOSE, _COLON_NEXT, _AFTER_VALUE = range(6)
_EXPECTED = {
    _VALUE: "a value",
    _VALUE_OR_CLOSE: "a value or ']'",
    _KEY: "a key in double quotes",
    _KEY_OR_CLOSE: "a key in double quotes or '}'",
    _COLON_NEXT: "':' after the key",
}


class _Stop(Exception):
    """Reading ends here: the one finding that says why (a syntax error or a limit)."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


class _Frame(NamedTuple):
    """An open object or array: the container, its path, where it opened, its key's span."""

    container: Any
    path: ConfigPath
    start: int
    key_span: Span | None


# --- the parser ------------------------------------------------------------------------


class _Parser:
    """Tokens to data with spans; the hot loop is `run`, the rare cases are methods of their own."""

    def __init__(self, doc: Document, limits: Limits, comments: bool) -> None:
        self.doc, self.text = doc, doc.text
        self.comments = comments
        self.max_depth = min(limits.max_depth, DEEPEST)
        self.max_nodes = limits.max_nodes
        self.starts = line_starts(self.text)

    def span(self, start: int, end: int) -> Span:
        """The span of text[start:end]; a token never ends at a line's start, so `end` needs no care."""
        starts = self.starts
        line = bisect.bisect_right(starts, start) - 1
        end_line = bisect.bisect_right(starts, end) - 1
        return Span(line, start - starts[line], end_line, end - starts[end_line], start, end)

    def run(self) -> Any:
        text, spans, starts = self.text, self.doc.spans, self.starts
        bisect_right, new, span_type = bisect.bisect_right, tuple.__new__, Span
        max_depth, max_nodes, nodes = self.max_depth, self.max_nodes, 0
        root: list[Any] = []
        stack: list[_Frame] = []
        container: Any = root
        path: ConfigPath = ()
        is_object = False
        key: str = ""
        key_span: Span | None = None
        state = _VALUE
        pattern = _pattern_with_comments() if self.comments else _PATTERN
        for match in pattern.finditer(text):
            kind: int = match.lastindex  # type: ignore[assignment]  # every alternative is a group
            start, end = match.span(kind)
            if match.start(1) >= 0:  # a comma before the token
                if state != _AFTER_VALUE or not stack:
                    raise self.syntax(_COMMA, state, *match.span(1), is_object, bool(stack))
                state = _KEY if is_object else _VALUE
            if kind == _KEY or (kind == _STR or kind == _ESTR) and (state == _KEY or state == _KEY_OR_CLOSE):
                if state != _KEY and state != _KEY_OR_CLOSE:
                    raise self.syntax(kind, state, start, match.end(3), is_object, bool(stack))
                nodes += 1
                if kind == _KEY:
                    end = match.end(3)
                    key, state = text[start + 1 : end - 1], _VALUE
                else:  # a key with escapes, or one without its colon: the colon is a token of its own
                    key = text[start + 1 : end - 1] if kind == _STR else self.key(start, end)
                    state = _COLON_NEXT
                line = bisect_right(starts, start) - 1
                col = start - starts[line]
                key_span = new(span_type, (line, col, line, col + end - start, start, end))
                if key in container:
                    self.duplicate(path + (key,), key_span)
            elif kind <= _CONST and state <= _VALUE_OR_CLOSE:  # a scalar where a value may stand
                nodes += 1
                if nodes > max_nodes or len(stack) > max_depth:
                    raise self.limit(nodes > max_nodes, start, end)
                if is_object:
                    at: ConfigPath = path + (key,)
                elif container is root:
                    at = ()
                else:
                    at = path + (len(container),)
                if kind == _STR:
                    value: Any = text[start + 1 : end - 1]
                elif kind == _INT and end - start < 20:
                    value = int(text[start:end])
                else:
                    value = self.scalar(kind, start, end, at)
                line = bisect_right(starts, start) - 1
                col = start - starts[line]
                spans[at] = (key_span, new(span_type, (line, col, line, col + end - start, start, end)))
                if is_object:
                    container[key] = value
                else:
                    container.append(value)
                state = _AFTER_VALUE
            elif kind <= _LBRACKET and state <= _VALUE_OR_CLOSE and kind >= _LBRACE:
                nodes += 1
                if nodes > max_nodes or len(stack) > max_depth:
                    raise self.limit(nodes > max_nodes, start, end)
                at = path + (key,) if is_object else () if container is root else path + (len(container),)
                new_container: Any = {} if kind == _LBRACE else []
                spans[at] = (key_span, self.span(start, end))  # a placeholder, keeping parents before children
                if is_object:
                    container[key] = new_container
                else:
                    container.append(new_container)
                stack.append(_Frame(new_container, at, start, key_span))
                container, path, is_object = new_container, at, kind == _LBRACE
                key_span = None
                state = _KEY_OR_CLOSE if is_object else _VALUE_OR_CLOSE
            elif (kind == _RBRACE and is_object and (state == _AFTER_VALUE or state == _KEY_OR_CLOSE)) or (
                kind == _RBRACKET and not is_object and stack and (state == _AFTER_VALUE or state == _VALUE_OR_CLOSE)
            ):
                frame = stack.pop()
                spans[frame.path] = (frame.key_span, self.span(frame.start, end))
                if stack:
                    container, path = stack[-1].container, stack[-1].path
                    is_object = type(container) is dict
                else:
                    container, path, is_object = root, (), False
                key_span = None
                state = _AFTER_VALUE
            elif kind == _COLON and state == _COLON_NEXT:
                state = _VALUE
            elif kind == _EOF and state == _AFTER_VALUE and not stack:
                return root[0]
            else:
                raise self.syntax(kind, state, start, end, is_object, bool(stack))
        raise AssertionError("the pattern matches the end of every text")  # pragma: no cover

    # --- scalars and keys

    def scalar(self, kind: int, start: int, end: int, at: ConfigPath) -> Any:
        """The value of a scalar token other than a plain string; a `Refused` one is reported."""
        text = self.text[start:end]
        if kind == _INT:
            return int(text) if len(text) < 20 else self.big_int(text, start, end, at)
        if kind == _FLOAT:
            value = float(text)
            if math.isinf(value):
                return self.refuse(
                    codes.BAD_NUMBER,
                    f"{text[:40]!r} is too large for a float: Python's json reads it as infinity",
                    start,
                    end,
                    at,
                )
            return value
        if kind == _TRUE or kind == _FALSE:
            return kind == _TRUE
        if kind == _NULL:
            return None
        if kind == _CONST:
            return self.refuse(
                codes.BAD_NUMBER,
                f"{text} is not a finite number: Python's json reads it, but no training "
                "value can be one and JSON proper has no such number",
                start,
                end,
                at,
            )
        string = self.string(start, end)
        if _SURROGATE.search(string):
            return self.refuse(
                codes.ENCODING,
                "the string holds half of a UTF-16 surrogate pair (a \\ud800-\\udfff escape "
                "without its other half): no character, and no report could show it",
                start,
                end,
                at,
                quoted=True,
            )
        return string

    def big_int(self, text: str, start: int, end: int, at: ConfigPath) -> Any:
        """Integers of 20 digits or more: refused when they cannot become a float (nor, past 4,300
        digits, be read by Python's json at all)."""
        digits = len(text.lstrip("-"))
        if digits > 400:
            return self.refuse(
                codes.BAD_NUMBER,
                f"an integer of {digits:,} digits is not a usable number (Python's json refuses more than 4,300)",
                start,
                end,
                at,
            )
        value = int(text)
        if value.bit_length() > 1000:  # every later step may turn it into a float: it must fit one
            return self.refuse(codes.BAD_NUMBER, f"{text[:40]}... is too large for a float", start, end, at)
        return value

    def string(self, start: int, end: int) -> str:
        """A string with escapes, read by the json module's own scanner."""
        from json import (  # on first use: most files hold no escape
            JSONDecodeError,
            decoder,
        )

        try:  # the json module's own C scanner (which typeshed does not declare): escapes mean what they mean there
            value: str = decoder.scanstring(self.text, start + 1)[0]  # type: ignore[attr-defined]
        except JSONDecodeError as exc:
            problem = _STRING_ERRORS.get(exc.msg, exc.msg.lower())
            raise _Stop(
                Finding(
                    codes.YAML_SYNTAX,
                    f"JSON syntax error: {problem}",
                    span=self.span(exc.pos, min(exc.pos + 1, len(self.text))),
                )
            ) from None
        return value

    def key(self, start: int, end: int) -> str:
        """A key with escapes; one holding a lone surrogate keeps its escapes as written (and is reported)."""
        value = self.string(start, end)
        if not _SURROGATE.search(value):
            return value
        self.doc.findings.append(
            Finding(
                codes.ENCODING,
                "the key holds half of a UTF-16 surrogate pair (a \\ud800-\\udfff escape without its other "
                "half): it is shown as written",
                span=self.span(start, end),
            )
        )
        return self.text[start + 1 : end - 1]

    def refuse(self, code: str, message: str, start: int, end: int, at: ConfigPath, quoted: bool = False) -> Refused:
        """Report the value at `at` and stand its source text (a string's without quotes) in for it."""
        self.doc.findings.append(Finding(code, message, span=self.span(start, end)))
        self.doc.reported.add(at)
        return Refused(self.text[start + quoted : end - quoted])

    def duplicate(self, at: ConfigPath, key_span: Span) -> None:
        """TL002 at both keys; the value read later replaces the earlier one, as in Python's json."""
        spans, findings = self.doc.spans, self.doc.findings
        earlier = spans[at][0]
        assert earlier is not None
        name = at[-1]
        findings.append(
            Finding(
                codes.DUPLICATE_KEY,
                f"duplicate key {name!r} (first at line {earlier.line + 1}); Python's json, which the "
                "trainers use, silently keeps the last one",
                span=key_span,
            )
        )
        findings.append(
            Finding(codes.DUPLICATE_KEY, f"key {name!r} is defined again at line {key_span.line + 1}", span=earlier)
        )
        self.doc.reported.add(at)
        depth = len(at)
        for stale in [p for p in spans if len(p) > depth and p[:depth] == at]:  # the earlier value's contents
            del spans[stale]

    # --- the rare ends

    def limit(self, too_many: bool, start: int, end: int) -> _Stop:
        if too_many:
            return _Stop(
                Finding(
                    codes.ALIAS_EXPANSION,
                    f"more than {self.max_nodes:,} values: far more than a training config holds",
                    span=self.span(start, end),
                )
            )
        return _Stop(
            Finding(codes.NESTING_DEPTH, f"nesting deeper than {self.max_depth} levels", span=self.span(start, end))
        )

    def syntax(self, kind: int, state: int, start: int, end: int, is_object: bool, nested: bool) -> _Stop:
        """The one finding for a token that cannot stand where it is."""
        text = self.text
        if kind == _OTHER and text[start] == '"':
            self.string(start, len(text))  # raises with the json module's own words (unterminated, control character)
        if state == _AFTER_VALUE:
            expected = ("',' or '}'" if is_object else "',' or ']'") if nested else "the end of the file"
        else:
            expected = _EXPECTED[state]
        found, hint = self.describe(kind, start, end)
        if nested and (
            (state == _KEY and kind == _RBRACE) or (state == _VALUE and kind == _RBRACKET and not is_object)
        ):
            hint = "JSON allows no comma after the last item"
        if kind == _EOF:
            end = start
        elif kind == _OTHER:
            word = _WORD.match(text, start)
            end = word.end() if word else end
        return _Stop(
            Finding(
                codes.YAML_SYNTAX,
                f"JSON syntax error: expected {expected}, found {found}",
                span=self.span(start, end),
                hint=hint,
            )
        )

    def describe(self, kind: int, start: int, end: int) -> tuple[str, str | None]:
        """How to name the token found, and a hint when it is a common slip."""
        text = self.text
        if kind == _EOF:
            return "the end of the file", None
        if kind in (_KEY, _STR, _ESTR):
            return "a string", None
        if kind != _OTHER:
            return repr(text[start:end][:20]), None
        word = _WORD.match(text, start)
        if word:
            spelled = {"True": "true", "False": "false", "None": "null", "nan": "NaN", "inf": "Infinity"}
            hint = (
                f"JSON spells it {spelled[word.group()]}"
                if word.group() in spelled
                else "JSON strings are written in double quotes"
            )
            return f"`{word.group()[:40]}`", hint
        char = text[start]
        if char == "'":
            return '"\'"', "JSON strings are written in double quotes"
        if char == "/" and not self.comments:
            return "'/'", (
                "comments are not JSON: Python's json.loads, which trainers use (ai-toolkit for .jsonc "
                "too), refuses them"
            )
        if char == "/":
            return "'/'", "the comment is not closed" if text.startswith("/*", start) else "a comment starts with //"
        return repr(char), None


def read_json(raw: bytes, file: str, limits: Limits = DEFAULT_LIMITS, *, comments: bool = False) -> Document:
    """Read JSON bytes into a Document; every problem becomes a finding, never an exception.

    `data` is what Python's `json.loads` makes of the file (any JSON value: the format decides
    whether it is a config), except for the refused values the module docstring lists; `spans`
    holds the key and value span of every path. Invalid JSON, or a limit reached, gives one
    finding and no data.
    """
    doc = Document(file=file)
    text = decoded_text(raw, doc, limits)
    if text is None:
        return doc
    try:
        doc.data = _Parser(doc, limits, comments).run()
    except _Stop as stop:
        doc.data = None
        doc.spans.clear()
        doc.reported.clear()
        doc.findings[:] = [stop.finding]
    return doc
