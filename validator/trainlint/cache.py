"""The results cache: a run over unchanged files costs a `stat` per file and reading one file.

As in ruff and mypy, `check` keeps what each file gave in `.trainlint_cache/` (the `cache-dir`
setting, `--cache-dir`, or `TRAINLINT_CACHE_DIR`) and, on the next run, hands out the kept result
of a file when nothing it depends on has changed:

- the file's bytes: its size, modification and change times and inode, and where those do not
  settle it (times that moved with the same size, as after a fresh checkout, or a file changed
  within two seconds of being checked, where the clock may not have moved), a hash of its content;
- what it was checked with: trainlint's version and the files of the installed package, the
  effective settings (selection, severities, thresholds, limits, per-file settings, the
  configuration file's values), the allowed plugins and the versions of their distributions,
  the name the file is shown under and the working folder (messages show paths);
- what the check looked at besides the file (reads.py): the preset files a config extends,
  found or not, by their content, and the dataset folders it counts, by the names, sizes and
  modification times of every entry at any depth (a caption edited, removed or added).

Nothing here is trusted blindly: the cache file is sealed with a key that lives outside every
repository (a MAC over its bytes, `seal_key`), so a cache file a pull request commits, or one made
on another machine, is never believed; it is JSON, never unpickled, read with a bound on its size;
a file that is corrupt, truncated, of another format or that does not decode is ignored and
rebuilt, and an entry only gives a result when every key above matches. An entry keeps the file's lines of
the text report and a tally of its findings; the findings themselves live in a second file, by digest,
read only when a report other than the plain text one asks for them. Runs that share a cache
may run at once: the file is replaced whole (a new file renamed over it), and entries the other
run wrote meanwhile are merged, so the worst a race costs is a miss. A run on a few files of a
large repository does not read it at all (`Cache.worth`).
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from . import __version__, reads
from .diagnostics import Advice, Diagnostic, Edit, Fix, Severity
from .paths import replace_whole
from .results import FileResult
from .settings import Settings

try:  # hashlib's own BLAKE2b and hmac's comparison, without loading OpenSSL: some 3 ms of every run
    from _blake2 import blake2b
    from _operator import _compare_digest as compare_digest
except ImportError:  # an interpreter without them: the public names, which are the same functions
    from hashlib import blake2b
    from hmac import compare_digest  # type: ignore[no-redef]

_NO_TEXTS: Mapping[str, str] = {}

DEFAULT_DIR = ".trainlint_cache"
FORMAT = 2  # of the cache's files (results, texts); a file of another format is rebuilt
LAYOUT = "v1"  # the folder the cache's files live in, below the cache folder
RESULTS = "results.json"
TEXTS = "texts.json"  # beside it: the kept findings and long fix texts, by digest (read when a finding is asked)
# a file changed this close to its check may change again without its time moving (git's "racily clean")
DOUBT_NS = 2_000_000_000
MAX_CACHE_BYTES = 256 << 20  # a cache file larger than this is not read (and is rebuilt)
# the first line of a cache file: this, then the MAC of the rest (the JSON) under the seal key
SEAL = b"trainlint-results-cache blake2b-mac "
KEY_ENV = "TRAINLINT_CACHE_KEY"
KEY_FILE = "cache-key"  # in the user's cache folder ($XDG_CACHE_HOME or ~/.cache), under trainlint/
MAX_FOLDER_ENTRIES = 100_000  # a dataset folder with more entries than this is not fingerprinted: no entry
# the bytes of cache file whose reading costs about what checking one config costs (measured with
# bench/run.py's corpus: 14.6 MB of results for 20,000 configs take some 330 ms to read and unseal)
BYTES_PER_CHECK = 16 << 10

_TEMP_FLAGS = os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)  # a file of this run's name: a leftover is rewritten
_GITIGNORE = "# Made by trainlint: the results cache (see `cache-dir`). Never commit it.\n*\n"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag made by trainlint.\n"


def _digest(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


class Context:
    """The part of a file's key that its checking context gives, worked out once per settings object."""

    def __init__(self) -> None:
        self._stamp: str | None = None
        self._by_settings: dict[int, tuple[Settings, str]] = {}

    def package(self) -> str:
        """trainlint's version and the names, sizes and times of the package's files (an editable
        install changes without its version moving)."""
        if self._stamp is None:
            from .resources import data_dir

            parts = [__version__, repr(Diagnostic._fields), repr(Fix._fields), repr(FileResult.__slots__)]
            for top in (Path(__file__).resolve().parent, data_dir()):
                for folder, dirs, files in os.walk(top):
                    dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                    for name in sorted(files):
                        with contextlib.suppress(OSError):
                            info = os.stat(os.path.join(folder, name))
                            parts.append(f"{folder}/{name}:{info.st_size}:{info.st_mtime_ns}")
            self._stamp = _digest("\n".join(parts).encode("utf-8", "surrogateescape"))
        return self._stamp

    def of(self, settings: Settings) -> str:
        """The settings (with the package, the plugins and the working folder) as a digest."""
        held = self._by_settings.get(id(settings))
        if held is None or held[0] is not settings:
            text = "\n".join((repr(settings), self.package(), _plugin_versions(settings.plugins), os.getcwd()))
            held = self._by_settings[id(settings)] = (settings, _digest(text.encode("utf-8", "surrogateescape")))
        return held[1]


