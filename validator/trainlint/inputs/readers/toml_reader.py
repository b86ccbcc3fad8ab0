"""TOML read into a Document: the data Python's `tomllib` makes, and where every key and value stood.

sd-scripts and kohya_ss keep training and dataset configs in TOML: `[[datasets]]` with
`[[datasets.subsets]]` under it, dotted keys, inline tables. The data is `tomllib.loads`'s own
(the standard library's TOML 1.0 reader: dates and times stay `datetime` objects), so there is
one opinion on what a file means; the positions come from a pass over the text written for this
(`_Scanner`), which reads keys, table headers and the extent of every value without decoding any.

Paths are as the data nests: `a.b = 1` is ("a", "b"); the second `[[datasets]]` is
("datasets", 1) and a `[[datasets.subsets]]` under it ("datasets", 1, "subsets", 0), like a YAML
sequence. A table's value span runs from its header (or, for a table only implied by a longer
header or a dotted key, from the key that implies it) to the end of the last value under it, so
a finding about a table underlines the table; an array of tables spans all its elements.

The pass runs first, so the safety limits (depth, number of values) hold before tomllib, which
recurses, sees the file; numbers no trainer can use are replaced by a blank `0` of the same
width before tomllib reads the text (a 10,000-digit integer stops tomllib with a ValueError
that names no position) and then stand as `Refused` values with a TL008 finding, as in JSON:
`nan`, `inf`, numbers beyond a float, integers of more than 400 digits. A syntax error is
tomllib's, placed where tomllib stopped; a key given twice is reported at both places (TL002),
since tomllib's own message names only the second.

bench/readers.py measures this pass against tree-sitter-toml and tomlkit; docs/readers.md says
why the library candidates lost.
"""

import bisect
import re
import tomllib
from typing import Any, NamedTuple

from ... import codes
from ...diagnostics import ConfigPath, Finding, Span
from ...document import Document, Limits
from ...text import decoded_text, line_starts
from .json_reader import DEEPEST, DEFAULT_LIMITS, Refused

_BLANKS = re.compile(r"[ \t]*+")
_BLANKS_AND_COMMENTS = re.compile(r"(?:[ \t\r\n]++|#[^\r\n]*+)*+")  # inside arrays (and, leniently, inline tables)
_LINE_END = re.compile(r"[ \t]*+(?:#[^\r\n]*+)?(?:\r?\n|\Z)")
_SIMPLE_KEY = re.compile(r"""[A-Za-z0-9_-]++|"(?:[^"\\\r\n]++|\\.)*+"|'[^'\r\n]*+'""")
_DOT = re.compile(r"[ \t]*+\.[ \t]*+")
_SCALAR = re.compile(
    r'''
  """(?:[^"\\]++|\\[\s\S]|"{1,2}+(?!"))*+"{3,5}          # multi-line basic string
| \'\'\'(?:[^']++|'{1,2}+(?!'))*+'{3,5}                   # multi-line literal string
| "(?!"")(?:[^"\\\r\n]++|\\.)*+"                      # basic string (`"""` opens a multi-line one)
| '(?!'')[^'\r\n]*+'                                  # literal string
| [0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt\ ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})?)?
| [A-Za-z0-9_.:+-]++                                   # numbers, booleans, local times
''',
    re.VERBOSE,
)
_DECIMAL = re.compile(r"[+-]?[0-9_]+")
_NOT_FINITE = frozenset(("nan", "+nan", "-nan", "inf", "+inf", "-inf"))
_TOML_ERROR = re.compile(r"(.*) \(at (?:line (\d+), column (\d+)|end of document)\)", re.DOTALL)


class Part(NamedTuple):
    """One simple key of a (dotted) key: its name and where it is written, quotes included."""

    name: str
    start: int
    end: int


