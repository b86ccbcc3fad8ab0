"""JUnit XML, the test-report format GitLab (`artifacts:reports:junit`) and Jenkins read.

One test suite per checked file; each finding is a test case named after its code and
position, so the merge request widget lists them one by one. A finding at or above the
failing severity (`--fail-on`, default `warning`) is a failed test case; one below it (an
`info` finding, by default) does not fail the run, so it is a passing test case whose output
(`system-out`) is the finding: the report and the exit code agree. A clean file is one
passing test case, so the report also shows what was checked.

The failure's text is the text format's line (`text.printable`); in attributes, C0 control
characters XML cannot hold become U+FFFD, and the rest of what `printable` escapes (C1 controls,
NEL, LS, PS, bidi controls, and the `[` of `##[`) is written as a character reference
(`text.guarded`), which an XML parser reads back as the character itself.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import TextIO

from ..results import FileResult
from ..text import guarded, printable

# characters XML 1.0 cannot hold, even escaped (control characters, lone surrogates)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    """Messages quote the config; a control character there must not make the whole report unreadable."""
    return _NOT_XML.sub("\ufffd", text)


def _reference(char: str) -> str:
    return f"&#x{ord(char):X};"


def _failing(result: FileResult) -> int:
    return sum(d.severity >= result.fail_on for d in result.diagnostics)


def render(results: Iterable[FileResult], stream: TextIO) -> None:
    """One test suite per checked file, one test case per finding (or one passing case)."""
    checked = [r for r in results if not r.skipped]
    total = sum(max(1, len(r.diagnostics)) for r in checked)
    failures = sum(_failing(r) for r in checked)
    root = ET.Element("testsuites", name="trainlint", tests=str(total), failures=str(failures), errors="0")
    for result in checked:
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_clean(result.file),
            tests=str(max(1, len(result.diagnostics))),
            failures=str(_failing(result)),
            errors="0",
            skipped="0",
        )
        if not result.diagnostics:
            ET.SubElement(
                suite, "testcase", name="no problems", classname=_clean(result.file), file=_clean(result.file)
            )
        for d in result.diagnostics:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{d.code} {d.name} at {d.line}:{d.col}",
                classname=_clean(result.file),
                file=_clean(d.file),
                line=str(d.line),
            )
            line = f"{printable(d.file)}:{d.line}:{d.col}: {d.code} [{d.severity}] {printable(d.message)}" + (
                f"\nhint: {printable(d.hint)}" if d.hint else ""
            )
            if d.severity >= result.fail_on:
                ET.SubElement(case, "failure", message=_clean(d.message), type=str(d.severity)).text = line
            else:
                ET.SubElement(case, "system-out").text = line
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(guarded(ET.tostring(root, encoding="unicode"), _reference))
    stream.write("\n")
