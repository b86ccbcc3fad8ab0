"""TL010: plain YAML values that YAML 1.1 readers read otherwise, and the spelling both agree on."""

from __future__ import annotations

import datetime
import functools
import re
import warnings
from collections.abc import Iterable
from typing import Any

from .. import codes
from ..diagnostics import Edit, Finding, Fix, Severity
from ..document import Document, Yaml11Reading
from .reading import _VALID, LoaderRule

_EXPONENT = re.compile(r"^([-+]?)([0-9]*)(?:\.([0-9]*))?([eE])([-+]?)([0-9]+)$")


def yaml11_fix(reading: Yaml11Reading) -> tuple[Edit, ...]:
    """A spelling both YAML versions read the same way, as close to the author's as possible."""
    text, value = reading.text, reading.value
    match = _EXPONENT.match(text)
    if isinstance(value, float) and match:
        sign, whole, frac, e, esign, digits = match.groups()
        text = f"{sign}{whole or '0'}.{frac or '0'}{e}{esign or '+'}{digits}"
    elif isinstance(value, (int, float)):
        text = repr(value)
    elif isinstance(value, str):
        text = f'"{value}"'
    else:
        return ()
    return (Edit(reading.span.start, reading.span.end, text),)


@functools.lru_cache(maxsize=1024)
def _read_by_verifier(text: str) -> tuple[bool, Any]:
    """Whether ruamel.yaml, the parser `fix` verifies every rewrite with, reads a plain scalar at all,
    and the value it reads. Imported on first need: most configs have no YAML 1.1 spelling."""
    from ruamel.yaml import YAML

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its YAML 1.1 warnings are no business of the person checking
        try:
            return True, YAML(typ="safe", pure=True).load(f"k: {text}\n")["k"]
        except Exception:  # noqa: BLE001 - a value it cannot read is one it disagrees on
            return False, None


def verifiable(reading: Yaml11Reading) -> bool:
    """Whether a respelling of the scalar can pass `fix`'s verification: ruamel.yaml must read the
    scalar as trainlint does, or any new spelling changes the data it sees (`1_000` is the int 1000
    to it and to PyYAML, the string '1_000' to YAML 1.2's core schema and to trainlint). Such a value
    gets no fix, so it cannot block the fixes of the rest of the file; its author decides."""
    ok, value = _read_by_verifier(reading.text)
    return ok and type(value) is type(reading.value) and value == reading.value


def describe(value: Any) -> str:
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if value is None:
        return "null"
    return f"the {type(value).__name__} {value!r}"


class Yaml11Ambiguity(LoaderRule):
    """A plain value that YAML 1.1 readers (PyYAML, used by most training scripts) read differently.

    Why: trainlint reads YAML 1.2, where `1e-4` is a float and `no` is a string. PyYAML
    follows YAML 1.1: it reads `1e-4` as the string "1e-4" (a learning rate that
    then breaks or is silently ignored), `yes/no/on/off` as booleans and `012` as
    octal. An explicitly tagged value (`!!str yes`) is read by its tag in both versions
    and is reported only where they build that tag's value differently (`!!int 012`
    is octal to YAML 1.1).

    Fix safety: The fix spells the value so both versions agree (`1.0e-4`, `"no"`): the
    YAML 1.2 data stays as it was, only its spelling changes, and YAML 1.1 readers now read
    the same. It replaces the value's own text, so an anchor or tag written before it stays;
    before anything is written, ruamel.yaml reads the old and the new text, which must hold the
    same data. A value that ruamel.yaml, which checks every rewrite, reads otherwise than
    trainlint (`1_000`, `0b101`, a date) gets no fix: any new spelling would change its data
    there, so its author decides.

    Source: The YAML 1.1 and 1.2 specifications, which resolve plain values differently;
    PyYAML's resolver (yaml/pyyaml#173); docs/reference.md, "YAML 1.1 versus 1.2".
    """

    code, name = codes.YAML11_AMBIGUITY, "yaml11-ambiguity"
    severity = Severity.WARNING
    fixable = True
    fails = (
        _VALID.replace("classification: sdxl/style", "classification: Custom")
        + "training:\n  learning_rate_unet: 1e-4\n"
    )
    passes = (
        _VALID.replace("classification: sdxl/style", "classification: Custom")
        + "training:\n  learning_rate_unet: 1.0e-4\n"
    )

    def check_document(self, doc: Document) -> Iterable[Finding]:
        seen: set[int] = set()
        for reading in doc.yaml11:
            if reading.span.start in seen:  # an anchored scalar read again through an alias: one finding
                continue
            seen.add(reading.span.start)
            # a date is left to the author: YAML 1.2 tools disagree on it too (ruamel.yaml reads a date), so
            # quoting it would change the data for some of them, and the fixer never changes data; the same
            # for any value ruamel.yaml reads otherwise than trainlint (`1_000`, `0b101`)
            agreed = not isinstance(reading.value11, datetime.date) and verifiable(reading)
            edits = yaml11_fix(reading) if agreed else ()
            yield Finding(
                self.code,
                f"`{reading.text}` is {describe(reading.value)} here (YAML 1.2) but YAML 1.1 readers such as PyYAML "
                f"read {describe(reading.value11)}",
                span=reading.span,
                hint=f"write it as {edits[0].text}" if edits else "quote it or spell it so both YAML versions agree",
                fix=Fix(f"write it as {edits[0].text}", edits) if edits else None,
            )
