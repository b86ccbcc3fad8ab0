"""The ignore files a folder search honours, as ruff does (`respect-gitignore`, on by default):
`.gitignore` files at every level, `.git/info/exclude` and git's global excludes file inside a
git work tree, and `.ignore` files anywhere (the files of ripgrep's `ignore` crate, which ruff
uses). A file git would not track is not a config anyone reviews: build outputs, a trainer's
copies of its config in a run folder, checkpoints' sidecars.

The patterns are read as git reads them: `#` comments, blank lines, `!` negations, a leading
`/` or a `/` inside anchoring a pattern at its file's folder, a trailing `/` for folders only,
`**` across folders; in one file the last matching pattern wins, and a deeper file wins over the
files above it. A folder that is ignored is not entered, so nothing below it can be taken back
by a negation, as in git. Each pattern is matched through settings_file's globs, whose stars cost
linear time (a pattern a pull request adds must not make the search hang), one path component at
a time.

Where git's reading needs more than the files themselves, less is done: the global excludes file
is `core.excludesFile` of `~/.gitconfig` or `$XDG_CONFIG_HOME/git/config`, else
`$XDG_CONFIG_HOME/git/ignore` (`~/.config/git/ignore`); `include` sections of git's
configuration, `$GIT_DIR` elsewhere than `.git`, and sparse checkouts are not read.
"""

import functools
import itertools
import os
import re
from pathlib import Path
from typing import NamedTuple

from .settings_file import Glob, compiled_glob

IGNORE_FILES = (".gitignore", ".ignore")
# an ignore file longer than this is not one a person wrote: its first part is read
_MAX_BYTES = 1 << 20
_MAX_PATTERNS = 10_000


class Pattern(NamedTuple):
    glob: Glob  # the pattern without its `!`: a `/` at its start or inside anchors it at its file's folder
    negated: bool


def parse(text: str) -> list[Pattern]:
    """The patterns of an ignore file, in order."""
    out = []
    for raw in text.splitlines()[:_MAX_PATTERNS]:
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        negated = line.startswith("!")  # `\!` and `\#` stay escaped: the glob reads them as the characters
        if negated:
            line = line[1:]
        body = line.strip()
        if not body or body in ("/", "**/"):
            continue
        out.append(Pattern(compiled_glob(body), negated))
    return out


class Layer:
    """One ignore file's patterns, matched relative to the folder that holds it (`base`, a real path).

    Most patterns name a file or folder at any depth (`*.ckpt`, `outputs/`): those only ever
    match an entry's own name (a folder above it was judged, and not entered, before), so they are
    joined into one regular expression per kind of entry, tried once per name, whose alternatives
    stand in reverse order: the one that matches is the last such pattern of the file. The other
    patterns (anchored, or with `**`) are tried one by one from the end, after cheap tests of
    their length and first component, and only while they come after that match."""

    __slots__ = ("base", "prefix", "patterns", "_names", "_others", "_by_head")

    def __init__(self, base: str, patterns: tuple[Pattern, ...]) -> None:
        self.base, self.prefix, self.patterns = base, base.rstrip(os.sep) + os.sep, patterns
        simple: list[tuple[int, Pattern, re.Pattern[str]]] = []
        self._others: list[tuple[int, Pattern, int | None]] = []  # (index, pattern, its fixed length)
        # the other patterns a path's first name (and whether it has more) lets through
        self._by_head: dict[tuple[str, bool], list[tuple[int, Pattern, int | None]]] = {}
        for index, pattern in enumerate(patterns):
            glob = pattern.glob
            rule = glob.runs[0][0] if len(glob.runs) == 1 and len(glob.runs[0]) == 1 else None
            if glob.gap_first and not glob.gap_last and rule is not None and "(?P<" not in rule.pattern:
                simple.append((index, pattern, rule))
            else:
                fixed = len(glob.runs[0]) if len(glob.runs) == 1 and not (glob.gap_first or glob.gap_last) else None
                self._others.append((index, pattern, fixed))
        self._names = {  # is_dir -> (the joined expression, the index and negation of each alternative)
            is_dir: _joined([(i, p, r) for i, p, r in simple if is_dir or not p.glob.folder_only])
            for is_dir in (False, True)
        }

    def decide(self, path: str, is_dir: bool) -> bool | None:
        """True: ignored; False: taken back by a negation; None: no pattern of this file matches."""
        if not path.startswith(self.prefix):
            return None
        names = path[len(self.prefix) :].split(os.sep)
        best, verdict = -1, None
        joined, alternatives = self._names[is_dir]
        found = joined.match(names[-1]) if joined is not None else None
        if found is not None and found.lastgroup is not None:
            best, negated = alternatives[found.lastgroup]
            verdict = not negated
        head = (names[0], len(names) > 1)
        others = self._by_head.get(head)
        if others is None:  # the patterns anchored at their first component that may match below that name
            if len(self._by_head) > 1024:
                self._by_head.clear()
            others = self._by_head[head] = [other for other in self._others if _head_allows(other[1].glob, *head)]
        for index, pattern, fixed in reversed(others):
            if index < best:
                break
            if fixed is not None and fixed != len(names):
                continue
            if pattern.glob.matches_exactly(names, is_dir):
                return not pattern.negated
        return verdict


