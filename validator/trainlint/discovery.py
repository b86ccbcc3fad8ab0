"""Which files a run checks: named files, folders searched recursively, and globs.

Files named explicitly are always checked (a non-config gets TL006); files found in
folders or by globs are checked only when they look like trainlint configs, so a
repository's workflows, compose files and preset files are left alone. Folder searches leave
out what `.gitignore`, `.ignore` and git's excludes ignore (ignore_files.py), unless the
configuration says `respect-gitignore = false`.

A search never leaves the repository it starts in: a symlink inside a repository leads
anywhere its author chose (`configs -> /`), so a folder named on the command line, or matched
by a glob, that reaches out of its repository through a symlink is not searched, and neither
folder walks nor `**` ever enter a symlinked folder. Symlinks above the repository (a home
folder linked elsewhere) are the machine's own and are followed.
"""

import errno
import fnmatch
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from .errors import UsageError
from .ignore_files import IGNORE_FILES, Rules, rules_above
from .inputs import SEARCHED_SUFFIXES
from .paths import real_path, shown_name

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"})


class Target(NamedTuple):
    path: str  # as found; the process that checks the file makes the Path (thousands of them cost ms here)
    display: str
    explicit: bool
    real: str  # the real path, worked out once here for de-duplication and reused to find the configuration
    link: bool | None = None  # whether the file is a symlink, when the folder listing told (None: not known)
    named: bool = False  # named on the command line (with --only-configs too): a skipped one is named on stderr


_new = tuple.__new__  # a Target of the fields in order, without the generated __new__ (thousands per search)


def _real_or_lexical(path: str) -> str:
    """The real path, or for a symlink loop the absolute path as written: the file is still checked
    (and reported unreadable), and de-duplication needs a key."""
    try:
        return real_path(path)
    except (OSError, RuntimeError):  # a loop (RuntimeError before Python 3.13)
        return os.path.abspath(path)


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _root_of(real: str, cwd: str) -> str | None:
    """The repository of a real folder, as `repository.repo_root` finds it, or None outside a git work
    tree and outside the working folder (the machine's own places: nothing to keep a search inside)."""
    for folder in (real, *(str(p) for p in Path(real).parents)):
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
    return cwd if _inside(real, cwd) else None


def contained(arg: str) -> tuple[str, str | None] | None:
    """The real path of a path named on the command line and the repository it must stay in, or
    None when a symlink inside a repository on the way leads out of it.

    The path is followed component by component as the kernel would (`..` after a symlink goes
    up from its target): a symlink met inside a repository must lead to a place inside that same
    repository; the bound narrows to each folder with `.git` reached on the way down."""
    cwd = os.getcwd()
    real = os.sep if os.path.isabs(arg) else cwd
    root = _root_of(real, cwd)
    for part in arg.split(os.sep):
        if part in ("", "."):
            continue
        if part == "..":
            real = os.path.dirname(real)
            root = _root_of(real, cwd)
            continue
        step = os.path.join(real, part)
        if os.path.islink(step):
            try:
                step = str(Path(step).resolve())
            except (OSError, RuntimeError):  # a loop: not a folder to search
                return None
            if root is not None and not _inside(step, root):
                return None
        real = step
        if os.path.exists(os.path.join(real, ".git")):
            root = real
        elif root is None and real == cwd:
            root = cwd
    return real, root


def _walk(folder: str, real: str, rules: "Rules | None" = None) -> Iterator[tuple[str, str, list[str], list[bool]]]:
    """The files below `folder` that some input format may read (by suffix: YAML, JSON, TOML, shell,
    env), a folder at a time in sorted order (a folder's files, then its sub-folders): the folder as
    found and its real path, each with a separator added, its files' names and whether each is a
    symlink. `real` is the top folder's own: below it, a name that is no symlink adds itself to its
    folder's real path, so only symlinks cost a resolve. Symlinked folders are not entered;
    unreadable folders are passed over, as `os.walk` does, but a folder whose path is longer than
    the system allows (PATH_MAX) is yielded as a file of its parent, so its check says it was not
    read instead of its files silently missing; depth costs no recursion. `rules`:
    the ignore files in force above `folder` (ignore_files.py), or None to read none."""
    pending = [(folder, real, rules)]
    while pending:
        folder, real, above = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            if exc.errno == errno.ENAMETOOLONG:
                parent, name = os.path.split(folder.rstrip(os.sep))
                yield os.path.join(parent, ""), os.path.join(os.path.dirname(real), ""), [name], [False]
            continue
        here = above.inside(real, {e.name for e in entries if e.name in IGNORE_FILES}) if above is not None else None
        below_rules = here
        if here is not None and not here.layers:  # no ignore file in force: nothing to ask of each entry
            here = None
        below = []
        names: list[str] = []
        links: list[bool] = []
        inside = os.path.join(real, "")  # a name joined to a folder: `inside + name`, once per folder
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if name not in SKIP_DIRS and not name.startswith(".") and not entry.is_symlink():
                    child = inside + name
                    if here is None or not here.ignored(child, is_dir=True):
                        below.append((entry.path, child, below_rules))
            elif name.lower().endswith(SEARCHED_SUFFIXES) and (here is None or not here.ignored(inside + name, False)):
                names.append(name)
                links.append(entry.is_symlink())
        if names:
            yield os.path.join(folder, ""), inside, names, links
        pending.extend(reversed(below))


