"""The loader: YAML 1.2 values, positions for every key and value, refusals as findings."""

from __future__ import annotations

import pytest

from trainlint.document import Limits
from trainlint.inputs import yaml_reader as load
from trainlint.inputs.yaml_reader import load_text


def test_yaml12_numbers_and_strings():
    doc = load_text("a: 1e-4\nb: no\nc: 0x1F\nd: 012\ne: ~\nf: 2024-01-01\ng: '1e-4'\n")
    assert doc.data == {"a": 0.0001, "b": "no", "c": 31, "d": 12, "e": None, "f": "2024-01-01", "g": "1e-4"}


def test_positions_of_keys_and_values_are_zero_based_spans():
    doc = load_text("schema_version: 1\ntraining:\n  steps:   8400  # comment\n")
    key, value = doc.spans[("training", "steps")]
    assert (key.line, key.col) == (2, 2)
    assert (value.line, value.col, value.end_col) == (2, 11, 15)
    assert doc.text[value.start : value.end] == "8400"


def test_duplicate_keys_reported_at_both_lines_and_last_wins():
    doc = load_text("a: 1\nb:\n  c: 1\n  c: 2\n")
    dups = sorted((f.span.line, f.message) for f in doc.findings if f.code == "TL002")
    assert [line for line, _ in dups] == [2, 3]
    assert "first at line 3" in dups[1][1] and "defined again at line 4" in dups[0][1]
    assert doc.data["b"] == {"c": 2}


def test_duplicate_keys_differing_only_by_quoting_are_duplicates():
    doc = load_text("a: 1\n'a': 2\n")
    assert [f.code for f in doc.findings] == ["TL002", "TL002"]


@pytest.mark.parametrize(
    "text", ["a: !!python/object/apply:os.system [echo hi]\n", "a: !!binary aGk=\n", "a: !custom x\n"]
)
def test_non_core_tags_are_refused_without_constructing(text):
    doc = load_text(text)
    assert [f.code for f in doc.findings] == ["TL003"]
    assert isinstance(doc.data["a"], str)  # a placeholder string, never an object
    assert ("a",) in doc.reported


@pytest.mark.parametrize("text", ["1: x\n", "null: x\n", "? [a]\n: x\n"])
def test_non_string_keys(text):
    doc = load_text(text)
    assert [f.code for f in doc.findings] == ["TL004"]
    assert doc.data == {}


def test_billion_laughs_is_measured_not_expanded():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    doc = load_text("\n".join(lines) + "\n")
    assert [f.code for f in doc.findings] == ["TL092"]
    assert doc.data is None


def test_recursive_alias():
    doc = load_text("a: &a [*a]\n")
    assert [f.code for f in doc.findings] == ["TL092"]


def test_depth_limit_is_a_setting():
    text = "a: " + "[" * 10 + "]" * 10 + "\n"
    assert load_text(text).findings == []
    assert [f.code for f in load_text(text, limits=Limits(max_depth=5)).findings] == ["TL093"]


_AT_THE_LIMITS = [
    ("a: [" + ", ".join(["1"] * 12) + "]\nb: on\n", Limits(max_nodes=10)),  # too many values, no alias
    ("a: [" + ", ".join(["1"] * 7) + "]\nb: on\n", Limits(max_nodes=10)),  # just inside
    ("a: " + "[" * 8 + "]" * 8 + "\nb: on\n", Limits(max_depth=5)),  # too deep, no alias
    ("? [[[[[[1]]]]]]\n: x\nb: on\n", Limits(max_depth=4)),  # a deep collection as a key
    ("? [1, 2, 3, 4, 5, 6, 7, 8, 9]\n: x\nb: 1\n", Limits(max_nodes=10)),  # a big one
    ("? [1]\n: x\nb: on\nb: 2\n", Limits()),  # a small one, with other findings around it
    ("a:\n  b:\n    c: [1, 2]\n", Limits(max_nodes=9, max_depth=4)),  # exactly at both limits
    ("a:\n  b:\n    c: [1, 2]\n", Limits(max_nodes=8)),
    ("a:\n  b:\n    c: [1, 2]\n", Limits(max_depth=3)),
]


@pytest.mark.parametrize(("text", "limits"), _AT_THE_LIMITS)
def test_a_file_without_aliases_is_measured_while_built_with_the_same_outcome(text, limits, monkeypatch):
    """A file that may hold aliases is measured before it is built; one without is counted
    while it is built. Both ways must give exactly the same document."""
    fast = load_text(text, limits=limits)
    monkeypatch.setattr(load, "_may_have_aliases", lambda text: True)
    thorough = load_text(text, limits=limits)
    assert (fast.findings, fast.data, fast.spans, fast.reported) == (
        thorough.findings,
        thorough.data,
        thorough.spans,
        thorough.reported,
    )


def test_a_file_exactly_at_the_limits_loads():
    text = "a:\n  b:\n    c: [1, 2]\n"  # 9 nodes (keys included), the list items 4 levels deep
    assert load_text(text, limits=Limits(max_nodes=9, max_depth=4)).findings == []
    assert [f.code for f in load_text(text, limits=Limits(max_nodes=8)).findings] == ["TL092"]
    assert [f.code for f in load_text(text, limits=Limits(max_depth=3)).findings] == ["TL093"]


def test_syntax_error_has_position():
    doc = load_text("a: [1, 2\nb: 3\n")
    (finding,) = doc.findings
    assert finding.code == "TL001" and finding.span is not None


def test_yaml11_hazards_carry_fixes():
    doc = load_text("lr: 1e-4\nflag: on\nsteps: 8400\nlr2: 1.0e-4\n")
    from trainlint.rules.yaml11 import yaml11_fix

    fixes = {doc.text[r.span.start : r.span.end]: yaml11_fix(r)[0].text for r in doc.yaml11}
    assert fixes == {"1e-4": "1.0e-4", "on": '"on"'}


@pytest.mark.parametrize(
    "text,code", [(".nan", "TL008"), ("-.inf", "TL008"), ("1e309", "TL008"), ("9" * 1000, "TL008")]
)
def test_unusable_numbers(text, code):
    doc = load_text(f"a: {text}\n")
    assert [f.code for f in doc.findings] == [code]


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "no YAML document"),
        ("# only a comment\n", "no YAML document"),
        ("- a\n", "a list"),
        ("just text\n", "a single value"),
    ],
)
def test_not_a_mapping(text, message):
    (finding,) = load_text(text).findings
    assert finding.code == "TL006" and message in finding.message


def test_multiple_documents_checks_the_first():
    doc = load_text("a: 1\n---\nb: 2\n")
    assert [f.code for f in doc.findings] == ["TL005"] and doc.data == {"a": 1}
