"""Checking many paths: discovery, then one result per file, in a stable order.

Files are independent, so many files are spread over a process pool (`jobs`, default:
one process per core). The map is generic: a picklable per-file function over a list
of items, in chunks, with results put back into input order, so the output of
`--jobs 8` is byte for byte the output of `--jobs 1`. A handful of files is checked
in-process: starting workers would cost more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple, TypeVar

from .config import Resolver
from .discovery import Target, discover
from .engine import FileResult, check_file
from .settings import Settings

T = TypeVar("T")
R = TypeVar("R")

# below this many files per worker, a pool costs more than it saves (a worker starts in ~10 ms,
# a file takes well under a millisecond)
MIN_FILES_PER_JOB = 48
# chunks several per worker, so a slow chunk (big dataset folders) does not leave a core idle
_CHUNKS_PER_JOB = 4
_MAX_CHUNK = 256


def default_jobs() -> int:
    """The cores this process may run on (respects CPU affinity, e.g. in containers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def map_in_order(func: Callable[[T], R], items: Sequence[T], jobs: int | None = None,
                 prepare: Callable[[], object] | None = None) -> list[R]:
    """`[func(x) for x in items]`, on up to `jobs` processes when there are enough items.

    `func` and the items must pickle; results come back in input order whatever the
    number of processes. `prepare` runs once in this process before workers start
    (compiling the schema, loading the catalog), so forked workers inherit its work.
    """
    jobs = default_jobs() if jobs is None or jobs <= 0 else jobs
    jobs = min(jobs, len(items) // MIN_FILES_PER_JOB)
    if jobs <= 1:
        return [func(item) for item in items]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if prepare is not None:
        prepare()
    # fork shares what `prepare` built and starts in milliseconds; elsewhere the platform default
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    chunk = max(1, min(_MAX_CHUNK, -(-len(items) // (jobs * _CHUNKS_PER_JOB))))
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method)) as pool:
        return list(pool.map(func, items, chunksize=chunk))


def check_target(item: tuple[Target, Settings]) -> FileResult:
    """One discovered file with its settings; the loaded document is dropped.

    Keeping every document would make memory grow with the repository, and a
    document would have to be pickled back from a worker; reporters need only the
    diagnostics. `engine.check_file` keeps it for callers that want it.
    """
    target, settings = item
    result = check_file(target.path, target.display, settings, target.explicit, target.link)
    result.document = None
    result.fail_on = settings.fail_on
    return result


def with_settings(paths: Iterable[str], settings: Settings | None = None, only_configs: bool = False,
                  resolver: Resolver | None = None) -> list[tuple[Target, Settings]]:
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
    from . import presets, schema_layer
    from .resources import SUPPORTED_SCHEMA_VERSIONS

    presets.catalog()
    for version in SUPPORTED_SCHEMA_VERSIONS:
        schema_layer.passes({}, version)


def check_paths(paths: Iterable[str], settings: Settings | None = None, jobs: int | None = None,
                only_configs: bool = False, resolver: Resolver | None = None) -> list[FileResult]:
    """Check files, folders (recursively) and globs; raises engine.UsageError for a bad path.

    Without `settings`, each file is checked with its closest configuration file
    (`config.ConfigError`, a UsageError, for a bad one). `jobs`: processes to use (None
    or 0: one per core; 1: in this process). Results carry diagnostics but not the
    loaded documents.
    """
    return map_in_order(check_target, with_settings(paths, settings, only_configs, resolver), jobs, warm_up)


class FixReport(NamedTuple):
    """What fixing one file did, small enough to send back from a worker."""

    display: str
    changed: bool = False
    diff: str = ""  # the unified diff, when not writing
    error: str | None = None  # why the file was left as it was


def fix_target(item: tuple[Target, Settings, bool]) -> FixReport:
    """Fix one discovered file (write it, or compute its diff); files found in folders must look like configs."""
    from .engine import read_candidate
    from .fix import FixError, fix_file

    target, settings, write = item
    try:
        candidate = read_candidate(target.path, settings, target.explicit, target.link)
    except OSError as exc:
        return FixReport(target.display, error=f"cannot read: {exc.strerror or exc}")
    if candidate is None:
        return FixReport(target.display)
    try:
        outcome = fix_file(target.path, target.display, settings, write=write, raw=candidate[0])
    except (FixError, OSError) as exc:
        return FixReport(target.display, error=str(exc))
    return FixReport(target.display, outcome.changed, outcome.diff() if outcome.changed and not write else "")


def fix_paths(paths: Iterable[str], settings: Settings | None = None, write: bool = True,
              jobs: int | None = None, only_configs: bool = False, resolver: Resolver | None = None) -> list[FixReport]:
    """Fix files, folders and globs (see `check_paths` for `settings` and `jobs`), one report per file in order."""
    items = [(t, s, write) for t, s in with_settings(paths, settings, only_configs, resolver)]
    return map_in_order(fix_target, items, jobs, warm_up)
