"""Project configuration: `[tool.trainlint]` in pyproject.toml, or trainlint.toml / .trainlint.toml.

Discovery follows ruff: for each checked file, the closest configuration file in its
folder or the folders above it wins, alone (no merging of several files). In one folder
`.trainlint.toml` comes before `trainlint.toml`, which comes before `pyproject.toml`; a
pyproject.toml without a `[tool.trainlint]` table is not a configuration. `--config FILE`
uses one file for every checked file; `--isolated` uses none. Paths and globs in a
configuration (per-file-ignores, include, exclude, preset-paths) are relative to the folder
that holds it. Command-line options apply on top: `--select` replaces the configured
selection, `--extend-select` and `--ignore` add to it, `--fail-on` replaces it.

Every key and value is checked here, before anything runs: an unknown key or a bad value is
a `ConfigError` naming the file, the line and the key (exit code 2), never a silent default.
"""

import functools
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

from .diagnostics import Severity
from .document import Limits
from .errors import UsageError
from .paths import real_path
from .settings import Settings
from .text import printable

NAMES = (".trainlint.toml", "trainlint.toml", "pyproject.toml")
LIMIT_KEYS = {name.replace("_", "-"): name for name in Limits._fields}


class ConfigError(UsageError):
    """A configuration file that cannot be used as written: exit code 2."""


def shown(path: Path) -> str:
    """A configuration file as messages name it: relative to the working folder when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class Overrides(NamedTuple):
    """What the command line says on top of the configuration files."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = None
    input_format: str | None = None  # --input-format forces the format
    training_type: str | None = None  # --training-type and --preset only fill what the configuration leaves open
    preset: str | None = None
    respect_gitignore: bool | None = None  # --respect-gitignore / --no-respect-gitignore

    def apply(self, settings: Settings) -> Settings:
        hinted = settings.training_type is not None or settings.preset is not None
        asked = self.training_type is not None or self.preset is not None
        return settings.replace(
            select=self.select if self.select is not None else settings.select,
            extend_select=settings.extend_select + self.extend_select,
            ignore=settings.ignore + self.ignore,
            fail_on=self.fail_on if self.fail_on is not None else settings.fail_on,
            input_format=self.input_format or settings.input_format,
            respect_gitignore=settings.respect_gitignore if self.respect_gitignore is None else self.respect_gitignore,
            **(
                {}
                if hinted or not asked
                else {"training_type": self.training_type, "preset": self.preset, "hints_source": "command line"}
            ),
        )


class Config(NamedTuple):
    """One configuration file, parsed and checked; `settings_for` specialises it to a file."""

    file: Path | None
    base: Path
    settings: Settings = Settings()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # per-file-input-format, per-file-training-type, per-file-preset: (glob, value); the last matching glob wins
    per_file: tuple[tuple[str, str, str], ...] = ()  # (setting, glob, value)
    cache_dir: Path | None = None  # `cache-dir`: where a run started here keeps the results cache

    def settings_for(self, path: Path | str, real: str | None = None) -> Settings:
        if not self.per_file_ignores and not self.per_file:
            return self.settings  # the same object for every file: its memoised rule selection is reused
        rel = _relative(real or real_path(path), self.base)
        changes: dict[str, Any] = {}
        names = rel.split("/")
        codes = tuple(c for pattern, listed in self.per_file_ignores if _glob(pattern).matches(names) for c in listed)
        if codes:
            changes["file_ignore"] = codes
        for setting, pattern, value in self.per_file:
            if _glob(pattern).matches(names):
                changes[setting] = value
                if setting != "input_format":
                    changes["hints_source"] = "configuration"
        return self.settings.replace(**changes) if changes else self.settings

    def same_for_every_file(self, explicit: bool) -> bool:
        """Whether every file (named ones, or found ones) gets the same settings and none is left out."""
        return not (self.per_file_ignores or self.per_file or self.exclude or (self.include and not explicit))

    def excludes(self, path: Path | str, explicit: bool, real: str | None = None) -> bool:
        """Exclude globs skip any file, named or found; include globs only narrow what folder searches find."""
        if not self.exclude and (explicit or not self.include):
            return False
        rel = _relative(real or real_path(path), self.base)
        names = rel.split("/")
        if any(_glob(pattern).matches(names) for pattern in self.exclude):
            return True
        return not explicit and bool(self.include) and not any(_glob(p).matches(names) for p in self.include)