def _glob(pattern: str) -> list[tuple[str, str | None]] | None:
    """What `glob.glob(pattern, recursive=True)` matches, sorted, each with the repository it must
    stay in, or None when the part before the first wildcard leads out of its repository through a
    symlink. No symlinked folder is entered: `**` spans real folders only, and a symlinked folder
    matched by the pattern is searched only when it leads to a place inside the repository.

    The part before the first wildcard is followed as a named path is (`contained`). Below it,
    the folders are walked once each and every entry is matched against the set of pattern
    components it may stand for, so many `**` cost no backtracking. As in `glob`, `*` and `**`
    leave out names that start with a dot unless the pattern's component does."""
    parts = pattern.split(os.sep)
    first = next(i for i, part in enumerate(parts) if glob_magic(part))
    base = os.sep.join(parts[:first]) or (os.sep if os.path.isabs(pattern) else "")
    start = contained(base or os.curdir)
    if start is None:
        return None
    return sorted(_matches(start[0], start[1], base, [part for part in parts[first:] if part != ""]))


def _matches(real_base: str, root: str | None, base: str, rest: list[str]) -> Iterator[tuple[str, str | None]]:
    """`_glob`'s walk below the pattern's literal part `base` (whose real path is `real_base`)."""
    rules = [None if part == "**" else re.compile(fnmatch.translate(part)) for part in rest]
    end = len(rules)

    def closure(states: set[int]) -> set[int]:
        out = set(states)
        for i in sorted(states):
            while i < end and rules[i] is None:  # `**` may stand for no folder at all
                i += 1
                out.add(i)
        return out

    prefix = base + os.sep if base and not base.endswith(os.sep) else base
    start_states = closure({0})
    if end in start_states and base:
        yield prefix, root
    pending = [(prefix, real_base, start_states)]
    while pending:
        shown, real, states = pending.pop()
        try:
            with os.scandir(real) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        below = []
        for entry in entries:
            name, hidden = entry.name, entry.name.startswith(".")
            reached: set[int] = set()
            for i in states:
                if i == end:
                    continue
                rule = rules[i]
                if rule is None:
                    if not hidden:
                        reached.add(i)
                elif rule.match(name) and (not hidden or rest[i].startswith(".")):
                    reached.add(i + 1)
            if not reached:
                continue
            reached = closure(reached)
            path = shown + name
            if end in reached:
                yield path, root
            try:
                real_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                real_folder = False
            if real_folder and any(i < end for i in reached):
                below.append((path + os.sep, os.path.join(real, name), reached))
        pending.extend(reversed(below))


def glob_magic(text: str) -> bool:
    """Whether a command-line word is a glob pattern (as `glob.has_magic` tells)."""
    return any(ch in text for ch in "*?[")


def discover(
    args: list[str], only_configs: bool = False, respect_gitignore: Callable[[str], bool] | None = None
) -> list[Target]:
    """Expand the command line into files, in a stable order, each once.

    `only_configs` treats named files like found ones (skipped unless they look like
    configs): pre-commit names every staged YAML file, workflows included. A folder that a
    symlink leads to from inside a repository to a place outside it is not searched (see the
    module's docstring). `respect_gitignore` tells, for the real path of a folder searched,
    whether its search leaves out what the ignore files ignore (ignore_files.py); None: never.
    Files named, and files a glob matches, are taken whatever the ignore files say.
    """
    seen: set[str] = set()
    out: list[Target] = []

    def add(path: str, explicit: bool, named: bool = False) -> None:
        key = _real_or_lexical(path)
        if key not in seen:
            seen.add(key)
            out.append(Target(path, shown_name(os.path.normpath(path)), explicit, key, None, named))

    def search(folder: str, root: str | None) -> None:
        """Walk a folder named or matched, unless it reaches out of `root` through a symlink."""
        start = contained(folder)
        if start is None or (root is not None and not _inside(start[0], root)):
            return
        rules = rules_above(start[0]) if respect_gitignore is not None and respect_gitignore(start[0]) else None
        # every path found is the folder joined to names, none of them `.`, `..` or empty: normalising the
        # folder once normalises them all
        joined, norm = os.path.join(folder, ""), os.path.normpath(folder)
        shown = "" if norm == os.curdir else os.path.join(norm, "")
        for found, inside, names, links in _walk(folder, start[0], rules):
            at = shown + found[len(joined) :] if found.startswith(joined) else None
            for name, link in zip(names, links, strict=True):
                path = found + name
                real = _real_or_lexical(path) if link else inside + name
                if real not in seen:
                    seen.add(real)
                    display = shown_name(at + name if at is not None else os.path.normpath(path))
                    out.append(_new(Target, (path, display, False, real, link, False)))

    for arg in args:
        if glob_magic(arg) and not os.path.lexists(arg):
            matches = _glob(arg)
            if matches is None:  # through a symlink out of the repository: nothing there is ours to check
                continue
            if not matches:
                raise UsageError(f"{arg}: no files match this pattern")
            for match, root in matches:
                if os.path.isdir(match):
                    search(match, root)
                elif match.lower().endswith(SEARCHED_SUFFIXES):
                    add(match.rstrip(os.sep), False)
        elif os.path.isdir(arg):
            search(arg, None)
        elif os.path.lexists(arg) or _too_long(arg):
            add(arg, not only_configs, named=True)
        else:
            raise UsageError(f"{arg}: no such file or folder")
    return out


def _too_long(path: str) -> bool:
    """A path the system refuses for its length: it may well exist, and its check says it cannot be read."""
    try:
        os.lstat(path)
    except OSError as exc:
        return exc.errno == errno.ENAMETOOLONG
    except ValueError:  # a NUL byte
        return False
    return False
