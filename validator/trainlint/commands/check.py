"""`trainlint check`: report findings in text, concise, json, sarif, github or junit."""

from __future__ import annotations

import argparse
import functools
import io
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from ..api import check_source, iter_check, with_settings
from ..cache import DEFAULT_DIR, Cache
from ..diagnostics import plural
from ..discovery import Target
from ..errors import UsageError
from ..inputs import SEARCHED_SUFFIXES
from ..paths import replace_whole
from ..reporters import FORMATS, renderer
from ..reporters import text as text_report
from ..reporters.text import summary
from ..results import FileResult
from ..settings import Settings
from ..settings_file import Resolver, describe
from ..text import did_you_mean, printable
from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, stdin
from .fix import fix_paths_reporting, tell_skipped
from .options import plugin_errors, resolver_from


def _format(args: argparse.Namespace) -> str:
    name = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if name not in FORMATS:
        raise UsageError(f"unknown format {name!r} (choose from: {', '.join(FORMATS)}){did_you_mean(name, FORMATS)}")
    return name


def _kept(results: Iterable[FileResult], into: list[FileResult]) -> Iterator[FileResult]:
    for result in results:
        into.append(result)
        yield result


# the formats whose closing summary line is a person's to read: `--quiet` drops it, `check --fix` adds to it
_HUMAN = ("text", "concise")


def run(args: argparse.Namespace, out: TextIO) -> int:
    name = _format(args)
    resolver = resolver_from(args)
    cache = functools.cache(lambda: _cache(args, resolver))  # made once, when first needed
    args.paths = with_dependents(args, resolver, cache)
    if args.show_settings:
        return _show_settings(args, resolver, out)
    if args.fix and stdin.wanted(args):
        raise UsageError("check --fix does not read standard input: `trainlint fix -` prints the fixed text")
    fixed = fix_paths_reporting(args, resolver, write=True, out=None)[2] if args.fix else None
    render = renderer(name)
    if name in _HUMAN:
        from ..reporters import text

        render = functools.partial(text.render, hints=name == "text", quiet=args.quiet, fixed=fixed)
    tell = tell_skipped(args)
    source = stdin.read(args, resolver) if stdin.wanted(args) else None
    if source is not None:
        if source.settings is None:
            tell(source.display, "excluded by the configuration")
        found: Iterable[FileResult] = (
            [] if source.settings is None else [check_source(source.raw, source.path, source.display, source.settings)]
        )
    else:
        found = iter_check(
            args.paths,
            jobs=args.jobs,
            only_configs=args.only_configs,
            resolver=resolver,
            skipped=tell,
            cache=cache(),
            # the workers make the text report's lines, unless they are to be coloured (a terminal's)
            shown=name == "text" and (args.output is not None or not text_report.colour(out)),
        )
    if args.output is None:  # written while later files are still being checked
        results: list[FileResult] = []
        render(_kept(found, results), out)
    else:  # rendered whole once every file is checked, then written: never a half-written report
        results = list(found)
        report = io.StringIO(newline="\n")
        render(results, report)
        try:
            write_whole(args.output, report.getvalue())
        except OSError as exc:
            raise UsageError(f"--output {args.output}: cannot write: {exc.strerror or exc}") from None
        if not args.quiet:
            out.write(f"{summary(results, fixed)}; {name} report written to {printable(str(args.output))}\n")
    if fixed is not None and name not in _HUMAN and args.output is None and not args.quiet:
        remaining = sum(len(r.diagnostics) for r in results)
        print(f"trainlint: {fixed:,} fixed, {remaining:,} remaining", file=sys.stderr)
    if plugin_errors(resolver):
        return EXIT_ERROR
    if not any(not r.skipped for r in results):
        # an editor's buffer of an excluded file: nothing to say, as for ruff's --force-exclude
        return EXIT_OK if source is not None else _nothing_checked(args, len(results))
    failing = any(r.failing() for r in results)
    return EXIT_FINDINGS if failing and not args.exit_zero else EXIT_OK


def _cache(args: argparse.Namespace, resolver: Resolver) -> Cache | None:
    """The results cache of this run (cache.py), or None with `--no-cache` / TRAINLINT_NO_CACHE.

    Its folder: `--cache-dir`, else TRAINLINT_CACHE_DIR, else the `cache-dir` of the configuration
    that applies to the working folder, else `.trainlint_cache` beside that configuration file, or at
    the top of the repository without one. Entries are kept for the files below that project folder.
    """
    if args.no_cache or os.environ.get("TRAINLINT_NO_CACHE", "").strip().lower() in ("1", "true", "yes"):
        return None
    from ..paths import repo_root

    here = Path.cwd()
    config = resolver.config_for(here / "-")
    project = config.file.parent.resolve() if config.file is not None else repo_root(here)
    named = args.cache_dir or os.environ.get("TRAINLINT_CACHE_DIR") or None
    if named:
        return Cache(Path(named).resolve(), project)
    return Cache(config.cache_dir or project / DEFAULT_DIR, project, bound=repo_root(here))


