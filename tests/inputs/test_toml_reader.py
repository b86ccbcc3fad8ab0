"""The TOML reader: tomllib's data, a span for every key and value (tables, arrays of tables, dotted keys),
hostile input as findings."""

from __future__ import annotations

import datetime
import json
import math
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainlint.document import Limits
from trainlint.inputs.readers.json_reader import DEEPEST, Refused
from trainlint.inputs.readers.toml_reader import read_toml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "readers"
REAL_CONFIGS = Path(__file__).resolve().parents[3] / "shared" / "real-configs"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BARE = re.compile(r"[A-Za-z0-9_-]+")
_KEY = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_HEADER = re.compile(rf"\[\[?[ \t]*{_KEY}(?:[ \t]*\.[ \t]*{_KEY})*[ \t]*\]")


def where(text: str, offset: int) -> tuple[int, int]:
    lines = _LINE_BREAK.split(text[:offset])
    return len(lines) - 1, len(lines[-1])


def at_path(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def all_paths(data: Any, path: tuple[str | int, ...] = ()) -> set[tuple[str | int, ...]]:
    found = {path}
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for part, value in items:
        found |= all_paths(value, (*path, part))
    return found


def same(a: Any, b: Any) -> bool:
    """Equality that takes NaN as equal to itself."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def assert_spans_match(text: str, doc: Any) -> None:
    """Every path has spans; keys read back as their names; values read back as their values (tables
    written as sections start at a header or at the key that implies them); every span holds its children's;
    line and column fit the offsets."""
    assert set(doc.spans) == all_paths(doc.data)
    for path, (key, value) in doc.spans.items():
        for span in (key, value):
            if span is not None:
                assert (span.line, span.col, span.end_line, span.end_col) == (
                    *where(text, span.start),
                    *where(text, span.end),
                )
        if path and path[:-1] in doc.spans:
            parent = doc.spans[path[:-1]][1]
            assert parent.start <= value.start and value.end <= parent.end, path
        if not path:
            continue
        if isinstance(path[-1], str):
            assert key is not None
            assert list(tomllib.loads(text[key.start : key.end] + " = 0")) == [path[-1]]
        else:
            assert key is None or isinstance(at_path(doc.data, path), dict)  # an element of an array of tables
        written = text[value.start : value.end]
        expected = at_path(doc.data, path)
        tables = (
            isinstance(expected, dict)
            or isinstance(expected, list)
            and expected
            and all(isinstance(e, dict) for e in expected)
        )
        if tables and _HEADER.match(written):
            continue  # a [table] or [[array of tables]] section
        if isinstance(expected, (dict, list)) and not written.startswith(("{", "[")):
            assert _BARE.match(written) or written[0] in "\"'", (path, written)  # a key implying the table
            continue
        assert same(tomllib.loads("v = " + written)["v"], expected), (path, written)


def read_ok(text: str) -> Any:
    doc = read_toml(text.encode(), "f.toml")
    assert doc.findings == [], doc.findings
    assert same(doc.data, tomllib.loads(text))
    assert_spans_match(text, doc)
    return doc


# --- positions on hand-written files


def test_dataset_config_positions() -> None:
    text = (FIXTURES / "positions.toml").read_text()
    doc = read_ok(text)
    key, value = doc.spans[("general", "caption_extension")]
    assert (key.line, key.col, key.end_col) == (3, 0, 17)
    assert (value.line, value.col, value.end_col) == (3, 20, 26)
    key, value = doc.spans[("datasets", 0, "subsets", 1, "class_tokens")]
    assert (key.line, value.line, value.col, value.end_line, value.end_col) == (17, 17, 17, 18, 14)
    key, value = doc.spans[("datasets", 0, "subsets", 1)]
    assert (key.line, key.col, key.end_col) == (14, 13, 20)  # `subsets` in its header
    assert (value.line, value.col, value.end_line) == (14, 2, 18)
    key, value = doc.spans[("datasets", 0)]
    assert (value.line, value.end_line) == (6, 18)  # its subsets are part of it
    key, value = doc.spans[("datasets",)]
    assert (key.line, value.line, value.end_line) == (6, 6, 23)
    key, value = doc.spans[("datasets", 1, "optimizer", "args", "betas", 1)]
    assert key is None and text[value.start : value.end] == "0.99"
    key, value = doc.spans[("datasets", 1, "optimizer")]
    assert (key.line, key.col) == (22, 0) and text[value.start : value.end].startswith("optimizer.args = {")
    key, value = doc.spans[("datasets", 1, "quoted key", "x")]
    assert text[key.start : key.end] == "x" and text[value.start : value.end] == "1_000"
    assert text[doc.spans[("datasets", 1, "quoted key")][0].start :][:12] == '"quoted key"'
    assert doc.data["datasets"][0]["subsets"][0]["image_dir"] == "C:\\train\\images"


def test_dotted_keys_tables_and_inline_tables() -> None:
    text = 'a.b = 1\na . "c" = 2\n[x.y]\nz = {p.q = [1, {r = 2}], s = {}}\n[x]\nw = 3\n'
    doc = read_ok(text)
    assert doc.spans[("a", "b")][0][:2] == (0, 2)
    assert doc.spans[("a", "c")][0][:2] == (1, 4)
    assert doc.spans[("a",)][1].end == text.index("2\n") + 1  # grows with every dotted key under it
    assert text[slice(*doc.spans[("x", "y", "z", "p", "q", 1, "r")][1][4:6])] == "2"
    assert doc.spans[("x",)][0][:2] == (4, 1)  # the explicit header names it
    assert doc.spans[("x",)][1][:2] == (2, 0)  # and it still spans [x.y]


def test_crlf_lines_and_multiline_strings() -> None:
    text = "a = \"\"\"one\r\ntwo\"\"\"\r\nb = [\r\n  1, # c\r\n  2,\r\n]\r\nc = '''x'''\r\n"
    doc = read_ok(text)
    assert doc.data["a"] == "one\ntwo"
    assert doc.spans[("a",)][1][:4] == (0, 4, 1, 6)
    assert doc.spans[("b", 1)][1][:2] == (4, 2)
    assert doc.spans[("c",)][0][:2] == (6, 0)
    assert doc.newline == "\r\n"


def test_arrays_of_tables_interleaved_with_tables() -> None:
    doc = read_ok("[[a]]\nx = 1\n[b]\ny = 2\n[[a]]\nx = 3\n[[a.c]]\n[[a]]\n")
    assert doc.spans[("a", 1, "x")][0][:2] == (5, 0)
    assert doc.spans[("a", 1, "c", 0)][0][:2] == (6, 4)
    assert doc.spans[("a", 2)][0][:2] == (7, 2)


@pytest.mark.parametrize("bom,encoding", [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le")])
def test_byte_order_marks(bom: bytes, encoding: str) -> None:
    doc = read_toml(bom + 'é = "ü"\n'.replace("é", '"é"').encode(encoding), "f.toml")
    assert doc.findings == [] and doc.data == {"é": "ü"} and doc.bom
    assert doc.spans[("é",)][1][:2] == (0, 6)


# --- refusals, duplicates, syntax errors and limits


@pytest.mark.parametrize(
    "literal",
    [
        "nan",
        "+nan",
        "-inf",
        "inf",
        "1e999",
        "-1.5E400",
        "9" * 401,
        "9" * 10_000,
        "1_" * 350 + "1",
        "9" * 320,
        "0x" + "f" * 260,
    ],
)
def test_numbers_no_trainer_can_use_are_refused_in_place(literal: str) -> None:
    text = f"ok = 1\n[t]\nbad = [1, {literal}]\n"
    doc = read_toml(text.encode(), "f.toml")
    assert [f.code for f in doc.findings] == ["TL008"]
    span = doc.findings[0].span
    assert span is not None and text[span.start : span.end] == literal and span.line == 2
    assert doc.data["ok"] == 1 and doc.data["t"]["bad"][0] == 1
    assert isinstance(doc.data["t"]["bad"][1], Refused) and ("t", "bad", 1) in doc.reported


def test_usable_numbers_and_dates_are_kept() -> None:
    doc = read_ok(
        "a = 1e308\nb = 0xff\nc = 1_000\nd = 1979-05-27 07:32:00Z\ne = 07:32:00\nf = 1979-05-27\n"
        "g = 1979-05-27T00:32:00.999999-07:00\nh = " + "9" * 300 + "\n"
    )
    assert isinstance(doc.data["d"], datetime.datetime) and isinstance(doc.data["f"], datetime.date)


def test_duplicate_key_reported_at_both() -> None:
    doc = read_toml(b"a = 1\nb = 2\n[t]\nx = 1\nx = 2\n", "f.toml")
    assert sorted((f.code, f.span.line) for f in doc.findings) == [("TL002", 3), ("TL002", 4)]
    assert doc.data is None
    doc = read_toml(b"a.b = 1\na.b = 2\n", "f.toml")
    assert [f.code for f in doc.findings] == ["TL002", "TL002"]


HOSTILE: list[tuple[bytes, str, tuple[int, int]]] = [
    (b"a = \n", "TL001", (0, 4)),
    (b"a = 1\nb = 'x\n", "TL001", (1, 4)),  # tomllib says "at end of document": the string's start is shown
    (b"a = [1, 2\n", "TL001", (1, 0)),
    (b"a = {b = 1,}\n", "TL001", (0, 11)),
    (b"[a]\n[a]\n", "TL001", (1, 2)),
    (b"a = 1 2\n", "TL001", (0, 6)),
    (b"= 1\n", "TL001", (0, 0)),
    (b"a = tru\n", "TL001", (0, 4)),
    (b'a = "\\ud800"\n', "TL001", (0, 11)),
    (b'a = "x\\q"\n', "TL001", (0, 8)),
    (b"a = 1\rb = 2\n", "TL001", (0, 5)),
    (b'a = """never closed\n', "TL001", (0, 4)),
    (b"[[a]\n", "TL001", (0, 3)),
    (b"a = 1__0\n", "TL001", (0, 5)),
    (b"a = 1979-13-01\n", "TL001", (0, 8)),
    (b"a = \xff\n", "TL007", (0, 4)),
    (b"a = 1\x00\n", "TL007", (0, 5)),
    (b"a = " + b"[" * 70 + b"]" * 70 + b"\n", "TL093", (0, 68)),  # the 65th bracket holds values at depth 65
    (b"a = " + b"[" * 100_000, "TL093", (0, 68)),
    (b"a = " + b"{b = " * 5_000, "TL093", (0, 320)),  # the 64th `b` is at depth 65
    (b"[" + b".".join([b"k"] * 70) + b"]\n", "TL093", (0, 129)),
    (b"a = [" + b"0," * 10_000 + b"]\n", "TL092", (0, 20_001)),
    (b"#" * (1 << 20) + b"\n", "TL091", (0, 0)),
]