def _relative(real: str, base: Path) -> str:
    resolved = Path(real)
    try:
        return resolved.relative_to(base).as_posix()
    except ValueError:
        return resolved.as_posix()


def _matches(rel: str, pattern: str) -> bool:
    """Globs as in .gitignore: without `/` a pattern matches a file or folder name at any depth;
    with one it is anchored at the configuration's folder, `**` spans folders, and a pattern
    that matches a folder matches everything below it. See `Glob`."""
    return _glob(pattern).matches(rel.split("/"))


@functools.lru_cache(maxsize=1024)
def _glob(pattern: str) -> "Glob":
    return Glob(pattern)


def compiled_glob(pattern: str) -> "Glob":
    """A glob of .gitignore's syntax, compiled once (ignore_files.py matches ignore files' patterns with it)."""
    return _glob(pattern)


class Glob:
    """A configuration glob with .gitignore's semantics, matched one path component at a time.

    Each component that is not `**` is translated by pathspec's gitignore patterns (the gitwildmatch
    rules black and yamllint use: `*`, `?`, `[!...]`, backslash escapes), its stars made atomic as
    `fnmatch` makes them, so a name costs linear time whatever its stars. `**` is never handed to a
    regular expression: the runs of components between the `**` are placed one after the other at
    the first folder where each fits, which finds a match whenever there is one (the runs have fixed
    lengths), so a pattern of many `**` against a deep path costs components times pattern, where a
    backtracking regex costs exponential time (10 s for one config).
    """

    def __init__(self, pattern: str) -> None:
        text = pattern.strip()
        self.folder_only = text.endswith("/")  # `name/` matches folders only, so only what lies below one
        text = text.strip("/")
        anchored = "/" in text or pattern.strip().startswith("/")
        parts = [part for part in text.split("/") if part]
        if not anchored:
            parts.insert(0, "**")
        # runs of components between `**` (consecutive `**` are one): [(leading gap?, [component regexes])]
        self.runs: list[list[re.Pattern[str] | None]] = [[]]
        self.gap_first = bool(parts) and parts[0] == "**"
        self.gap_last = bool(parts) and parts[-1] == "**"
        for part in parts:
            if part == "**":
                if self.runs[-1]:
                    self.runs.append([])
            else:
                self.runs[-1].append(_component(part))
        if not self.runs[-1]:
            self.runs.pop()
        self.never = not parts or pattern.strip().startswith(("#", "!"))  # a comment; a negation excludes nothing here

    def matches(self, names: list[str]) -> bool:
        """Whether the pattern matches the path (its components) or a folder above it."""
        if self.never:
            return False
        end = len(names) - 1 if self.folder_only else len(names)  # the last component is the file itself
        at = 0
        for index, run in enumerate(self.runs):
            found = self._place(run, names, at, end, anywhere=index > 0 or self.gap_first)
            if found < 0:
                return False
            at = found + len(run)
        return at < end if self.gap_last else at <= end

    def matches_exactly(self, names: list[str], is_dir: bool) -> bool:
        """Whether the pattern matches the path itself, as git matches an ignore file's pattern against
        each path it walks (a folder above is git's to match first: a search does not enter it); a
        pattern for folders (`name/`) matches folders only."""
        if self.never or (self.folder_only and not is_dir):
            return False
        end, at = len(names), 0
        for index, run in enumerate(self.runs):
            anywhere = index > 0 or self.gap_first
            if index == len(self.runs) - 1 and not self.gap_last:  # the last run ends the path
                start = end - len(run)
                if start < at or (start > at and not anywhere):
                    return False
                return all(rule is not None and rule.match(names[start + i]) for i, rule in enumerate(run))
            found = self._place(run, names, at, end, anywhere=anywhere)
            if found < 0:
                return False
            at = found + len(run)
        return at < end if self.gap_last else at == end

    @staticmethod
    def _place(run: list[re.Pattern[str] | None], names: list[str], start: int, end: int, anywhere: bool) -> int:
        """The first position from `start` where the run matches consecutive names ending by `end`; -1 for none."""
        last = end - len(run)
        stop = last + 1 if anywhere else min(start, last) + 1
        if len(run) == 1:  # the usual run: one name (`*.yaml`, `legacy`)
            rule = run[0]
            if rule is not None:
                for at in range(start, stop):
                    if rule.match(names[at]):
                        return at
            return -1
        for at in range(start, stop):
            if all(rule is not None and rule.match(names[at + i]) for i, rule in enumerate(run)):
                return at
        return -1


