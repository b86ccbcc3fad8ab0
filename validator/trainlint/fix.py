"""The fixer: apply the edits that findings carry, re-check until stable, write safely.

Edits are splices into the original text (from the end backwards), so every byte a
fix is not about stays as it was: comments, quotes, key order, indentation, line
endings, the BOM and a missing final newline. Before anything is written, the old
and new texts are both read back with ruamel.yaml and must hold the same data apart
from the fixed keys: the rewriter never loses data, even if a splice were wrong.
"""

from __future__ import annotations

import codecs
import difflib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .diagnostics import Edit
from .engine import FileResult, check_text, run
from .load import Document, load_bytes, read_head
from .settings import Settings

MAX_PASSES = 5
# codes whose presence means the data is not trustworthy enough to rewrite
_UNSAFE = ("TL00", "TL09")
_BOM = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}


class FixError(Exception):
    """A file that could not be fixed safely; it is left exactly as it was."""


@dataclass
class FixOutcome:
    file: str
    old: str
    new: str
    result: FileResult  # what is left after fixing

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.old.splitlines(keepends=True), self.new.splitlines(keepends=True),
            fromfile=f"a/{self.file}", tofile=f"b/{self.file}",
        ))


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Splice edits in from the end backwards; an edit overlapping one already applied waits for the next pass."""
    last_start = len(text) + 1
    for edit in sorted(set(edits), key=lambda e: (e.start, e.end), reverse=True):
        if edit.end > last_start or (edit.end == last_start and edit.start == edit.end == last_start):
            continue
        text = text[:edit.start] + edit.text + text[edit.end:]
        last_start = edit.start
    return text


def fix_document(doc: Document, base_dir: Path, settings: Settings) -> FixOutcome:
    """Fix until no fixable finding is left (at most MAX_PASSES passes)."""
    old = text = doc.text
    diagnostics = run(doc, base_dir, settings)
    for _ in range(MAX_PASSES):
        if any(d.code.startswith(_UNSAFE) for d in diagnostics):
            break
        edits = [e for d in diagnostics for e in d.fix]
        if not edits:
            break
        text = apply_edits(text, edits)
        doc = _reload(doc, text, settings)
        diagnostics = run(doc, base_dir, settings)
    if text != old:
        verify_same_data(old, text)
    return FixOutcome(doc.file, old, text, FileResult(doc.file, diagnostics, doc))


def _reload(doc: Document, text: str, settings: Settings) -> Document:
    from .load import load_text

    new = load_text(text, doc.file, settings.limits)
    new.encoding, new.bom, new.newline = doc.encoding, doc.bom, doc.newline
    return new


def fix_text(text: str, file: str = "<string>", settings: Settings = Settings(), base_dir: Path | None = None) -> str:
    """The fixed text of a config given as a string (Python API)."""
    doc = check_text(text, file, settings, base_dir).document
    assert doc is not None
    return fix_document(doc, base_dir or Path.cwd(), settings).new


# ruamel.yaml reads both texts: a second, independent parser as the safety net
def verify_same_data(old: str, new: str, fixed_keys: tuple[str, ...] = ("classification",)) -> None:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    try:
        before, after = yaml.load(old), yaml.load(new)
    except Exception as exc:  # noqa: BLE001 - any doubt means: do not write
        raise FixError(f"the fixed text could not be verified ({type(exc).__name__}); file left unchanged") from None
    if _strip(before, fixed_keys) != _strip(after, fixed_keys):
        raise FixError("the fix would change data beyond the fixed keys; file left unchanged")


def _strip(data: Any, keys: tuple[str, ...]) -> Any:
    return {k: v for k, v in data.items() if k not in keys} if isinstance(data, dict) else data


def encode(doc: Document, text: str) -> bytes:
    return (_BOM.get(doc.encoding, b"") if doc.bom else b"") + text.encode(doc.encoding)


def fix_file(path: Path, display: str, settings: Settings, write: bool = True) -> FixOutcome:
    try:
        raw = read_head(path, settings.limits)
    except OSError as exc:
        raise FixError(f"cannot read: {exc.strerror or exc}") from None
    doc = load_bytes(raw, display, settings.limits)
    outcome = fix_document(doc, path.parent, settings)
    if outcome.changed and write:
        safe_write(path, raw, encode(doc, outcome.new))
    return outcome


def safe_write(path: Path, original: bytes, new: bytes) -> None:
    """Write beside the target, then replace it atomically; through symlinks; never over a changed file."""
    target = path.resolve()
    try:
        st = os.stat(target)
    except OSError as exc:
        raise FixError(f"cannot write: {exc.strerror or exc}") from None
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise FixError("the file is read-only; not changed")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".trainlint-tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError:
            pass  # not permitted for a non-root user: the file is ours anyway
        with open(target, "rb") as current:
            if current.read() != original:
                raise FixError("the file changed on disk while it was being fixed; not overwritten")
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