def _plugin_versions(names: tuple[str, ...]) -> str:
    if not names:
        return ""
    from importlib.metadata import entry_points

    from .plugins import GROUP

    found = []
    for name in names:
        for entry in entry_points(group=GROUP, name=name):
            dist = entry.dist
            found.append(f"{name}={entry.value}@{dist.name if dist else '?'}=={dist.version if dist else '?'}")
    return ";".join(found)


# --- what a check depended on ---------------------------------------------------------------


def fingerprint(kind: str, path: str, since_ns: int) -> str | None:
    """What a dependency (a preset file, a schema copy, a dataset folder) looks like, or None when it
    cannot be trusted to stay put (changed within DOUBT_NS of `since_ns`, or too large to look at): the
    result is then not kept. Looked at once per run (`_PRINTS`): every config naming the same preset or
    the same folder of images would look again."""
    held = _PRINTS.get((kind, path))
    if held is None:
        held = _PRINTS[(kind, path)] = _look(kind, path)
    found, newest = held
    return None if found is None or newest >= since_ns - DOUBT_NS else found


# one run's prints (a new Cache starts a run), each with the newest modification time it saw: a dependency
# that changes during the run keeps the print it was first seen with, so the configs checked after the
# change keep a print it no longer has, and are checked again next time (never a result kept with a print
# of what it did not read: a change within DOUBT_NS of a check keeps nothing)
_PRINTS: dict[tuple[str, str], tuple[str | None, int]] = {}


def _look(kind: str, path: str) -> tuple[str | None, int]:
    try:
        if kind == reads.FILE:
            return _file_print(path)
        if kind == reads.FOLDER:
            return _scan_folder(path)
    except OSError as exc:
        return f"error:{exc.errno}", 0
    return None, 0


