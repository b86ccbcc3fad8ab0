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
"""

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from .diagnostics import Diagnostic, Edit, Finding, Fix, Span
from .document import Document
from .text import lines as text_lines

CODE = "TL020"
_DIRECTIVE = re.compile(r"#[ \t]*trainlint[ \t]*:[ \t]*(disable-file|disable)\b[ \t]*(=?)[ \t]*")
_CODES = re.compile(r"[A-Za-z]+[0-9]*(?:[ \t]*,[ \t]*[A-Za-z]+[0-9]*)*")
_TOKEN = re.compile(r"[A-Za-z]+[0-9]*")


class Code(NamedTuple):
    code: str
    start: int  # offsets of the code in the text, for the fix that removes it
    end: int


class Suppression(NamedTuple):
    line: int | None  # 1-based line whose findings it suppresses; None: the whole file
    codes: tuple[Code, ...]
    span: Span  # the directive itself, where an unused one is reported
    removal: Edit  # deletes the whole comment (and its line when it stands alone)


def parse(doc: Document) -> list[Suppression]:
    """Every suppression comment of the document, with the line it applies to."""
    text = doc.text
    if _DIRECTIVE.search(text) is None:
        return []  # most files: one scan of the text instead of one per line
    values = _value_stretches(doc)
    lines = [(start, body, start + len(body)) for start, body, _ in text_lines(text)]
    found: list[Suppression] = []
    for index, (start, body, end) in enumerate(lines):
        for match in _DIRECTIVE.finditer(body):
            hash_at = start + match.start()
            if (match.start() and not body[match.start() - 1].isspace()) or _inside(hash_at, values):
                continue
            own_line = not body[:match.start()].strip()
            kind = match.group(1)
            target = None if kind == "disable-file" else (_next_content(lines, index) if own_line else index + 1)
            listed = _CODES.match(body, match.end()) if match.group(2) else None
            codes = tuple(Code(t.group().upper(), start + t.start(), start + t.end())
                          for t in _TOKEN.finditer(body, listed.start(), listed.end())) if listed else ()
            span = Span(index, match.start(), index, len(body), hash_at, end)
            cut_from = start if own_line else start + len(body[:match.start()].rstrip())
            cut_to = (lines[index + 1][0] if index + 1 < len(lines) else len(text)) if own_line else end
            found.append(Suppression(target, codes, span, Edit(cut_from, cut_to, "")))
            break  # one directive per comment
    return found


def apply(doc: Document, diagnostics: list[Diagnostic], enabled: Callable[[str], bool],
          known: Callable[[str], bool]) -> tuple[list[Diagnostic], list[Finding]]:
    """Drop the suppressed diagnostics; return the rest and a TL020 finding per unused code."""
    suppressions = parse(doc)
    if not suppressions:
        return diagnostics, []
    used: set[tuple[int, int]] = set()
    kept = []
    for d in diagnostics:
        hits = {(i, j) for i, s in enumerate(suppressions) if s.line in (None, d.line)
                for j, c in enumerate(s.codes) if d.code.startswith(c.code)}
        used |= hits
        if not hits:
            kept.append(d)
    return kept, [f for i, s in enumerate(suppressions) for f in _unused(s, i, used, enabled, known)]


def _unused(s: Suppression, i: int, used: set[tuple[int, int]], enabled: Callable[[str], bool],
            known: Callable[[str], bool]) -> Iterator[Finding]:
    where = "in this file" if s.line is None else f"on line {s.line}" if s.line else "below it"
    if not s.codes:
        yield Finding(CODE, "suppression names no rule code", span=s.span,
                      hint="name the codes it is for: `# trainlint: disable=TL401`",
                      fix=Fix("remove the suppression", (s.removal,)))
        return
    idle = [j for j, c in enumerate(s.codes) if (i, j) not in used and (not known(c.code) or enabled(c.code))]
    for j in idle:
        c = s.codes[j]
        fix = s.removal if len(idle) == len(s.codes) else _drop_code(s.codes, j)
        line, col = s.span.line, s.span.col + (c.start - s.span.start)
        span = Span(line, col, line, col + len(c.code), c.start, c.end)
        if known(c.code):
            message, hint = f"unused suppression: no {c.code} finding {where}", "remove it"
        else:
            message = f"suppression names {c.code}, which is no rule (or its plugin is not enabled)"
            hint = "see `trainlint rules` for the codes"
        title = "remove the suppression" if fix is s.removal else f"remove {c.code} from the suppression"
        yield Finding(CODE, message, span=span, hint=hint, fix=Fix(title, (fix,)))


def _drop_code(codes: tuple[Code, ...], j: int) -> Edit:
    """Remove one code and the comma that joins it to its neighbour."""
    if j + 1 < len(codes):
        return Edit(codes[j].start, codes[j + 1].start, "")
    return Edit(codes[j - 1].end, codes[j].end, "")


def _next_content(lines: list[tuple[int, str, int]], index: int) -> int:
    for later in range(index + 1, len(lines)):
        stripped = lines[later][1].strip()
        if stripped and not stripped.startswith("#"):
            return later + 1
    return 0  # nothing below it: a line no finding is on, so the suppression is reported unused


def _value_stretches(doc: Document) -> list[tuple[int, int]]:
    """Offsets of scalar keys and values (leaves): a `#` there is content, not a comment."""
    paths = set(doc.spans)
    parents = {p[:-1] for p in paths if p}
    out = []
    for path, (key, value) in doc.spans.items():
        if key is not None:
            out.append((key.start, key.end))
        if path not in parents and path:
            out.append((value.start, value.end))
    return out


def _inside(offset: int, stretches: list[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in stretches)
