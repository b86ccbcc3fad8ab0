"""Every registered rule: its failing example fires it, its passing example does not.

The examples are the ones its documentation shows, run through the real pipeline on
real files (with the configuration beside them, as `trainlint check` finds it), so
documentation and behaviour cannot drift apart. Every rule that judges trainers' configs
has examples in each trainer format it applies to.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from helpers import codes, write_tree

from trainlint.api import check_file
from trainlint.document import Limits
from trainlint.inputs import TRAINER_FORMATS
from trainlint.inputs import base as inputs_base
from trainlint.repository import read_candidate
from trainlint.rules import iter_rules
from trainlint.settings import Settings
from trainlint.settings_file import Resolver

RULES = list(iter_rules())
# (rule, file name, failing, passing, files beside): every rule's own examples, then those in other
# input formats (which may bring files of their own: a configuration naming the training type of a JSON file)
EXAMPLES = [(r, r.example_file, r.fails, r.passes, r.files) for r in RULES] + [
    (r, example[0], example[1], example[2], {**r.files, **(example[3] if len(example) > 3 else {})})
    for r in RULES
    for example in r.more_examples
]
EXAMPLE_IDS = [f"{r.code}-{name}" for r, name, _, _, _ in EXAMPLES]


def check_example(tmp_path, text, files, name, limits):
    """An example through the pipeline, with the settings its folder's configuration gives it."""
    write_tree(tmp_path, files)
    (tmp_path / ".git").mkdir(exist_ok=True)  # the repository boundary for preset and dataset paths
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    settings = Resolver().lookup(path, True)
    assert settings is not None
    return check_file(path, name, settings.replace(limits=Limits(**limits)) if limits else settings).diagnostics


def failing(rule, tmp_path, text, files, name):
    """A failing example through the pipeline; for a rule about the file itself (`example_as`), the
    example file is made what the rule says first."""
    if rule.example_as is None:
        return check_example(tmp_path, text, files, name, rule.example_limits)
    assert rule.example_as == "a named pipe", rule.example_as

    (tmp_path / ".git").mkdir()
    os.mkfifo(tmp_path / name)
    return check_file(tmp_path / name, name, Settings()).diagnostics


@pytest.mark.parametrize(("rule", "name", "fails", "passes", "files"), EXAMPLES, ids=EXAMPLE_IDS)
def test_failing_example_fires(rule, name, fails, passes, files, tmp_path):
    found = codes(failing(rule, tmp_path, fails, files, name))
    assert rule.code in found


@pytest.mark.parametrize(("rule", "name", "fails", "passes", "files"), EXAMPLES, ids=EXAMPLE_IDS)
def test_rule_is_fixable_exactly_when_its_failing_example_carries_a_fix(rule, name, fails, passes, files, tmp_path):
    found = [d for d in failing(rule, tmp_path, fails, files, name) if d.code == rule.code]
    offered = [d.fix for d in found if d.fix is not None]
    assert bool(offered) == rule.fixable, f"fixable={rule.fixable} but fixes offered: {offered}"
    assert all(fix.title and fix.edits for fix in offered)


@pytest.mark.parametrize(("rule", "name", "fails", "passes", "files"), EXAMPLES, ids=EXAMPLE_IDS)
def test_passing_example_is_quiet(rule, name, fails, passes, files, tmp_path):
    found = check_example(tmp_path, passes, files, name, rule.example_limits)
    assert rule.code not in codes(found), found


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_is_documented(rule):
    assert rule.code[:2] == "TL" and rule.code[2:].isdigit() and len(rule.code) == 5
    assert rule.name and rule.name == rule.name.lower() and " " not in rule.name
    assert len(rule.rationale()) > 60, "a rationale paragraph"
    assert rule.fails != rule.passes


# --- every trainer format a rule judges has its examples -------------------------------------------

TRAINERS = tuple(TRAINER_FORMATS)
INPUTS = Path(inputs_base.__file__).parent
NOTE_CONSTANTS = {
    name: kind for name, kind in vars(inputs_base).items() if name.isupper() and kind in inputs_base.NOTE_KINDS
}
# pairs no example can show, and why (a test below fails once an example shows one after all)
CANNOT = {
    ("TL408", "ai-toolkit"): "ai-toolkit trains the text encoder at `train.lr`, the UNet's rate: never above it",
    **{
        ("TL511", fmt): "a JSON config says its training type in a configuration beside it, and a failing and a "
        "passing example share the files beside them"
        for fmt in ("kohya_ss", "onetrainer", "scenario")
    },
}


