"""Inline suppressions: `# trainlint: disable=TL401` comments in the config itself.

Three forms, as in ruff's `# noqa` and yamllint's `disable-line`:

- at the end of a line that holds content: findings that start on that line;
- on a line of its own: findings that start on the next line that holds content
  (blank lines and other comments in between are skipped);
- `# trainlint: disable-file=TL303` anywhere: every finding of the file.

Codes may be full codes or prefixes (`TL3`), separated by commas; text after the codes is a
free-form reason (`# trainlint: disable=TL401 tuned on purpose`). A suppression of an
enabled rule that suppresses nothing is itself reported (TL020, like ruff's RUF100), with a
fix that deletes it, so stale suppressions cannot pile up and hide the next real problem.
A `#` only starts a comment at the start of a line or after whitespace, and never inside a
quoted or block value: the positions the loader kept tell which stretches are values.

What reading the file found cannot be suppressed by the file itself (see `unsuppressible`):
a config from a pull request must not blind the check to its own syntax errors, refused tags
or safety limits, as ruff's `noqa` cannot hide a syntax error. TL020 says so where a
suppression names such a code.

Suppressions are indexed by the line they apply to and their code, so a file of many
comments and many findings costs time in proportion to their number, not their product.
"""

import bisect
import functools
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from . import codes
from .diagnostics import Diagnostic, Edit, Finding, Fix, Span
from .document import Document
from .text import lines as text_lines

_DIRECTIVE = re.compile(r"#[ \t]*trainlint[ \t]*:[ \t]*(disable-file|disable)\b[ \t]*(=?)[ \t]*")
# the codes after `=`: words joined by commas (a word, not just its code-shaped start: `TL4O1` is one
# mistyped word, never the prefix TL4 followed by a reason); the free-form reason follows a space
_CODES = re.compile(r"[\w-]+(?:[ \t]*,[ \t]*[\w-]+)*")
_TOKEN = re.compile(r"[\w-]+")
_CODE_SHAPE = re.compile(r"[A-Z]+[0-9]*")


class Code(NamedTuple):
    code: str  # as written, in capitals
    start: int  # offsets of the code in the text, for the fix that removes it
    end: int
    written: str = ""  # as written, for messages about a mistyped one


class Suppression(NamedTuple):
    line: int | None  # 1-based line whose findings it suppresses; None: the whole file
    codes: tuple[Code, ...]
    span: Span  # the directive itself, where an unused one is reported
    removal: Edit  # deletes the whole comment (and its line when it stands alone)


_WHICH = "findings about reading the file (TL001-TL009) and its safety limits (TL090-TL093)"


def unsuppressible(code: str) -> bool:
    """Whether a code, or every code a prefix covers, is one a suppression comment cannot hide
    (`codes.always_reported`: what reading the file found)."""
    return codes.always_reported(code)


def parse(doc: Document) -> list[Suppression]:
    """Every suppression comment of the document, with the line it applies to."""
    text = doc.text
    if _DIRECTIVE.search(text) is None:
        return []  # most files: one scan of the text instead of one per line
    inside = _value_stretches(doc)
    lines = [(start, body, start + len(body)) for start, body, _ in text_lines(text)]
    below: list[int] | None = None  # per line, the next line below it that holds content (made when needed)
    found: list[Suppression] = []
    for index, (start, body, end) in enumerate(lines):
        if "trainlint" not in body:
            continue
        for match in _DIRECTIVE.finditer(body):
            hash_at = start + match.start()
            if (match.start() and not body[match.start() - 1].isspace()) or inside(hash_at):
                continue
            own_line = not body[: match.start()].strip()
            kind = match.group(1)
            if kind == "disable-file":
                target: int | None = None
            elif own_line:
                below = _next_content(lines) if below is None else below
                target = below[index]
            else:
                target = index + 1
            listed = _CODES.match(body, match.end()) if match.group(2) else None
            named = (
                tuple(
                    Code(t.group().upper(), start + t.start(), start + t.end(), t.group())
                    for t in _TOKEN.finditer(body, listed.start(), listed.end())
                )
                if listed
                else ()
            )
            span = Span(index, match.start(), index, len(body), hash_at, end)
            cut_from = start if own_line else start + len(body[: match.start()].rstrip())
            cut_to = (lines[index + 1][0] if index + 1 < len(lines) else len(text)) if own_line else end
            found.append(Suppression(target, named, span, Edit(cut_from, cut_to, "")))
            break  # one directive per comment
    return found


def apply(
    doc: Document, diagnostics: list[Diagnostic], enabled: Callable[[str], bool], known: Callable[[str], bool]
) -> tuple[list[Diagnostic], list[Finding]]:
    """Drop the suppressed diagnostics; return the rest and a TL020 finding per unused code.

    A diagnostic is looked up by its line (and the whole file) and each prefix of its code,
    so the cost is one lookup per prefix, whatever the number of comments. A suppression that
    would match an unsuppressible diagnostic leaves it in place and is reported as unable to.
    """
    suppressions = parse(doc)
    if not suppressions:
        return diagnostics, []
    present = {(s.line, c.code) for s in suppressions for c in s.codes}
    used: set[tuple[int | None, str]] = set()
    refused: dict[tuple[int | None, str], str] = {}  # a suppression -> a finding it matched but may not hide
    kept = []
    for d in diagnostics:
        hits = [
            key
            for k in range(1, len(d.code) + 1)
            for key in ((None, d.code[:k]), (d.line, d.code[:k]))
            if key in present
        ]
        if hits and unsuppressible(d.code):
            refused.update(dict.fromkeys(hits, d.code))
            hits = []
        used.update(hits)
        if not hits:
            kept.append(d)
    enabled, known = functools.cache(enabled), functools.cache(known)  # asked once per code, not per comment
    return kept, [f for s in suppressions for f in _unused(s, used, refused, enabled, known)]


