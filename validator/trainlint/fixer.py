"""The fixer: apply the edits that findings carry, re-check until stable, write safely.

Edits are splices into the original text (from the end backwards, pre-commit's
`yaml_rewrite` approach), so every byte a fix is not about stays as it was:
comments, blank lines, quotes, key order, indentation, flow style, anchors,
document markers, line endings, the BOM and a missing final newline. A round-trip
dumper (ruamel.yaml's) re-emits the whole document and normalises some of these,
so it is not used to write. Instead, before anything is written, the old and new
texts are both read back with ruamel.yaml, a second and independent YAML 1.2
parser, and must hold the same data apart from the fixed keys: the rewriter never
loses data, even if a splice were wrong.

Writing is `replace.replace_file`'s: a temporary file beside the target, with its
owner, group, mode and extended attributes, swapped in atomically, and undone when
another process saved the file meanwhile.
"""

from __future__ import annotations

import difflib
import warnings
from pathlib import Path
from typing import Any, NamedTuple

from . import codes
from .diagnostics import Diagnostic, Edit, Finding, Fix
from .document import Document
from .engine import check_text, fix_blocker, run, run_trainer
from .errors import FixError
from .inputs.base import InputFormat, Workspace
from .inputs.trainlint import NOT_A_CONFIG, is_config
from .inputs.yaml_edit import apply_edits
from .inputs.yaml_reader import load_bytes, load_text, read_head
from .paths import from_cwd
from .replace import TMP_SUFFIX, sweep_stale_temps  # noqa: F401 - importable from here, as before
from .replace import replace_file as safe_write
from .results import FileResult
from .settings import Settings
from .text import BOM_OF, lines, printable, printable_lines

MAX_PASSES = 5


def unified_diff(file: str, old: str, new: str) -> str:
    """A change as a unified diff, for people to read: lines end where the file's line breaks are
    (CR LF, CR, LF; not NEL, LS or PS), a last line without a break says so as git does, and the
    file name in the headers and every line go through `text.printable`, their breaks kept: what
    a file holds cannot start a forged line in a CI log or reach a terminal as an escape sequence
    (a line with such characters shows them escaped; `fix` writes the real ones)."""

    def split(text: str) -> list[str]:
        return [
            text[start:end] if end > start + len(line) else line + "\n\\ No newline at end of file\n"
            for start, line, end in lines(text)
            if end > start
        ]

    name = printable(file)
    return printable_lines(
        "".join(difflib.unified_diff(split(old), split(new), fromfile=f"a/{name}", tofile=f"b/{name}"))
    )


class OtherFile(NamedTuple):
    """A file a fix rewrites besides the config (TL030: the repository's copy of the editor schema)."""

    path: str  # absolute
    old: str  # "" for a file the fix creates
    new: str

    @property
    def display(self) -> str:
        return from_cwd(self.path)

    def diff(self) -> str:
        return unified_diff(self.display, self.old, self.new)


class FixOutcome(NamedTuple):
    file: str
    old: str
    new: str
    result: FileResult  # what is left after fixing
    others: tuple[OtherFile, ...] = ()  # files the fixes rewrite besides this one
    fixed: int = 0  # the findings whose fixes were applied, over every pass (`check --fix`: "3 fixed")

    @property
    def changed(self) -> bool:
        """Whether the config itself changes."""
        return self.old != self.new

    def diff(self) -> str:
        return unified_diff(self.file, self.old, self.new)


# --- fixing -----------------------------------------------------------------------------