@pytest.mark.parametrize("raw,code,position", HOSTILE, ids=[repr(raw[:24]) for raw, _, _ in HOSTILE])
def test_hostile_input_gives_one_positioned_finding(raw: bytes, code: str, position: tuple[int, int]) -> None:
    doc = read_toml(raw, "f.toml")
    assert [f.code for f in doc.findings] == [code], doc.findings
    span = doc.findings[0].span
    assert span is not None and (span.line, span.col) == position
    assert doc.data is None and doc.spans == {}


def test_syntax_error_message_is_tomllib_s() -> None:
    finding = read_toml(b"a = 1\nb = \n", "f.toml").findings[0]
    assert finding.message == "TOML syntax error: invalid value"


def test_limits_are_configurable_and_depth_is_capped() -> None:
    assert read_toml(b"a = [[1]]", "f.toml", Limits(max_depth=2)).findings[0].code == "TL093"
    assert read_toml(b"a = [[1]]", "f.toml", Limits(max_depth=3)).findings == []
    assert read_toml(b"a = 1\nb = 2", "f.toml", Limits(max_nodes=3)).findings[0].code == "TL092"
    assert read_toml(b"a = 1\nb = 2", "f.toml", Limits(max_nodes=4)).findings == []
    deep = b"a = " + b"[" * (DEEPEST + 1) + b"]" * (DEEPEST + 1)
    assert read_toml(deep, "f.toml", Limits(max_depth=10**6)).findings[0].code == "TL093"