def _unused(
    s: Suppression,
    used: set[tuple[int | None, str]],
    refused: dict[tuple[int | None, str], str],
    enabled: Callable[[str], bool],
    known: Callable[[str], bool],
) -> Iterator[Finding]:
    where = "in this file" if s.line is None else f"on line {s.line}" if s.line else "below it"
    if not s.codes:
        yield Finding(
            codes.UNUSED_SUPPRESSION,
            "suppression names no rule code",
            span=s.span,
            hint="name the codes it is for: `# trainlint: disable=TL401`",
            fix=Fix("remove the suppression", (s.removal,)),
        )
        return
    # a code no comment may use is reported whatever ran: it can never suppress anything
    idle = [
        j
        for j, c in enumerate(s.codes)
        if (s.line, c.code) not in used
        and (unsuppressible(c.code) or (s.line, c.code) in refused or not known(c.code) or enabled(c.code))
    ]
    for j in idle:
        c = s.codes[j]
        fix = s.removal if len(idle) == len(s.codes) else _drop_code(s.codes, j)
        line, col = s.span.line, s.span.col + (c.start - s.span.start)
        span = Span(line, col, line, col + len(c.code), c.start, c.end)
        if unsuppressible(c.code) or (s.line, c.code) in refused:
            message = (
                f"{c.code} cannot be suppressed inline: {_WHICH} always show"
                if unsuppressible(c.code)
                else f"{c.code} does not suppress {refused[s.line, c.code]}: {_WHICH} cannot be suppressed inline"
            )
            hint = "fix what the finding reports; a comment in the file cannot hide it"
        elif known(c.code):
            message, hint = f"unused suppression: no {c.code} finding {where}", "remove it"
        else:
            message, hint = _not_a_code(c.written or c.code)
        title = "remove the suppression" if fix is s.removal else f"remove {c.code} from the suppression"
        yield Finding(codes.UNUSED_SUPPRESSION, message, span=span, hint=hint, fix=Fix(title, (fix,)))


def _not_a_code(written: str) -> tuple[str, str]:
    """The words for a code that names no rule: a code-shaped one may belong to a plugin that is not
    enabled; anything else is a typo (`TL4O1`, `TL40l`: letters for digits) or a rule's name, with
    the code it may mean."""
    code = written.upper()
    if _CODE_SHAPE.fullmatch(code):
        return f"suppression names {code}, which is no rule (or its plugin is not enabled)", "see `trainlint rules`"
    from .rules import Rule
    from .text import did_you_mean

    named = next((rule for rule in Rule.registry.values() if rule.name == written.lower()), None)
    if named is not None:
        return f"`{written}` is the name of {named.code}, not a code", f"write `{named.code}`"
    letters = code[: len(code) - len(code.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))]
    digits = code[len(letters) :].translate(_LOOKALIKES)
    meant = letters + digits
    suggestion = (
        f"; did you mean `{meant}`?" if meant in Rule.registry else did_you_mean(code, Rule.registry, cutoff=0.8)
    )
    return (
        f"`{written}` is not a rule code{suggestion}",
        "codes are letters then digits (TL401) or a prefix of them (TL4); see `trainlint rules`",
    )


# letters typed for the digits they look like, in a code's digits
_LOOKALIKES = str.maketrans({"O": "0", "L": "1", "I": "1", "S": "5", "B": "8"})


def _drop_code(named: tuple[Code, ...], j: int) -> Edit:
    """Remove one code and the comma that joins it to its neighbour."""
    if j + 1 < len(named):
        return Edit(named[j].start, named[j + 1].start, "")
    return Edit(named[j - 1].end, named[j].end, "")


def _next_content(lines: list[tuple[int, str, int]]) -> list[int]:
    """For every line, the 1-based number of the next line below it that holds content; 0 when none
    does (a line no finding is on, so a suppression there is reported unused). One pass from the end."""
    out = [0] * len(lines)
    following = 0
    for index in range(len(lines) - 1, -1, -1):
        out[index] = following
        stripped = lines[index][1].strip()
        if stripped and not stripped.startswith("#"):
            following = index + 1
    return out


def _value_stretches(doc: Document) -> Callable[[int], bool]:
    """Whether an offset lies in a scalar key or value (a leaf): a `#` there is content, not a comment.

    The stretches are sorted by start with the furthest end reached so far, so each question is a
    binary search (stretches of aliased values repeat, and may nest in odd files)."""
    paths = set(doc.spans)
    parents = {p[:-1] for p in paths if p}
    stretches = []
    for path, (key, value) in doc.spans.items():
        if key is not None:
            stretches.append((key.start, key.end))
        if path not in parents and path:
            stretches.append((value.start, value.end))
    stretches.sort()
    starts = [start for start, _ in stretches]
    reach, furthest = [], -1
    for _, end in stretches:
        furthest = max(furthest, end)
        reach.append(furthest)

    def inside(offset: int) -> bool:
        at = bisect.bisect_right(starts, offset) - 1
        return at >= 0 and reach[at] > offset

    return inside
