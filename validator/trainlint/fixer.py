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

Writing goes to an anonymous (or, where the system has none, a dot-named)
temporary file beside the target, which then atomically replaces it, so a crash
leaves either the old or the new file, never half of one.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from .document import Document
from .engine import check_text, run
from .errors import FixError
from .inputs.trainlint import NOT_A_CONFIG, is_config
from .inputs.yaml_edit import apply_edits
from .inputs.yaml_reader import load_bytes, load_text, read_head
from .results import FileResult
from .settings import Settings
from .text import BOM_OF

MAX_PASSES = 5
# loader codes that mean the text is not trustworthy enough to rewrite (syntax, duplicates, tags, limits)
_UNSAFE = ("TL00", "TL09")
TMP_SUFFIX = ".trainlint-tmp"


class FixOutcome(NamedTuple):
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


# --- fixing -----------------------------------------------------------------------------

def fix_document(doc: Document, base_dir: Path, settings: Settings) -> FixOutcome:
    """Fix until no fixable finding is left (at most MAX_PASSES passes), then verify."""
    old = text = doc.text
    diagnostics = run(doc, base_dir, settings)
    for _ in range(MAX_PASSES):
        # the loader's own findings, whatever the selection: a duplicate key is never rewritten around
        if any(f.code.startswith(_UNSAFE) for f in doc.findings):
            break
        edits = [e for d in diagnostics if d.fix is not None and d.fix.safe for e in d.fix.edits]
        if not edits:
            break
        text = apply_edits(text, edits)
        doc = _reload(doc, text, settings)
        diagnostics = run(doc, base_dir, settings)
    else:
        if any(d.fixable for d in diagnostics):
            raise FixError(f"the fixes did not settle after {MAX_PASSES} passes; file left unchanged")
    if text != old:
        verify_same_data(old, text)
    return FixOutcome(doc.file, old, text, FileResult(doc.file, diagnostics, doc))


def _reload(doc: Document, text: str, settings: Settings) -> Document:
    new = load_text(text, doc.file, settings.limits)
    new.encoding, new.bom, new.newline = doc.encoding, doc.bom, doc.newline
    return new


def fix_text(text: str, file: str = "<string>", settings: Settings = Settings(), base_dir: Path | None = None) -> str:
    """The fixed text of a config given as a string (Python API)."""
    doc = check_text(text, file, settings, base_dir).document
    assert doc is not None
    return fix_document(doc, base_dir or Path.cwd(), settings).new


