"""The JSON reader: the data Python's json makes, a span for every key and value, hostile input as findings."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainlint.document import Limits
from trainlint.inputs.readers.json_reader import DEEPEST, Refused, read_json

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "readers"
REAL_CONFIGS = Path(__file__).resolve().parents[3] / "shared" / "real-configs"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def where(text: str, offset: int) -> tuple[int, int]:
    """0-based line and column of an offset, counted independently of the reader."""
    lines = _LINE_BREAK.split(text[:offset])
    return len(lines) - 1, len(lines[-1])


def at_path(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def assert_spans_match(text: str, doc: Any) -> None:
    """Every span's text reads back as that path's key and value, and its line/column fit its offsets."""
    for path, (key, value) in doc.spans.items():
        assert json.loads(text[value.start : value.end]) == at_path(doc.data, path)
        assert (value.line, value.col) == where(text, value.start)
        assert (value.end_line, value.end_col) == where(text, value.end)
        if isinstance(path[-1:][0] if path else None, str):
            assert key is not None
            assert json.loads(text[key.start : key.end]) == path[-1]
            assert (key.line, key.col, key.end_line, key.end_col) == (*where(text, key.start), *where(text, key.end))
        else:
            assert key is None


def all_paths(data: Any, path: tuple[str | int, ...] = ()) -> set[tuple[str | int, ...]]:
    found = {path}
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for part, value in items:
        found |= all_paths(value, (*path, part))
    return found


# --- positions on hand-written files


def test_positions_of_keys_and_values() -> None:
    raw = (FIXTURES / "positions.json").read_bytes()
    doc = read_json(raw, "positions.json")
    text = raw.decode()
    assert doc.findings == []
    assert doc.data == json.loads(text)
    key, value = doc.spans[("train", "steps")]
    assert (key.line, key.col, key.end_col) == (2, 12, 19)
    assert (value.line, value.col, value.end_col) == (2, 21, 25)
    key, value = doc.spans[("datasets", 1, "path")]
    assert (key.line, key.col) == (5, 5)
    assert text[value.start : value.end] == '"caf\\u00e9 \\"q\\""'
    assert doc.data["datasets"][1]["path"] == 'café "q"'
    key, value = doc.spans[("datasets",)]
    assert (value.line, value.col, value.end_line, value.end_col) == (3, 14, 6, 3)
    assert doc.spans[("train", "flags", 2)][0] is None
    assert doc.spans[()] == (None, doc.spans[()][1]) and doc.spans[()][1].start == 0
    assert set(doc.spans) == all_paths(doc.data)
    assert_spans_match(text, doc)


def test_lines_end_at_crlf_cr_and_lf() -> None:
    raw = (FIXTURES / "mixed_breaks.json").read_bytes()
    doc = read_json(raw, "mixed_breaks.json")
    assert doc.findings == [] and doc.data == {"a": 1, "b": [2], "c": "x"}
    assert doc.spans[("a",)][0][:2] == (1, 2)
    assert doc.spans[("b",)][0][:2] == (2, 2)
    assert doc.spans[("b", 0)][1][:2] == (3, 4)
    assert doc.spans[("c",)][1][:4] == (5, 7, 5, 10)
    assert doc.spans[()][1][2:4] == (6, 1)
    assert doc.newline == "\r\n"
    assert_spans_match(raw.decode(), doc)


def test_line_and_paragraph_separators_are_not_line_breaks() -> None:
    text = '{"a": "x\u2028y", "b":\u00851}'
    doc = read_json(text.encode(), "f.json")
    assert doc.findings[0].code == "TL001"  # NEL is no JSON whitespace
    doc = read_json('{"a": "x\u2028y",\n "b": 1}'.encode(), "f.json")
    assert doc.spans[("b",)][1][:2] == (1, 6)


@pytest.mark.parametrize(
    "bom,encoding",
    [
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
    ],
)
def test_byte_order_marks(bom: bytes, encoding: str) -> None:
    doc = read_json(bom + '{"é": [1]}'.encode(encoding), "f.json")
    assert doc.findings == [] and doc.data == {"é": [1]}
    assert doc.bom and doc.encoding == encoding
    assert doc.spans[("é", 0)][1][:2] == (0, 7)  # columns count characters, not bytes


def test_escapes_mean_what_they_mean_to_python() -> None:
    text = r'{"k\u00e9y": "\ud834\udd1e \/ \b\f\n\r\t \"\\", "s": "\u00e9"}'
    doc = read_json(text.encode(), "f.json")
    assert doc.findings == [] and doc.data == json.loads(text)
    assert ("kéy",) in doc.spans


def test_root_may_be_any_value() -> None:
    for text in ('[{"a": 1}]', '"x"', "3", "null"):
        doc = read_json(text.encode(), "f.json")
        assert doc.findings == [] and doc.data == json.loads(text)
        assert doc.spans[()][1].start == 0
    assert read_json(b"[]", "f.json").ok is False


# --- refusals and duplicates


def test_duplicate_keys_reported_at_both_and_last_wins() -> None:
    text = '{"a": {"x": 1},\n "b": 2,\n "a": {"y": 3}}'
    doc = read_json(text.encode(), "f.json")
    assert doc.data == json.loads(text) == {"a": {"y": 3}, "b": 2}
    dups = sorted((f.span.line, f.message) for f in doc.findings if f.code == "TL002")
    assert [line for line, _ in dups] == [0, 2]
    assert "defined again at line 3" in dups[0][1] and "first at line 1" in dups[1][1]
    assert ("a", "x") not in doc.spans and ("a", "y") in doc.spans  # nothing left of the earlier value
    assert ("a",) in doc.reported
    assert_spans_match(text, doc)


@pytest.mark.parametrize(
    "literal,code",
    [
        ("NaN", "TL008"),
        ("Infinity", "TL008"),
        ("-Infinity", "TL008"),
        ("1e999", "TL008"),
        ("-1E400", "TL008"),
        ("9" * 401, "TL008"),
        ("9" * 10_000, "TL008"),
        ("9" * 320, "TL008"),
        ('"\\ud800"', "TL007"),
        ('"a\\udc00b"', "TL007"),
    ],
)
def test_values_no_trainer_can_use_are_refused_in_place(literal: str, code: str) -> None:
    text = '{"ok": 1, "bad": ' + literal + "}"
    doc = read_json(text.encode(), "f.json")
    assert [f.code for f in doc.findings] == [code]
    span = doc.findings[0].span
    assert span is not None and text[span.start : span.end] == literal
    assert doc.data["ok"] == 1 and isinstance(doc.data["bad"], Refused)
    assert ("bad",) in doc.reported
    assert doc.spans[("bad",)][1] == span


def test_big_but_usable_numbers_are_kept() -> None:
    text = "[" + "9" * 300 + ", 1e308, -0, -0.0, 5e-324, 123456789012345678901234567890]"
    doc = read_json(text.encode(), "f.json")
    assert doc.findings == [] and doc.data == json.loads(text)
    assert all(math.isfinite(float(v)) for v in doc.data)


def test_lone_surrogate_in_a_key_keeps_its_escape() -> None:
    doc = read_json(b'{"a\\ud800": 1}', "f.json")
    assert [f.code for f in doc.findings] == ["TL007"]
    assert doc.data == {"a\\ud800": 1}
    "".join(doc.data).encode("utf-8")  # printable everywhere


# --- syntax errors and limits: one positioned finding, never an exception

HOSTILE: list[tuple[bytes, str, tuple[int, int]]] = [
    (b"", "TL001", (0, 0)),
    (b"  \n ", "TL001", (1, 1)),
    (b'{"a": 1,}', "TL001", (0, 8)),
    (b"[1, 2,\n]", "TL001", (1, 0)),
    (b'{"a" 1}', "TL001", (0, 5)),
    (b'{"a": True}', "TL001", (0, 6)),
    (b"{'a': 1}", "TL001", (0, 1)),
    (b'{"a": 1} x', "TL001", (0, 9)),
    (b'{"a": 1}}', "TL001", (0, 8)),
    (b"]", "TL001", (0, 0)),
    (b'{"a": [1, 2}', "TL001", (0, 11)),
    (b'{"a": 01}', "TL001", (0, 7)),
    (b'{"a": 1.}', "TL001", (0, 7)),
    (b'{"a": .5}', "TL001", (0, 6)),
    (b'{"a": +1}', "TL001", (0, 6)),
    (b'{"a": "x\n"}', "TL001", (0, 8)),
    (b'{"a": "x\\q"}', "TL001", (0, 8)),
    (b'{"a": "\\u12g4"}', "TL001", (0, 8)),
    (b'{\n  "a": "never closed', "TL001", (1, 7)),
    (b'{"a": 1 // comment\n}', "TL001", (0, 8)),
    (b"/* c */ {}", "TL001", (0, 0)),
    (b'{"a": nan}', "TL001", (0, 6)),
    (b"\xef\xbb\xbf\xef\xbb\xbf{}", "TL001", (0, 0)),
    (b'{"a": "\xff"}', "TL007", (0, 7)),
    (b'{"a": 1}\x00', "TL007", (0, 8)),
    (b"\xff\xfe{\x00\x00\xd8}\x00", "TL007", (0, 1)),
    (b"[" * 66 + b"]" * 66, "TL093", (0, 65)),  # the 66th is at depth 65
    (b"[" * 100_000, "TL093", (0, 65)),
    (b'{"a": ' * 70 + b"1" + b"}" * 70, "TL093", (0, 390)),
    (b"[" + b"0," * 10_000 + b"0]", "TL092", (0, 19_999)),  # the array and 9,999 items are 10,000 values
    (b" " * (1 << 20) + b"{}", "TL091", (0, 0)),
]


@pytest.mark.parametrize("raw,code,position", HOSTILE, ids=[repr(raw[:24]) for raw, _, _ in HOSTILE])
def test_hostile_input_gives_one_positioned_finding(raw: bytes, code: str, position: tuple[int, int]) -> None:
    doc = read_json(raw, "f.json")
    assert [f.code for f in doc.findings] == [code], doc.findings
    span = doc.findings[0].span
    assert span is not None and (span.line, span.col) == position
    assert doc.data is None and doc.spans == {}


def test_syntax_error_messages_name_what_was_expected_and_found() -> None:
    messages = {raw: read_json(raw, "f.json").findings[0] for raw in (b'{"a": 1,}', b'{"a": True}', b"// c\n{}")}
    assert messages[b'{"a": 1,}'].message == "JSON syntax error: expected a key in double quotes, found '}'"
    assert messages[b'{"a": 1,}'].hint == "JSON allows no comma after the last item"
    assert messages[b'{"a": True}'].hint == "JSON spells it true"
    assert "ai-toolkit" in (messages[b"// c\n{}"].hint or "")


def test_limits_are_configurable_and_depth_is_capped() -> None:
    assert read_json(b"[[[1]]]", "f.json", Limits(max_depth=2)).findings[0].code == "TL093"
    assert read_json(b"[[[1]]]", "f.json", Limits(max_depth=3)).findings == []
    assert read_json(b'{"a": 1, "b": 2}', "f.json", Limits(max_nodes=3)).findings[0].code == "TL092"
    assert read_json(b'{"a": 1, "b": 2}', "f.json", Limits(max_nodes=5)).findings == []
    assert read_json(b"{}", "f.json", Limits(max_file_bytes=1)).findings[0].code == "TL091"
    deep = b"[" * (DEEPEST + 2) + b"]" * (DEEPEST + 2)  # the innermost at depth DEEPEST + 1
    assert read_json(deep, "f.json", Limits(max_depth=10**6)).findings[0].code == "TL093"
    deep = b"[" * (DEEPEST + 1) + b"]" * (DEEPEST + 1)
    assert read_json(deep, "f.json", Limits(max_depth=10**6)).findings == []


def test_comments_only_when_asked() -> None:
    text = b'// a comment\n{"a": /* inline */ 1, // more\n "b": 2}\n/* end */'
    assert read_json(text, "f.jsonc").findings[0].code == "TL001"
    doc = read_json(text, "f.jsonc", comments=True)
    assert doc.findings == [] and doc.data == {"a": 1, "b": 2}
    assert doc.spans[("b",)][0][:2] == (2, 1)
    unclosed = read_json(b'{"a": 1} /* x', "f.jsonc", comments=True).findings[0]
    assert unclosed.code == "TL001" and unclosed.hint == "the comment is not closed"


# --- generated documents

_KEYS = st.text(max_size=8)
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**300), max_value=10**300)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
_DATA = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4), max_leaves=25
)


@st.composite
def rendered(draw: st.DrawFn) -> str:
    """A document as json.dumps writes it, in one of the layouts people and tools use."""
    data = draw(_DATA)
    indent = draw(st.sampled_from([None, 0, 2, 4, "\t"]))
    separators = draw(st.sampled_from([None, (",", ":"), (" , ", " : ")]))
    text = json.dumps(data, indent=indent, separators=separators, ensure_ascii=draw(st.booleans()))
    return text.replace("\n", draw(st.sampled_from(["\n", "\r\n", "\r"])))  # raw breaks are all whitespace


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rendered())
def test_generated_documents_read_back_with_exact_spans(text: str) -> None:
    doc = read_json(text.encode(), "f.json")
    assert doc.findings == []
    assert doc.data == json.loads(text)
    assert set(doc.spans) == all_paths(doc.data)
    assert_spans_match(text, doc)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 9)), max_size=8))
def test_generated_duplicates_keep_the_last_value(pairs: list[tuple[str, int]]) -> None:
    text = "{" + ", ".join(f'"{k}": {v}' for k, v in pairs) + "}"
    doc = read_json(text.encode(), "f.json")
    assert doc.data == json.loads(text)
    keys = [k for k, _ in pairs]
    repeats = len(keys) - len(set(keys))
    assert [f.code for f in doc.findings] == ["TL002"] * (2 * repeats)
    for key in set(keys):
        last = text.rindex(f'"{key}"')
        assert doc.spans[(key,)][0].start == last


def _python_reading(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return ValueError


def check_against_python(raw: bytes) -> None:
    """Whatever the bytes: no exception; a finding whenever Python's json refuses the text, and the same data
    whenever the reader reports nothing."""
    doc = read_json(raw, "f.json")
    assert all(f.span is not None for f in doc.findings)
    if doc.findings and doc.data is None:
        return
    python = _python_reading(doc.text)
    if not doc.findings:
        assert python is not ValueError and doc.data == python
    else:
        assert python is not ValueError  # data with findings: duplicates or refused values of a valid text


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=64))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    check_against_python(raw)


@settings(max_examples=500, deadline=None)
@given(rendered(), st.data())
def test_damaged_documents_never_raise(text: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(0, len(text)))
    insert = data.draw(st.sampled_from(["", "{", "}", "[", "]", ",", ":", '"', "\\", "-", "1", "e", ".", "\n", "/"]))
    cut = data.draw(st.integers(0, 2))
    check_against_python((text[:at] + insert + text[at + cut :]).encode("utf-8", "surrogatepass"))


# --- real configs


def _real_json_files() -> list[Path]:
    if not REAL_CONFIGS.is_dir():
        return []
    return sorted(p for p in REAL_CONFIGS.rglob("*") if p.suffix.lower() in (".json", ".jsonc") and p.is_file())


@pytest.mark.skipif(not _real_json_files(), reason="no real trainer configs beside the project")
def test_every_real_json_config_reads_as_python_reads_it() -> None:
    for path in _real_json_files():
        raw = path.read_bytes()
        doc = read_json(raw, path.name)
        try:
            expected = json.loads(raw)
        except ValueError:
            assert doc.findings and doc.findings[0].span is not None, path
            continue
        assert [f.code for f in doc.findings if f.code != "TL002"] == [], path
        assert doc.data == expected, path
        assert_spans_match(doc.text, doc)
