"""The schema layer: JSON Schema errors become findings with codes, like any rule.

The same schema file drives the editor (yaml-language-server) and this layer, so the
two never disagree about what is valid. Messages are ours, not the validator's: they
name the key, show the bad value briefly and suggest the closest valid name.

Two engines, one verdict: jsonschema-rs (compiled once, kept across files) answers
"is this config valid?" in microseconds, and most configs in a repository are. For a
config it rejects, its errors are read through `_RsError`, which shows them as
jsonschema shows its own (the failing keyword, its value, the sub-schema, the anyOf
branches): the messages are made from those, so a failing config costs microseconds
too and jsonschema, whose import alone costs a tenth of a second, is not loaded.
jsonschema decides where jsonschema-rs is missing, cannot take a value (the loader's
refused values) or reports a keyword `_map` has no words for; the tests hold both
engines to the same findings on every config of the corpora and on generated values.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import codes
from .diagnostics import ConfigPath, Finding
from .document import Document
from .resources import SUPPORTED_SCHEMA_VERSIONS, schema

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_RANGE = {
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
}
_TYPE_NAMES = {
    "integer": "a whole number",
    "number": "a number",
    "string": "a string",
    "object": "a mapping",
    "array": "a list",
    "boolean": "true or false",
    "null": "null",
}


@functools.cache
def _validator(version: int, inline: bool = True, kind: str = "config") -> Any:
    """jsonschema's validator for the detailed errors of a failing config.

    With `inline`, every local `$ref` is replaced by what it points to, in place, which
    spares jsonschema a registry lookup per reference: a third of its time on a failing
    config. The findings are the same, in the same order; the tests compare both.
    """
    from jsonschema import Draft202012Validator  # heavy: imported on first use only

    document = schema(version, kind)
    keywords = frozenset(Draft202012Validator.VALIDATORS)
    return Draft202012Validator(_inline(document, document, (), keywords) if inline else document)


def _inline(node: Any, root: dict[str, Any], seen: tuple[str, ...], keywords: frozenset[str]) -> Any:
    """The schema with `{"$ref": "#/..."}` spliced in where it stands, keywords kept in their order.

    A reference is left as it is when it is not local, recursive, or when the target
    and the referring schema share a validating keyword (merging would change the
    meaning); shared annotations (`title`, `description`) validate nothing.
    """
    if isinstance(node, list):
        return [_inline(item, root, seen, keywords) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
        if isinstance(target, dict) and not (set(target) & set(node) & keywords - {"$ref"}):
            out: dict[str, Any] = {}
            for key, value in node.items():
                if key == "$ref":
                    out.update(_inline(target, root, (*seen, ref), keywords))
                elif key not in out:  # an annotation the target also has: the target's stands
                    out[key] = _inline(value, root, seen, keywords)
            return out
    return {key: _inline(value, root, seen, keywords) for key, value in node.items()}


@functools.cache
def _fast_engine(version: int, kind: str = "config") -> Any:
    """jsonschema-rs's validator for this schema version, or None where it is not installed."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    return jsonschema_rs.Draft202012Validator(schema(version, kind))


def passes(data: Any, version: int, kind: str = "config") -> bool | None:
    """The fast engine's verdict: True valid, False invalid, None when it cannot tell."""
    engine = _fast_engine(version, kind)
    if engine is None:
        return None
    try:
        return bool(engine.is_valid(data))
    except ValueError:  # a value it cannot convert, e.g. a str subclass standing for a refused value
        return None


