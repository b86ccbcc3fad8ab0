"""One config through the pipeline: load -> schema -> preset -> effective -> rules.

The result is a list of `Diagnostic`s with positions resolved here, once, from the
spans the loader kept. Nothing in this module prints.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import effective as effective_mod
from . import plugins as plugins_mod
from . import catalog as presets_mod
from . import schema_layer, suppressions
from .diagnostics import Diagnostic, Finding, Severity, Span
from .document import Document
from .inputs.yaml_reader import load_bytes, load_text, read_head
from .paths import is_inside
from .rules import Context, Rule, iter_rules
from .settings import Settings

# the marker: a top-level `schema_version` key at a line start (also in a flow mapping or after `---`),
# or a yaml-language-server modeline naming a trainlint schema; each pattern is tried only where a
# match could start (see _has_marker), as searching the whole text tries it at every byte
_TOP_KEY = re.compile(rb"(?:---[ \t]+)?(?:\{\s*)?[\"']?schema_version[\"']?\s*:")
_MODELINE = re.compile(rb"#\s*yaml-language-server:\s*\$schema=\S*trainlint")
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
              (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
NOT_A_CONFIG = "not a trainlint config: no top-level `schema_version` key and no trainlint `$schema` modeline"


class FileResult:
    """What checking one file gave; sent back from worker processes, so it stays small (see api.check_target)."""

    __slots__ = ("file", "diagnostics", "document", "skipped", "fail_on")

    def __init__(self, file: str, diagnostics: list[Diagnostic] | None = None, document: Document | None = None,
                 skipped: bool = False, fail_on: Severity = Severity.WARNING) -> None:
        self.file = file
        self.diagnostics = [] if diagnostics is None else diagnostics
        self.document = document
        self.skipped = skipped  # not a trainlint config (found while searching a folder)
        self.fail_on = fail_on  # the failing severity of the settings the file was checked with

    def __repr__(self) -> str:
        return f"FileResult({self.file!r}, {self.diagnostics!r}, skipped={self.skipped})"


def looks_like_config(raw: bytes) -> bool:
    """A top-level `schema_version` key, or a modeline naming a trainlint schema.

    Decided on the bytes, before parsing, so searching a repository full of other
    YAML stays cheap; UTF-16/32 files (with a BOM) are decoded first.
    """
    for bom, encoding in _WIDE_BOMS:
        if raw.startswith(bom):
            raw = raw[len(bom):].decode(encoding, "replace").encode("utf-8")
            break
    return _has_marker(raw)


def _has_marker(raw: bytes) -> bool:
    """Whether `_TOP_KEY` matches at a line start or `_MODELINE` anywhere, found from the words
    they contain rather than by trying every byte.

    Between a match's start and its word stand only `---`, a `{`, white space (line breaks
    too) and a quote: a key's match starts at the line of its word or at the line of the last
    character before it that is not white space (the `{`); a modeline's, at that character (the
    `#`). Each stretch of text is walked once, so a file full of the words costs linear time.
    """
    line = scanned = 0  # the start of the line holding `scanned`, the point the text is walked to
    at = raw.find(b"schema_version")
    while at >= 0:
        word = at - 1 if at and raw[at - 1] in b"\"'" else at
        last = _before_space(raw, word)  # just after the character a `{` would be
        brace_line = _line_start(raw, scanned, last, line)
        line, scanned = _line_start(raw, last, word, brace_line), word
        if _TOP_KEY.match(raw, line) or (brace_line != line and _TOP_KEY.match(raw, brace_line)):
            return True
        at = raw.find(b"schema_version", at + 1)
    at = raw.find(b"yaml-language-server")
    while at >= 0:
        last = _before_space(raw, at) - 1
        if last >= 0 and _MODELINE.match(raw, last):
            return True
        at = raw.find(b"yaml-language-server", at + 1)
    return False


def _before_space(raw: bytes, end: int) -> int:
    """The start of the run of white space that ends at `end`."""
    while end and raw[end - 1] in b" \t\n\r\x0b\x0c":
        end -= 1
    return end


def _line_start(raw: bytes, start: int, end: int, known: int) -> int:
    """The start of the line holding `end`, `known` being that of the line holding `start`."""
    found = raw.rfind(b"\n", start, end)
    return known if found < 0 else found + 1


def is_config(raw: bytes, doc: Document) -> bool:
    """The marker in the text, or a top-level `schema_version` the byte test cannot see (flow style).

    Asked only of files that loaded as a mapping: a file that did not load keeps the
    loader's own finding (syntax, limits), which says more than "not a config".
    """
    return looks_like_config(raw[:65536]) or "schema_version" in doc.data


def not_a_config() -> Finding:
    return Finding("TL006", NOT_A_CONFIG, span=Span(0, 0, 0, 0),
                   hint="add `schema_version: 1` at the top if this is a config; other YAML needs no trainlint")


def repo_root(start: Path) -> Path:
    """The bound for preset and dataset paths: the enclosing git work tree, else the
    working folder when the config is below it, else the config's own folder.

    Memoised per folder and working folder: every config of a folder asks, and the
    walk up costs a resolve and a stat per level.
    """
    return _repo_root(start, os.getcwd())


@functools.lru_cache(maxsize=4096)
def _repo_root(start: Path, cwd: str) -> Path:
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    here = Path(cwd).resolve()
    return here if start.is_relative_to(here) else start


def read_candidate(path: Path, settings: Settings, explicit: bool, link: bool | None = None) -> tuple[bytes, bool] | None:
    """The file's bytes and whether they carry the config marker; None for a file found by a
    folder search that is not ours to read (a symlink out of the repository) or not a config.
    One read serves the decision and the check or fix that follows. OSError propagates.
    `link`: whether the file is a symlink, when the folder listing already said."""
    if not explicit and outside_repository(path, settings, link):
        return None
    raw = read_head(path, settings.limits)
    marked = looks_like_config(raw[:65536])
    return (raw, marked) if explicit or marked else None


def check_file(path: Path, display: str, settings: Settings, explicit: bool = True,
               link: bool | None = None) -> FileResult:
    try:
        candidate = read_candidate(path, settings, explicit, link)
    except OSError as exc:
        raise UsageError(printable(f"{display}: cannot read: {exc.strerror or exc}")) from None
    if candidate is None:
        return FileResult(display, skipped=True)
    raw, marked = candidate
    doc = load_bytes(raw, display, settings.limits)
    if doc.ok and not (marked or is_config(raw, doc)):  # named explicitly: one clear finding, not a pile of schema errors
        return FileResult(display, _place(doc, [not_a_config()], settings), doc)
    return FileResult(display, run(doc, path.parent, settings), doc)


def outside_repository(path: Path, settings: Settings, link: bool | None = None) -> bool:
    """A file found by a folder search that is a symlink out of the repository (or a loop): neither read nor fixed.

    A file that is no symlink lies in its own folder, and the repository root is that
    real folder or one above it (see `repo_root`): only a symlink, or a root set from
    outside, needs its real path worked out, so the common case costs one `lstat`, or none
    when the folder listing said whether it is a symlink (`link`).
    """
    if settings.root is None and not (os.path.islink(path) if link is None else link):
        return False
    return not _inside(path, settings.root or repo_root(path.parent))


def _inside(path: Path, root: Path) -> bool:
    try:
        return is_inside(path, root)
    except (OSError, RuntimeError):  # a symlink loop: nothing to read there
        return False


def check_text(text: str, file: str = "<string>", settings: Settings = Settings(), base_dir: Path | None = None) -> FileResult:
    doc = load_text(text, file, settings.limits)
    return FileResult(file, run(doc, base_dir or Path.cwd(), settings), doc, fail_on=settings.fail_on)


class UsageError(Exception):
    """Bad invocation or unreadable input: exit code 2."""


def run(doc: Document, base_dir: Path, settings: Settings) -> list[Diagnostic]:
    plugins_mod.load(settings.plugins)  # no-op once loaded; worker processes load them here
    findings = list(doc.findings)
    stages: set[str] = set()  # which stages ran: a suppression is unused only if its rule had its chance
    if doc.ok:  # else the text did not even load (YAML error, not a mapping): nothing had its chance
        stages.update(("loader", "schema"))
        schema_findings = schema_layer.check(doc)
        findings.extend(schema_findings)
        if not any(f.code == "TL100" for f in schema_findings):
            semantic, complete = _semantic(doc, base_dir, settings, {f.path for f in schema_findings})
            findings.extend(semantic)
            stages.update(("preset", "rules") if complete else ())
    return _place(doc, findings, settings, frozenset(stages))


def _semantic(doc: Document, base_dir: Path, settings: Settings, schema_paths: set[tuple]) -> tuple[list[Finding], bool]:
    """The preset and rule findings, and whether the rules ran (not when the preset is unusable)."""
    config = doc.data
    ref = config.get("preset")
    if not isinstance(ref, str) or ("preset",) in schema_paths:
        return [], False
    try:
        eff = effective_config(config, base_dir, settings, schema_paths)
    except presets_mod.PresetError as exc:
        return [Finding(exc.code, str(exc), ("preset",))], False
    findings: list[Finding] = []
    if eff.dataset.truncated:
        findings.append(Finding("TL094", f"dataset folder has more than {settings.limits.max_dataset_files:,} "
                                "entries; images not counted", ("dataset", "path")))
    ctx = Context(doc, config, presets_mod.catalog(), eff, {})  # one per file; each rule gets its thresholds
    for check, thresholds in _rules_to_run(settings):
        ctx.thresholds = thresholds
        findings.extend(check(ctx))
    return findings, True


def _rules_to_run(settings: Settings) -> list[tuple[Callable[[Context], Iterable[Finding]], Mapping[str, Any]]]:
    """The enabled rules of the rules stage, in code order, each as what to call (plugins.checker)
    with its thresholds (the rule's own under the configuration's), worked out once per settings
    object and set of registered rules rather than once per file. Read-only: a rule cannot change
    what the next file sees."""
    registered = tuple(Rule.registry)
    memo = settings.__dict__.get("_rules_memo")  # not a field: eq and repr ignore it, as for `enabled`
    if memo is None or memo[0] != registered:
        overrides = settings.thresholds
        memo = settings.__dict__["_rules_memo"] = (registered, [
            (plugins_mod.checker(rule), MappingProxyType({**rule.thresholds, **overrides.get(rule.code, {})}))
            for rule in iter_rules() if rule.stage == "rules" and settings.enabled(rule.code)
        ])
    return memo[1]


def effective_config(config: dict, base_dir: Path, settings: Settings,
                     skip: set[tuple] | frozenset[tuple] = frozenset()) -> effective_mod.Effective:
    """Resolve the preset, count the dataset, overlay the config's training values (but those at
    `skip`, which the schema layer reported); PresetError when the preset cannot be used."""
    ref = config["preset"]
    root = settings.root or repo_root(base_dir)
    preset = presets_mod.resolve(ref, _preset_dir(ref, base_dir, settings), root, limits=settings.limits)
    dataset = effective_mod.scan_dataset(config.get("dataset"), base_dir, settings.limits.max_dataset_files, root)
    training = config.get("training")
    clean = {k: v for k, v in training.items() if ("training", k) not in skip} if isinstance(training, dict) else {}
    return effective_mod.build({**config, "training": clean}, preset, dataset)


def _preset_dir(ref: str, base_dir: Path, settings: Settings) -> Path:
    """Where a preset file reference resolves: beside the config, else the first `preset-paths` folder holding it."""
    if not presets_mod.is_file_ref(ref) or (base_dir / ref).is_file():
        return base_dir
    return next((folder for folder in settings.preset_dirs if (folder / ref).is_file()), base_dir)


_ALL_STAGES = frozenset(("loader", "schema", "preset", "rules"))


def _place(doc: Document, findings: list[Finding], settings: Settings, stages: frozenset[str] = _ALL_STAGES) -> list[Diagnostic]:
    """Findings become diagnostics; then the file's suppression comments drop theirs and report idle ones,
    but only for rules whose stage ran: a YAML error must not make every suppression look stale."""
    placed = [_diagnostic(doc, f, settings) for f in findings if settings.enabled(f.code)]

    def judged(code: str) -> bool:
        return settings.enabled(code) and all(r.stage in stages for c, r in Rule.registry.items() if c.startswith(code))

    kept, unused = suppressions.apply(doc, placed, judged, _is_rule_prefix)
    out = kept + [_diagnostic(doc, f, settings) for f in unused if settings.enabled(f.code)]
    out.sort(key=Diagnostic.sort_key)
    return out


def _diagnostic(doc: Document, f: Finding, settings: Settings) -> Diagnostic:
    rule: type[Rule] = Rule.registry[f.code]
    span = f.span or _locate(doc, f)
    severity = settings.severity_of(f.code, f.severity or rule.severity)
    return Diagnostic(doc.file, span.line + 1, span.col + 1, span.end_line + 1, span.end_col + 1,
                      f.code, rule.name, severity, f.message, f.hint, f.fix)


# control characters (C0 but tab, DEL, C1), line and paragraph separators, bidirectional overrides
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str | None) -> str | None:
    """Escape what a key, a value or a file name from a pull request could use against a reader
    of plain-text output: a line break starts a forged line in a CI log (`::error::` is a GitHub
    workflow command), escape sequences colour or hide text in a terminal, bidi controls reorder
    what a reviewer sees. Structured formats (JSON, SARIF, GitHub, JUnit) escape in their own way."""
    if not text or not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _is_rule_prefix(code: str) -> bool:
    return any(known.startswith(code) for known in Rule.registry)


def _locate(doc: Document, f: Finding) -> Span:
    """The key or value at the finding's path, or the nearest enclosing one that exists."""
    path = f.path
    while path and path not in doc.spans:
        path = path[:-1]
    if path not in doc.spans:
        return Span(0, 0, 0, 0)
    key, value = doc.spans[path]
    if key is not None and (f.on_key or path != f.path):
        return key
    return value
