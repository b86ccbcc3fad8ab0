"""The shell `.env` reader: values as a POSIX shell assigns them, spans where they are written."""

from __future__ import annotations

import pytest

from trainlint.document import Limits
from trainlint.inputs.readers.env_reader import EnvDocument, read_env


def read(text: str) -> EnvDocument:
    return read_env(text.encode(), "config.env", Limits())


def written(doc: EnvDocument, name: str, which: int = 1) -> str:
    span = doc.spans[(name,)][which]
    assert span is not None
    return doc.text[span.start : span.end]


def test_export_and_plain_assignments() -> None:
    doc = read("export MODEL_TYPE='lora'\nLEARNING_RATE=1e-4\n")
    assert doc.data == {"MODEL_TYPE": "lora", "LEARNING_RATE": "1e-4"}
    assert not doc.findings and not doc.unexpanded


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("A='it''s'", "its"),  # adjacent quoted parts join into one word
        ('A="a \\"b\\" \\$c \\x"', 'a "b" $c \\x'),  # in double quotes only $ ` " \\ newline are escaped
        ("A=a\\ b", "a b"),  # outside quotes a backslash escapes any character
        ("A='$HOME'", "$HOME"),  # single quotes keep a dollar literally
        ("A=x#y", "x#y"),  # `#` inside a word is no comment
        ("A=1 # a comment", "1"),
        ("A=", ""),
        ("A=abc\\\ndef", "abcdef"),  # a backslash before a line break continues the line
        ("A=$", "$"),  # a lone dollar is literal
        ('A="x" B=2', "x"),
    ],
)
def test_quote_removal(line: str, value: str) -> None:
    assert read(line).data["A"] == value


def test_expansions_are_kept_and_marked() -> None:
    doc = read('X="${X} --flag" Y=$(pwd)/a Z=`date` W=~/data V="$HOME" U=plain\n')
    assert doc.data["X"] == "${X} --flag"
    assert doc.data["Y"] == "$(pwd)/a"
    assert doc.unexpanded == {"X": "${X}", "Y": "$(pwd)", "Z": "`date`", "W": "~", "V": "$HOME"}
    assert "U" not in doc.unexpanded


def test_a_later_assignment_wins_and_plus_equals_appends() -> None:
    doc = read("A=1\nA=2\nB=x\nB+=' y'\n")
    assert doc.data == {"A": "2", "B": "x y"}
    assert written(doc, "A") == "2" and doc.spans[("A",)][1].line == 1


def test_commands_are_not_assignments() -> None:
    doc = read("echo A=1\nB=2 python train.py\nif true; then C=3; fi\nexport -n D=4 E\nsource other.env\n")
    assert doc.data == {"D": "4"}  # `then C=3`: a reserved word first, so a command, not taken


def test_spans_point_at_name_and_value_as_written() -> None:
    doc = read('# head\nexport LEARNING_RATE="1e-4"  # note\n')
    key = doc.spans[("LEARNING_RATE",)][0]
    assert key is not None
    assert (key.line, key.col, key.end_col) == (1, 7, 20)
    assert written(doc, "LEARNING_RATE") == '"1e-4"'
    assert written(doc, "LEARNING_RATE", 0) == "LEARNING_RATE"


def test_multiline_value_span() -> None:
    doc = read("A='one\ntwo'\nB=3\n")
    assert doc.data == {"A": "one\ntwo", "B": "3"}
    span = doc.spans[("A",)][1]
    assert (span.line, span.end_line) == (0, 1)


def test_crlf_lines() -> None:
    doc = read("A=1\r\nB='x'\r\n")
    assert doc.data == {"A": "1", "B": "x"}
    assert doc.spans[("B",)][1].line == 1


@pytest.mark.parametrize("text", ["A='open", 'A="open', "A=${open", "A=$(open", "A=`open"])
def test_unclosed_quote_is_a_syntax_finding(text: str) -> None:
    doc = read("KEEP=1\n" + text + "\nLATER=2\n")
    assert doc.data == {"KEEP": "1"}
    assert [f.code for f in doc.findings] == ["TL001"]
    assert doc.findings[0].span is not None and doc.findings[0].span.line == 1


def test_limits_and_encoding() -> None:
    big = read_env(b"A=1\n" * 10, "config.env", Limits(max_file_bytes=8))
    assert [f.code for f in big.findings] == ["TL091"] and big.data is None
    many = read_env(b"A=1\n" * 20, "config.env", Limits(max_nodes=5))
    assert [f.code for f in many.findings] == ["TL092"]
    binary = read_env(b"A=\xff\xfe\x00", "config.env", Limits())
    assert [f.code for f in binary.findings] == ["TL007"]


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\\",
        b"$",
        b"'",
        b'"\\',
        b"A=$(('",
        b"=\n",
        b"+=1",
        b"A+=",
        b"\r\r\n\\\r\n",
        b"export",
        b"A=${a{b}c}",
        b"A=$'x\\'y'",
        "A=\u00e9".encode(),
        b"\xef\xbb\xbfA=1",
    ],
)
def test_hostile_input_never_raises(raw: bytes) -> None:
    doc = read_env(raw, "config.env", Limits())
    assert isinstance(doc.findings, list)
    for key_span, value_span in doc.spans.values():
        assert key_span is not None and 0 <= value_span.start <= value_span.end <= len(doc.text)
