"""Checking many paths: discovery, then one result per file, in a stable order.

Files are independent, so many files are spread over processes (`jobs`, default: one
per core; see parallel.py), with results in input order: the output of `--jobs 8` is
byte for byte the output of `--jobs 1`. A handful of files is checked in-process:
starting workers would cost more than it saves.
"""

import errno
import functools
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

from . import codes, reads
from .cache import Cache, kept_entry, outside_collection
from .diagnostics import Finding, Span
from .discovery import Target, discover
from .document import Document
from .parallel import imap_in_order
from .reporters import text as text_report
from .results import FileResult
from .settings import Settings
from .settings_file import Resolver, shown
from .text import source_lines

if TYPE_CHECKING:
    from .diagnostics import Fix
    from .engine import place, run, run_preset, run_trainer
    from .fixer import FixOutcome
    from .inputs.trainlint import is_config, not_a_config
    from .inputs.workspace import FolderWorkspace
    from .inputs.yaml_reader import load_bytes
    from .paths import repo_root
    from .repository import Candidate, claim, outside_repository, read_candidate

_loaded = False


def _load() -> None:
    """Import what checking a file needs, once per process, on first use: a run whose files all come
    from the results cache loads neither the engine nor the input formats nor the YAML loader. (An
    import statement in the function that checks each file would cost microseconds per file.)"""
    global _loaded, place, run, run_preset, run_trainer, is_config, not_a_config, FolderWorkspace, load_bytes
    global repo_root, claim, outside_repository, read_candidate
    if _loaded:
        return
    from .engine import place, run, run_preset, run_trainer
    from .inputs.trainlint import is_config, not_a_config
    from .inputs.workspace import FolderWorkspace
    from .inputs.yaml_reader import load_bytes
    from .paths import repo_root
    from .repository import claim, outside_repository, read_candidate

    _loaded = True


def unreadable(exc: OSError, path: Path | None = None) -> str:
    """Why a file could not be read, in words: a loop, a dangling symlink and an over-long path say so."""
    if exc.errno == errno.ENOENT and path is not None and path.is_symlink():
        return "cannot read: a dangling symlink (what it points to does not exist)"
    if exc.errno == errno.ELOOP:
        return "cannot read: a symlink loop"
    if exc.errno == errno.ENAMETOOLONG:
        return "cannot read: its path is longer than the system allows (PATH_MAX); nothing there was checked"
    return f"cannot read: {exc.strerror or exc}"


def _unreadable_result(display: str, settings: Settings, why: str) -> FileResult:
    """A file that could not be read, as one TL090 finding on it: the other files' report goes on."""
    _load()
    doc = Document(file=display)
    return FileResult(display, place(doc, [Finding(codes.UNREADABLE_FILE, why, span=Span(0, 0, 0, 0))], settings), doc)


def check_file(
    path: Path | str,
    display: str,
    settings: Settings,
    explicit: bool = True,
    link: bool | None = None,
    seen: Callable[[bytes], None] | None = None,
) -> FileResult:
    """Check one file. One that cannot be read (a named pipe, a dangling symlink, a symlink loop, a
    path too long) gets a TL090 finding rather than stopping the run. `seen` is handed the bytes read.
    (A path given as text becomes a `Path` only for a file some format reads: most files a search
    meets are none, and a `Path` costs more than telling.)"""
    _load()
    try:
        candidate = read_candidate(path, settings, explicit, link, seen)
    except OSError as exc:
        return _unreadable_result(display, settings, unreadable(exc, Path(path)))
    if candidate is None:
        return FileResult(display, skipped=True)
    return _check_candidate(candidate, Path(path), display, settings, explicit)