def _file_print(path: str) -> tuple[str | None, int]:
    """A file's print (its bytes' digest; None when too large to look at) and its modification time."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return "missing", 0
    if not stat.S_ISREG(info.st_mode):
        return f"mode:{stat.S_IFMT(info.st_mode)}", 0
    if info.st_size > MAX_CACHE_BYTES:
        return None, 0
    with open(path, "rb") as handle:
        return f"file:{_digest(handle.read())}", info.st_mtime_ns


def _scan_folder(path: str) -> tuple[str | None, int]:
    """A folder's print (None: too many entries to print) and the newest modification time among its entries."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return "missing", 0
    if not stat.S_ISDIR(info.st_mode):
        return f"mode:{stat.S_IFMT(info.st_mode)}", 0
    lines: list[str] = []
    newest = 0
    pending = [""]
    while pending:
        rel = pending.pop()
        with os.scandir(os.path.join(path, rel) if rel else path) as entries:
            for entry in entries:
                if len(lines) >= MAX_FOLDER_ENTRIES:
                    return None, 0
                entry_info = entry.stat(follow_symlinks=False)
                newest = max(newest, entry_info.st_mtime_ns)
                name = f"{rel}/{entry.name}" if rel else entry.name
                kind = stat.S_IFMT(entry_info.st_mode)
                lines.append(f"{name}\0{kind}\0{entry_info.st_size}\0{entry_info.st_mtime_ns}")
                if stat.S_ISDIR(entry_info.st_mode):
                    pending.append(name)
    lines.sort()
    return "folder:" + _digest("\n".join(lines).encode("utf-8", "surrogateescape")), newest


# --- results to JSON and back ---------------------------------------------------------------

# a kept result: [skipped, fail_on, tally, shown, findings, refs]. `tally` counts the findings by severity
# and the fixable ones, `shown` is the text report's part (FileResult.shown), `findings` the digest of the
# diagnostics and source lines as a JSON text of their own ("" for none), kept in the texts file (TEXTS) with
# the long edit texts its fixes name (`refs`, LONG_TEXT), and read and decoded only when something asks for
# the findings. A run over unchanged files writes `shown` and adds up the tallies: it reads no finding.
_KEPT_TYPES = (bool, int, list, str, str, list)
_KEPT_UNSHOWN = (bool, int, list, type(None), str, list)  # checked without its text report's lines
_TALLY_TYPES = (int, int, int, int)


_COMPACT = json.JSONEncoder(separators=(",", ":"))  # made once: json.dumps with options makes one per call


def encode(result: FileResult) -> tuple[list[Any], dict[str, str]]:
    """A result as kept, and the texts it names by digest (its findings, the long edit texts)."""
    texts: dict[str, str] = {}
    rows = [_encode_diagnostic(d, texts) for d in result.diagnostics]
    refs = sorted(texts)
    # the source lines the text report shows under the findings (api.keep_sources)
    sources = [[line, col, first, text] for (line, col), (first, text) in result.sources.items()]
    found = ""
    if rows or sources:
        text = _COMPACT.encode({"diagnostics": rows, "sources": sources})
        found = _text_digest(text)
        texts[found] = text
    shown = result.shown if result.diagnostics else ""  # nothing to show: known without decoding
    return [result.skipped, int(result.fail_on), list(result.tally()), shown, found, refs], texts


def _text_digest(text: str) -> str:
    return _digest(text.encode("utf-8", "surrogatepass"))


_SEVERITY_AT = Diagnostic._fields.index("severity") - 1  # in a kept row, which leaves out the file
_FIX_AT = Diagnostic._fields.index("fix") - 1
assert Fix._fields == ("title", "edits", "safe", "file"), "a kept fix is [title, edits, safe, file]"


def _encode_diagnostic(diagnostic: Diagnostic, texts: dict[str, str]) -> list[Any]:
    """A finding as kept: its fields but the file, in order, the severity as its number and the fix as a
    list, its long edit texts moved to `texts` (`_shared`)."""
    row: list[Any] = list(diagnostic[1:])
    row[_SEVERITY_AT] = int(diagnostic.severity)
    fix = diagnostic.fix
    if fix is not None:
        row[_FIX_AT] = [fix.title, [_shared(list(edit), texts) for edit in fix.edits], fix.safe, fix.file]
    return row


def _shared(edit: list[Any], texts: dict[str, str]) -> list[Any]:
    """An edit as kept: a long text (LONG_TEXT) moves to `texts`, under its digest, once per cache file."""
    if len(edit[2]) > LONG_TEXT:
        ref = _text_digest(edit[2])
        texts[ref] = edit[2]
        edit[2] = {"ref": ref}
    return edit


