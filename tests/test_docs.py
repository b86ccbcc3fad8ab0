"""A rule's docstring is its documentation, in fixed sections that docs/rules.md, `trainlint rule`
and the SARIF rule descriptors show.

Every built-in rule has a one-line summary, then `Why:`, `Fix safety:` exactly when it is
fixable, and `Source:`; a plugin's rule may keep a plain docstring (summary, then text).
"""

from __future__ import annotations

import re

import pytest

from trainlint.diagnostics import Severity
from trainlint.docs import rule_markdown, rules_markdown
from trainlint.plugins import owner
from trainlint.reporters.sarif import rule_descriptors
from trainlint.rules import Rule, iter_rules
from trainlint.rules.base import SECTIONS

BUILT_IN = [rule for rule in iter_rules() if owner(rule.code) is None]


def paragraphs(rule: type[Rule]) -> list[str]:
    return [p.strip() for p in re.split(r"\n[ \t]*\n", rule.rationale()) if p.strip()]


@pytest.mark.parametrize("rule", BUILT_IN, ids=[r.code for r in BUILT_IN])
def test_every_rule_has_its_sections(rule: type[Rule]) -> None:
    first, *rest = paragraphs(rule)
    assert "\n" not in first and first.endswith("."), "a summary of one line, a sentence"
    assert rest and rest[0].startswith("Why:"), "the rationale follows the summary, as Why"
    doc = rule.doc()
    expected = ("Why", "Fix safety", "Source") if rule.fixable else ("Why", "Source")
    assert doc.labels == expected, f"sections {doc.labels}; fixable={rule.fixable} wants {expected}"
    assert doc.summary == first
    assert doc.why and doc.source
    assert (doc.fix_safety is not None) == rule.fixable
    labelled = [p.partition(":")[0] for p in rest if p.startswith(tuple(f"{s}:" for s in SECTIONS))]
    assert labelled == list(expected), "each section once"


def test_the_sections_are_read_across_paragraphs() -> None:
    class Sectioned(Rule):
        """One line.

        Why: first reason,
        on two lines.

        More of the reason.

        Fix safety: what the fix keeps.

        Source: the guide.
        """

    doc = Sectioned.doc()
    assert doc.summary == "One line."
    assert doc.why == "first reason,\non two lines.\n\nMore of the reason."
    assert (doc.fix_safety, doc.source, doc.labels) == ("what the fix keeps.", "the guide.", SECTIONS)
    assert "Sectioned" not in {r.__name__ for r in Rule.registry.values()}  # no code: not registered


class Plain(Rule):
    """A plain docstring, as a plugin may write it,
    with its summary on two lines.

    The rest is its rationale.

    And more of it.
    """

    name = "plain"
    severity = Severity.WARNING
    fails = "a: 1\n"
    passes = "a: 2\n"


Plain.code = "TL999"  # set after the class, so it stays out of the registry


def test_a_plain_docstring_is_a_summary_and_a_rationale() -> None:
    doc = Plain.doc()
    assert doc.summary == "A plain docstring, as a plugin may write it, with its summary on two lines."
    assert doc.why == "The rest is its rationale.\n\nAnd more of it."
    assert (doc.fix_safety, doc.source, doc.labels) == (None, None, ())
    assert Plain.summary() == doc.summary


def test_a_plain_docstring_is_shown_as_written() -> None:
    page = rule_markdown(Plain)
    assert "The rest is its rationale.\n\nAnd more of it." in page
    assert "### Why" not in page and "### Source" not in page
    assert "Fails:" in page and "Passes:" in page


@pytest.mark.parametrize("rule", BUILT_IN, ids=[r.code for r in BUILT_IN])
def test_the_page_shows_the_sections_under_headings(rule: type[Rule]) -> None:
    doc, page = rule.doc(), rule_markdown(rule)
    headings = re.findall(r"^### (.+)$", page, re.M)
    wanted = ["Why", *(["Fix safety"] if rule.fixable else []), *(["Thresholds"] if rule.thresholds else [])]
    assert headings == [*wanted, "Examples", "Source"]
    assert page.startswith(f"## {rule.code} {rule.name}\n")
    assert f"\n{doc.summary}\n" in page and f"### Why\n\n{doc.why}\n" in page
    assert page.endswith(f"### Source\n\n{doc.source}\n")
    assert rule_markdown(rule, heading="#").startswith(f"# {rule.code} {rule.name}\n\n")
    assert "\n## Why\n" in rule_markdown(rule, heading="#")


def test_the_table_says_what_each_rule_catches() -> None:
    table = rules_markdown()
    for rule in BUILT_IN:
        assert f"| {rule.doc().summary} |" in table


def test_sarif_descriptors_take_their_texts_from_the_sections() -> None:
    descriptors = {d["id"]: d for d in rule_descriptors()}
    for rule in BUILT_IN:
        d, doc = descriptors[rule.code], rule.doc()
        assert d["shortDescription"]["text"] == doc.summary
        assert d["fullDescription"]["text"] == doc.why
        assert d["help"]["text"] == rule.rationale() and "Source: " in d["help"]["text"]
        assert d["help"]["markdown"] == rule_markdown(rule, heading="#")