def _component(part: str) -> re.Pattern[str] | None:
    """One path component of a glob as pathspec's gitignore patterns read it, with linear-time stars;
    None for a component that matches nothing."""
    import pathspec  # only configurations with globs pay for its import

    rules = pathspec.PathSpec.from_lines("gitignore", ["/" + part]).patterns
    regex = getattr(rules[0], "regex", None) if len(rules) == 1 else None
    if regex is None or getattr(rules[0], "include", None) is not True:
        return None
    text = regex.pattern
    head, tail = "^", "(?:/|$)"
    if not (text.startswith(head) and text.endswith(tail)):
        return re.compile(text)
    pieces = text[len(head) : -len(tail)].split("[^/]*")  # pathspec writes each `*` so: what lies between is fixed
    if len(pieces) == 1:
        return re.compile(f"(?s:{pieces[0]})\\Z")
    middle = "".join(f"(?>.*?{piece})" for piece in pieces[1:-1] if piece)  # first fit, never revisited
    return re.compile(f"(?s:{pieces[0]}{middle}.*{pieces[-1]})\\Z")


class Resolver:
    """Finds and caches the configuration for each checked file (one lookup per folder)."""

    def __init__(
        self, config_file: Path | None = None, isolated: bool = False, overrides: Overrides | None = None
    ) -> None:
        self.overrides = overrides if overrides is not None else Overrides()
        self.plugin_errors: list[str] = []
        self._by_folder: dict[Path, Config] = {}
        self._by_file: dict[Path, Config] = {}
        self._by_real_folder: dict[str, Config] = {}
        self._applied: dict[int, tuple[Settings, Settings]] = {}
        self._fixed: Config | None = None
        self._same_in_folder: dict[tuple[str, bool], Settings] = {}  # see `lookup`
        if isolated:
            self._fixed = Config(None, Path.cwd().resolve())
        elif config_file is not None:
            if not config_file.is_file():
                raise ConfigError(f"{config_file}: no such configuration file")
            self._fixed = self._load(config_file.resolve(), required=True)

    def config_for(self, path: Path | str, real: str | None = None) -> Config:
        """The configuration of a file; `real` is its real path when the caller knows it already."""
        if self._fixed is not None:
            return self._fixed
        real_folder = os.path.dirname(real or real_path(path))
        config = self._by_real_folder.get(real_folder)
        if config is None:
            folder = Path(real_folder)
            if folder not in self._by_folder:
                self._by_folder[folder] = self._discover(folder)
            config = self._by_real_folder[real_folder] = self._by_folder[folder]
        return config

    def settings_for(self, path: Path, real: str | None = None) -> Settings:
        """The file's settings; one object per configuration, so what it memoises serves every file."""
        real = real or real_path(path)
        return self._applied_to(self.config_for(path, real).settings_for(path, real))

    def lookup(self, path: Path | str, explicit: bool, real: str | None = None) -> Settings | None:
        """The file's settings, or None when its configuration's globs leave it out. Where the
        configuration has no per-file settings and no globs that leave files out, every file of a
        folder gets the same answer, asked once per folder (a search meets thousands of files)."""
        real = real or real_path(path)
        folder = (real.rpartition(os.sep)[0], explicit)
        same = self._same_in_folder.get(folder)
        if same is not None:
            return same
        config = self.config_for(path, real)
        if config.excludes(path, explicit, real):
            return None
        found = self._applied_to(config.settings_for(path, real))
        if config.same_for_every_file(explicit):
            self._same_in_folder[folder] = found
        return found

    def _applied_to(self, base: Settings) -> Settings:
        held = self._applied.get(id(base))
        if held is None or held[0] is not base:  # holding `base` keeps its id from being reused
            held = self._applied[id(base)] = (base, self.overrides.apply(base))
        return held[1]

    def _discover(self, folder: Path) -> Config:
        walked = []
        found: Config | None
        for candidate in (folder, *folder.parents):
            if candidate in self._by_folder:
                found = self._by_folder[candidate]
                break
            walked.append(candidate)
            # os.path.isfile: False for a name longer than the system allows, where Path.is_file raises
            found = next(
                (c for c in (self._load(candidate / n) for n in NAMES if os.path.isfile(candidate / n)) if c), None
            )
            if found:
                break
        else:
            found = Config(None, Path.cwd().resolve())
        assert found is not None  # the loop stops on a configuration, or the default is taken
        for candidate in walked:
            self._by_folder[candidate] = found
        return found

    def _load(self, path: Path, required: bool = False) -> Config | None:
        if path not in self._by_file:
            table = read_table(path, required)
            if table is None:
                return None
            self._by_file[path] = parse(table, path, self.plugin_errors.extend)
        return self._by_file[path]