def kept_result(
    data: Any,
    display: str,
    texts: Callable[[], Mapping[str, str]],
    recheck: Callable[[], FileResult] | None = None,
) -> FileResult:
    """A kept result, shown under `display`; ValueError when its outline is malformed. Its findings are
    read from `texts()` (the texts file, read once) and decoded when first asked for, each field checked;
    should they be missing or not decode, `recheck` checks the file again."""
    if type(data) is not list or tuple(map(type, data)) not in (_KEPT_TYPES, _KEPT_UNSHOWN):
        raise ValueError("not a result")
    skipped, fail_on, tally, shown, found, _ = data
    if fail_on not in _SEVERITIES or tuple(map(type, tally)) != _TALLY_TYPES or (not found and any(tally)):
        raise ValueError("not a result")

    def findings() -> tuple[list[Diagnostic], dict[tuple[int, int], tuple[int, str]]]:
        if not found:
            return [], {}
        try:
            held = texts()
            text = held[found]
            if type(text) is not str or _text_digest(text) != found:
                raise ValueError("a text that is not the one kept")
            return decode(json.loads(text), display, held)
        except (ValueError, TypeError, KeyError, RecursionError):
            if recheck is None:
                raise
            again = recheck()
            return again.diagnostics, again.sources

    return FileResult.kept(display, skipped, _SEVERITIES[fail_on], (*tally,), shown, findings)


def decode(
    data: Any, display: str, texts: Mapping[str, str] = _NO_TEXTS
) -> tuple[list[Diagnostic], dict[tuple[int, int], tuple[int, str]]]:
    """A kept result's findings and source lines, shown under `display`; ValueError (or TypeError) for
    anything malformed. `texts`: the long edit texts by digest (the texts file's)."""
    if not isinstance(data, dict) or not isinstance(data.get("diagnostics"), list):
        raise ValueError("not a result")
    diagnostics = [_decode_diagnostic(row, display, texts) for row in data["diagnostics"]]
    sources = {}
    for row in data.get("sources", ()):
        if type(row) is not list or tuple(map(type, row)) != _SOURCE_TYPES:
            raise ValueError("not a source line")
        sources[(row[0], row[1])] = (row[2], row[3])
    return diagnostics, sources


_SEVERITIES = {int(severity): severity for severity in Severity}
_SOURCE_TYPES = (int, int, int, str)  # a kept source line: line, column, first column kept, text
# a kept diagnostic is its fields after `file` (the name it is shown under now), in this order; the plain
# ones must have exactly these JSON types (a bool is no line number), `hint` a string or None
_FIELDS = Diagnostic._fields[1:]
assert _FIELDS == (
    *("line", "col", "end_line", "end_col", "code", "name", "severity", "message"),
    *("hint", "fix", "advice"),
), "a new field of Diagnostic needs its place in the cache's encoding (and a new FORMAT)"
_PLAIN_TYPES = (int, int, int, int, str, str, int, str)


def _decode_diagnostic(row: Any, display: str, texts: Mapping[str, str]) -> Diagnostic:
    if type(row) is not list or len(row) != len(_FIELDS):
        raise ValueError("not a diagnostic")
    line, col, end_line, end_col, code, name, severity, message, hint, fix, advice = row
    if tuple(map(type, row[:8])) != _PLAIN_TYPES or not (hint is None or type(hint) is str):
        raise ValueError("not a diagnostic")
    if severity not in _SEVERITIES:
        raise ValueError("not a severity")
    return Diagnostic(
        display,
        line,
        col,
        end_line,
        end_col,
        code,
        name,
        _SEVERITIES[severity],
        message,
        hint,
        None if fix is None else _decode_fix(fix, texts),
        () if advice == [] else _decode_advice(advice),
    )