def _head_allows(glob: Glob, first: str, deeper: bool) -> bool:
    """Whether a path whose first component is `first` may match the glob at all (for a glob anchored
    at its first component; `deeper`: the path has more components)."""
    if glob.gap_first or not glob.runs or not glob.runs[0]:
        return True
    rule = glob.runs[0][0]
    return rule is not None and (deeper or len(glob.runs[0]) == 1) and rule.match(first) is not None


def _joined(
    simple: list[tuple[int, Pattern, re.Pattern[str]]],
) -> tuple[re.Pattern[str] | None, dict[str, tuple[int, bool]]]:
    if not simple:
        return None, {}
    alternatives = {f"p{index}": (index, pattern.negated) for index, pattern, _ in simple}
    text = "|".join(f"(?P<p{index}>{rule.pattern})" for index, _, rule in reversed(simple))
    return re.compile(text), alternatives


class Rules(NamedTuple):
    """The ignore files in force in one folder, the deepest first."""

    layers: tuple[Layer, ...] = ()
    git: bool = False  # inside a git work tree: .gitignore counts, not only .ignore

    def ignored(self, path: str, is_dir: bool) -> bool:
        for layer in self.layers:
            verdict = layer.decide(path, is_dir)
            if verdict is not None:
                return verdict
        return False

    def inside(self, folder: str, names: set[str] | frozenset[str]) -> "Rules":
        """The rules for the entries of `folder` (a real path), given the names it holds."""
        own = [
            layer
            for name in (".ignore", ".gitignore")  # .ignore wins over .gitignore in one folder, as in ripgrep
            if name in names and (name == ".ignore" or self.git)
            for layer in [read_layer(os.path.join(folder, name), folder)]
            if layer.patterns
        ]
        return self._replace(layers=(*own, *self.layers)) if own else self


@functools.lru_cache(maxsize=4096)
def read_layer(path: str, base: str) -> Layer:
    try:
        with open(path, "rb") as handle:
            text = handle.read(_MAX_BYTES).decode("utf-8", "replace")
    except OSError:  # unreadable, or a folder of that name: nothing to honour
        text = ""
    return Layer(base, tuple(parse(text)))


def work_tree(folder: str) -> str | None:
    """The git work tree a real folder lies in (the folder holding `.git`), or None."""
    for candidate in (folder, *map(str, Path(folder).parents)):
        if os.path.exists(os.path.join(candidate, ".git")):
            return candidate
    return None


def rules_above(folder: str) -> Rules:
    """The rules a search that starts in a real folder inherits: the ignore files of the folders from
    its work tree's root down to its parent, and the repository's and git's global excludes (the
    search reads the folder's own files as it lists it). A folder that these rules ignore was named
    on purpose: it is searched with its own ignore files and those below it only."""
    root = work_tree(folder)
    if root is None:
        return Rules()
    rules = Rules(tuple(layer for layer in _global_layers(root) if layer.patterns), git=True)
    chain = _chain(root, folder)
    for step, next_step in itertools.pairwise(chain):
        rules = rules.inside(step, _names(step))
        if rules.ignored(next_step, is_dir=True):
            return Rules(git=True)
    return rules


def _chain(root: str, folder: str) -> list[str]:
    """The folders from `root` down to `folder`, both included."""
    rel = os.path.relpath(folder, root)
    out = [root]
    if rel != os.curdir:
        for part in rel.split(os.sep):
            out.append(os.path.join(out[-1], part))
    return out


def _names(folder: str) -> frozenset[str]:
    return frozenset(name for name in IGNORE_FILES if os.path.isfile(os.path.join(folder, name)))


@functools.lru_cache(maxsize=64)
def _global_layers(root: str) -> tuple[Layer, ...]:
    """`.git/info/exclude`, then git's global excludes file: below every .gitignore, in that order."""
    layers = [read_layer(os.path.join(root, ".git", "info", "exclude"), root)]
    excludes = global_excludes_file()
    if excludes is not None:
        layers.append(read_layer(excludes, root))
    return tuple(layers)


def global_excludes_file() -> str | None:
    home = os.path.expanduser("~")
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    for config in (os.path.join(home, ".gitconfig"), os.path.join(xdg, "git", "config")):
        found = _core_excludes_file(config)
        if found:
            return os.path.expanduser(found)
    return os.path.join(xdg, "git", "ignore")


def _core_excludes_file(config: str) -> str | None:
    """`core.excludesFile` in one git configuration file (the last one set), read plainly."""
    try:
        with open(config, encoding="utf-8", errors="replace") as handle:
            text = handle.read(_MAX_BYTES)
    except OSError:
        return None
    section, found = "", None
    for line in text.splitlines():
        stripped = line.strip()
        header = re.match(r"\[\s*([A-Za-z0-9.-]+)", stripped)
        if header:
            section = header.group(1).lower()
            continue
        entry = re.match(r"excludesfile\s*=\s*(.*)$", stripped, re.IGNORECASE)
        if section == "core" and entry:
            value = entry.group(1).split(" #")[0].split(" ;")[0].strip()
            found = value[1:-1] if len(value) > 1 and value[0] == value[-1] == '"' else value
    return found