def emitted_kinds(fmt):
    """The note kinds a trainer format's adapter reports: the kinds (base.py's constants) its module names,
    and ADAPTIVE_OPTIMIZER where it reports through sd-scripts' shared `adaptive_note`."""
    source = (INPUTS / f"{TRAINER_FORMATS[fmt][0]}.py").read_text(encoding="utf-8")
    kinds = {kind for name, kind in NOTE_CONSTANTS.items() if re.search(rf"\b{name}\b", source)}
    return kinds | ({inputs_base.ADAPTIVE_OPTIMIZER} if re.search(r"\badaptive_note\(", source) else set())


def required_formats(rule):
    """The trainer formats a rule of the `rules` stage needs examples in: those that report its note kind,
    or every trainer format it applies to."""
    if rule.stage != "rules":
        return set()
    formats = {fmt for fmt in TRAINERS if rule.formats is None or fmt in rule.formats}
    kind = getattr(rule, "kind", None)
    return {fmt for fmt in formats if kind in emitted_kinds(fmt)} if kind else formats


def read_as(tmp_path, name, text):
    """The format the engine reads a file as (trainlint for its own configs)."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    candidate = read_candidate(path, Settings(), explicit=True)
    return candidate.trainer.name if candidate is not None and candidate.trainer is not None else "trainlint"


@pytest.fixture(scope="module")
def covered(tmp_path_factory):
    """(rule code, format) of every example pair, its format read from the failing example's text."""
    found = set()
    for rule, name, fails, passes, _ in EXAMPLES:
        folder = tmp_path_factory.mktemp("example")
        fmt = read_as(folder, name, fails)
        assert read_as(folder, name, passes) == fmt, f"{rule.code} {name}: the passing example is read otherwise"
        found.add((rule.code, fmt))
    return found


def test_the_note_kinds_are_each_reported_somewhere():
    reported = set().union(*(emitted_kinds(fmt) for fmt in TRAINERS))
    assert reported == set(inputs_base.NOTE_KINDS)


def test_the_adapters_report_the_kinds_of_their_notes():
    # the table a reader of the rules can check by eye; emitted_kinds must find the same
    expected = {
        "kohya_ss": "ADAPTIVE_OPTIMIZER EPOCHS_OVERRIDE_STEPS NUMBER_AS_STRING TE_STOP_IGNORED TE_STOP_UNIT UNKNOWN_KEY "
        "UNSUPPORTED_MODEL ZERO_LEARNING_RATE",
        "sd-scripts": "ADAPTIVE_OPTIMIZER EPOCHS_OVERRIDE_STEPS NUMBER_AS_STRING TE_STOP_IGNORED UNKNOWN_KEY "
        "UNSUPPORTED_MODEL ZERO_LEARNING_RATE",
        "ai-toolkit": "ADAPTIVE_OPTIMIZER NUMBER_AS_STRING UNKNOWN_KEY UNSUPPORTED_MODEL YAML11_READING ZERO_LEARNING_RATE",
        "onetrainer": "ADAPTIVE_OPTIMIZER NUMBER_AS_STRING TE_STOP_UNIT UNKNOWN_KEY UNSUPPORTED_MODEL ZERO_LEARNING_RATE",
        "simpletuner": "ADAPTIVE_OPTIMIZER NUMBER_AS_STRING UNKNOWN_KEY UNSUPPORTED_MODEL ZERO_LEARNING_RATE",
        "diffusers": "ADAPTIVE_OPTIMIZER NUMBER_AS_STRING TE_FRACTION_COARSE UNKNOWN_KEY UNSUPPORTED_MODEL "
        "ZERO_LEARNING_RATE",
        "scenario": "NUMBER_AS_STRING UNKNOWN_KEY UNSUPPORTED_MODEL ZERO_LEARNING_RATE",
    }
    assert {
        fmt: sorted(name for name, kind in NOTE_CONSTANTS.items() if kind in emitted_kinds(fmt)) for fmt in TRAINERS
    } == {fmt: names.split() for fmt, names in expected.items()}


@pytest.mark.parametrize("rule", [r for r in RULES if required_formats(r)], ids=lambda r: r.code)
def test_every_trainer_format_a_rule_judges_has_its_examples(rule, covered):
    missing = {
        fmt for fmt in required_formats(rule) if (rule.code, fmt) not in covered and (rule.code, fmt) not in CANNOT
    }
    assert not missing, f"{rule.code} has no example in {sorted(missing)}"


@pytest.mark.parametrize("pair", sorted(CANNOT), ids="-".join)
def test_a_pair_said_to_have_no_example_has_none(pair, covered):
    code, fmt = pair
    assert fmt in required_formats(next(r for r in RULES if r.code == code)), "not a pair that needs an example"
    assert pair not in covered, f"{code} has an example in {fmt} after all: drop it from CANNOT"