def describe(settings: Settings) -> str:
    """What `check --show-settings` prints for a file: a comment naming where its settings come from,
    then the settings as the TOML of a configuration file (`trainlint.toml`'s keys, which are
    `[tool.trainlint]`'s), so they can be pasted back; what applies to this one file through the
    per-file mappings is said in comments. Each line is `text.printable`: the file's name and its
    values are anyone's to choose (TOML's own escapes keep the values readable back)."""
    source = shown(settings.config_file) if settings.config_file else "none (defaults)"
    head = [f"# configuration file: {printable(source)}"]
    if settings.file_ignore:
        head.append(f"# per-file-ignores for this file: {', '.join(settings.file_ignore)}")
    for key, name in (("input-format", "input_format"), ("training-type", "training_type"), ("preset", "preset")):
        if getattr(settings, name) is not None:
            head.append(f"# per-file-{key} for this file: {printable(toml_value(getattr(settings, name)))}")
    values: dict[str, Any] = {
        "select": list(settings.select),
        "extend-select": list(settings.extend_select),
        "ignore": list(settings.ignore),
        "fail-on": str(settings.fail_on),
        "preset-paths": [str(p) for p in settings.preset_dirs],
        "plugins": list(settings.plugins),
        "respect-gitignore": settings.respect_gitignore,
        **{key: getattr(settings.limits, name) for key, name in LIMIT_KEYS.items()},
    }
    lines = [*head, *(f"{key} = {toml_value(value)}" for key, value in values.items())]
    if settings.severity:
        lines += ["[severity]", *(f"{code} = {toml_value(str(level))}" for code, level in settings.severity.items())]
    for code, thresholds in settings.thresholds.items():
        lines += [f"[thresholds.{code}]", *(f"{_toml_key(k)} = {toml_value(v)}" for k, v in thresholds.items())]
    return "".join(printable(line) + "\n" for line in lines)


def toml_value(value: Any) -> str:
    """A value as TOML writes it: strings in JSON's escapes (a subset of TOML's basic strings), lists
    as arrays, tables inline."""
    import json
    import math

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value))


def _toml_key(key: str) -> str:
    import json

    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def read_table(path: Path, required: bool = False) -> dict[str, Any] | None:
    """The trainlint table of a file: `[tool.trainlint]` in a pyproject.toml, the whole file otherwise."""
    import tomllib

    try:
        text = path.read_text(encoding="utf-8")
        if path.name == "pyproject.toml" and not required and "trainlint" not in text and "\\" not in text:
            return None  # another tool's file (the name cannot be spelt without the word or an escape): not parsed
        data = tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"{shown(path)}: cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown(path)}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib reads nesting recursively
        raise ConfigError(f"{shown(path)}: not valid TOML: nested too deeply to read") from None
    if path.name != "pyproject.toml":
        return data
    table = data.get("tool", {}).get("trainlint") if isinstance(data.get("tool"), dict) else None
    if table is None and required:
        raise ConfigError(f"{shown(path)}: no [tool.trainlint] table")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{shown(path)}: `tool.trainlint` must be a table")
    return table