def _show(value: Any) -> str:
    """A value as a person who wrote YAML reads it: `true`, not Python's `True`; an empty value is "empty"."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# `7,000` or `1,000.5`: a number written with thousands separators, which YAML reads as text
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")
# `7_000`: YAML 1.1 readers drop the underscores, YAML 1.2 reads text
_UNDERSCORES = re.compile(r"[+-]?[0-9]+(?:_[0-9]+)+(?:\.[0-9]*)?")


def _number_hint(text: str) -> str | None:
    """How to write a string that was meant as a number so that YAML reads one, or None."""
    stripped = text.strip()
    if _THOUSANDS.fullmatch(stripped):
        return f"remove the thousands separator: write {stripped.replace(',', '')}"
    if _UNDERSCORES.fullmatch(stripped):
        return f"remove the underscores: write {stripped.replace('_', '')} (YAML 1.2 reads `{stripped}` as text)"
    if _numeric(stripped):
        return "remove the quotes so YAML reads a number"
    return None


_EMPTY_HINT = "give it a value, or remove the line"


def _empty(path: ConfigPath, needs: str) -> Finding:
    """A key written with nothing after it (`training:` alone): YAML reads null, which no one means."""
    return Finding(
        codes.WRONG_TYPE,
        f"`{_name(path)}` is empty; it must be {needs}",
        path,
        hint=_EMPTY_HINT + ("; a mapping's keys go on the lines below it, indented" if needs == "a mapping" else ""),
    )


def _suggest(word: Any, choices: list[str]) -> str:
    if not isinstance(word, str):
        return ""
    names = tuple(c for c in choices if isinstance(c, str))
    return _closest(word, names) if len(word) <= 200 else _closest.__wrapped__(word, names)  # a long one is not kept


@functools.lru_cache(maxsize=1024)
def _closest(word: str, choices: tuple[str, ...]) -> str:
    """Memoised: a repository repeats its typos (a copied config, a renamed preset), and difflib's
    ratio over every choice costs more than the rest of a failing config's check."""
    lowered = word.lower()
    # a valid name that the word starts with (`sdxl-1.0` -> `sdxl`) beats any edit distance
    prefixed = [c for c in choices if lowered.startswith(c.lower())]
    if prefixed:
        match = [max(prefixed, key=len)]
    else:
        import difflib  # only failing configs get here

        match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean `{match[0]}`?" if match else ""


def _numeric(text: str) -> bool:
    """A string that would be a number without its quotes (YAML 1.2 spelling)."""
    try:
        float(text)
    except ValueError:
        return False
    return "_" not in text


def _enums(error: ValidationError) -> list[Any]:
    """Every enum/const value an error (or its anyOf branches) would have accepted."""
    found: list[Any] = []
    if error.validator == "enum":
        found.extend(error.validator_value)
    elif error.validator == "const":
        found.append(error.validator_value)
    for sub in error.context or ():
        found.extend(v for v in _enums(sub) if v not in found)
    return found


def _name(path: ConfigPath) -> str:
    return ".".join(str(p) for p in path) or "the config"