def check_source(raw: bytes, path: Path, display: str, settings: Settings, explicit: bool = True) -> FileResult:
    """Check a config's bytes as if they were the file at `path` (`check - --stdin-filename PATH`:
    an editor's unsaved buffer): the path decides the input format by its suffix, and the dataset
    folders, preset files and trainer files beside it resolve from its folder; the file itself, if
    there is one, is not read. `raw` is at most one byte past the size limit, as a file's read is.
    Not `explicit`: as a folder search meets the file (the language server's view of every file an
    editor opens): one no format claims, or a symlink out of the repository, is `skipped`."""
    _load()
    if not explicit and outside_repository(path, settings):
        return FileResult(display, skipped=True)
    result = _check_candidate(claim(raw, path, settings, explicit), path, display, settings, explicit)
    result.fail_on = settings.fail_on
    return result


def _check_candidate(
    candidate: "Candidate | None", path: Path, display: str, settings: Settings, explicit: bool
) -> FileResult:
    if candidate is None:
        return FileResult(display, skipped=True)
    raw, marked, trainer, preset = candidate
    if preset:
        doc = load_bytes(raw, display, settings.limits)
        return FileResult(display, run_preset(doc, path, settings), doc)
    if trainer is not None:
        doc = trainer.read(raw, display, settings.limits)
        root = settings.root or repo_root(path.parent)
        diagnostics = run_trainer(doc, trainer, FolderWorkspace(path.parent, root, settings.limits), settings)
        if diagnostics is not None:
            return FileResult(display, diagnostics, doc)
        if not explicit:
            return FileResult(display, skipped=True)
    doc = load_bytes(raw, display, settings.limits)
    if doc.ok and not (
        marked or is_config(raw, doc)
    ):  # named explicitly: one clear finding, not a pile of schema errors
        return FileResult(display, place(doc, [not_a_config()], settings), doc)
    return FileResult(display, run(doc, path.parent, settings), doc)


def keep_sources(result: FileResult) -> None:
    """Keep the source line of each diagnostic (a bounded stretch of a long one) for the text report,
    before the document is dropped."""
    text = result.document.text if result.document is not None else ""
    if text and result.diagnostics:
        result.sources.update(source_lines(text, [(d.line, d.col) for d in result.diagnostics]))


def check_target(item: tuple[Target, Settings], seen: Callable[[bytes], None] | None = None) -> FileResult:
    """One discovered file with its settings; the loaded document is dropped.

    Keeping every document would make memory grow with the repository, and a
    document would have to be pickled back from a worker; reporters need only the
    diagnostics. `check_file` keeps it for callers that want it.
    """
    target, settings = item
    result = check_file(target.path, target.display, settings, target.explicit, target.link, seen)
    keep_sources(result)
    result.document = None
    result.fail_on = settings.fail_on
    return result


def check_target_shown(item: tuple[Target, Settings]) -> FileResult:
    """`check_target`, with the text report's lines for the file made here (`FileResult.shown`): in a
    worker, in parallel, rather than in the process that writes the report, which then needs no source
    line (`sources`) of it."""
    result = check_target(item)
    if result.diagnostics:
        result.shown = text_report.lines(result)
        result.sources.clear()
    return result


def check_target_kept(
    item: tuple[Target, Settings], shown: bool = False
) -> tuple[FileResult | None, tuple[list[Any], dict[str, str]] | None]:
    """`check_target`, and what the results cache keeps of it (cache.kept_entry): the file's state
    before it was read, the bytes read, what else the check looked at, its findings with their source
    lines and its text report's lines. When there is such an entry, the result itself is not handed
    back (None): the entry holds all of it, and the cache makes the result from it as it does for an
    unchanged file (`Cache.keep`), so a worker sends the findings once. Otherwise the result keeps the
    report's lines (`shown`) or the source lines, whichever the report that is being written needs."""
    checked_ns = time.time_ns()
    try:
        before: os.stat_result | None = os.stat(item[0].path)
    except (OSError, ValueError):
        before = None
    raw: list[bytes] = []
    with reads.recording() as notes:
        result = check_target(item, raw.append)
    if result.diagnostics:
        result.shown = text_report.lines(result)
    kept = kept_entry(before, checked_ns, raw[0] if raw else None, notes, result)
    if kept is not None:
        return None, kept
    if shown:
        result.sources.clear()
    else:
        result.shown = None
    return result, kept


