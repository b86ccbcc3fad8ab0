"""The rule codes reported outside rules/ have one home, codes.py.

Every constant there names a registered rule, and is that rule's name in capitals; the rules
declare their codes from the constants; no other module of the package spells a code out as a
string; and whatever the readers report, on the hostile corpus and on every fixture, is the
code of a registered rule (a finding under any other code would have no name, severity or
documentation, and could not be selected or suppressed).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from fuzz.corpus import CASES, seeds
from helpers import REPO

from trainlint import codes, schema_layer
from trainlint.document import Document, Limits
from trainlint.inputs import TRAINER_FORMATS, trainer_format
from trainlint.inputs.readers.env_reader import read_env
from trainlint.inputs.readers.json_reader import read_json
from trainlint.inputs.readers.shell_reader import read_shell
from trainlint.inputs.readers.toml_reader import read_toml
from trainlint.inputs.yaml_reader import load_bytes
from trainlint.rules import Rule

PACKAGE = REPO / "validator" / "trainlint"
CODE = re.compile(r"TL[0-9]{3}")
CONSTANTS = {name: value for name, value in vars(codes).items() if name.isupper()}


def spelt_codes(path: Path) -> list[tuple[int, str]]:
    """The string literals of a module that are a rule code and nothing more, with their lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value)
    ]


def test_every_constant_names_a_registered_rule_of_its_name() -> None:
    assert CONSTANTS, "codes.py defines the codes"
    for name, code in CONSTANTS.items():
        rule = Rule.registry.get(code)
        assert rule is not None, f"codes.{name} = {code!r} is no registered rule"
        assert rule.name == name.lower().replace("_", "-"), f"codes.{name} names {code} {rule.name}"


def test_every_code_is_given_once() -> None:
    assert len(set(CONSTANTS.values())) == len(CONSTANTS)


def test_no_module_outside_the_rules_spells_a_code() -> None:
    spelt = [
        f"{path.relative_to(PACKAGE)}:{line}: {code!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.parent.name != "rules" and path.name != "codes.py"
        for line, code in spelt_codes(path)
    ]
    assert not spelt, "name these codes from trainlint.codes (or move the rule's check into rules/):\n" + "\n".join(
        spelt
    )


def test_the_rules_declare_their_codes_from_the_constants() -> None:
    """A rule whose code has a constant takes it from there, so the two cannot drift apart."""
    shared = set(CONSTANTS.values())
    spelt = [
        f"{path.name}:{line}: {code!r}"
        for path in sorted((PACKAGE / "rules").glob("*.py"))
        for line, code in spelt_codes(path)
        if code in shared
    ]
    assert not spelt, "declare these from trainlint.codes:\n" + "\n".join(spelt)


def test_the_checker_sees_a_spelt_code(tmp_path: Path) -> None:
    """The source test would pass vacuously if it missed literals: it finds them in calls and
    f-strings, and leaves prose and prefixes alone."""
    module = tmp_path / "sample.py"
    module.write_text(
        '"""Reports TL001."""\nFinding("TL002", f"{x}")\nPREFIXES = ("TL00", "TL09")\nmessage = f"{x} TL003"\n',
        encoding="utf-8",
    )
    assert spelt_codes(module) == [(2, "TL002")]


# --- what the readers report --------------------------------------------------------------------

Reader = Callable[[bytes, str], Document]
READERS: dict[str, Reader] = {
    "yaml": lambda raw, file: load_bytes(raw, file, Limits()),
    "json": lambda raw, file: read_json(raw, file, Limits()),
    "jsonc": lambda raw, file: read_json(raw, file, Limits(), comments=True),
    "toml": lambda raw, file: read_toml(raw, file, Limits()),
    "shell": lambda raw, file: read_shell(raw, file, Limits()),
    "env": lambda raw, file: read_env(raw, file, Limits()),
}
# each trainer format's own reading, for each suffix it reads (ai-toolkit's drops TL010 for its own notes)
FORMAT_READERS: list[tuple[str, str]] = [
    (name, suffix) for name, (_, suffixes) in TRAINER_FORMATS.items() for suffix in suffixes
]


def reported(raw: bytes, suffix: str | None) -> set[str]:
    """The codes every reader reports on the bytes: the generic readers, and each trainer format's reading
    of a file of that suffix (of every suffix, when `suffix` is None)."""
    found = {f.code for read in READERS.values() for f in read(raw, f"config{suffix or ''}").findings}
    for name, offered in FORMAT_READERS:
        if suffix is None or suffix == offered:
            found |= {f.code for f in trainer_format(name).read(raw, f"config{offered}", Limits()).findings}
    return found


def unregistered(found: set[str]) -> list[str]:
    return sorted(code for code in found if code not in Rule.registry)


@pytest.mark.parametrize("raw", seeds(), ids=[c.name for c in CASES if c.text is not None and not c.big])
def test_the_readers_report_registered_codes_on_the_hostile_corpus(raw: bytes) -> None:
    found = reported(raw, None)
    assert not unregistered(found), found


FIXTURES = sorted(
    path
    for folder in ("fixtures", "corpus")
    for path in (REPO / "tests" / folder).rglob("*")
    if path.is_file() and path.suffix.lower() in {".yaml", ".yml", ".json", ".jsonc", ".toml", ".sh", ".env"}
)


def test_there_are_fixtures_to_read() -> None:
    assert len(FIXTURES) > 100


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(REPO / "tests")))
def test_the_readers_report_registered_codes_on_the_fixtures(path: Path) -> None:
    found = reported(path.read_bytes(), path.suffix.lower())
    assert not unregistered(found), found


def test_the_hostile_corpus_expects_registered_codes() -> None:
    expected = {code for case in CASES for code in case.codes if CODE.fullmatch(code)}
    assert expected and not unregistered(expected)


def test_the_readers_report_codes_at_all() -> None:
    """The reader tests would pass vacuously if nothing reported: the corpus makes them report
    syntax errors, duplicate keys, refused numbers and the safety limits."""
    found = set().union(*(reported(raw, None) for raw in seeds()))
    assert {codes.YAML_SYNTAX, codes.DUPLICATE_KEY, codes.BAD_NUMBER, codes.ALIAS_EXPANSION} <= found


def test_a_schema_keyword_without_words_is_reported_under_a_registered_code() -> None:
    """The schema layer words the keywords schema v1 uses; one it has no words for (`multipleOf`)
    is reported with the validator's message under a registered code."""
    error = next(jsonschema.Draft202012Validator({"multipleOf": 2}).iter_errors(3))
    found = schema_layer._map(error)
    assert found and not unregistered({f.code for f in found})