def _nothing_checked(args: argparse.Namespace, found: int) -> int:
    """A run that checked no config says so, as ruff's "No Python files found": CI that checks nothing
    must not look green, so it exits 2. With --only-configs (the pre-commit hooks, handed every staged
    file of a suffix trainlint reads) a commit without a config is normal: a warning, exit 0."""
    if found:
        why = f"{plural(found, 'file')} found, none of them a config of trainlint or of a trainer format"
    else:
        why = (
            "no file under the given paths has a suffix trainlint reads ("
            + ", ".join(SEARCHED_SUFFIXES)
            + "), or the configuration excludes them"
        )
    if args.only_configs:
        if not args.quiet:
            print(f"trainlint: warning: no configs checked: {why}", file=sys.stderr)
        return EXIT_OK
    print(f"trainlint: error: no configs checked: {why}", file=sys.stderr)
    return EXIT_ERROR


def with_dependents(
    args: argparse.Namespace, resolver: Resolver, cache: Callable[[], Cache | None] = lambda: None
) -> list[str]:
    """The paths to check: those named (or `.`), the staged files with `--staged`, and the configs that use
    a named or staged file that is no trainlint config (an image, a caption, a preset file, a trainer's
    dataset config; see dependents.py). Images and captions are not checked themselves: their configs are.
    What was done is said on stderr, in one line."""
    staged = bool(getattr(args, "staged", False))
    paths = list(args.paths) or ([] if staged else ["."])
    changed: list[str] = []
    if staged:
        from ..dependents import staged as staged_files

        present, every = staged_files()
        paths += present
        changed += every
    changed += [p for p in args.paths if os.path.isfile(p)]
    if not changed:
        return paths
    from ..dependents import dependents, needs_search
    from ..inputs import SEARCHED_SUFFIXES

    settings = Settings()
    changed = [p for p in dict.fromkeys(changed) if needs_search(p, settings)]
    if not changed:
        return paths

    found = dependents(changed, resolver, functools.partial(_looked_at, cache()))
    users = list(dict.fromkeys(user for name in changed for user in found[name]))
    dataset_files = {p for p in changed if not p.lower().endswith(SEARCHED_SUFFIXES)}  # images, captions
    kept = [p for p in paths if p not in dataset_files]
    shown = ", ".join(printable(p) for p in changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    said = (
        f"checked the {plural(len(users), 'config')} that use{'s' if len(users) == 1 else ''} "
        f"{'them' if len(changed) > 1 else 'it'}: "
        + ", ".join(printable(u) for u in users[:5])
        + (f" and {len(users) - 5} more" if len(users) > 5 else "")
        if users
        else f"no config in the repository uses {'them' if len(changed) > 1 else 'it'}"
    )
    if users or dataset_files:  # a trainer's file that nothing names is an ordinary config: nothing to say
        print(f"trainlint: {shown}: {said}", file=sys.stderr)
    return [*kept, *users]


def _looked_at(cache: Cache | None, target: Target, settings: Settings) -> set[str] | None:
    """What a config looked at when it was last checked, from the results cache (None: not known)."""
    if cache is None:
        return None
    return cache.looked_at(target.real, target.path, cache.key(settings, target.display, target.explicit, target.link))


def write_whole(path: Path, text: str) -> None:
    """Write a report file whole or not at all: into a new file beside it, renamed over it once
    complete, so a run that fails or is killed leaves the old report or none, never an empty or
    half one. A path that is not a regular file (`/dev/stdout`, a named pipe) is written directly."""
    data = text.encode("utf-8")
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        regular = True
    if not regular:
        with open(path, "wb") as stream:
            stream.write(data)
        return
    folder, name = os.path.split(os.path.realpath(path))  # a symlink to the report: its file is replaced
    target = os.path.join(folder, name)
    temp = os.path.join(folder, f".{name}.{os.getpid()}.trainlint-report")
    replace_whole(target, temp, data, os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)


def _show_settings(args: argparse.Namespace, resolver: Resolver, out: TextIO) -> int:
    """Which configuration file wins for each file, and what it resolves to (with the command line on top)."""
    from ..repository import read_candidate

    def considered(target: Target, settings: Settings) -> bool:  # as a check would decide
        try:
            return read_candidate(Path(target.path), settings, target.explicit, target.link) is not None
        except OSError:
            return True  # the check would report it: show what it would be checked with

    for target, settings in with_settings(args.paths or ["."], None, args.only_configs, resolver):
        if considered(target, settings):
            lines = describe(settings).split("\n")
            out.write(f"{printable(target.display)}:\n" + "".join(f"  {line}\n" for line in lines if line))
    return plugin_errors(resolver)