class _Stop(Exception):
    """A limit reached: the finding that says which, and reading ends."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


class _Confused(Exception):
    """The pass met text it cannot read at `pos`: tomllib then says what is wrong, and where."""

    def __init__(self, pos: int) -> None:
        super().__init__(pos)
        self.pos = pos


def key_name(token: str, start: int) -> str:
    """The name a simple key stands for: bare, literal, or basic with its escapes read by tomllib."""
    if token[0] == "'":
        return token[1:-1]
    if token[0] != '"':
        return token
    if "\\" not in token:
        return token[1:-1]
    try:
        return next(iter(tomllib.loads(token + " = 0")))
    except tomllib.TOMLDecodeError:
        raise _Confused(start) from None


# --- spans by path ---------------------------------------------------------------------


class Builder:
    """Records spans by config path as a front end reports keys, headers and values.

    It resolves table headers the way TOML does (a key naming an array of tables means its last
    element), keeps each table's span growing to its last value, counts values and depth against
    the limits, and notes numbers to refuse. Front ends: `_Scanner` here; bench/readers.py drives
    it from tree-sitter-toml too, so both are measured producing the same spans.
    """

    def __init__(self, doc: Document, limits: Limits) -> None:
        self.doc, self.spans, self.text = doc, doc.spans, doc.text
        self.starts = [*line_starts(doc.text), len(doc.text) + 1]  # a sentinel: every line has a next start
        self.max_depth, self.max_nodes, self.nodes = min(limits.max_depth, DEEPEST), limits.max_nodes, 0
        self.arrays_of_tables: dict[ConfigPath, int] = {}
        self.duplicates: list[tuple[ConfigPath, Span, Span]] = []
        self.refused: dict[ConfigPath, tuple[int, int, str]] = {}  # path -> start, end, message
        self.section: ConfigPath = ()
        self.section_end = 0
        self.spans[()] = (None, self.span(0, len(doc.text)))

    def span(self, start: int, end: int, _new: Any = tuple.__new__) -> Span:
        """The span of text[start:end]; most end on the line they start on, which costs one search."""
        starts = self.starts
        line = bisect.bisect_right(starts, start) - 1
        end_line = line if end < starts[line + 1] else bisect.bisect_right(starts, end) - 1
        span: Span = _new(Span, (line, start - starts[line], end_line, end - starts[end_line], start, end))
        return span  # made without Span's Python-level __new__, as the YAML loader makes its spans

    def count(self, path: ConfigPath, start: int, end: int, values: int = 2) -> None:
        """One more value and its key (an array item has none): TL092/TL093 when past a limit."""
        self.nodes += values
        if self.nodes > self.max_nodes:
            raise _Stop(
                Finding(
                    codes.ALIAS_EXPANSION,
                    f"more than {self.max_nodes:,} values: far more than a training config holds",
                    span=self.span(start, end),
                )
            )
        if len(path) > self.max_depth:
            raise _Stop(
                Finding(codes.NESTING_DEPTH, f"nesting deeper than {self.max_depth} levels", span=self.span(start, end))
            )

    def walk(self, path: ConfigPath, parts: list[Part], start: int | None, end: int) -> ConfigPath:
        """The path of the tables the leading parts of a key name, each recorded where first implied:
        from `start` (a header's) or else from the part itself, to `end`."""
        for part in parts:
            path = (*path, part.name)
            if path not in self.spans:
                self.count(path, part.start, part.end)
                value_start = part.start if start is None else start
                self.spans[path] = (self.span(part.start, part.end), self.span(value_start, end))
            last = self.arrays_of_tables.get(path)
            if last:
                path = (*path, last - 1)
        return path

    def header(self, parts: list[Part], array: bool, start: int, end: int) -> ConfigPath:
        """`[a.b]` or `[[a.b]]` from `start` to `end`: the path of the table its key/values go to."""
        self.close_section()
        last = parts[-1]
        path = (*self.walk((), parts[:-1], start, end), last.name)
        key_span = self.span(last.start, last.end)
        if array:
            index = self.arrays_of_tables.get(path, 0)
            self.arrays_of_tables[path] = index + 1
            if index == 0:
                self.count(path, start, end)
                self.spans[path] = (key_span, self.span(start, end))
            path = (*path, index)
        self.count(path, start, end)
        implied = self.spans.get(path)  # `[x]` after `[x.y]`: the table still spans its sub-tables
        self.spans[path] = (key_span, self.span(min(start, implied[1].start) if implied else start, end))
        self.section, self.section_end = path, end
        return path

    def key(self, table: ConfigPath, parts: list[Part], value_start: int) -> ConfigPath:
        """A key about to get an array or inline table: its path, reserved so parents come before children."""
        path, key_span = self.name(table, parts, value_start)
        self.spans[path] = (key_span, key_span)
        return path

    def name(self, table: ConfigPath, parts: list[Part], value_start: int) -> tuple[ConfigPath, Span]:
        """The path a key names under `table` and the span of its last part, counted and checked."""
        last = parts[-1]
        path = (self.walk(table, parts[:-1], None, value_start) if len(parts) > 1 else table) + (last.name,)
        key_span = self.span(last.start, last.end)
        entry = self.spans.get(path)
        if entry is not None and entry[0] is not None:
            self.duplicates.append((path, entry[0], key_span))
        self.nodes += 2
        if self.nodes > self.max_nodes or len(path) > self.max_depth:
            self.count(path, last.start, last.end, 0)
        return path, key_span

    def pair(self, table: ConfigPath, parts: list[Part], start: int, end: int) -> ConfigPath:
        """`key = value` with a value of one token (no array, no inline table) at text[start:end]."""
        path, key_span = self.name(table, parts, start)
        self.spans[path] = (key_span, self.span(start, end))
        self.section_end = max(self.section_end, end)
        if len(path) > len(self.section) + 1:
            self.grow(path, end, len(self.section) + 1)
        return path

    def value(self, path: ConfigPath, start: int, end: int) -> None:
        """The value of a key reserved by `key` spans text[start:end]; dotted parents grow to it."""
        key_span = self.spans[path][0]
        self.spans[path] = (key_span, self.span(start, end))
        self.section_end = max(self.section_end, end)
        self.grow(path, end, len(self.section) + 1)

    def item(self, path: ConfigPath, start: int, end: int) -> None:
        """An array item (path ends with its index) spans text[start:end]."""
        self.spans[path] = (None, self.span(start, end))

    def reserve_item(self, path: ConfigPath, start: int) -> None:
        self.count(path, start, start + 1, values=1)
        self.spans[path] = (None, self.span(start, start))

    def number(self, path: ConfigPath, token: str, start: int, end: int) -> None:
        """Note a number no trainer can use, to be refused once tomllib has read the file."""
        problem = _unusable(token)
        if problem:
            self.refused[path] = (start, end, problem)

    def grow(self, path: ConfigPath, end: int, shortest: int = 1) -> None:
        """Extend the value spans of the tables enclosing `path` (down to `shortest` parts) to `end`."""
        for size in range(len(path) - 1, shortest - 1, -1):
            parent = path[:size]
            entry = self.spans.get(parent)
            if entry is not None and entry[1].end < end:
                self.spans[parent] = (entry[0], self.span(entry[1].start, end))

    def close_section(self) -> None:
        """The table of the last header ends with its last value; so do the tables around it."""
        path = self.section
        if path:
            key_span, value = self.spans[path]
            self.spans[path] = (key_span, self.span(value.start, max(value.end, self.section_end)))
            self.grow(path, self.section_end)


def _unusable(token: str) -> str:
    """Why a number token cannot be a training value ("" when it can, or is no number at all)."""
    if token in _NOT_FINITE:
        return f"{token} is not a finite number: tomllib reads it, but no training value can be one"
    if _DECIMAL.fullmatch(token):
        digits = len(token) - token.count("_") - (token[0] in "+-")
        if digits > 400:
            return f"an integer of {digits:,} digits is not a usable number (tomllib refuses more than 4,300)"
        if digits > 300 and int(token).bit_length() > 1000:
            return f"{token[:40]}... is too large for a float"
        return ""
    if token[:2] in ("0x", "0o", "0b"):
        return f"{token[:40]}... is too large for a float" if len(token) > 250 and _too_big(token) else ""
    if "e" in token or "E" in token or len(token) > 300:
        try:
            value = float(token.replace("_", ""))
        except ValueError:
            return ""  # not a number after all (a date, a boolean, a typo): tomllib says
        if value in (float("inf"), float("-inf")):
            return f"{token[:40]!r} is too large for a float: tomllib reads it as infinity"
    return ""


def _too_big(token: str) -> bool:
    try:
        return int(token.replace("_", ""), 0).bit_length() > 1000
    except ValueError:
        return False


# --- the pass over the text ------------------------------------------------------------


class _Scanner:
    """Reads statements, keys and the extent of every value, reporting them to a Builder."""

    def __init__(self, text: str, builder: Builder) -> None:
        self.text, self.builder = text, builder

    def run(self) -> None:
        text, builder, end = self.text, self.builder, len(self.text)
        pos = 0
        table: ConfigPath = ()
        while True:
            pos = _BLANKS.match(text, pos).end()  # type: ignore[union-attr]
            if pos >= end:
                break
            char = text[pos]
            if char in "\r\n#":
                pos = self.line_end(pos)
            elif char == "[":
                table, pos = self.header(pos)
            else:
                pos = self.line_end(self.key_value(pos, table))
        builder.close_section()

    def line_end(self, pos: int) -> int:
        match = _LINE_END.match(self.text, pos)
        if match is None:
            raise _Confused(pos)
        return match.end()

    def expect(self, pos: int, token: str) -> int:
        if not self.text.startswith(token, pos):
            raise _Confused(pos)
        return pos + len(token)

    def blanks(self, pos: int) -> int:
        return _BLANKS.match(self.text, pos).end()  # type: ignore[union-attr]

    def key(self, pos: int) -> tuple[list[Part], int]:
        """A (dotted) key at `pos`: its parts and where it ends."""
        parts, text, new = [], self.text, tuple.__new__
        while True:
            match = _SIMPLE_KEY.match(text, pos)
            if match is None:
                raise _Confused(pos)
            token = match.group()
            name = token if token[0] not in "\"'" else key_name(token, pos)
            parts.append(new(Part, (name, pos, match.end())))
            dot = _DOT.match(text, match.end())
            if dot is None:
                return parts, match.end()
            pos = dot.end()

    def header(self, start: int) -> tuple[ConfigPath, int]:
        array = self.text.startswith("[[", start)
        parts, pos = self.key(self.blanks(start + 1 + array))
        pos = self.expect(self.blanks(pos), "]]" if array else "]")
        return self.builder.header(parts, array, start, pos), pos

    def key_value(self, pos: int, table: ConfigPath) -> int:
        """`key = value` at `pos` under `table` (or in an inline table at `table`): where the value ends."""
        parts, pos = self.key(pos)
        pos = self.blanks(self.expect(self.blanks(pos), "="))
        char = self.text[pos : pos + 1]
        if char == "[" or char == "{":
            path = self.builder.key(table, parts, pos)
            end = self.value(pos, path)
            self.builder.value(path, pos, end)
            return end
        match = _SCALAR.match(self.text, pos)
        if match is None:
            raise _Confused(pos)
        end = match.end()
        path = self.builder.pair(table, parts, pos, end)
        token = match.group()
        if char not in "\"'" and (len(token) > 16 or token[-1] in "fn" or "e" in token or "E" in token):
            self.builder.number(path, token, pos, end)
        return end

    def value(self, pos: int, path: ConfigPath) -> int:
        """A value at `pos` (its items and keys reported): where it ends."""
        text = self.text
        char = text[pos : pos + 1]
        if char == "[":
            return self.array(pos, path)
        if char == "{":
            return self.inline_table(pos, path)
        match = _SCALAR.match(text, pos)
        if match is None:
            raise _Confused(pos)
        token = match.group()
        if char not in "\"'" and (len(token) > 16 or token[-1] in "fn" or "e" in token or "E" in token):
            self.builder.number(path, token, pos, match.end())
        return match.end()

    def array(self, start: int, path: ConfigPath) -> int:
        text, builder, index = self.text, self.builder, 0
        pos = start + 1
        while True:
            pos = _BLANKS_AND_COMMENTS.match(text, pos).end()  # type: ignore[union-attr]
            if text.startswith("]", pos):
                return pos + 1
            at = path + (index,)
            if text[pos : pos + 1] in ("[", "{"):
                builder.reserve_item(at, pos)  # parents before children
            else:
                builder.count(at, pos, pos + 1, values=1)
            end = self.value(pos, at)
            builder.item(at, pos, end)
            index += 1
            pos = _BLANKS_AND_COMMENTS.match(text, end).end()  # type: ignore[union-attr]
            if text.startswith(",", pos):
                pos += 1
            elif text.startswith("]", pos):
                return pos + 1
            else:
                raise _Confused(pos)

    def inline_table(self, start: int, path: ConfigPath) -> int:
        text = self.text
        pos = _BLANKS_AND_COMMENTS.match(text, start + 1).end()  # type: ignore[union-attr]
        if text.startswith("}", pos):
            return pos + 1
        while True:
            end = self.key_value(pos, path)
            pos = _BLANKS_AND_COMMENTS.match(text, end).end()  # type: ignore[union-attr]
            if text.startswith(",", pos):
                pos = _BLANKS_AND_COMMENTS.match(text, pos + 1).end()  # type: ignore[union-attr]
            elif text.startswith("}", pos):
                return pos + 1
            else:
                raise _Confused(pos)


# --- the reader ------------------------------------------------------------------------


def _blank_refused(text: str, refused: dict[ConfigPath, tuple[int, int, str]]) -> str:
    """The text with every refused number written as a `0` of the same width, for tomllib."""
    pieces, at = [], 0
    for start, end, _ in sorted(refused.values()):
        pieces += [text[at:start], "0".ljust(end - start)]
        at = end
    return "".join([*pieces, text[at:]])


def _error_offset(text: str, line: str | None, column: str | None) -> int:
    """The offset of tomllib's "line L, column C" (counted on LF only, 1-based)."""
    if line is None or column is None:
        return len(text)
    at = -1
    for _ in range(int(line) - 1):
        at = text.index("\n", at + 1)
    return at + int(column)


def _syntax_error(builder: Builder, error: Exception, confused: int | None) -> list[Finding]:
    """One finding for the file tomllib refused: where it stopped, or at both keys of a duplicate.

    Where tomllib stopped only at the end of the document (an unclosed string or array), the place
    the pass could read no further is shown instead, which is where the unclosed thing starts.
    """
    text = builder.text
    match = _TOML_ERROR.fullmatch(str(error))
    problem, line, column = match.groups() if match else (str(error), None, None)
    offset = _error_offset(text, line, column)
    if offset >= len(text) and confused is not None:
        offset = confused
    duplicates = [d for d in builder.duplicates if d[2].start <= offset]
    if duplicates:
        path, earlier, later = duplicates[0]
        name = path[-1]
        return [
            Finding(
                codes.DUPLICATE_KEY,
                f"duplicate key {name!r} (first at line {earlier.line + 1}): TOML forbids it and "
                "tomllib refuses the file",
                span=later,
            ),
            Finding(codes.DUPLICATE_KEY, f"key {name!r} is defined again at line {later.line + 1}", span=earlier),
        ]
    problem = problem[:1].lower() + problem[1:]
    span = builder.span(offset, min(offset + 1, len(text)))
    return [Finding(codes.YAML_SYNTAX, f"TOML syntax error: {problem}", span=span)]


def _place_refused(doc: Document, builder: Builder) -> None:
    """Each refused number becomes a `Refused` value with its TL008 finding."""
    for path, (start, end, message) in builder.refused.items():
        container = doc.data
        for part in path[:-1]:
            container = container[part]
        container[path[-1]] = Refused(doc.text[start:end])
        doc.findings.append(Finding(codes.BAD_NUMBER, message, span=builder.span(start, end)))
        doc.reported.add(path)


def _read(doc: Document, limits: Limits) -> None:
    builder = Builder(doc, limits)
    confused = None
    try:
        _Scanner(doc.text, builder).run()
    except _Stop as stop:
        doc.spans.clear()
        doc.findings.append(stop.finding)
        return
    except _Confused as error:
        confused = error.pos  # tomllib is the judge; if it reads the file all the same, the spans found so far stand
    try:
        doc.data = tomllib.loads(_blank_refused(doc.text, builder.refused))
    except (ValueError, RecursionError) as error:  # TOMLDecodeError is a ValueError
        doc.spans.clear()
        doc.findings.extend(_syntax_error(builder, error, confused))
        return
    _place_refused(doc, builder)


def read_toml(raw: bytes, file: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read TOML bytes into a Document; every problem becomes a finding, never an exception.

    `data` is what `tomllib.loads` makes of the file, but for the refused numbers the module
    docstring lists; `spans` holds the key and value span of every path. A syntax error, or a
    limit reached, gives one finding (two for a duplicate key) and no data.
    """
    doc = Document(file=file)
    text = decoded_text(raw, doc, limits)
    if text is None:
        return doc
    _read(doc, limits)
    return doc
