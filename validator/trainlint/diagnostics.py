"""The records that flow from the checks to the reporters and the fixer.

Records are named tuples rather than dataclasses: they are immutable all the same,
and a pre-commit hook pays for every class definition at start-up, where the
`dataclasses` machinery (and the `inspect` it imports) costs more than checking a file.
For the same reason the modules that define records do without `from __future__ import
annotations`: `typing.NamedTuple` compiles every string annotation into a `ForwardRef`
when the class is defined, which cost a check some 10 ms before its first file (names
defined later or only for type checkers are quoted by hand).

Checks never print: they return `Finding`s located by a path in the config, and the
engine resolves each path to a line and column once, from the positions the loader
kept (cfn-lint's habit). Reporters only ever see `Diagnostic`s.
"""

import enum
from typing import NamedTuple


class Severity(enum.IntEnum):
    """Ordered so that `fail-on` is a simple comparison."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None

    def __str__(self) -> str:
        return self.name.lower()

    def __reduce_ex__(self, protocol: object) -> str:  # type: ignore[override]  # a global's name is a valid reduction
        # pickled by name (`Severity.ERROR`, protocol 4 and later) rather than as a call `Severity(3)`:
        # every result a worker sends holds a few, and an enum's call costs more than the rest of it
        return f"{type(self).__qualname__}.{self.name}"


class Span(NamedTuple):
    """A stretch of the source text: 0-based line/column plus character offsets.

    The loader makes two for every key and value of every file.
    """

    line: int
    col: int
    end_line: int
    end_col: int
    start: int = 0
    end: int = 0


class Edit(NamedTuple):
    """Replace text[start:end] of the decoded file by `text` (ruff's edit records)."""

    start: int
    end: int
    text: str


class Fix(NamedTuple):
    """What a finding offers to change (ruff's fix records): edits applied together, a title that
    says what they do, and whether applying them is safe. A safe fix never changes what the config
    means to the trainer; `trainlint fix` applies safe fixes only, and only those count as fixable.

    `file` names another file the edits apply to (an absolute path), for a finding about a file the
    config depends on rather than its own text (TL030: the repository's copy of the editor schema);
    its edits then replace that file's whole text."""

    title: str
    edits: tuple[Edit, ...]
    safe: bool = True
    file: str | None = None


ConfigPath = tuple[str | int, ...]
# what a hint advises, as data: each alternative it offers (a range gives its two ends) is the values it
# sets, by path in the config; following any of them leads into no other finding (tests/test_advice.py)
Advice = tuple[tuple[tuple[ConfigPath, float], ...], ...]


def fmt_number(value: float) -> str:
    """Numbers as people write them in configs: 8,400 steps, 1e-4 learning rates, 0.15 ratios."""
    if abs(value) >= 1 and float(value).is_integer():
        return f"{int(value):,}"
    if value and abs(value) < 0.01:
        mantissa, exponent = f"{value:.2e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{int(exponent)}"
    return f"{value:.3g}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 image`, `2 images`, `1,200 images`: a count and its noun in the right number."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


class Finding(NamedTuple):
    """What a check returns: where (a config path, or an explicit span) and what.

    `on_key` points at the mapping key rather than its value (unknown keys, duplicates).
    `severity` overrides the rule's default where a rule escalates (TL303 on Custom).
    `advice` holds the numbers of the hint as data (`Advice`).
    """

    code: str
    message: str
    path: ConfigPath = ()
    on_key: bool = False
    span: Span | None = None
    hint: str | None = None
    fix: Fix | None = None
    severity: Severity | None = None
    advice: Advice = ()


class Diagnostic(NamedTuple):
    """A finding placed in a file, with 1-based line and column, ready to render."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int
    code: str
    name: str
    severity: Severity
    message: str
    hint: str | None = None
    fix: Fix | None = None
    advice: Advice = ()

    @property
    def fixable(self) -> bool:
        """What `trainlint fix` would change: a safe fix."""
        return self.fix is not None and self.fix.safe

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.col, self.code)