def fix_document(doc: Document, base_dir: Path, settings: Settings, trainer: Trainer | None = None) -> FixOutcome:
    """Fix until no fixable finding is left (at most MAX_PASSES passes), then verify. `trainer`: the
    input format and workspace of a trainer's config (None: trainlint's own format).

    A file with a finding of reading it that blocks fixing (`engine.fix_blocker`: a syntax error, a
    duplicate key, a refused tag, a limit; whatever the selection) is never rewritten around: when
    there was something to fix, FixError names that finding, so the file is reported `not fixed`
    (check offers no fix there either); with nothing to fix there is nothing to say."""
    old = text = doc.text
    blocker = fix_blocker(doc)
    diagnostics = _check(doc, base_dir, settings, trainer, keep_blocked_fixes=True)
    if blocker is not None:
        if any(d.fixable for d in diagnostics):
            raise FixError(f"{_where(blocker)}{blocker.message} ({blocker.code}); fix that first, then run fix again")
        diagnostics = [d._replace(fix=None) if d.fix is not None else d for d in diagnostics]
        return FixOutcome(doc.file, old, old, FileResult(doc.file, diagnostics, doc))
    others: dict[str, list[Edit]] = {}
    fixed = 0
    for _ in range(MAX_PASSES):
        for d in diagnostics:
            if d.fix is not None and d.fix.safe and d.fix.file is not None:
                others.setdefault(d.fix.file, list(d.fix.edits))
        applied = [d for d in diagnostics if d.fix is not None and d.fix.safe and d.fix.file is None and d.fix.edits]
        edits = [e for d in applied if d.fix is not None for e in d.fix.edits]
        if not edits:
            break
        fixed += len(applied)
        text = apply_edits(text, edits)
        doc = _reload(doc, text, settings, trainer)
        blocker = fix_blocker(doc)
        if blocker is not None:  # no fix may make the file unreadable; should one, nothing is written
            raise FixError(
                f"the fixed text would not read cleanly ({_where(blocker)}{blocker.message}, "
                f"{blocker.code}); file left unchanged"
            )
        diagnostics = _check(doc, base_dir, settings, trainer)
    else:
        if any(d.fixable for d in diagnostics):
            raise FixError(f"the fixes did not settle after {MAX_PASSES} passes; file left unchanged")
    if text != old:
        verify_same_data(old, text, {} if trainer is not None else FIXED_PATHS)
    written = tuple(_other_file(path, edits) for path, edits in others.items())
    # what is left is what a check after the write reports: the other files' findings are gone with the fix
    left = [d for d in diagnostics if not (d.fix is not None and d.fix.safe and d.fix.file in others)]
    return FixOutcome(doc.file, old, text, FileResult(doc.file, left, doc), written, fixed if text != old else 0)


def _other_file(path: str, edits: list[Edit]) -> OtherFile:
    """The old and new text of a file a fix rewrites whole: its edits must span the text it holds now."""
    try:
        with open(path, "rb") as handle:
            current = handle.read().decode("utf-8")
    except FileNotFoundError:
        current = ""
    except (OSError, ValueError) as exc:
        raise FixError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if len(edits) == 1 and edits[0].start == 0 and edits[0].end == len(current):
        return OtherFile(path, current, edits[0].text)
    if len(edits) == 1 and current == edits[0].text:  # another run made the same change first
        return OtherFile(path, current, current)
    raise FixError(f"{path} changed since it was checked; not fixed")


def write_others(outcome: FixOutcome) -> list[OtherFile]:
    """Write the files a fix rewrites besides the config (replaced safely, or created); those written."""
    written = []
    for other in outcome.others:
        if other.old == other.new:
            continue
        path = Path(other.path)
        if other.old:
            try:
                if safe_write(path, other.old.encode("utf-8"), other.new.encode("utf-8")):
                    written.append(other)
            except FixError as exc:
                raise FixError(f"{other.display}: {exc}") from None
            except OSError as exc:
                raise FixError(f"{other.display}: {exc.strerror or exc}") from None
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8", newline="") as handle:
                handle.write(other.new)
            written.append(other)
        except FileExistsError:
            if path.read_bytes() != other.new.encode("utf-8"):
                raise FixError(f"{other.display} appeared since it was checked; not fixed") from None
        except OSError as exc:
            raise FixError(f"cannot write {other.display}: {exc.strerror or exc}") from None
    return written


def fix_one(doc: Document, fix: Fix, trainer: bool = False) -> str:
    """The text with one finding's fix applied (an editor's quick fix), verified as `fix_document`
    verifies what it writes: the edits spliced in the same way, and ruamel.yaml reading the same data
    before and after but the fixed key. FixError when that does not hold."""
    new = apply_edits(doc.text, list(fix.edits))
    if new != doc.text:
        verify_same_data(doc.text, new, {} if trainer else FIXED_PATHS)
    return new


class Trainer(NamedTuple):
    """A trainer's config being fixed: its input format and the files beside it."""

    fmt: InputFormat
    workspace: Workspace


def _check(
    doc: Document, base_dir: Path, settings: Settings, trainer: Trainer | None, keep_blocked_fixes: bool = False
) -> list[Diagnostic]:
    if trainer is None:
        return run(doc, base_dir, settings, keep_blocked_fixes=keep_blocked_fixes)
    found = run_trainer(doc, trainer.fmt, trainer.workspace, settings, keep_blocked_fixes=keep_blocked_fixes)
    if found is None:
        raise FixError(f"no longer reads as a {trainer.fmt.name} config; file left unchanged")
    return found


def _where(finding: Finding) -> str:
    return f"line {finding.span.line + 1}: " if finding.span is not None else ""


