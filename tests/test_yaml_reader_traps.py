"""Text that libyaml reads one way and a trainer's reader, an editor or a reviewer another.

- A tab between tokens (after `name:`, after a value, inside a plain value) is fine for libyaml, the
  C parser trainlint reads with, but PyYAML's own reader, which `yaml.safe_load` uses unless asked
  for the C one, stops the file there: the trainer would crash on a file `check` called fine (and
  `fix` refused it). It is TL001, at the tab.
- NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR end a line for YAML 1.1 readers (libyaml, PyYAML) but
  not for YAML 1.2 or an editor: in a comment, what follows one is config to the trainer and comment
  to the reviewer. It is TL001, at the character, by name.
"""

from __future__ import annotations

import pytest
import yaml

from trainlint.engine import check_text
from trainlint.errors import FixError
from trainlint.fixer import fix_text
from trainlint.rules.reading import _VALID

CUSTOM = _VALID.replace("classification: sdxl/style", "classification: Custom")


def found(text: str) -> list[tuple[str, int, int, str]]:
    return [(d.code, d.line, d.col, d.message) for d in check_text(text).diagnostics]


def pure_reader_refuses(text: str) -> bool:
    try:
        yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return True
    return False


@pytest.mark.parametrize(
    ("line", "col"),
    [
        ("name:\twatercolor", 6),
        ("name: water\tcolor", 12),
        ("name: watercolor\t", 17),
        ("name: watercolor\t# a tab before the comment", 17),
        ("name: !!str\twatercolor", 12),
        ("training: {steps:\t8400}", 18),
        ("training: [a,\tb]", 14),
    ],
)
def test_a_tab_pyyaml_s_own_reader_stops_at_is_an_error_there(line: str, col: int) -> None:
    text = _VALID + line + "\n"
    assert pure_reader_refuses(text)
    tl001 = [(c, ln, cl, m) for c, ln, cl, m in found(text) if c == "TL001"]
    assert [(ln, cl) for _, ln, cl, _ in tl001] == [(8, col)], found(text)
    assert "tab" in tl001[0][3] and "yaml.safe_load" in tl001[0][3]


@pytest.mark.parametrize(
    "line",
    [
        'name: "water\tcolor"',  # inside quotes
        "name: |\n  water\tcolor",  # inside a block scalar
        "name: watercolor  # a\ttab in a comment",
        "# a\ttab in a comment of its own",
    ],
)
def test_a_tab_every_reader_accepts_is_fine(line: str) -> None:
    text = _VALID + line + "\n"
    assert not pure_reader_refuses(text)
    assert "TL001" not in [c for c, _, _, _ in found(text)]


def test_fix_says_why_it_leaves_a_file_with_such_a_tab() -> None:
    """It was refused by the verifying parser with a bare ScannerError, while check called it fixable."""
    text = CUSTOM + "name:\twatercolor\n"  # the classification would be fixed
    diagnostics = check_text(text).diagnostics
    assert not any(d.fixable for d in diagnostics)
    with pytest.raises(FixError, match=r"^line 8: .*a tab here stops its own reader"):
        fix_text(text)


@pytest.mark.parametrize(
    ("char", "name"),
    [("\u2028", "U+2028 LINE SEPARATOR"), ("\u2029", "U+2029 PARAGRAPH SEPARATOR"), ("\x85", "U+0085 NEXT LINE")],
)
@pytest.mark.parametrize("rest", ["name: hidden", "bad: ["])
def test_a_line_break_of_yaml_11_in_a_comment_is_named_where_it_stands(char: str, name: str, rest: str) -> None:
    text = _VALID + f"# looks like a comment{char}{rest}\n"
    named = [(ln, cl, m) for c, ln, cl, m in found(text) if c == "TL001" and name in m]
    assert [(ln, cl) for ln, cl, _ in named] == [(8, len("# looks like a comment") + 1)], found(text)
    assert rest in named[0][2]


@pytest.mark.parametrize("char", ["\u2028", "\x85"])
def test_such_a_break_after_a_value_is_named_too(char: str) -> None:
    text = _VALID + f"name: x  # note{char}steps: 1\n"
    assert [(c, ln, cl) for c, ln, cl, _ in found(text) if c == "TL001"] == [("TL001", 8, 16)]


@pytest.mark.parametrize(
    "text",
    [
        _VALID + "# note\u2028# more\n",  # what follows is a comment to every reader
        _VALID + "# note\u2028   \n",
        _VALID + 'name: "a # b\u2028c"\n',  # not a comment: inside quotes
    ],
)
def test_a_break_that_changes_nothing_is_not_reported(text: str) -> None:
    assert "TL001" not in [c for c, _, _, _ in found(text)]