def parse(
    table: dict[str, Any], path: Path, report_plugin_errors: Callable[[list[str]], None] = lambda _: None
) -> Config:
    """Check every key and value of a configuration table and build its Config."""
    reader = _Reader(path)
    unknown = set(table) - set(_KEYS)
    if unknown:
        import difflib  # only a mistyped configuration gets here: start-up does not pay for it

        key = min(unknown)
        close = difflib.get_close_matches(key, list(_KEYS), n=1)
        reader.fail(
            key,
            f"unknown key `{key}`"
            + (f"; did you mean `{close[0]}`?" if close else "")
            + f" (known keys: {', '.join(_KEYS)})",
        )
    plugins = tuple(reader.strings(table, "plugins"))
    if plugins:
        from .plugins import load

        report_plugin_errors([f"{shown(path)}: {error}" for error in load(plugins)])
    base = path.parent.resolve()
    kwargs: dict[str, Any] = {"plugins": plugins, "config_file": path}
    for key in ("select", "extend-select", "ignore"):
        if key in table:
            kwargs[key.replace("-", "_")] = tuple(reader.codes(table, key))
    if "fail-on" in table:
        kwargs["fail_on"] = reader.severity(table["fail-on"], "fail-on")
    if "respect-gitignore" in table:
        if not isinstance(table["respect-gitignore"], bool):
            reader.fail(
                "respect-gitignore", f"`respect-gitignore` must be true or false, not {table['respect-gitignore']!r}"
            )
        kwargs["respect_gitignore"] = table["respect-gitignore"]
    severity = reader.table(table, "severity")
    kwargs["severity"] = {
        reader.code(code, f"severity.{code}"): reader.severity(value, f"severity.{code}")
        for code, value in severity.items()
    }
    kwargs["thresholds"] = reader.thresholds(reader.table(table, "thresholds"))
    limits = {LIMIT_KEYS[k]: reader.positive_int(table, k) for k in LIMIT_KEYS if k in table}
    if limits:
        kwargs["limits"] = Limits(**limits)
    kwargs["preset_dirs"] = tuple(reader.folder(base, p, "preset-paths") for p in reader.strings(table, "preset-paths"))
    per_file = tuple(
        (pattern, tuple(reader.codes({pattern: codes}, pattern, f"per-file-ignores.{pattern!r}")))
        for pattern, codes in reader.table(table, "per-file-ignores").items()
    )
    hints = tuple(
        (setting.replace("-", "_").removeprefix("per_file_"), pattern, reader.choice(value, key, pattern))
        for key, setting in _PER_FILE.items()
        for pattern, value in reader.table(table, key).items()
    )
    return Config(
        path,
        base,
        Settings(**kwargs),
        per_file,
        tuple(reader.strings(table, "include")),
        tuple(reader.strings(table, "exclude")),
        hints,
        reader.cache_folder(base, table["cache-dir"]) if "cache-dir" in table else None,
    )


# configuration key -> the setting it gives the files its globs match
_PER_FILE = {
    "per-file-input-format": "per-file-input-format",
    "per-file-training-type": "per-file-training-type",
    "per-file-preset": "per-file-preset",
}
_KEYS = (
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "severity",
    "fail-on",
    "thresholds",
    "include",
    "exclude",
    "preset-paths",
    "plugins",
    "cache-dir",
    "respect-gitignore",
    *_PER_FILE,
    *LIMIT_KEYS,
)