def verify_same_data(old: str, new: str, fixed_keys: tuple[str, ...] = ("classification",)) -> None:
    """ruamel.yaml reads both texts: a second, independent parser as the safety net."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    try:
        before, after = yaml.load(old), yaml.load(new)
    except Exception as exc:  # noqa: BLE001 - any doubt means: do not write
        raise FixError(f"the fixed text could not be verified ({type(exc).__name__}); file left unchanged") from None
    if _strip(before, fixed_keys) != _strip(after, fixed_keys):
        raise FixError("the fix would change data beyond the fixed keys; file left unchanged")
    for key in fixed_keys:
        if isinstance(after, dict) and key in after and not isinstance(after[key], str):
            raise FixError(f"the fix would make `{key}` a {type(after[key]).__name__}; file left unchanged")


def _strip(data: Any, keys: tuple[str, ...]) -> Any:
    return {k: v for k, v in data.items() if k not in keys} if isinstance(data, dict) else data


def encode(doc: Document, text: str) -> bytes:
    return (BOM_OF.get(doc.encoding, b"") if doc.bom else b"") + text.encode(doc.encoding)


def fix_file(path: Path, display: str, settings: Settings, write: bool = True, raw: bytes | None = None,
             marked: bool = False) -> FixOutcome:
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
    no_mapping = next((f for f in doc.findings if f.code == "TL006"), None)
    if no_mapping is not None:  # empty, only comments, or a list or a single value at the top
        raise FixError(f"not a trainlint config: {no_mapping.message}")
    outcome = fix_document(doc, path.parent, settings)
    if outcome.changed and write:
        safe_write(path, raw, encode(doc, outcome.new))
    return outcome


# --- writing ----------------------------------------------------------------------------

def safe_write(path: Path, original: bytes, new: bytes) -> bool:
    """Replace the file (through symlinks) with `new`, atomically, keeping its mode and owner.

    Refuses, leaving the file as it is, when it is read-only, hard-linked (replacing
    would separate the links), or no longer holds `original` (someone changed it
    since it was read). Returns False when it already holds `new`: another run made
    the same fix first, which is not an error.
    """
    try:
        target = path.resolve(strict=True)
        st = os.stat(target)
    except (OSError, RuntimeError) as exc:
        raise FixError(f"cannot write: {getattr(exc, 'strerror', None) or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise FixError("not a regular file; not changed")
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise FixError("the file is read-only; not changed")
    if st.st_nlink > 1:
        raise FixError(f"the file has {st.st_nlink} hard links and replacing it would separate them; not changed")
    folder = target.parent
    sweep_stale_temps(folder)
    try:
        with _temp_file(folder, target.name, new, st) as commit, _folder_lock(folder):
            current = _read(target)
            if current == new:
                return False
            if current != original:
                raise FixError("the file changed on disk while it was being fixed; not overwritten")
            commit(target)
    except OSError as exc:
        raise FixError(f"cannot write: {exc.strerror or exc}") from None
    _fsync_folder(folder)
    return True


def _read(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _temp_name(folder: Path, name: str) -> Path:
    return folder / f".{name}.{os.getpid()}.{os.urandom(4).hex()}{TMP_SUFFIX}"


@contextlib.contextmanager
def _temp_file(folder: Path, name: str, data: bytes, st: os.stat_result) -> Iterator[Any]:
    """Write `data` to a file beside the target with its owner and mode; yield `commit(target)`.

    Where the system allows it (Linux, O_TMPFILE) the file has no name until the
    commit, so a crash before it leaves nothing behind; elsewhere it is a dot file
    named after the target and this process, removed on any failure and swept by
    the next run if the process was killed.
    """
    fd, named = _open_anonymous(folder), None
    if fd is None:
        named = _temp_name(folder, name)
        fd = os.open(named, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb", closefd=False) as handle:
            handle.write(data)
            handle.flush()
        with contextlib.suppress(OSError):  # only root may give a file away; ours is the same owner anyway
            os.fchown(fd, st.st_uid, st.st_gid)
        os.fchmod(fd, stat.S_IMODE(st.st_mode))  # after chown, which may clear set-id bits
        os.fsync(fd)

        def commit(target: Path) -> None:
            nonlocal named
            if named is None:
                named = _temp_name(folder, name)
                # a dir_fd makes this linkat(AT_SYMLINK_FOLLOW): plain link() would not follow /proc's link
                folder_fd = os.open(folder, os.O_RDONLY)
                try:
                    os.link(f"/proc/self/fd/{fd}", named.name, dst_dir_fd=folder_fd, follow_symlinks=True)
                finally:
                    os.close(folder_fd)
            os.replace(named, target)
            named = None

        yield commit
    finally:
        os.close(fd)
        if named is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(named)


def _open_anonymous(folder: Path) -> int | None:
    if not hasattr(os, "O_TMPFILE") or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o600)
    except OSError:  # the file system has no anonymous files (some network and FUSE mounts)
        return None


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Serialise the compare-and-replace of concurrent trainlint runs in one folder (advisory, POSIX)."""
    try:
        import fcntl
    except ImportError:  # Windows: the content comparison alone guards the write
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # a folder we may write but not list: the content comparison alone guards the write
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every system can fsync a folder."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def sweep_stale_temps(folder: Path) -> list[Path]:
    """Remove temporary files that runs killed mid-write left here (their process is gone)."""
    removed = []
    try:
        names = [n for n in os.listdir(folder) if n.startswith(".") and n.endswith(TMP_SUFFIX)]
    except OSError:
        return removed
    for name in names:
        try:
            pid = int(name[:-len(TMP_SUFFIX)].rsplit(".", 2)[-2])
        except (ValueError, IndexError):
            continue
        if pid != os.getpid() and not _alive(pid):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
                removed.append(folder / name)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but belongs to someone else
        return True
    return True