def _decode_advice(value: Any) -> Advice:
    """A hint's numbers as kept: alternatives, each a list of [config path, number]."""
    if type(value) is not list:
        raise ValueError("not advice")
    alternatives = []
    for alternative in value:
        if type(alternative) is not list:
            raise ValueError("not advice")
        settings = []
        for item in alternative:
            if type(item) is not list or len(item) != 2 or type(item[0]) is not list:
                raise ValueError("not advice")
            path, number = item
            if any(type(step) not in (str, int) for step in path) or type(number) not in (int, float):
                raise ValueError("not advice")
            settings.append((tuple(path), float(number)))
        alternatives.append(tuple(settings))
    return tuple(alternatives)


def _decode_fix(value: Any, texts: Mapping[str, str]) -> Fix:
    fields = dict(zip(Fix._fields, value, strict=True))
    title, edits, safe, file = fields["title"], fields["edits"], fields["safe"], fields.get("file")
    if not (isinstance(title, str) and isinstance(safe, bool) and isinstance(edits, list)):
        raise ValueError("not a fix")
    if file is not None and not isinstance(file, str):
        raise ValueError("not a fix")
    built = []
    for start, end, text in edits:
        if type(text) is dict and type(ref := text.get("ref")) is str:  # a long text, kept once for every entry
            text = texts[ref]
            if type(text) is not str or _text_digest(text) != ref:
                raise ValueError("a text that is not the one kept")
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(text, str)):
            raise ValueError("not an edit")
        built.append(Edit(start, end, text))
    return Fix(**{**fields, "edits": tuple(built)})


# an edit text this long is kept once in the cache file, by its digest, however many entries hold it: TL030's
# fix (the whole editor schema, some 40 kB) stands on every config that names a stale copy
LONG_TEXT = 1024


def _referenced(entries: Iterable[list[Any]]) -> set[str]:
    """The texts the entries' results name: their findings and long edit texts (what is not shaped so,
    from a damaged file that decoding refuses anyway, names none)."""
    found: set[str] = set()
    for entry in entries:
        result = entry[-1] if type(entry) is list and entry else None
        if type(result) is list and len(result) == len(_KEPT_TYPES):
            refs = result[-1] if type(result[-1]) is list else []
            found.update(ref for ref in (result[-2], *refs) if type(ref) is str and ref)
    return found


# --- the cache file -------------------------------------------------------------------------