class _Reader:
    """Type checks with messages that name the file, the line of the key and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lines: list[str] = []

    def fail(self, key: str, message: str) -> NoReturn:
        if not self._lines:
            self._lines = self.path.read_text(encoding="utf-8").splitlines()
        start = next((n for n, text in enumerate(self._lines) if re.match(r"\s*\[+\s*tool\.trainlint\b", text)), 0)
        name = re.escape(key.split(".")[0].strip("'\""))
        line = next(
            (
                n
                for n, text in enumerate(self._lines[start:], start + 1)
                if re.match(rf"\s*(\[[\w.\"' -]*)?[\"']?{name}[\"']?\s*[=\].]", text)
            ),
            None,
        )
        raise ConfigError(shown(self.path) + (f":{line}" if line else "") + f": {message}")

    def strings(self, table: dict[str, Any], key: str) -> list[str]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, f'`{key}` must be a list of strings, like ["a", "b"]')
        return value

    def table(self, table: dict[str, Any], key: str) -> dict[str, Any]:
        value = table.get(key, {})
        if not isinstance(value, dict):
            self.fail(key, f"`{key}` must be a table ([tool.trainlint.{key}] or {key} = {{...}})")
        return value

    def code(self, code: str, key: str) -> str:
        from .rules import Rule

        upper = code.strip().upper()
        if not upper or not any(known.startswith(upper) for known in Rule.registry):
            self.fail(key, f"`{key}`: no rule code starts with {code!r} (see `trainlint rules`)")
        return upper

    def codes(self, table: dict[str, Any], key: str, shown: str | None = None) -> list[str]:
        return [self.code(c, shown or key) for c in self.strings(table, key)]

    def severity(self, value: Any, key: str) -> Severity:
        try:
            return Severity.parse(value) if isinstance(value, str) else Severity.parse(repr(value))
        except ValueError as exc:
            self.fail(key, f"`{key}`: {exc}")

    def choice(self, value: Any, key: str, pattern: str) -> str:
        """A value of a per-file mapping: an input format name, a training type or a catalog preset."""
        from .catalog import catalog
        from .inputs import FORMAT_NAMES

        cat = catalog()
        known = {
            "per-file-input-format": list(FORMAT_NAMES),
            "per-file-training-type": list(cat.training_types),
            "per-file-preset": cat.refs(),
        }[key]
        if not isinstance(value, str) or value not in known:
            self.fail(key, f"`{key}.{pattern!r}` must be one of {', '.join(known)}, not {value!r}")
        return value

    def positive_int(self, table: dict[str, Any], key: str) -> int:
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(key, f"`{key}` must be a whole number of at least 1, not {value!r}")
        return value

    def folder(self, base: Path, value: str, key: str) -> Path:
        folder = (base / value).resolve()
        if not folder.is_dir():
            self.fail(key, f"`{key}`: {value!r} is not a folder (relative to {base})")
        return folder

    def cache_folder(self, base: Path, value: Any) -> Path:
        """`cache-dir`, relative to the configuration file: inside its repository, since a run writes there."""
        from .paths import repo_root

        if not isinstance(value, str) or not value.strip() or "\x00" in value:
            self.fail("cache-dir", f"`cache-dir` must be a folder name, not {value!r}")
        folder = (base / value).resolve()
        root = repo_root(base)
        if not folder.is_relative_to(root):
            self.fail("cache-dir", f"`cache-dir`: {value!r} is outside the repository ({root}); a run writes there")
        return folder

    def thresholds(self, table: dict[str, Any]) -> dict[str, dict[str, Any]]:
        from .rules import get

        out = {}
        for code, values in table.items():
            rule = get(code)
            if rule is None or not rule.thresholds:
                self.fail("thresholds", f"`thresholds.{code}`: {code!r} is not a rule with thresholds")
            if not isinstance(values, dict):
                self.fail("thresholds", f"`thresholds.{code}` must be a table")
            for name, value in values.items():
                default = rule.thresholds.get(name)
                if default is None:
                    self.fail(
                        name, f"`thresholds.{code}.{name}`: unknown threshold (known: {', '.join(rule.thresholds)})"
                    )
                if not _same_kind(default, value):
                    whole = " a whole number" if _whole_default(default) else ""
                    self.fail(name, f"`thresholds.{code}.{name}` must be{whole} like {default!r}, not {value!r}")
            out[rule.code] = {name: _as_default(rule.thresholds[name], value) for name, value in values.items()}
        return out


def _whole_default(default: Any) -> bool:
    return isinstance(default, int) and not isinstance(default, bool)


def _same_kind(default: Any, value: Any) -> bool:
    """Whether a threshold's value may stand for its default: a number for a float, a whole number for
    an integer (a count a rule may slice or range by; `3.0` is taken as 3), the same shape for lists
    and tables."""
    if isinstance(default, bool) or isinstance(value, bool):
        return type(default) is type(value)
    if _whole_default(default):
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 2**53)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    if isinstance(default, (list, tuple)):  # a list of names may grow; a numeric [low, high] pair may not
        if default and all(isinstance(d, str) for d in default):
            return isinstance(value, list) and all(isinstance(v, str) for v in value)
        return (
            isinstance(value, list)
            and len(value) == len(default)
            and all(_same_kind(d, v) for d, v in zip(default, value, strict=True))
        )
    if isinstance(default, dict):
        return (
            isinstance(value, dict)
            and set(value) <= set(default)
            and all(_same_kind(default[k], v) for k, v in value.items())
        )
    return type(default) is type(value)


def _as_default(default: Any, value: Any) -> Any:
    """A checked value in its default's type: a whole float where an integer belongs becomes an int."""
    if _whole_default(default) and isinstance(value, float):
        return int(value)
    if isinstance(default, list) and isinstance(value, list) and len(default) == len(value):
        return [_as_default(d, v) for d, v in zip(default, value, strict=True)]
    if isinstance(default, dict) and isinstance(value, dict):
        return {k: _as_default(default[k], v) for k, v in value.items()}
    return value