def _map(error: ValidationError) -> list[Finding]:
    path: ConfigPath = tuple(error.absolute_path)
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        out = []
        for key in instance:
            if key in known:
                continue
            suggestion = _suggest(key, known)
            allowed = ", ".join(f"`{k}`" for k in known)
            out.append(
                Finding(
                    codes.UNKNOWN_KEY,
                    f"unknown key `{key}` in {_name(path)}" + (f"; {suggestion}" if suggestion else ""),
                    path + (key,),
                    on_key=True,
                    hint=f"allowed here: {allowed}",
                )
            )
        return out
    if kind == "required":
        missing = [k for k in value if k not in instance]
        return [
            Finding(codes.MISSING_KEY, f"{_name(path)} is missing the required key `{k}`", path, on_key=True)
            for k in missing
        ]
    if kind == "type":
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in ([value] if isinstance(value, str) else value))
        if instance is None:
            return [_empty(path, wanted)]
        hint = _number_hint(instance) if isinstance(instance, str) and wanted.endswith("number") else None
        if hint is not None:  # a number in quotes, or spelt so that YAML reads text
            message = f"`{_name(path)}` is a string, not {wanted}: {_show(instance)}"
        else:
            message = f"`{_name(path)}` must be {wanted}, not {_show(instance)}"
        return [Finding(codes.WRONG_TYPE, message, path, hint=hint)]
    if kind in _RANGE:
        words = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "greater than",
            "exclusiveMaximum": "less than",
            "minLength": "at least this many characters:",
            "maxLength": "at most this many characters:",
            "minItems": "at least this many items:",
            "maxItems": "at most this many items:",
        }
        return [
            Finding(codes.OUT_OF_RANGE, f"`{_name(path)}` is {_show(instance)}; it must be {words[kind]} {value}", path)
        ]
    choices = _enums(error)
    if kind in ("anyOf", "oneOf") and error.context and all(sub.validator == "required" for sub in error.context):
        needed = " or ".join(f"`{sub.validator_value[0]}`" for sub in error.context)
        return [Finding(codes.MISSING_KEY, f"{_name(path)} needs {needed}", path, on_key=True)]
    if instance is None and (choices or kind == "pattern"):
        shown = ", ".join(str(c) for c in choices[:8]) + (", ..." if len(choices) > 8 else "")
        return [_empty(path, f"one of: {shown}" if choices else "a value")]
    if choices or kind == "pattern":
        hint = _suggest(instance, [str(c) for c in choices])
        shown = ", ".join(str(c) for c in choices[:8]) + (", ..." if len(choices) > 8 else "")
        message = f"`{_name(path)}` cannot be {_show(instance)}" + (f"; {hint}" if hint else "")
        return [Finding(codes.INVALID_VALUE, message, path, hint=f"valid values: {shown}" if choices else None)]
    if kind in ("anyOf", "oneOf") and error.context:
        return _map(min(error.context, key=lambda e: len(list(e.absolute_path))))
    # a keyword the schema does not use today (`multipleOf`, `uniqueItems`): a value it refuses, in its words
    return [Finding(codes.INVALID_VALUE, f"`{_name(path)}`: {error.message}", path)]


def check(doc: Document, fast: bool = True, kind: str = "config") -> list[Finding]:
    """Validate the document's data; findings at paths the loader already reported are dropped.

    `fast=False` skips the jsonschema-rs pre-check (the tests compare both ways). `kind`: the
    document is a config, or a repository preset file ("preset", which has no `schema_version`).
    """
    data = doc.data
    version = data.get("schema_version", 1) if kind == "config" else SUPPORTED_SCHEMA_VERSIONS[-1]
    quoted = _quoted_version(version)
    if quoted is not None:  # `"1"`: a supported version in quotes, not a version this trainlint lacks
        found = [
            Finding(
                codes.WRONG_TYPE,
                f"`schema_version` must be a whole number, not {_show(version)}",
                ("schema_version",),
                hint="remove the quotes so YAML reads a number",
            )
        ]
        return found + [f for f in check(_with_version(doc, quoted), fast, kind) if f.path != ("schema_version",)]
    if version not in SUPPORTED_SCHEMA_VERSIONS or isinstance(version, bool):
        supported = ", ".join(str(v) for v in SUPPORTED_SCHEMA_VERSIONS)
        if version is None:
            return [
                Finding(
                    codes.UNSUPPORTED_SCHEMA_VERSION,
                    f"schema_version is empty; this trainlint supports: {supported}",
                    ("schema_version",),
                    hint=f"set schema_version: {SUPPORTED_SCHEMA_VERSIONS[-1]}",
                )
            ]
        return [
            Finding(
                codes.UNSUPPORTED_SCHEMA_VERSION,
                f"schema_version {_show(version)} is not supported; this trainlint supports: {supported}",
                ("schema_version",),
                hint="upgrade trainlint, or set schema_version to a supported version",
            )
        ]
    version = int(version)  # `1.0` is the schema's const 1 too (JSON Schema compares numbers by value)
    verdict = passes(data, version, kind) if fast else None
    if verdict:
        return []
    errors = _rs_errors(data, version, kind) if verdict is False else None
    if errors is None:
        errors = _one_per_keyword(_validator(version, kind=kind).iter_errors(data))
    findings = [f for error in errors for f in _map(error) if not _already_reported(doc, f.path)]
    findings = _one_empty_per_path(findings)
    findings.sort(key=_order)  # the engines list errors in their own orders; the findings come in one
    return findings


