"""The editor binding: the repository's copy of the schema that a config's modeline names."""

from __future__ import annotations

import os
from pathlib import Path

from .. import codes, editor_schema
from ..diagnostics import Edit, Finding, Fix, Severity, Span
from ..document import Document
from ..paths import is_inside
from ..text import line_starts, offset_span
from .base import Rule
from .reading import _VALID

_OLD_SCHEMA = '{\n  "$id": "https://trainlint.dev/schema/v1/config.schema.json",\n  "type": "object"\n}\n'
# the file names the SchemaStore entry and `trainlint init --editor vscode` bind without a modeline
BOUND_BY_NAME = (".trainlint.yaml", ".trainlint.yml")


class StaleEditorSchema(Rule):
    """The copy of the schema that editors load for this config is not the installed trainlint's.

    Why: Editors (yaml-language-server in VS Code, Neovim, Helix, JetBrains) complete, document
    and check a config against the schema its modeline names, or, without a modeline, the one
    `.vscode/settings.json` binds `*.trainlint.yaml` to: the repository's copy at
    `.trainlint/v1/config.schema.json` that `trainlint init` writes. After trainlint is upgraded
    that copy still describes the old keys, presets and bounds, so the editor offers presets
    `check` rejects and flags values `check` accepts. A modeline naming a local file that does
    not exist leaves the editor with a schema-load error on the first line and no completion.
    Only a file whose `$id` is trainlint's schema counts as a copy; another schema at that path
    is someone else's and is left alone, as are URLs and files outside the repository.

    Fix safety: `trainlint fix` (like `trainlint schema --write`) writes the installed schema
    over the copy, or creates it at the default path `.trainlint/v1/config.schema.json`; the
    config itself does not change. The copy is a generated file that only editors read.

    Source: yaml-language-server's modeline (`# yaml-language-server: $schema=...`, resolved from
    the file's own folder) and `yaml.schemas` setting; docs/reference.md, "Editor support".
    """

    code, name = codes.STALE_EDITOR_SCHEMA, "stale-editor-schema"
    severity = Severity.WARNING
    stage = "loader"
    formats = ("trainlint",)
    fixable = True
    files = {editor_schema.SCHEMA_FILE: _OLD_SCHEMA}
    fails = f"# yaml-language-server: $schema={editor_schema.SCHEMA_FILE}\n" + _VALID
    passes = "# yaml-language-server: $schema=https://trainlint.dev/schema/v1/config.schema.json\n" + _VALID


def findings(doc: Document, file_name: str, base_dir: Path, root: Path) -> list[Finding]:
    """TL030 for a config: its modeline's local schema file, or, without a modeline, the repository's
    copy when the config's name is one the `yaml.schemas` binding covers."""
    found = editor_schema.modeline(doc.text)
    if found is not None:
        reference = found.group(1)
        if not editor_schema.is_local(reference):
            return []
        target: Path | str = os.path.join(base_dir, reference)  # a string: every config asks, pathlib costs
    elif file_name.lower().endswith(BOUND_BY_NAME):
        target, reference = editor_schema.default_path(root), editor_schema.SCHEMA_FILE
    else:
        return []
    try:
        if not is_inside(target, root):
            return []
    except (OSError, RuntimeError, ValueError):  # a symlink loop or a NUL: nobody's schema
        return []
    state = editor_schema.state(target)
    if not (state == "stale" or (state == "missing" and found is not None)):
        return []  # nearly every config (its copy is current): nothing more to work out
    # the modeline's value (its line is near the top: only the text up to it is scanned for lines)
    span = (
        Span(0, 0, 0, 0)
        if found is None
        else offset_span(doc.text, *found.span(1), line_starts(doc.text[: found.end(1) + 1]))
    )
    default = Path(os.path.abspath(target)) == Path(os.path.abspath(editor_schema.default_path(root)))
    hint = f"run `trainlint schema --write{'' if default else ' ' + reference}`"
    if state == "stale":
        old = editor_schema.read_text(target)
        message = (
            f"the editor schema `{reference}` is not the installed trainlint's: editors complete and check "
            "this config against other keys, presets and bounds than `trainlint check`"
        )
        return [
            Finding(
                codes.STALE_EDITOR_SCHEMA,
                message,
                span=span,
                hint=hint,
                fix=_rewrite(target, old) if old is not None else None,
            )
        ]
    message = (
        f"the modeline's schema file `{reference}` does not exist: editors show a schema-load error "
        "and offer no completion"
    )
    return [
        Finding(codes.STALE_EDITOR_SCHEMA, message, span=span, hint=hint, fix=_rewrite(target, "") if default else None)
    ]


def _rewrite(target: Path | str, old: str) -> Fix:
    return Fix(
        "write the installed schema",
        (Edit(0, len(old), editor_schema.shipped_text()),),
        file=os.path.abspath(target),
    )