def _reload(doc: Document, text: str, settings: Settings, trainer: Trainer | None = None) -> Document:
    if trainer is not None:
        new = trainer.fmt.read(encode(doc, text), doc.file, settings.limits)
        new.encoding, new.bom, new.newline = doc.encoding, doc.bom, doc.newline
        return new
    new = load_text(text, doc.file, settings.limits)
    new.encoding, new.bom, new.newline = doc.encoding, doc.bom, doc.newline
    return new


def fix_text(text: str, file: str = "<string>", settings: Settings | None = None, base_dir: Path | None = None) -> str:
    """The fixed text of a config given as a string (Python API)."""
    settings = settings if settings is not None else Settings()
    doc = check_text(text, file, settings, base_dir).document
    assert doc is not None
    return fix_document(doc, base_dir or Path.cwd(), settings).new


# what a fix of trainlint's format may change, and the type the value must keep: the classification tag
# (TL205) and the declared image count when the dataset folder says otherwise (TL302)
FIXED_PATHS: dict[tuple[str, ...], type] = {("classification",): str, ("dataset", "images"): int}


def verify_same_data(old: str, new: str, fixed: dict[tuple[str, ...], type] | None = None) -> None:
    """ruamel.yaml reads both texts: a second, independent parser as the safety net. Its warnings (about
    YAML 1.1 spellings under a `%YAML 1.1` directive, say) are not printed: `fix` reports by itself.
    The data must be the same but at the `fixed` paths, whose values must keep their type."""
    from ruamel.yaml import YAML

    fixed = FIXED_PATHS if fixed is None else fixed
    yaml = YAML(typ="safe", pure=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            before, after = yaml.load(old), yaml.load(new)
    except Exception as exc:  # noqa: BLE001 - any doubt means: do not write
        raise FixError(f"the fixed text could not be verified ({type(exc).__name__}); file left unchanged") from None
    if _strip(before, fixed) != _strip(after, fixed):
        raise FixError("the fix would change data beyond the fixed keys; file left unchanged")
    for path, kind in fixed.items():
        value = _at(after, path)
        if value is not _MISSING and (not isinstance(value, kind) or isinstance(value, bool)):
            name = ".".join(path)
            raise FixError(f"the fix would make `{name}` a {type(value).__name__}; file left unchanged")


_MISSING = object()


def _at(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return _MISSING
        data = data[key]
    return data


def _strip(data: Any, paths: dict[tuple[str, ...], type]) -> Any:
    """The data without the values at `paths` (a mapping on the way is copied, never changed)."""
    for path in paths:
        data = _without(data, path)
    return data


def _without(data: Any, path: tuple[str, ...]) -> Any:
    if not isinstance(data, dict) or path[0] not in data:
        return data
    if len(path) == 1:
        return {k: v for k, v in data.items() if k != path[0]}
    return {**data, path[0]: _without(data[path[0]], path[1:])}


def encode(doc: Document, text: str) -> bytes:
    return (BOM_OF.get(doc.encoding, b"") if doc.bom else b"") + text.encode(doc.encoding)


def fix_trainer_file(
    path: Path, display: str, settings: Settings, raw: bytes, trainer: Trainer, write: bool = True
) -> FixOutcome:
    """Fix a trainer's config on disk (only formats whose fixes are byte-exact offer any: see
    engine.FIXABLE_FORMATS); FixError, the file untouched, for anything that is not safe."""
    doc = trainer.fmt.read(raw, display, settings.limits)
    outcome = fix_document(doc, path.parent, settings, trainer)
    if write and outcome.changed:
        safe_write(path, raw, encode(doc, outcome.new))
    return outcome._replace(others=tuple(write_others(outcome))) if write else outcome


def fix_file(
    path: Path, display: str, settings: Settings, write: bool = True, raw: bytes | None = None, marked: bool = False
) -> FixOutcome:
    """Fix one file on disk; FixError (file untouched) for anything that is not safe to rewrite.

    `raw` is the file as the caller already read it: the write later refuses a file that
    no longer holds exactly these bytes; `marked`: the caller found the config marker in it."""
    try:
        raw = read_head(path, settings.limits) if raw is None else raw
    except OSError as exc:
        raise FixError(f"cannot read: {exc.strerror or exc}") from None
    doc = load_bytes(raw, display, settings.limits)
    if doc.ok and not (marked or is_config(raw, doc)):
        raise FixError(NOT_A_CONFIG)
    no_mapping = next((f for f in doc.findings if f.code == codes.NOT_A_CONFIG), None)
    if no_mapping is not None:  # empty, only comments, or a list or a single value at the top
        raise FixError(f"not a trainlint config: {no_mapping.message}")
    outcome = fix_document(doc, path.parent, settings)
    if write and outcome.changed:
        safe_write(path, raw, encode(doc, outcome.new))
    return outcome._replace(others=tuple(write_others(outcome))) if write else outcome