# what a caller is told of a file named on the command line that the run leaves alone: (its name, why)
Skipped = Callable[[str, str], None]
NOT_A_CONFIG_SKIP = "not a config of trainlint or of any trainer format trainlint reads"


def with_settings(
    paths: Iterable[str],
    settings: Settings | None = None,
    only_configs: bool = False,
    resolver: Resolver | None = None,
    skipped: Skipped | None = None,
) -> list[tuple[Target, Settings]]:
    """Discovered files paired with the settings each is checked with.

    Given `settings`, every file uses them. Otherwise each file gets the closest
    configuration file above it (see settings_file.py), and the files its `exclude` /
    `include` globs leave out are dropped; `resolver` carries command-line overrides
    and collects plugin errors. `skipped` hears of each file named on the command line that
    the configuration excludes.
    """
    if settings is not None:
        fixed = settings
        targets = discover(list(paths), only_configs, lambda folder: fixed.respect_gitignore)
        return [(t, settings) for t in targets]
    resolver = resolver or Resolver()
    found_in = resolver  # the configuration that governs a folder decides for its search
    targets = discover(
        list(paths), only_configs, lambda folder: found_in.settings_for(Path(folder, "-")).respect_gitignore
    )
    out = []
    for t in targets:
        found = resolver.lookup(t.path, t.explicit, t.real)
        if found is not None:
            out.append((t, found))
        elif t.named and skipped is not None:
            config = resolver.config_for(t.path, t.real).file
            skipped(t.display, "excluded by `exclude` in " + (shown(config) if config else "the configuration"))
    return out


def warm_up() -> None:
    """Compile the schema and load the preset catalog once, before workers fork."""
    from . import catalog as presets
    from . import schema_layer
    from .resources import SUPPORTED_SCHEMA_VERSIONS

    _load()

    presets.catalog()
    for version in SUPPORTED_SCHEMA_VERSIONS:
        schema_layer.passes({}, version)


def check_paths(
    paths: Iterable[str],
    settings: Settings | None = None,
    jobs: int | None = None,
    only_configs: bool = False,
    resolver: Resolver | None = None,
    skipped: Skipped | None = None,
    cache: Cache | None = None,
) -> list[FileResult]:
    """Check files, folders (recursively) and globs; raises errors.UsageError for a bad path.

    Without `settings`, each file is checked with its closest configuration file
    (`config.ConfigError`, a UsageError, for a bad one); a file that cannot be read gets a TL090
    finding. `jobs`: processes to use (None
    or 0: one per core; 1: in this process). Results carry diagnostics but not the
    loaded documents.
    """
    return list(iter_check(paths, settings, jobs, only_configs, resolver, skipped, cache))


def iter_check(
    paths: Iterable[str],
    settings: Settings | None = None,
    jobs: int | None = None,
    only_configs: bool = False,
    resolver: Resolver | None = None,
    skipped: Skipped | None = None,
    cache: Cache | None = None,
    shown: bool = False,
) -> Iterator[FileResult]:
    """`check_paths`, each result handed out as soon as it is ready (in the same order), so a
    report is written while later files are checked. Bad paths and configuration files
    raise here, before the first result. `skipped` hears of each file named on the command line
    that is not checked: excluded by the configuration (before the first result) or, with
    `only_configs`, not a config (as its result arrives). With a `cache`, unchanged files are not
    checked again (cache.py), and the cache is saved once the last result is handed out. `shown`:
    each result comes with its lines of the text report (`FileResult.shown`; always with a cache,
    which keeps them)."""
    items = with_settings(paths, settings, only_configs, resolver, skipped)
    check = check_target_shown if shown else check_target
    results = imap_in_order(check, items, jobs, warm_up) if cache is None else _through_cache(items, jobs, cache, shown)
    if skipped is None:
        return results
    return _telling(items, results, skipped)