class Cache:
    """One run's view of the cache folder: look results up, add new ones, save once at the end."""

    def __init__(self, folder: Path, project: Path, bound: Path | None = None) -> None:
        """`folder`: the cache folder; `project`: the folder entries' paths are kept relative to;
        `bound`: where the cache may be read and written (None: anywhere, for a folder the user named
        on the command line). A folder that a symlink leads out of the bound (`.trainlint_cache -> /`,
        added by a pull request) is neither read nor written."""
        self.folder, self.project = folder, project
        _PRINTS.clear()  # a run of its own
        self._key = seal_key() or b""
        self.usable = bool(self._key) and (bound is None or _leads_inside(folder / LAYOUT, bound))
        self.context = Context()
        self._entries: dict[str, list[Any]] = {}
        self._texts: dict[str, str] | None = None  # the texts file, read when a kept finding is first asked for
        self._new_texts: dict[str, str] = {}  # this run's
        self._added: dict[str, list[Any]] = {}
        self._started = time.time_ns()
        self.hits = 0
        self._loaded = False  # read on first use: a run may find the file not worth reading (`worth`)

    # entries: [key, size, mtime_ns, ctime_ns, inode, checked_ns, content digest, dependencies, result]

    def key(self, settings: Settings, display: str, explicit: bool, link: bool | None) -> str:
        """What a file's context gives its key: the settings (with the package, the plugins and the working
        folder) and how it was named: the name it is shown under, named or found, whether a symlink."""
        return f"{self.context.of(settings)} {int(explicit)}{link} {display}"

    def _file(self, name: str = RESULTS) -> Path:
        return self.folder / LAYOUT / name

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            if self.usable:  # which it is only with a key
                self._entries = _read_entries(self._file(), self._key)

    def empty(self) -> bool:
        """Whether there is no kept result to look up (a first run, a cache of another format, no key)."""
        self._load()
        return not self._entries

    def texts(self) -> Mapping[str, str]:
        """The kept findings and long edit texts by digest: the texts file, read once, and this run's."""
        if self._texts is None:
            self._texts = _read_texts(self._file(TEXTS), self._key) if self.usable else {}
            self._texts.update(self._new_texts)
        return self._texts

    def worth(self, files: int) -> bool:
        """Whether reading the cache file costs less than checking `files` files: reading and unsealing
        it costs about as much per BYTES_PER_CHECK as checking one config, so a pre-commit run on one
        file of a repository of 20,000 configs checks it rather than read results for all of them."""
        if self._loaded or not self.usable:
            return True
        try:
            size = os.stat(self._file()).st_size
        except OSError:
            return True  # no file yet: this run makes it
        return files * BYTES_PER_CHECK >= size

    def _rel(self, real: str) -> str | None:
        project = str(self.project)
        if real.startswith(project.rstrip(os.sep) + os.sep):
            return real[len(project.rstrip(os.sep)) + 1 :]
        return None

    def lookup(
        self, real: str, path: str, context: str, display: str, recheck: Callable[[], FileResult] | None = None
    ) -> FileResult | None:
        """The kept result of a file, when nothing it depends on has changed (`kept_result`: `recheck`
        checks the file again should its findings not decode)."""
        entry = self._unchanged(real, path, context)
        if entry is None:
            return None
        try:
            for kind, dep, seen in entry[7]:
                if fingerprint(kind, dep, self._started) != seen:
                    return None
            found = kept_result(entry[8], display, self.texts, recheck)
        except (OSError, ValueError, TypeError, KeyError):
            return None
        self.hits += 1
        return found

    def looked_at(self, real: str, path: str, context: str) -> set[str] | None:
        """What checking a file looked at besides its own bytes (reads.py's record: preset files, dataset
        folders, a trainer's side files), from its entry, when the file's bytes and context are those it
        was kept for, whatever has become of those paths since; None when there is no such entry."""
        entry = self._unchanged(real, path, context)
        deps = entry[7] if entry is not None else None
        if type(deps) is not list or not all(type(d) is list and len(d) == 3 and type(d[1]) is str for d in deps):
            return None
        return {dep for _, dep, _ in deps}

    def _unchanged(self, real: str, path: str, context: str) -> list[Any] | None:
        """A file's entry, when the file holds the bytes it was kept for and was named in the same context."""
        self._load()
        rel = self._rel(real)
        entry = self._entries.get(rel) if rel is not None else None
        if entry is None or entry[0] != context:
            return None
        try:
            _, size, mtime_ns, ctime_ns, inode, checked_ns, digest, _, _ = entry
            info = os.stat(path)
            if info.st_size != size:
                return None
            settled = max(mtime_ns, ctime_ns) < checked_ns - DOUBT_NS
            same = (info.st_mtime_ns, info.st_ctime_ns, info.st_ino) == (mtime_ns, ctime_ns, inode)
            if not (settled and same):  # the change time moves with every write, whatever the modification time says
                with open(path, "rb") as handle:
                    if _digest(handle.read(size + 1)) != digest:
                        return None
                if max(info.st_mtime_ns, info.st_ctime_ns) < self._started - DOUBT_NS and rel is not None:
                    stamp = [info.st_mtime_ns, info.st_ctime_ns, info.st_ino, self._started]
                    self._added[rel] = [context, size, *stamp, *entry[6:]]  # settled: a stat will do next time
        except (OSError, ValueError, TypeError):
            return None
        return entry

    def keep(
        self,
        real: str,
        context: str,
        display: str,
        kept: tuple[list[Any], dict[str, str]] | None,
        result: FileResult | None,
        recheck: Callable[[], FileResult],
    ) -> FileResult:
        """Keep what checking a file gave (`kept_entry`: its entry and the texts it names) and hand back its
        result: `result` as it came, or when only the entry came (api.check_target_kept), the result made from
        the entry as for an unchanged file (`kept_result`; `recheck` should it not decode)."""
        rel = self._rel(real)
        if kept is not None:
            if rel is not None:
                self._added[rel] = [context, *kept[0]]
            self._new_texts.update(kept[1])
            if self._texts is not None:
                self._texts.update(kept[1])
        if result is not None:
            return result
        if kept is None:
            raise ValueError("neither a result nor an entry to make it from")
        return kept_result(kept[0][-1], display, self.texts, recheck)

    def save(self) -> None:
        """Write the cache whole, merged with what a run that finished meanwhile wrote; errors are ignored
        (a cache that cannot be written costs the next run its hits, nothing else)."""
        if not self._added or not self.usable:
            return
        with contextlib.suppress(OSError):
            self._make_folder()
            # what was read at the start (nothing, if no file was looked up), under what is there now
            merged = {**self._entries, **_read_entries(self._file(), self._key)}
            merged.update(self._added)
            for rel in [rel for rel in merged if rel not in self._added]:
                if not os.path.lexists(os.path.join(self.project, rel)):
                    del merged[rel]  # a file that is gone
            used = _referenced(merged.values())
            texts = {**(self._texts or {}), **_read_texts(self._file(TEXTS), self._key), **self._new_texts}
            # the texts first: a run that reads the new entries with the old texts misses, and checks again
            self._write(TEXTS, {"format": FORMAT, "texts": {ref: texts[ref] for ref in sorted(used & texts.keys())}})
            self._write(RESULTS, {"format": FORMAT, "entries": merged})

    def _write(self, name: str, data: dict[str, Any]) -> None:
        """A sealed JSON file of the cache folder, replaced whole."""
        sealed = _sealed(_COMPACT.encode(data).encode("utf-8"), self._key)
        target = self._file(name)
        replace_whole(target, target.with_name(f".{name}.{os.getpid()}.tmp"), sealed, _TEMP_FLAGS, 0o644)

    def _make_folder(self) -> None:
        (self.folder / LAYOUT).mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _TAG)):
            with contextlib.suppress(FileExistsError):  # never through a symlink: O_EXCL refuses any existing name
                fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0))
                with open(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)


