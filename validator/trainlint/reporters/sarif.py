"""SARIF 2.1.0, the format GitHub code scanning uploads (`github/codeql-action/upload-sarif`).

One run; the driver lists every rule with its metadata and its docstring's sections: the
summary is its short description, Why its full description, and its help the whole
docstring, in Markdown the same registry-generated text as `trainlint rule CODE` and
docs/rules.md. Results point at the file with a URI relative to the repository root
(`uriBaseId` `%SRCROOT%`, which `originalUriBaseIds` gives as the root's file URI; the root is
`reporters.report_root`: the git work tree, else the project's configuration folder), whatever
the working folder, so GitHub places them on the right file; a file outside that root gets its
absolute file URI. Each has a region in Unicode code points (the columns trainlint counts), and,
for fixable findings, the replacements `trainlint fix` would make. The tests validate this output against the official
OASIS schema. As in the JSON format, `##[` is written `##\\u005b` (`text.guarded`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from .. import __version__
from ..diagnostics import Diagnostic, Severity
from ..paths import from_cwd
from ..results import FileResult
from ..text import guarded
from .json_ import json_escape

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def uri(file: str) -> str:
    """A relative path stays relative (forward slashes, percent-encoded); an absolute one becomes file://.
    Bytes of a name that are not UTF-8 (lone surrogates to Python) are percent-encoded as the bytes they are."""
    path = Path(file)
    return path.as_uri() if path.is_absolute() else quote(path.as_posix(), errors="surrogateescape")


def rule_descriptors() -> list[dict[str, Any]]:
    from ..docs import rule_markdown
    from ..plugins import owner
    from ..rules import iter_rules

    out = []
    for rule in iter_rules():
        doc = rule.doc()
        descriptor: dict[str, Any] = {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": doc.summary},
            "fullDescription": {"text": doc.why or doc.summary},
            "help": {"text": rule.rationale(), "markdown": rule_markdown(rule, heading="#")},
            "defaultConfiguration": {"level": _LEVELS[rule.severity]},
            "properties": {"tags": [rule.stage], "fixable": rule.fixable},
        }
        if owner(rule.code):
            descriptor["properties"]["plugin"] = owner(rule.code)
        out.append(descriptor)
    return out


SRCROOT = "%SRCROOT%"


def _location(file: str, root: str) -> dict[str, Any]:
    from . import root_relative

    relative = root_relative(file, root)
    if relative is None:
        path = Path(file)
        return {"artifactLocation": {"uri": path.absolute().as_uri() if file != "-" else uri(file)}}
    return {"artifactLocation": {"uri": uri(relative), "uriBaseId": SRCROOT}}


def _result(d: Diagnostic, index: dict[str, int], root: str) -> dict[str, Any]:
    location = _location(d.file, root)
    region = {
        "startLine": d.line,
        "startColumn": d.col,
        "endLine": max(d.end_line, d.line),
        "endColumn": max(d.end_col, 1),
    }
    result: dict[str, Any] = {
        "ruleId": d.code,
        "level": _LEVELS[d.severity],
        "message": {"text": d.message + (f"\nhint: {d.hint}" if d.hint else "")},
        "locations": [{"physicalLocation": {**location, "region": region}}],
    }
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    if d.fix is not None and d.fixable:
        result["fixes"] = [
            {
                "description": {"text": d.hint or d.fix.title},
                "artifactChanges": [
                    {
                        # a fix of another file (the editor schema) names that file, relative like the config
                        **(
                            location if d.fix.file is None else {"artifactLocation": {"uri": uri(from_cwd(d.fix.file))}}
                        ),
                        "replacements": [
                            {
                                "deletedRegion": {"charOffset": e.start, "charLength": e.end - e.start},
                                "insertedContent": {"text": e.text},
                            }
                            for e in d.fix.edits
                        ],
                    }
                ],
            }
        ]
    return result


def render(results: Iterable[FileResult], stream: TextIO) -> None:
    from . import report_root

    root = report_root()
    rules = rule_descriptors()
    index = {r["id"]: i for i, r in enumerate(rules)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "trainlint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": Path(root).as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": [_result(d, index, root) for r in results for d in r.diagnostics],
                "invocations": [{"executionSuccessful": True}],
            }
        ],
    }
    stream.write(guarded(json.dumps(log, indent=2), json_escape))
    stream.write("\n")