# --- generated documents

_KEYS = st.one_of(st.from_regex(r"[A-Za-z0-9_-]{1,6}", fullmatch=True), st.text(max_size=6))
_STRINGS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=10)
_SCALARS = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    _STRINGS,
    st.dates(),
    st.times(),
    st.datetimes(),
    st.datetimes(timezones=st.just(datetime.UTC)),
)


def _tables(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.dictionaries(_KEYS, children, max_size=4)


_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3) | _tables(inner), max_leaves=12)
_DOCUMENTS = _tables(st.one_of(_VALUES, st.lists(_tables(_VALUES), min_size=1, max_size=3)))


class Writer:
    """Writes data as TOML in layouts drawn by hypothesis: tables as headers, dotted keys or inline
    tables; arrays of tables as [[headers]] or inline; strings in all four quotings."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.lines: list[str] = []

    def key(self, name: str) -> str:
        if _BARE.fullmatch(name) and self.draw(st.booleans()):
            return name
        if "'" not in name and not re.search(r"[\x00-\x1f\x7f]", name) and self.draw(st.booleans()):
            return f"'{name}'"
        return self.basic(name)

    @staticmethod
    def basic(text: str) -> str:
        return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")

    def string(self, text: str) -> str:
        style = self.draw(st.sampled_from(["basic", "literal", "multi-basic", "multi-literal"]))
        plain = not re.search(r"[\x00-\x08\x0a-\x1f\x7f]", text)
        if style == "literal" and plain and "'" not in text:
            return f"'{text}'"
        if style == "multi-literal" and not re.search(r"[\x00-\x08\x0b-\x1f\x7f]|\r|'", text):
            return f"'''\n{text}'''" if self.draw(st.booleans()) else f"'''{text}'''"
        if style == "multi-basic":
            return '"""' + self.basic(text)[1:-1].replace("\\n", "\n") + '"""'
        return self.basic(text)

    def scalar(self, value: Any) -> str:
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, int):
            if value >= 0 and self.draw(st.booleans()):
                return self.draw(st.sampled_from([hex(value), f"{value:_}", oct(value).replace("0o", "0o")]))
            return str(value)
        if isinstance(value, float):
            return repr(value)
        if isinstance(value, str):
            return self.string(value)
        text = value.isoformat()
        return text.replace("T", " ") if self.draw(st.booleans()) else text

    def inline(self, value: Any) -> str:
        if isinstance(value, dict):
            items = [f"{self.key(k)} = {self.inline(v)}" for k, v in value.items()]
            return "{" + ", ".join(items) + "}" if items else "{}"
        if isinstance(value, list):
            sep = self.draw(st.sampled_from([", ", ",\n  ", " , # note\n"]))
            trailing = self.draw(st.sampled_from(["", ",", ",\n"])) if value else ""
            return "[" + sep.join(self.inline(v) for v in value) + trailing + "]"
        return self.scalar(value)

    def is_table_array(self, value: Any) -> bool:
        return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)

    def table(self, data: dict[str, Any], prefix: list[str]) -> None:
        """Key/values first (scalars, arrays, inline or dotted tables), then sections."""
        sections: list[tuple[str, Any]] = []
        for name, value in data.items():
            key = self.key(name)
            layout = self.draw(st.sampled_from(["inline", "section", "dotted"]))
            if (
                isinstance(value, dict)
                and value
                and layout == "dotted"
                and not any(isinstance(v, dict) or self.is_table_array(v) for v in value.values())
            ):
                for sub, item in value.items():
                    self.lines.append(f"{key}.{self.key(sub)} = {self.inline(item)}{self.comment()}")
            elif (isinstance(value, dict) or self.is_table_array(value)) and layout != "inline":
                sections.append((key, value))
            else:
                self.lines.append(
                    f"{key} {self.draw(st.sampled_from(['=', ' = ', '=  ']))} {self.inline(value)}{self.comment()}"
                )
        for key, value in sections:
            path = [*prefix, key]
            if isinstance(value, dict):
                self.lines.append(f"\n[{'.'.join(path)}]{self.comment()}")
                self.table(value, path)
            else:
                for element in value:
                    self.lines.append(f"\n[[ {'.'.join(path)} ]]")
                    self.table(element, path)

    def comment(self) -> str:
        return self.draw(st.sampled_from(["", "  # note", "#x"]))


@st.composite
def toml_documents(draw: st.DrawFn) -> str:
    writer = Writer(draw)
    writer.table(draw(_DOCUMENTS), [])
    text = "\n".join(writer.lines) + "\n"
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(toml_documents())
def test_generated_documents_read_as_tomllib_reads_them(text: str) -> None:
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError:  # the writer's layout choices can clash (a dotted key and a section)
        doc = read_toml(text.encode(), "f.toml")
        assert doc.findings and doc.findings[0].span is not None
        return
    doc = read_toml(text.encode(), "f.toml")
    assert doc.findings == []
    assert same(doc.data, expected)
    assert_spans_match(text, doc)


def check_against_tomllib(raw: bytes) -> None:
    """Whatever the bytes: no exception, every finding placed, and a finding exactly when tomllib refuses."""
    doc = read_toml(raw, "f.toml")
    assert all(f.span is not None for f in doc.findings)
    try:
        expected = tomllib.loads(doc.text) if doc.text or not doc.findings else ValueError
    except (ValueError, RecursionError):
        expected = ValueError
    if expected is ValueError:
        assert doc.findings and doc.data is None
    elif not doc.findings:
        assert same(doc.data, expected)
        assert set(doc.spans) == all_paths(doc.data)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=48))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    check_against_tomllib(raw)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(toml_documents(), st.data())
def test_damaged_documents_never_raise(text: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(text)))
    insert = data.draw(st.sampled_from(["", "[", "]", "{", "}", ",", "=", ".", '"', "'", "#", "\n", " ", "a", "1"]))
    cut = data.draw(st.integers(0, 2))
    check_against_tomllib((text[:at] + insert + text[at + cut :]).encode())


# --- real configs


def _real_toml_files() -> list[Path]:
    if not REAL_CONFIGS.is_dir():
        return []
    return sorted(p for p in REAL_CONFIGS.rglob("*.toml") if p.is_file())


@pytest.mark.skipif(not _real_toml_files(), reason="no real trainer configs beside the project")
def test_every_real_toml_config_reads_as_tomllib_reads_it() -> None:
    for path in _real_toml_files():
        raw = path.read_bytes()
        doc = read_toml(raw, path.name)
        try:
            expected = tomllib.loads(raw.decode("utf-8-sig"))
        except ValueError:
            assert doc.findings and doc.findings[0].span is not None, path
            continue
        assert [f.code for f in doc.findings if f.code != "TL008"] == [], path
        assert same(doc.data, expected), path
        assert_spans_match(doc.text, doc)