def _through_cache(
    items: list[tuple[Target, Settings]], jobs: int | None, cache: Cache, shown: bool
) -> Iterator[FileResult]:
    if not cache.worth(len(items)):  # a few files of a large repository: checking them costs less
        yield from imap_in_order(check_target_shown if shown else check_target, items, jobs, warm_up)
        return

    def key(target: Target, settings: Settings) -> str:
        return cache.key(settings, target.display, target.explicit, target.link)

    # a first run has nothing to look up: its files go to the workers at once, their keys made as they come back
    found: list[FileResult | None] = [None] * len(items)
    with outside_collection():
        if not cache.empty():
            found = [
                cache.lookup(t.real, t.path, key(t, s), t.display, functools.partial(check_target, (t, s)))
                for t, s in items
            ]
        misses = [item for item, result in zip(items, found, strict=True) if result is None]
        checked = imap_in_order(functools.partial(check_target_kept, shown=shown), misses, jobs, warm_up)
        for item, result in zip(items, found, strict=True):
            if result is None:
                result, kept = next(checked)
                target, settings = item
                recheck = functools.partial(check_target, item)
                result = cache.keep(target.real, key(target, settings), target.display, kept, result, recheck)
            yield result
        cache.save()


class _MaySkip(Protocol):
    @property
    def skipped(self) -> bool: ...


Out = TypeVar("Out", bound=_MaySkip)


def _telling(targets: list[tuple[Target, Settings]], outs: Iterator[Out], skipped: Skipped) -> Iterator[Out]:
    """The results or reports as they come, telling `skipped` of each named file found to be no config."""
    for (target, _), out in zip(targets, outs, strict=True):
        if out.skipped and target.named:
            skipped(target.display, NOT_A_CONFIG_SKIP)
        yield out


class FixReport(NamedTuple):
    """What fixing one file did, small enough to send back from a worker."""

    display: str
    changed: bool = False
    diff: str = ""  # the unified diff, when not writing
    error: str | None = None  # why the file was left as it was
    # the files its fixes rewrote (or, when not writing, would rewrite) besides it: (name, diff when not writing)
    others: tuple[tuple[str, str], ...] = ()
    fixed: int = 0  # how many findings the fixes settled
    skipped: bool = False  # not a config (found in a folder, or named with only_configs)


def fix_target(item: tuple[Target, Settings, bool]) -> FixReport:
    """Fix one discovered file (write it, or compute its diff); files found in folders must look like configs."""
    _load()
    target, settings, write = item
    path = Path(target.path)
    try:
        candidate = read_candidate(path, settings, target.explicit, target.link)
    except OSError as exc:
        return FixReport(target.display, error=unreadable(exc, path))
    return _fix_candidate(candidate, path, target.display, settings, write)[0]


def fix_source(raw: bytes, path: Path, display: str, settings: Settings, diff: bool = False) -> tuple[bytes, FixReport]:
    """`fix - --stdin-filename PATH`: the fixed bytes (the input as it was when there is nothing to fix,
    or nothing that can be fixed safely: the report's `error` says why) and what was done, as for a file
    at `path` (see `check_source`); nothing is written."""
    _load()
    report, new = _fix_candidate(claim(raw, path, settings), path, display, settings, write=False, diff=diff)
    return (raw if new is None else new), report