def seal_key() -> bytes | None:
    """The key that seals cache files: `TRAINLINT_CACHE_KEY` when set (a CI secret shared by the jobs
    that share a cache), else a random key made once per user in their cache folder, outside every
    repository (`$XDG_CACHE_HOME/trainlint/cache-key`, or `~/.cache/...`), readable by them alone.
    None when there is none and none can be made (no home, a read-only one): the run goes uncached."""
    given = os.environ.get(KEY_ENV, "")
    if given:
        return blake2b(given.encode("utf-8", "surrogateescape"), digest_size=32).digest()
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # unset, or relative, which the XDG specification says to ignore
        base = os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None  # no home to speak of ("~" left as it is): nowhere outside the repository
    path = os.path.join(base, "trainlint", KEY_FILE)
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, os.O_RDONLY | nofollow)
    except FileNotFoundError:
        temp = f"{path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow, 0o600)
            with open(fd, "wb") as handle:
                handle.write(os.urandom(32))
            os.link(temp, path)  # whole or not at all: a run that starts meanwhile never reads half a key
        except FileExistsError:  # another run made it first: theirs is the key
            pass
        except OSError:
            return None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        try:
            fd = os.open(path, os.O_RDONLY | nofollow)
        except OSError:
            return None
    except OSError:
        return None
    with open(fd, "rb") as handle:
        key = handle.read(33)
    return key if len(key) == 32 else None


