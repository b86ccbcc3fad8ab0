"""trainlint's diagnostics as the protocol's: the same code, severity, message and place as the CLI
prints, the hint on a second line, and a link to the rule's documentation."""

from __future__ import annotations

from lsprotocol import types as lsp

from .. import codes
from ..diagnostics import Diagnostic, Severity
from ..docs import rule_url
from ..rules import Rule
from .positions import Lines

SOURCE = "trainlint"

SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}


def lsp_range(lines: Lines, d: Diagnostic) -> lsp.Range:
    """The diagnostic's place in the editor's units; an empty span covers one character where there is one,
    so the editor underlines something."""
    start = lines.trainlint_offset(d.line, d.col)
    end = max(start, lines.trainlint_offset(d.end_line, d.end_col))
    return lsp.Range(_position(lines, start), _position(lines, end))


def _position(lines: Lines, offset: int) -> lsp.Position:
    line, character = lines.position(offset)
    return lsp.Position(line=line, character=character)


def to_lsp(lines: Lines, d: Diagnostic) -> lsp.Diagnostic:
    rule = Rule.registry.get(d.code)
    url = rule_url(rule) if rule is not None else None
    return lsp.Diagnostic(
        range=lsp_range(lines, d),
        message=d.message if d.hint is None else f"{d.message}\nhint: {d.hint}",
        severity=SEVERITY[d.severity],
        code=d.code,
        code_description=lsp.CodeDescription(href=url) if url else None,
        source=SOURCE,
        tags=[lsp.DiagnosticTag.Unnecessary] if d.code == codes.UNUSED_SUPPRESSION else None,
        data={"name": d.name, "fixable": d.fixable},
    )


def configuration_problem(message: str) -> lsp.Diagnostic:
    """The configuration file could not be used: said on the file's first line, as the CLI exits 2."""
    return lsp.Diagnostic(
        range=lsp.Range(lsp.Position(line=0, character=0), lsp.Position(line=0, character=0)),
        message=f"trainlint cannot check this file: {message}",
        severity=lsp.DiagnosticSeverity.Error,
        source=SOURCE,
    )