def _fix_candidate(
    candidate: "Candidate | None", path: Path, display: str, settings: Settings, write: bool, diff: bool = True
) -> tuple[FixReport, bytes | None]:
    """Fix the bytes a format claimed: the report, and the new bytes when there are any."""
    from .errors import FixError
    from .fixer import encode

    if candidate is None:
        return FixReport(display, skipped=True), None
    if candidate.preset:  # a preset file has nothing `fix` changes
        return FixReport(display), None
    try:
        outcome = _fix_outcome(candidate, path, display, settings, write)
    except (FixError, OSError) as exc:
        return FixReport(display, error=str(exc)), None
    others = tuple((o.display, "" if write else o.diff()) for o in outcome.others if o.old != o.new)
    if not outcome.changed:
        return FixReport(display, others=others), None
    document = outcome.result.document
    new = encode(document, outcome.new) if document is not None and not (write or diff) else None
    diff_text = outcome.diff() if diff and not write else ""
    return FixReport(display, True, diff_text, fixed=outcome.fixed, others=others), new


def _fix_outcome(candidate: "Candidate", path: Path, display: str, settings: Settings, write: bool) -> "FixOutcome":
    """What fixing the bytes a format claimed gives (written when `write`); FixError or OSError when the
    file is left alone."""
    from .fixer import Trainer, fix_file, fix_trainer_file

    _load()
    if candidate.trainer is not None:
        workspace = FolderWorkspace(path.parent, settings.root or repo_root(path.parent), settings.limits)
        trainer = Trainer(candidate.trainer, workspace)
        return fix_trainer_file(path, display, settings, candidate.raw, trainer, write=write)
    return fix_file(path, display, settings, write=write, raw=candidate.raw, marked=candidate.marked)


def fix_buffer(raw: bytes, path: Path, display: str, settings: Settings) -> "FixOutcome | None":
    """What `trainlint fix` makes of an editor's buffer of the file at `path`, met as a folder search
    meets it (see `check_source`): the new text and the other files its fixes rewrite, computed and
    verified as `fix` does, nothing written; None when no format claims it. errors.FixError (or
    OSError) when `fix` would leave the file alone."""
    _load()
    candidate = None if outside_repository(path, settings) else claim(raw, path, settings, explicit=False)
    return None if candidate is None else _fix_outcome(candidate, path, display, settings, write=False)


def fix_one_buffer(raw: bytes, path: Path, settings: Settings, fix: "Fix") -> str:
    """An editor's buffer of the file at `path` with one finding's fix applied and verified as `fix`
    verifies its edits (`fixer.fix_one`); errors.FixError when no format claims it or the fix does not
    verify."""
    from .errors import FixError
    from .fixer import fix_one

    _load()
    candidate = None if outside_repository(path, settings) else claim(raw, path, settings, explicit=False)
    if candidate is None:
        raise FixError("not a config trainlint reads")
    if candidate.trainer is not None:
        return fix_one(candidate.trainer.read(raw, str(path), settings.limits), fix, trainer=True)
    return fix_one(load_bytes(raw, str(path), settings.limits), fix)


def fix_paths(
    paths: Iterable[str],
    settings: Settings | None = None,
    write: bool = True,
    jobs: int | None = None,
    only_configs: bool = False,
    resolver: Resolver | None = None,
) -> list[FixReport]:
    """Fix files, folders and globs (see `check_paths` for `settings` and `jobs`), one report per file in order."""
    return list(iter_fix(paths, settings, write, jobs, only_configs, resolver))


def iter_fix(
    paths: Iterable[str],
    settings: Settings | None = None,
    write: bool = True,
    jobs: int | None = None,
    only_configs: bool = False,
    resolver: Resolver | None = None,
    skipped: Skipped | None = None,
) -> Iterator[FixReport]:
    """`fix_paths`, each report handed out as soon as it and all before it are done, so a command says
    which files it rewrote as it goes, and a run stopped halfway has named them. Bad paths and
    configuration files raise here, before the first report. `skipped`: as for `iter_check`."""
    from .replace import new_run

    pairs = with_settings(paths, settings, only_configs, resolver, skipped)
    items = [(t, s, write) for t, s in pairs]
    new_run()  # each folder is swept for stale temporary files once per run
    reports = imap_in_order(fix_target, items, jobs, warm_up)
    return reports if skipped is None else _telling(pairs, reports, skipped)