def _mac(payload: bytes, key: bytes) -> bytes:
    return blake2b(payload, key=key, digest_size=32).hexdigest().encode("ascii")


def _sealed(payload: bytes, key: bytes) -> bytes:
    return SEAL + _mac(payload, key) + b"\n" + payload


def _unsealed(data: bytes, key: bytes) -> bytes | None:
    """The JSON of a cache file sealed with `key`; None for any other file."""
    head, newline, payload = data.partition(b"\n")
    if not newline or not head.startswith(SEAL) or not key:
        return None
    return payload if compare_digest(head[len(SEAL) :], _mac(payload, key)) else None


def _leads_inside(path: Path, bound: Path) -> bool:
    """Whether `path` (which need not exist yet) resolves inside `bound`, symlinks followed."""
    try:
        return path.resolve().is_relative_to(bound.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """The garbage collector paused: decoding the cache file makes some hundred thousand lists and
    dicts, none of them in a cycle, and the collector would walk them again and again meanwhile."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextlib.contextmanager
def outside_collection() -> Iterator[None]:
    """A run over the cache makes hundreds of thousands of objects that live to its end and hold no
    cycle: the decoded entries, the results made from them or sent back by the workers, what is kept
    of them. The garbage collector would walk them again and again as the run goes on (two fifths of a
    warm run of 20,000 configs, some 300 ms of the parent's time in a first run of as many), so it is
    paused for the run, and what the run made then goes to the oldest generation without being walked
    (`gc.freeze`, then `gc.unfreeze`: where only a full collection looks, and seldom), unless
    something was frozen before (it stays as it was found). Workers forked meanwhile collect their own
    (parallel.py)."""
    with _no_collection():
        thaw = gc.get_freeze_count() == 0
        try:
            yield
        finally:
            if thaw:
                gc.freeze()
                gc.unfreeze()


def _read_sealed(path: Path, key: bytes, table: str) -> dict[str, Any]:
    """The `table` map of a sealed cache file of this FORMAT; empty for a missing, oversized, corrupt or
    foreign one, or one not sealed with `key`."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return {}
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
            return {}
        with open(fd, "rb", closefd=False) as handle:
            payload = _unsealed(handle.read(MAX_CACHE_BYTES + 1), key)
        if payload is None:
            return {}
        with _no_collection():
            data = json.loads(payload)
    except (OSError, ValueError, RecursionError):
        return {}
    finally:
        os.close(fd)
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get(table), dict):
        return {}
    found: dict[str, Any] = data[table]
    return found


def _read_entries(path: Path, key: bytes) -> dict[str, list[Any]]:
    """The entries of a results file (`_read_sealed`)."""
    return {k: v for k, v in _read_sealed(path, key, "entries").items() if type(v) is list and len(v) == 9}


def _read_texts(path: Path, key: bytes) -> dict[str, str]:
    """The texts of a texts file (`_read_sealed`); each is checked against its digest when it is used."""
    return {k: v for k, v in _read_sealed(path, key, "texts").items() if type(v) is str}


def kept_entry(
    before: os.stat_result | None,
    checked_ns: int,
    raw: bytes | None,
    notes: Iterable[tuple[str, str]],
    result: FileResult,
) -> tuple[list[Any], dict[str, str]] | None:
    """What to keep of a file just checked (without its key context) and the long texts its result
    names, or None when it cannot be kept: not read, or something it depends on changed too recently
    to be trusted."""
    if before is None or raw is None or len(raw) != before.st_size:
        return None
    deps = []
    for kind, path in sorted(notes):
        seen = fingerprint(kind, path, checked_ns)
        if seen is None:
            return None
        deps.append([kind, path, seen])
    stamp = [before.st_size, before.st_mtime_ns, before.st_ctime_ns, before.st_ino, checked_ns]
    kept, texts = encode(result)
    return [*stamp, _digest(raw), deps, kept], texts
