"""Every registered rule: its failing example fires it, its passing example does not.

The examples are the ones its documentation shows, run through the real pipeline on
real files, so documentation and behaviour cannot drift apart.
"""

from __future__ import annotations

import os

import pytest
from helpers import check_snippet, codes
from trainlint.rules import iter_rules

RULES = list(iter_rules())


def failing(rule, tmp_path):
    """The rule's failing example through the pipeline; for a rule about the file itself (`example_as`),
    the example file made what the rule says first."""
    if rule.example_as is None:
        return check_snippet(tmp_path, rule.fails, rule.files, **rule.example_limits)
    assert rule.example_as == "a named pipe", rule.example_as
    from trainlint.api import check_file
    from trainlint.settings import Settings

    (tmp_path / ".git").mkdir()
    os.mkfifo(tmp_path / "config.yaml")
    return check_file(tmp_path / "config.yaml", "config.yaml", Settings()).diagnostics


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_failing_example_fires(rule, tmp_path):
    found = codes(failing(rule, tmp_path))
    assert rule.code in found


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_is_fixable_exactly_when_its_failing_example_carries_a_fix(rule, tmp_path):
    found = [d for d in failing(rule, tmp_path) if d.code == rule.code]
    offered = [d.fix for d in found if d.fix is not None]
    assert bool(offered) == rule.fixable, f"fixable={rule.fixable} but fixes offered: {offered}"
    assert all(fix.title and fix.edits for fix in offered)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_passing_example_is_quiet(rule, tmp_path):
    found = check_snippet(tmp_path, rule.passes, rule.files, **rule.example_limits)
    assert rule.code not in codes(found), found


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_is_documented(rule):
    assert rule.code[:2] == "TL" and rule.code[2:].isdigit() and len(rule.code) == 5
    assert rule.name and rule.name == rule.name.lower() and " " not in rule.name
    assert len(rule.rationale()) > 60, "a rationale paragraph"
    assert rule.fails != rule.passes
