"""Checking many paths: discovery, then one result per file, in a stable order.

Files are independent, so many files are spread over processes (`jobs`, default: one
per core; see parallel.py), with results in input order: the output of `--jobs 8` is
byte for byte the output of `--jobs 1`. A handful of files is checked in-process:
starting workers would cost more than it saves.
"""

import errno
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from . import codes
from .diagnostics import Finding, Span
from .discovery import Target, discover
from .document import Document
from .engine import place, run, run_trainer
from .inputs.trainlint import is_config, not_a_config
from .inputs.workspace import FolderWorkspace
from .inputs.yaml_reader import load_bytes
from .parallel import imap_in_order
from .repository import read_candidate, repo_root
from .results import FileResult
from .settings import Settings
from .settings_file import Resolver


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
    doc = Document(file=display)
    return FileResult(display, place(doc, [Finding(codes.UNREADABLE_FILE, why, span=Span(0, 0, 0, 0))], settings), doc)


def check_file(
    path: Path, display: str, settings: Settings, explicit: bool = True, link: bool | None = None
) -> FileResult:
    """Check one file. One that cannot be read (a named pipe, a dangling symlink, a symlink loop, a
    path too long) gets a TL090 finding rather than stopping the run."""
    try:
        candidate = read_candidate(path, settings, explicit, link)
    except OSError as exc:
        return _unreadable_result(display, settings, unreadable(exc, path))
    if candidate is None:
        return FileResult(display, skipped=True)
    raw, marked, trainer = candidate
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


def check_target(item: tuple[Target, Settings]) -> FileResult:
    """One discovered file with its settings; the loaded document is dropped.

    Keeping every document would make memory grow with the repository, and a
    document would have to be pickled back from a worker; reporters need only the
    diagnostics. `check_file` keeps it for callers that want it.
    """
    target, settings = item
    result = check_file(Path(target.path), target.display, settings, target.explicit, target.link)
    result.document = None
    result.fail_on = settings.fail_on
    return result


def with_settings(
    paths: Iterable[str], settings: Settings | None = None, only_configs: bool = False, resolver: Resolver | None = None
) -> list[tuple[Target, Settings]]:
    """Discovered files paired with the settings each is checked with.

    Given `settings`, every file uses them. Otherwise each file gets the closest
    configuration file above it (see config.py), and the files its `exclude` /
    `include` globs leave out are dropped; `resolver` carries command-line overrides
    and collects plugin errors.
    """
    targets = discover(list(paths), only_configs)
    if settings is not None:
        return [(t, settings) for t in targets]
    resolver = resolver or Resolver()
    return [(t, found) for t in targets if (found := resolver.lookup(t.path, t.explicit, t.real)) is not None]


def warm_up() -> None:
    """Compile the schema and load the preset catalog once, before workers fork."""
    from . import catalog as presets
    from . import schema_layer
    from .resources import SUPPORTED_SCHEMA_VERSIONS

    presets.catalog()
    for version in SUPPORTED_SCHEMA_VERSIONS:
        schema_layer.passes({}, version)


def check_paths(
    paths: Iterable[str],
    settings: Settings | None = None,
    jobs: int | None = None,
    only_configs: bool = False,
    resolver: Resolver | None = None,
) -> list[FileResult]:
    """Check files, folders (recursively) and globs; raises errors.UsageError for a bad path.

    Without `settings`, each file is checked with its closest configuration file
    (`config.ConfigError`, a UsageError, for a bad one); a file that cannot be read gets a TL090
    finding. `jobs`: processes to use (None
    or 0: one per core; 1: in this process). Results carry diagnostics but not the
    loaded documents.
    """
    return list(iter_check(paths, settings, jobs, only_configs, resolver))


def iter_check(
    paths: Iterable[str],
    settings: Settings | None = None,
    jobs: int | None = None,
    only_configs: bool = False,
    resolver: Resolver | None = None,
) -> Iterator[FileResult]:
    """`check_paths`, each result handed out as soon as it is ready (in the same order), so a
    report is written while later files are checked. Bad paths and configuration files
    raise here, before the first result."""
    return imap_in_order(check_target, with_settings(paths, settings, only_configs, resolver), jobs, warm_up)


class FixReport(NamedTuple):
    """What fixing one file did, small enough to send back from a worker."""

    display: str
    changed: bool = False
    diff: str = ""  # the unified diff, when not writing
    error: str | None = None  # why the file was left as it was
    # the files its fixes rewrote (or, when not writing, would rewrite) besides it: (name, diff when not writing)
    others: tuple[tuple[str, str], ...] = ()


def fix_target(item: tuple[Target, Settings, bool]) -> FixReport:
    """Fix one discovered file (write it, or compute its diff); files found in folders must look like configs."""
    from .errors import FixError
    from .fixer import Trainer, fix_file, fix_trainer_file
    from .repository import read_candidate

    target, settings, write = item
    path = Path(target.path)
    try:
        candidate = read_candidate(path, settings, target.explicit, target.link)
    except OSError as exc:
        return FixReport(target.display, error=unreadable(exc, path))
    if candidate is None:
        return FixReport(target.display)
    try:
        if candidate.trainer is not None:
            trainer = Trainer(
                candidate.trainer,
                FolderWorkspace(path.parent, settings.root or repo_root(path.parent), settings.limits),
            )
            outcome = fix_trainer_file(path, target.display, settings, candidate.raw, trainer, write=write)
        else:
            outcome = fix_file(path, target.display, settings, write=write, raw=candidate.raw, marked=candidate.marked)
    except (FixError, OSError) as exc:
        return FixReport(target.display, error=str(exc))
    others = tuple((o.display, "" if write else o.diff()) for o in outcome.others if o.old != o.new)
    return FixReport(
        target.display, outcome.changed, outcome.diff() if outcome.changed and not write else "", others=others
    )


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
) -> Iterator[FixReport]:
    """`fix_paths`, each report handed out as soon as it and all before it are done, so a command says
    which files it rewrote as it goes, and a run stopped halfway has named them. Bad paths and
    configuration files raise here, before the first report."""
    from .replace import new_run

    items = [(t, s, write) for t, s in with_settings(paths, settings, only_configs, resolver)]
    new_run()  # each folder is swept for stale temporary files once per run
    return imap_in_order(fix_target, items, jobs, warm_up)