def _one_empty_per_path(findings: list[Finding]) -> list[Finding]:
    """An empty value fails its key's type and its names alike: it is said once, with the names when
    there are names to give."""
    empty: dict[ConfigPath, Finding] = {}
    for f in findings:
        if f.hint == _EMPTY_HINT or (f.hint or "").startswith(_EMPTY_HINT + ";"):
            if f.path not in empty or "one of:" in f.message:
                empty[f.path] = f
    if not empty:
        return findings
    return [f for f in findings if f.path not in empty] + list(empty.values())


def _quoted_version(version: Any) -> int | None:
    """The supported version a string such as `"1"` spells, else None."""
    if not isinstance(version, str) or not version.strip().isascii() or not version.strip().isdigit():
        return None
    number = int(version.strip()) if len(version.strip()) <= 4 else None
    return number if number in SUPPORTED_SCHEMA_VERSIONS else None


def _with_version(doc: Document, version: int) -> Document:
    """The document with `schema_version` read as the number it spells, to check the rest of it."""
    copy = Document(doc.file, doc.text)
    copy.spans, copy.reported = doc.spans, doc.reported
    copy.data = {**doc.data, "schema_version": version}
    return copy


def _order(finding: Finding) -> tuple[tuple[str, ...], str]:
    return tuple(map(str, finding.path)), finding.code


def _one_per_keyword(errors: Iterable[Any]) -> list[Any]:
    """Both engines report `required` once per missing key, and `_map` names every missing key from
    one error: one error per failing keyword and place, or each missing key is reported n times."""
    out, seen = [], set()
    for error in errors:
        where = (*map(str, error.absolute_path), "\0", error.validator)
        if where not in seen:
            seen.add(where)
            out.append(error)
    return out


# the keywords `_map` has words for; a config failing any other is handed to jsonschema, whose message TL104 shows
_WORDED = {"additionalProperties", "required", "type", "enum", "const", "pattern", "anyOf", *_RANGE}


class _RsError:
    """A jsonschema-rs error with the attributes `_map` reads from a jsonschema error.

    jsonschema-rs tells where the failing keyword is (its schema path, `$ref`s already
    followed); the keyword's value and its sub-schema are looked up there in the schema
    itself, so they are the very objects jsonschema would report.
    """

    __slots__ = ("absolute_path", "validator", "validator_value", "instance", "schema", "context")

    def __init__(self, error: Any, root: dict[str, Any]) -> None:
        where = list(error.schema_path)
        self.schema: Any = root
        for part in where[:-1]:
            self.schema = self.schema[part]
        self.validator = where[-1]
        self.validator_value = self.schema[self.validator]
        self.absolute_path = list(error.instance_path)
        self.instance = error.instance
        branches = getattr(error.kind, "context", None) or ()
        self.context = [_RsError(sub, root) for branch in branches for sub in branch]


def _rs_errors(data: Any, version: int, kind: str = "config") -> list[_RsError] | None:
    """jsonschema-rs's errors, one per failing keyword (it reports `required` once per missing key);
    None when one of them, or of their anyOf branches, is a keyword we have no words for."""
    root = schema(version, kind)
    try:
        errors = _one_per_keyword(_RsError(e, root) for e in _fast_engine(version, kind).iter_errors(data))
    except (ValueError, KeyError, IndexError, TypeError):  # a value or a location it could not give us
        return None
    return errors if all(_worded(error) for error in errors) else None


def _worded(error: _RsError) -> bool:
    return error.validator in _WORDED and all(_worded(sub) for sub in error.context)


def _already_reported(doc: Document, path: ConfigPath) -> bool:
    return any(path[:n] in doc.reported for n in range(len(path), 0, -1))
