"""Code actions: a quick fix for each fixable finding, fix-all (`source.fixAll.trainlint`), and a
suppression comment for the other findings.

Every edit is the fixer's. A quick fix is the edits the finding carries, the very ones `trainlint
fix` splices in, applied and verified by `fixer.fix_one` before it is offered. Fix-all is what
`trainlint fix` would write (`api.fix_buffer`: every safe fix, re-checked until stable, verified
by a second YAML parser), handed to the editor as the stretches that differ. A suppression is
the project's own comment (`# trainlint: disable=TL401` at the end of the finding's line, or the
code added to the one already there), offered only when checking the text with it shows that
finding gone and nothing else changed: a JSON file, which has no comments, or a line inside a
multi-line string gets none.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from .. import codes, suppressions
from ..api import fix_one_buffer
from ..diagnostics import Diagnostic, Edit
from ..errors import FixError
from ..fixer import OtherFile
from ..text import lines as text_lines
from .diagnostics import to_lsp
from .positions import Lines
from .project import Checked, Project, encode

FIX_ALL = f"{lsp.CodeActionKind.SourceFixAll.value}.trainlint"
QUICK_FIX = lsp.CodeActionKind.QuickFix.value


def wanted(kind: str, only: list[str] | None) -> bool:
    """Whether the client asked for actions of this kind (a kind matches itself and the kinds below it)."""
    return only is None or any(kind == o or kind.startswith(f"{o}.") for o in only)


def changes(old: str, new: str) -> list[Edit]:
    """The stretches where `new` differs from `old`, as edits of `old`: lines compared first, then each
    changed block trimmed to the characters that differ, so an editor keeps its marks elsewhere."""
    old_lines = [body + old[start + len(body) : end] for start, body, end in text_lines(old)] if old else []
    new_lines = [body + new[start + len(body) : end] for start, body, end in text_lines(new)] if new else []
    starts = [0]
    for line in old_lines:
        starts.append(starts[-1] + len(line))
    edits = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end = starts[i1], starts[i2]
        before, after = old[start:end], "".join(new_lines[j1:j2])
        head = 0
        while head < min(len(before), len(after)) and before[head] == after[head]:
            head += 1
        tail = 0
        while tail < min(len(before), len(after)) - head and before[-1 - tail] == after[-1 - tail]:
            tail += 1
        edits.append(Edit(start + head, end - tail, after[head : len(after) - tail]))
    return edits


def text_edits(lines: Lines, edits: list[Edit] | tuple[Edit, ...], shift: bool = True) -> list[lsp.TextEdit]:
    """Edits of the decoded text (`shift`) or of the editor's text as the protocol's."""

    def position(offset: int) -> lsp.Position:
        line, character = lines.from_trainlint(offset) if shift else lines.position(offset)
        return lsp.Position(line=line, character=character)

    return [lsp.TextEdit(range=lsp.Range(position(e.start), position(e.end)), new_text=e.text) for e in edits]


Change = lsp.TextDocumentEdit | lsp.CreateFile


def workspace_edit(
    uri: str, version: int | None, edits: list[lsp.TextEdit], others: list[Change] | None = None
) -> lsp.WorkspaceEdit:
    """Edits of one document, tied to its version (an editor refuses them once the text moved on), and
    the other files the fixes rewrite."""
    changes: list[Change] = []
    if edits:
        changes.append(
            lsp.TextDocumentEdit(
                text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=list(edits),
            )
        )
    return lsp.WorkspaceEdit(document_changes=[*changes, *(others or [])])


def other_files(others: tuple[OtherFile, ...], encoding: str) -> list[Change]:
    """A file a fix rewrites besides the config (TL030: the repository's copy of the editor schema), as
    the fixer computed it: its whole text replaced, the file created first when it is missing."""
    changes: list[Change] = []
    for other in others:
        if other.old == other.new:
            continue
        uri = Path(other.path).as_uri()
        if not other.old and not os.path.exists(other.path):
            changes.append(lsp.CreateFile(uri=uri, options=lsp.CreateFileOptions(ignore_if_exists=True)))
        end = Lines(other.old, encoding).position(len(other.old))
        whole = lsp.Range(lsp.Position(0, 0), lsp.Position(end.line, end.character))
        changes.append(
            lsp.TextDocumentEdit(
                text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                edits=[lsp.TextEdit(range=whole, new_text=other.new)],
            )
        )
    return changes


def in_range(d: Diagnostic, wanted_range: lsp.Range) -> bool:
    """Whether the diagnostic's lines meet the requested range (an editor asks for the cursor's place)."""
    return d.line - 1 <= wanted_range.end.line and d.end_line - 1 >= wanted_range.start.line


class Actions:
    """The code actions of one checked version of a document."""

    def __init__(self, project: Project, path: Path, uri: str, checked: Checked, lines: Lines) -> None:
        self.project, self.path, self.uri, self.checked, self.lines = project, path, uri, checked, lines
        self._fix_all: lsp.WorkspaceEdit | None = None
        self._made: dict[tuple[str, int], lsp.CodeAction | None] = {}  # (kind, diagnostic index): asked again and again

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [] if self.checked.result is None else self.checked.result.diagnostics

    def edit(self, edits: list[lsp.TextEdit], others: list[Change] | None = None) -> lsp.WorkspaceEdit:
        return workspace_edit(self.uri, self.checked.version, edits, others)

    def quick_fix(self, d: Diagnostic) -> lsp.CodeAction | None:
        """The finding's own fix, verified as `fix` verifies it; a fix of another file (TL030) is what
        `trainlint fix --select CODE` would write there."""
        if d.fix is None or not d.fix.safe or self.checked.settings is None:
            return None
        if d.fix.file is not None:
            outcome = self.project.fixed(self.path, self.checked.text, d.code)
            others = [] if outcome is None else other_files(outcome.others, self.lines.encoding)
            if not others:
                return None
            edit = self.edit([], others)
        else:
            try:
                fix_one_buffer(encode(self.checked.text), self.path, self.checked.settings, d.fix)
            except FixError:
                return None
            edit = self.edit(text_edits(self.lines, d.fix.edits))
        return lsp.CodeAction(
            title=f"{d.fix.title} ({d.code})",
            kind=lsp.CodeActionKind.QuickFix,
            diagnostics=[to_lsp(self.lines, d)],
            is_preferred=True,
            edit=edit,
        )

    def suppression(self, d: Diagnostic) -> lsp.CodeAction | None:
        """`# trainlint: disable=CODE` on the finding's line, when a check of the text with it agrees."""
        doc = None if self.checked.result is None else self.checked.result.document
        if (
            doc is None or suppressions.unsuppressible(d.code) or d.code == codes.UNUSED_SUPPRESSION
        ):  # its own fix deletes it
            return None
        edit = suppression_edit(doc.text, d, suppressions.parse(doc))
        if edit is None:
            return None
        shift = self.lines.shift
        editor_text = self.checked.text
        new_text = editor_text[: edit.start + shift] + edit.text + editor_text[edit.end + shift :]
        after = self.project.check(self.path, new_text).result
        if after is None or not _only_gone(self.diagnostics, after.diagnostics, d):
            return None
        return lsp.CodeAction(
            title=f"Disable {d.code} for this line",
            kind=lsp.CodeActionKind.QuickFix,
            diagnostics=[to_lsp(self.lines, d)],
            edit=self.edit(text_edits(self.lines, [edit])),
        )

    def fix_all_edit(self) -> lsp.WorkspaceEdit | None:
        """What `trainlint fix` would change, in the text and in the other files its fixes rewrite; None
        when it would leave the file alone."""
        if self._fix_all is None:
            outcome = self.project.fixed(self.path, self.checked.text)
            if outcome is None:
                self._fix_all = lsp.WorkspaceEdit()
            else:
                decoded = self.checked.text[self.lines.shift :]
                edits = text_edits(self.lines, changes(decoded, outcome.new))
                self._fix_all = self.edit(edits, other_files(outcome.others, self.lines.encoding))
        return self._fix_all if self._fix_all.document_changes else None

    def fix_all(self, resolve: bool) -> lsp.CodeAction | None:
        """Fix-all, when the file has a fixable finding; with `resolve`, its edit is worked out only when
        the editor asks (`codeAction/resolve`)."""
        if not any(d.fixable for d in self.diagnostics):
            return None
        action = lsp.CodeAction(
            title="Fix all trainlint problems",
            kind=FIX_ALL,
            data={"uri": self.uri, "version": self.checked.version},
        )
        if not resolve:
            action.edit = self.fix_all_edit()
            if action.edit is None:
                return None
        return action

    def for_range(self, wanted_range: lsp.Range, only: list[str] | None, resolve: bool) -> list[lsp.CodeAction]:
        found: list[lsp.CodeAction] = []
        if wanted(QUICK_FIX, only):
            near = [(i, d) for i, d in enumerate(self.diagnostics) if in_range(d, wanted_range)]
            makers: dict[str, Callable[[Diagnostic], lsp.CodeAction | None]] = {
                "fix": self.quick_fix,
                "suppress": self.suppression,
            }
            for kind, make in makers.items():
                for index, d in near:
                    if (kind, index) not in self._made:
                        self._made[kind, index] = make(d)
                    action = self._made[kind, index]
                    if action is not None:
                        found.append(action)
        if wanted(FIX_ALL, only):
            action = self.fix_all(resolve)
            if action is not None:
                found.append(action)
        return found


def suppression_edit(text: str, d: Diagnostic, existing: list[suppressions.Suppression]) -> Edit | None:
    """The comment that suppresses `d` on its line: the code added to a `disable=` comment at the end of
    that line, or a new one there."""
    for s in existing:
        if s.line == d.line and s.span.line == d.line - 1 and s.codes:
            return Edit(s.codes[-1].end, s.codes[-1].end, f",{d.code}")
    all_lines = text_lines(text)
    if not 1 <= d.line <= len(all_lines):
        return None
    start, body, _ = all_lines[d.line - 1]
    end = start + len(body)
    gap = "" if body.endswith((" ", "\t")) else "  "
    return Edit(end, end, f"{gap}# trainlint: disable={d.code}")


def _key(d: Diagnostic) -> tuple[Any, ...]:
    return (d.code, d.line, d.col, d.message)


def _only_gone(before: list[Diagnostic], after: list[Diagnostic], gone: Diagnostic) -> bool:
    """Whether `after` is `before` without `gone` (and the others suppressed with it on its line)."""
    left = sorted(map(_key, after))
    expected = sorted(_key(d) for d in before if not (d.code == gone.code and d.line == gone.line))
    return left == expected
